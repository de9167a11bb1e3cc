"""What reading a file gives besides articles: a `Skipped` file, record or folder with the
reason a user reads, and the pieces every reader words its reasons with (archive.text.ingest
for files, archive.text.records for the records of a dump)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# The default per-article cap (Config.max_article_bytes, ARCHIVE_MAX_ARTICLE_BYTES): a .txt
# or .html file, or one record of a dump, above it is skipped.
MAX_ARTICLE_BYTES = 5_000_000
CAP_ENV = "ARCHIVE_MAX_ARTICLE_BYTES"


@dataclass(frozen=True)
class Skipped:
    """A file (or a record in a file, or a folder) that was not indexed, and why.

    keep=True when the failure says nothing of the content (a folder that cannot be listed,
    a file that cannot be opened, a library that is missing): a mirror build then keeps the
    articles it indexed from that path before.
    """

    path: str
    reason: str
    keep: bool = False


def shown(path: str | Path) -> str:
    """`path` as text any UTF-8 store accepts: bytes of a file name that are not UTF-8
    (which Python holds as lone surrogates) are escaped as \\xNN, so the file is indexed
    under a readable name instead of failing the build."""
    return os.fsencode(path).decode("utf-8", errors="backslashreplace")


def storable(text: str) -> str:
    """`text` without lone surrogates (a JSON string may hold "\\ud800"), escaped as
    \\udNNN: SQLite and every UTF-8 consumer accept the result."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", errors="backslashreplace").decode("utf-8")


def megabytes(n: int) -> str:
    return f"{n / 1_000_000:g} MB"


def too_large(cap: int, records: bool = False, packed: bool = False) -> str:
    size = f"larger than {megabytes(cap)}{' once decompressed' if packed else ''}"
    if records:
        return f"{size}: split the dump into smaller files"
    return f"{size} (raise {CAP_ENV} to index it)"


def failure(exc: BaseException) -> str:
    """The reason an unexpected exception gives for skipping a file or a record."""
    if isinstance(exc, ImportError):
        return (f"a library needed to read it cannot be imported ({exc}): reinstall archive's "
                "dependencies (pip install archive)")
    if isinstance(exc, RecursionError):
        return "nested too deeply to be read"
    if isinstance(exc, MemoryError):
        return "not enough memory to read it"
    message = " ".join(str(exc).split())[:200]
    return f"could not be read ({type(exc).__name__}{': ' + message if message else ''})"
