"""What every command shares: turning library errors into one line, and the help of the
options several commands take (so `archive build`, `search`, `saved`, ... say the same)."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps

import click

from archive.errors import ArchiveError

INDEX_HELP = "Index folder (default: $ARCHIVE_INDEX or ./index)."
BACKEND_HELP = "Storage and search engine: local (FAISS + SQLite, default) or milvus."
MILVUS_HELP = ("Milvus for --backend milvus: a file path (Milvus Lite, in-process) or "
               "http://host:19530 (default: $ARCHIVE_MILVUS_URI or INDEX/milvus.db).")


def friendly(fn: Callable) -> Callable:
    """Turn the library's own errors into one line on stderr and a non-zero exit."""
    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ArchiveError as exc:
            raise click.ClickException(str(exc)) from None
    return wrapper
