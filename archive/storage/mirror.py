"""What the builds ask of storage besides `Store` and `VectorIndex`: a copy of a published
catalogue to start a new generation from, the storage library versions for the manifest,
mirroring a published generation into the configured engine, and the writer of a
distributed build that fills an engine directly.

The builds never name an engine: `mirror_generation` and `open_stream` dispatch on
`config.backend` here (to be folded into `archive.storage`, the one place that names
engines).
"""
from __future__ import annotations

import sqlite3
from importlib.metadata import version
from pathlib import Path

from archive.config import Config
from archive.errors import BadRequest
from archive.storage import ENGINES, engine_class
from archive.storage.milvus.schema import default_uri
from archive.storage.milvus.sync import sync_generation
from archive.storage.milvus.writer import StreamWriter
from archive.storage.vectors import faiss_version


def copy_database(src: Path, dst: Path) -> None:
    """Copy a published SQLite database with the backup API (consistent, page by page)."""
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    target = sqlite3.connect(str(dst))
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def storage_versions() -> dict[str, str]:
    """Versions of the libraries a local generation is written with, for its manifest."""
    return {"faiss": faiss_version(), "sqlite_utils": version("sqlite-utils"),
            "sqlite": sqlite3.sqlite_version}


def mirror_generation(config: Config, gen: Path) -> None:
    """Make the configured engine hold the published generation `gen`: nothing to do for
    the local engine (the generation is the archive); Milvus gets the diff against what it
    last synced (upserts and deletes in batches, see archive.storage.milvus.sync)."""
    if config.backend not in ENGINES:
        raise BadRequest(f"unknown backend {config.backend!r}: choose local or milvus")
    if config.backend == "milvus":
        sync_generation(config, gen)


def open_stream(config: Config) -> StreamWriter:
    """The writer of a distributed build into the configured engine (not connected yet);
    BadRequest for an engine the distributed build cannot fill."""
    if not engine_class(config).distributed_build:
        raise BadRequest("the distributed build writes to Milvus: add --backend milvus "
                         "(with --ray alone the local build embeds on Ray)")
    return StreamWriter(default_uri(config))
