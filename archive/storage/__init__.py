"""Storage: where a built archive lives, and the one interface every engine answers.

Owns the `Backend` protocol and its engines: "local" (published generations of SQLite +
FAISS: `generations`, `sqlite`, `vectors`, `local`) and "milvus" (`milvus/`: schema, reader,
sync), the manifest compatibility check (`manifest`), the choice of engine, and the
reader's notebook beside the index (`userdb`: saved searches and bookmarks in
INDEX/user.db, outside every generation; `userexport`: bookmarks resolved and exported).
This module is the only place that names an engine: everything else opens an archive
with `open_backend(config)` and asks the backend's declared capabilities, never its type.

May import archive.config, archive.errors, archive.models and archive.text (query terms).
faiss, sqlite_utils and pymilvus load only when an engine is opened (importing this package
is cheap: `archive --help` stays fast); import `Store`, `VectorIndex` or an engine's backend
class from its own module.
"""
from __future__ import annotations

from pathlib import Path

from archive.config import Config
from archive.errors import BadRequest
from archive.storage.generations import (
    DB_NAME,
    FAULT_ENV,
    UPLOADS,
    VECTORS_NAME,
    IndexDir,
    fault_point,
)
from archive.storage.interface import Backend, Ranked
from archive.storage.manifest import FORMAT_VERSION, check_compatible, check_manifest
from archive.storage.userdb import (
    USER_DB,
    Bookmark,
    SavedRun,
    SavedSearch,
    UserData,
    passage_hash,
)
from archive.storage.userexport import (
    EXPORT_FORMATS,
    export_bookmarks,
    resolve_bookmarks,
)

__all__ = ["DB_NAME", "ENGINES", "FAULT_ENV", "FORMAT_VERSION", "UPLOADS", "VECTORS_NAME",
           "Backend", "IndexDir", "Ranked", "archive_exists", "check_compatible",
           "check_manifest", "engine_class", "fault_point", "mirror_generation", "open_backend",
           "open_stream"]
__all__ += ["EXPORT_FORMATS", "USER_DB", "Bookmark", "SavedRun", "SavedSearch", "UserData",
            "export_bookmarks", "resolve_bookmarks", "passage_hash"]  # the notebook: userdb

ENGINES = ("local", "milvus")


def engine_class(config: Config) -> type[Backend]:
    """The backend class of the engine `config.backend` names."""
    if config.backend == "local":
        from archive.storage.local import LocalBackend  # lazy: faiss and sqlite_utils

        return LocalBackend
    if config.backend == "milvus":
        from archive.storage.milvus.reader import (
            MilvusBackend,  # lazy: the pymilvus engine
        )

        return MilvusBackend
    raise BadRequest(f"unknown storage engine {config.backend!r}: choose one of "
                     f"{', '.join(ENGINES)} (ARCHIVE_BACKEND, --backend)")


def open_backend(config: Config, expected: dict[str, object] | None = None) -> Backend:
    """The archive `config` points at, opened read-only; `expected` (model, dimension,
    embedding_backend) is checked against its manifest."""
    return engine_class(config).open(config, expected)


def mirror_generation(config: Config, generation: Path) -> None:
    """Make the configured engine hold a just-published local generation (nothing to do
    for the local engine; Milvus gets the diff against what it last synced)."""
    engine_class(config).mirror(config, generation)


def open_stream(config: Config):  # noqa: ANN201 - the engine's stream writer
    """The writer of a distributed build into the configured engine (not connected yet);
    BadRequest for an engine the distributed build cannot fill."""
    return engine_class(config).stream_writer(config)


def archive_exists(config: Config) -> bool:
    """Whether the configured engine holds an archive (a published local generation, or a
    Milvus archive), without opening it."""
    return engine_class(config).exists(config)
