"""Read articles from files and folders: .txt, .html/.htm, .jsonl and .csv.

Bytes never crash a build: each file is decoded as UTF-8, else with the encoding
charset-normalizer detects; what cannot be read is reported as a `Skipped` with its reason.
"""
from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from archive.models import RawArticle

TEXT_SUFFIXES = {".txt"}
HTML_SUFFIXES = {".html", ".htm"}
RECORD_SUFFIXES = {".jsonl", ".csv"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | RECORD_SUFFIXES
MAX_FILE_BYTES = 200 * 1024 * 1024
TEXT_FIELDS = ("text", "body", "content", "article", "maintext")
OPTIONAL_FIELDS = ("title", "date", "url", "outlet", "author")
FIELD_ALIASES = {"outlet": ("outlet", "source", "publisher", "site", "sitename"),
                 "date": ("date", "published", "publication_date", "pubdate"),
                 "author": ("author", "authors", "byline")}


@dataclass(frozen=True)
class Skipped:
    """A file (or a record in a file) that was not indexed, and why."""

    path: str
    reason: str


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path | Skipped]:
    """Every file under the given files and folders, recursively, in a stable order.

    Symlinked folders are not followed (no loops); a missing path is reported.
    """
    for raw in paths:
        path = Path(raw)
        if path.is_file():
            yield path
        elif path.is_dir():
            for root, dirs, files in os.walk(path, followlinks=False, onerror=None):
                dirs.sort()
                for name in sorted(files):
                    if not name.startswith("."):
                        yield Path(root) / name
        else:
            yield Skipped(str(path), "no such file or folder")


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else the encoding charset-normalizer finds, else UTF-8 with
    replacement characters: never raises."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    results = from_bytes(data[:1_000_000])
    best = results.best()
    if best is not None and best.encoding and best.encoding != "cp1252":
        # On short Western text the detector cannot tell Latin code pages apart (it reads
        # latin-1 "naïve" as cp1257 "naļve"); when Windows-1252, the web's default for
        # undeclared pages, reads the bytes about as cleanly, prefer it.
        western = next((m for m in results if m.encoding == "cp1252"), None)
        if western is not None and western.chaos <= best.chaos + 0.05:
            best = western
    if best is not None and best.encoding:
        try:
            return data.decode(best.encoding)
        except (UnicodeDecodeError, LookupError):
            pass
    return data.decode("utf-8", errors="replace")


def looks_binary(data: bytes) -> bool:
    """NUL bytes in the first 8 KiB (after ruling out UTF-16) mean an image, an archive, ..."""
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    return b"\x00" in head


def read_path(path: Path) -> list[RawArticle | Skipped]:
    """The articles in one file, or the reason it was skipped."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        return [Skipped(str(path), f"unsupported file type '{suffix or path.name}' "
                        f"(supported: {', '.join(sorted(SUPPORTED))})")]
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return [Skipped(str(path), f"larger than {MAX_FILE_BYTES // 2**20} MiB")]
        data = path.read_bytes()
    except OSError as exc:
        return [Skipped(str(path), f"cannot be read: {exc.strerror or exc}")]
    if not data.strip():
        return [Skipped(str(path), "empty file")]
    if looks_binary(data):
        return [Skipped(str(path), "binary content, not text")]
    text = decode(data)
    if suffix in TEXT_SUFFIXES:
        return [RawArticle(text=text, path=str(path))]
    if suffix in HTML_SUFFIXES:
        return [read_html(text, str(path))]
    if suffix == ".jsonl":
        return read_jsonl(text, str(path))
    return read_csv(text, str(path))


def read_html(html: str, path: str) -> RawArticle | Skipped:
    """Main text and metadata of a web page, via trafilatura (scripts and markup dropped)."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                          favor_precision=True)
    except Exception as exc:  # trafilatura raises many types on broken markup
        return Skipped(path, f"HTML could not be parsed: {type(exc).__name__}")
    if doc is None or not (getattr(doc, "text", None) or "").strip():
        return Skipped(path, "no article text found in the HTML page")
    # trafilatura separates paragraphs by single newlines; the cleaner expects blank lines.
    text = "\n\n".join(line for line in doc.text.splitlines() if line.strip())
    return RawArticle(text=text, path=path, title=doc.title or None, date=doc.date or None,
                      url=doc.url or None, outlet=doc.sitename or None, author=doc.author or None)


def record_to_article(record: dict, path: str, where: str) -> RawArticle | Skipped:
    """One JSONL/CSV record: a text field is required; title, date, url, outlet, author optional."""
    lowered = {str(k).strip().lower(): v for k, v in record.items() if k is not None}
    text = next((lowered[f] for f in TEXT_FIELDS if isinstance(lowered.get(f), str)
                 and lowered[f].strip()), None)
    if text is None:
        return Skipped(f"{path}{where}", f"no text field (one of: {', '.join(TEXT_FIELDS)})")
    meta: dict[str, str | None] = {}
    for name in OPTIONAL_FIELDS:
        keys = FIELD_ALIASES.get(name, (name,))
        value = next((lowered[k] for k in keys if lowered.get(k) not in (None, "")), None)
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        meta[name] = str(value).strip() if value is not None else None
    return RawArticle(text=text.replace("\r\n", "\n"), path=f"{path}{where}", **meta)


def read_jsonl(text: str, path: str) -> list[RawArticle | Skipped]:
    out: list[RawArticle | Skipped] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            out.append(Skipped(f"{path}#{number}", f"invalid JSON on line {number}: {exc.msg}"))
            continue
        if not isinstance(record, dict):
            out.append(Skipped(f"{path}#{number}", f"line {number} is not a JSON object"))
            continue
        out.append(record_to_article(record, path, f"#{number}"))
    return out or [Skipped(path, "no records")]


def read_csv(text: str, path: str) -> list[RawArticle | Skipped]:
    csv.field_size_limit(2**31 - 1)
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
        if not any(f in header for f in TEXT_FIELDS):
            return [Skipped(path, f"CSV has no text column (one of: {', '.join(TEXT_FIELDS)}; "
                            f"found: {', '.join(header) or 'none'})")]
        rows = list(reader)
    except csv.Error as exc:
        return [Skipped(path, f"malformed CSV: {exc}")]
    out = [record_to_article(row, path, f"#{i}") for i, row in enumerate(rows, start=2)]
    return out or [Skipped(path, "no records")]


def read_all(paths: Iterable[str | Path]) -> Iterator[RawArticle | Skipped]:
    """Every article under `paths`, and a `Skipped` for each file or record that is not one."""
    for item in iter_files(paths):
        if isinstance(item, Skipped):
            yield item
        else:
            yield from read_path(item)
