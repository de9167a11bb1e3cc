"""The one compatibility check between an archive's manifest and the embedder in use.

Every path that reads or extends stored vectors calls it: opening a local generation or a
Milvus archive, encoding a query (`Searcher.encode`), and the builds (incremental, re-embed,
distributed). Vectors of another model, dimension, normalisation or embedding backend never
mix with the ones in use; each message says how to migrate.
"""
from __future__ import annotations

from pathlib import Path

from archive.errors import IndexCorrupt, IndexMismatch
from archive.storage.generations import DB_NAME

FORMAT_VERSION = 1
COMPATIBILITY_KEYS = ("model", "dimension", "normalized", "embedding_backend")


def check_manifest(found: dict[str, object], expected: dict[str, object] | None,
                   generation: Path) -> None:
    """Refuse an index built for another model, dimension, normalisation or format.

    generation: the folder (local) or URI path (Milvus) named in the messages."""
    if not found:
        raise IndexCorrupt(f"'{generation / DB_NAME}' has no manifest: rebuild with "
                           "'archive build --full'")
    if found.get("format") != FORMAT_VERSION:
        raise IndexMismatch(f"index format {found.get('format')} is not {FORMAT_VERSION}: "
                            "rebuild with 'archive build --full'")
    check_compatible(found, expected)


def check_compatible(found: dict[str, object], expected: dict[str, object] | None) -> None:
    """Refuse vectors of another model, dimension, normalisation or embedding backend than
    `expected` (keys absent from `expected` are not checked); each message says how to
    migrate. A manifest without `embedding_backend` predates int8 vectors: torch-fp32."""
    for key in COMPATIBILITY_KEYS:
        if not expected or key not in expected:
            continue
        value = found.get(key, "torch-fp32" if key == "embedding_backend" else None)
        if key == "embedding_backend" and value != expected[key]:
            raise IndexMismatch(
                f"the index was built with embedding_backend={value!r} but "
                f"{expected[key]!r} is in use, and fp32 and int8 vectors never share an index: "
                "rebuild with 'archive build --full', or set ARCHIVE_EMBEDDING_BACKEND to the "
                "backend the index was built with")
        if value != expected[key]:
            raise IndexMismatch(
                f"the index was built with {key}={value!r} but {expected[key]!r} is in use: "
                "migrate it with 'archive build --reembed' (or rebuild with --full), or set "
                "ARCHIVE_MODEL to the model the index was built with")
