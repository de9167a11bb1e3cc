"""Read articles from files and folders: .txt, .html/.htm, .json, .jsonl, .csv, .pdf, .docx and
.eml (archive.text.documents), each also compressed with gzip, bzip2 or xz ("dump.jsonl.gz":
what it holds, decompressed no further than the cap on what it holds), and the web pages of
WARC files (.warc, .warc.gz: archive.text.webarchive), read one record at a time.

No file can stop, hang or leak a build. A file is read only when it is a regular file whose
real path lies under one of the paths the user gave (a symlink inside the corpus is fine;
one leading outside it, a device, a FIFO or a socket is skipped with its reason), it is
opened without blocking and read up to a cap, and every failure while reading or parsing it
becomes a `Skipped` with its reason. Bytes are decoded as UTF-8, else with the encoding
charset-normalizer detects; file names that are not UTF-8 are kept with their bytes escaped.
"""
from __future__ import annotations

import bz2
import lzma
import os
import re
import stat
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from archive.models import RawArticle
from archive.text.documents import (DOCX_SUFFIXES, EMAIL_SUFFIXES, DocumentUnreadable,
                                    docx_text, email_parts)
from archive.text.pdf import PAGE_BREAK, PdfUnreadable, pdf_pages
from archive.text.records import read_csv, read_json, read_jsonl
from archive.text.skips import (MAX_ARTICLE_BYTES, Skipped, failure, shown, storable,
                                too_large)
from archive.text.webarchive import WARC_SUFFIXES, Tally, WarcUnreadable, warc_pages

TEXT_SUFFIXES = {".txt"}
HTML_SUFFIXES = {".html", ".htm"}
RECORD_SUFFIXES = {".json", ".jsonl", ".csv"}
PDF_SUFFIXES = {".pdf"}  # read through their text layer (archive.text.pdf), page by page
# read whole and bounded like a dump (fonts, images, attachments), their text like an article
DOCUMENT_SUFFIXES = PDF_SUFFIXES | DOCX_SUFFIXES | EMAIL_SUFFIXES
SUPPORTED = (TEXT_SUFFIXES | HTML_SUFFIXES | RECORD_SUFFIXES | DOCUMENT_SUFFIXES
             | WARC_SUFFIXES)
# A compressed file ends in one of these after the type of what it holds ("a.jsonl.gz"). The
# standard library's decompressor objects (not gzip.open & co.) stop at a length, so a bomb
# is cut off at the cap, and give what precedes the cut of a truncated file.
COMPRESSED = {".gz": lambda: zlib.decompressobj(wbits=47),  # a gzip (or zlib) header
              ".bz2": bz2.BZ2Decompressor, ".xz": lzma.LZMADecompressor}
COMPRESSION = {".gz": "gzip", ".bz2": "bzip2", ".xz": "xz"}  # as a reason names them
# A .json/.jsonl/.csv dump holds many articles: the whole file is read up to this many bytes.
MAX_FILE_BYTES = 200_000_000
FILE_KINDS = {stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFCHR: "a character device",
              stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket",
              stat.S_IFDIR: "a folder"}


def real(path: Path) -> Path:
    """The absolute path with every symlink resolved (as far as they resolve)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop (RuntimeError before Python 3.13)
        return Path(os.path.abspath(path))


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path | Skipped]:
    """Every file under the given files and folders, recursively, in a stable order, that
    is safe to read (see `checked`), and a `Skipped` for each that is not.

    Symlinked folders are not followed (no loops); a missing path is reported, and so is a
    folder that cannot be listed (permissions, or removed during the walk), with keep=True.
    """
    given = [Path(p) for p in paths]
    roots = [real(p) for p in given]
    for path in given:
        try:
            is_dir = stat.S_ISDIR(os.stat(path).st_mode)
        except OSError as exc:
            if not os.path.lexists(path):
                yield Skipped(shown(path), "no such file or folder")
            else:
                yield unreadable(path, exc)
            continue
        if is_dir:
            yield from walk(path, roots)
        else:
            yield checked(path, roots)


def walk(folder: Path, roots: list[Path]) -> Iterator[Path | Skipped]:
    """The files of `folder` and its subfolders, checked; unlistable folders reported."""
    errors: list[OSError] = []
    for root, dirs, files in os.walk(folder, followlinks=False, onerror=errors.append):
        yield from unlisted(errors)
        dirs.sort()
        for name in sorted(files):
            if not name.startswith("."):
                yield checked(Path(root) / name, roots)
    yield from unlisted(errors)


def unlisted(errors: list[OSError]) -> Iterator[Skipped]:
    """A `Skipped` (keep=True) for each folder os.walk could not list; empties `errors`."""
    while errors:
        exc = errors.pop(0)
        yield Skipped(shown(exc.filename or "?"), f"folder cannot be listed: "
                      f"{exc.strerror or exc}; the articles indexed from it are kept",
                      keep=True)


def unreadable(path: Path, exc: OSError) -> Skipped:
    """A file that cannot be opened: kept unless it is gone (a dangling link)."""
    gone = isinstance(exc, FileNotFoundError)
    return Skipped(shown(path), f"cannot be read: {exc.strerror or exc}", keep=not gone)


def checked(path: Path, roots: list[Path]) -> Path | Skipped:
    """`path` when it is a regular file whose real path lies under one of `roots`; else a
    `Skipped` saying why (a link leaving the given folders, a device, FIFO or socket)."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return unreadable(path, exc)
    target = real(path)
    if not any(target == r or target.is_relative_to(r) for r in roots):
        return Skipped(shown(path), f"a link to {shown(target)}, outside the given files and "
                       "folders: not read")
    if not stat.S_ISREG(mode):
        return Skipped(shown(path), f"not a regular file ({not_regular(mode)}): not read")
    return path


def not_regular(mode: int) -> str:
    return FILE_KINDS.get(stat.S_IFMT(mode), "not a regular file")


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


def nonblocking(path: str, flags: int) -> int:
    """An `open` opener that never waits: a FIFO without a writer opens at once."""
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))


def irregular(info: os.stat_result, path: Path) -> Skipped | None:
    """Why a file opened for reading is not read, by the stat of its open descriptor (a
    FIFO or a device that replaced it after `iter_files`), or None for a regular file."""
    if stat.S_ISREG(info.st_mode):
        return None
    return Skipped(shown(path), f"not a regular file ({not_regular(info.st_mode)}): not read")


def read_bounded(path: Path, cap: int, records: bool) -> bytes | Skipped:
    """At most `cap` bytes of the regular file `path`, or why it is not read. The file is
    opened without blocking and checked on the open descriptor, so a FIFO or a device that
    replaced it after `iter_files` is never read."""
    with open(path, "rb", buffering=0, opener=nonblocking) as f:
        info = os.fstat(f.fileno())
        if (odd := irregular(info, path)) is not None:
            return odd
        if info.st_size > cap:
            return Skipped(shown(path), too_large(cap, records))
        data = f.read(cap + 1) or b""
    if len(data) > cap:  # it grew while being read
        return Skipped(shown(path), too_large(cap, records))
    return data


def file_type(name: str | Path) -> tuple[str, str]:
    """(the type of what a file holds, its compression or ""), from its name:
    "dump.JSONL.gz" -> (".jsonl", ".gz"), "a.txt" -> (".txt", "")."""
    path = Path(name)
    suffix = path.suffix.lower()
    if suffix in COMPRESSED:
        return Path(path.stem).suffix.lower(), suffix
    return suffix, ""


def unpacked(data: bytes, packed: str, cap: int, path: Path,
             records: bool) -> tuple[bytes, Skipped | None]:
    """The bytes a compressed file holds, read no further than `cap` (a decompression bomb
    stops there), and why not all of them were read, if so: a corrupt file gives nothing;
    a dump cut short (an interrupted download) gives its whole lines before the cut, and a
    note that it was cut."""
    out, rest, why = bytearray(), data, None
    try:
        while rest.strip(b"\x00") and len(out) <= cap:  # member after member ("cat a.gz b.gz")
            stream = COMPRESSED[packed]()
            out += stream.decompress(rest, cap + 1 - len(out))
            if not stream.eof:
                why = None if len(out) > cap else "it ends before its end-of-stream marker"
                break
            rest = stream.unused_data
    except (OSError, EOFError, lzma.LZMAError, zlib.error) as exc:
        why = " ".join(str(exc).split())[:200] or type(exc).__name__
    if len(out) > cap:
        return b"", Skipped(shown(path), too_large(cap, records, packed=True))
    if why is None:
        return bytes(out), None
    whole = bytes(out[: out.rfind(b"\n") + 1])
    if not records or not whole.strip():
        return b"", Skipped(shown(path), f"not a readable {COMPRESSION[packed]} file ({why})")
    return whole, Skipped(shown(path), f"the {COMPRESSION[packed]} file is cut short "
                          f"({why}): the records before the cut were read")


def read_path(path: Path, max_bytes: int = MAX_ARTICLE_BYTES) -> list[RawArticle | Skipped]:
    """The articles in one file, or the reasons it (or a record of it) was skipped. Never
    raises: whatever goes wrong while reading or parsing the file becomes a `Skipped`.

    A .txt/.html file, or a record of a .jsonl/.csv dump, above `max_bytes` is skipped; a
    dump is read up to MAX_FILE_BYTES (or `max_bytes` when larger); a compressed file is
    held to the same caps, decompressed."""
    path = Path(path)
    suffix, packed = file_type(path)
    if suffix not in SUPPORTED:
        kind = suffix + packed if packed and suffix else packed or suffix or shown(path.name)
        return [Skipped(shown(path), f"unsupported file type '{kind}' (supported: "
                        f"{', '.join(sorted(SUPPORTED))}, each also as "
                        f"{', '.join(sorted(COMPRESSED))})")]
    records = suffix in RECORD_SUFFIXES
    # a PDF's bytes are mostly fonts and images: its file is bounded like a dump's, its text
    # like an article's
    whole = records or suffix in DOCUMENT_SUFFIXES
    try:
        if suffix in WARC_SUFFIXES:  # streamed, one record at a time
            return read_warc(path, packed, max_bytes)
        cap = max(max_bytes, MAX_FILE_BYTES) if whole else max_bytes
        data, cut = read_bounded(path, cap, records), None
        if packed and not isinstance(data, Skipped):
            data, cut = unpacked(data, packed, cap, path, records)
            if cut is not None and not data:
                return [cut]
        if isinstance(data, Skipped):
            return [data]
        return parse(data, suffix, shown(path), max_bytes) + ([cut] if cut else [])
    except OSError as exc:
        return [unreadable(path, exc)]
    except Exception as exc:  # noqa: BLE001 - one bad file must never stop a build
        keep = isinstance(exc, (ImportError, MemoryError))
        return [Skipped(shown(path), failure(exc), keep=keep)]


def parse(data: bytes, suffix: str, path: str, max_bytes: int) -> list[RawArticle | Skipped]:
    """The articles in the bytes of one file (its name `path`, as shown)."""
    if not data.strip():
        return [Skipped(path, "empty file")]
    if suffix in PDF_SUFFIXES:
        return [read_pdf(data, path, max_bytes)]
    if suffix in DOCX_SUFFIXES:
        return [read_docx(data, path, max_bytes)]
    if suffix in EMAIL_SUFFIXES:
        return [read_email(data, path, max_bytes)]
    if looks_binary(data):
        return [Skipped(path, "binary content, not text")]
    text = decode(data)
    if suffix in TEXT_SUFFIXES:
        return [RawArticle(text=text, path=path)]
    if suffix in HTML_SUFFIXES:
        return [read_html(text, path)]
    if suffix == ".jsonl":
        return read_jsonl(text, path, max_bytes)
    if suffix == ".json":
        return read_json(text, path, max_bytes)
    return read_csv(text, path, max_bytes)


def read_html(html: str, path: str, url: str | None = None) -> RawArticle | Skipped:
    """Main text and metadata of a web page (fetched from `url`, when known), via
    trafilatura (scripts and markup dropped)."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True,
                                          include_comments=False, favor_precision=True)
    except ImportError:
        raise  # a missing library, not a broken page: read_path says what to install
    except Exception as exc:  # trafilatura raises many types on broken markup
        return Skipped(path, f"HTML could not be parsed: {type(exc).__name__}")
    if doc is None or not (getattr(doc, "text", None) or "").strip():
        return Skipped(path, "no article text found in the HTML page")
    # trafilatura separates paragraphs by single newlines; the cleaner expects blank lines.
    text = "\n\n".join(line for line in doc.text.splitlines() if line.strip())
    return RawArticle(text=text, path=path, title=doc.title or None, date=doc.date or None,
                      url=doc.url or url or None, outlet=doc.sitename or None,
                      author=doc.author or None)


def read_warc(path: Path, packed: str, max_bytes: int) -> list[RawArticle | Skipped]:
    """The articles of the web pages in a WARC file (`warc_pages`), each read like an .html
    file, at the URL it was fetched from (record N's path is "<file>#N"); the pages without
    article text (section fronts, search pages) and the other records are summed up in one
    note, and a file that breaks off keeps the pages before the break."""
    name = shown(path)
    if packed not in ("", ".gz"):
        return [Skipped(name, "a WARC file is read plain or gzipped (.warc, .warc.gz), not "
                        f"as {COMPRESSION[packed]}")]
    out: list[RawArticle | Skipped] = []
    tally, empty = Tally(), 0
    with open(path, "rb", opener=nonblocking) as f:
        info = os.fstat(f.fileno())
        if (odd := irregular(info, path)) is not None:
            return [odd]
        if not info.st_size:
            return [Skipped(name, "empty file")]
        try:
            for page in warc_pages(f, max_bytes, tally):
                where = f"{name}#{page.number}"
                if page.body is None:
                    out.append(Skipped(where, too_large(max_bytes)))
                    continue
                item = read_html(decode(page.body), where, storable(page.url or "") or None)
                if isinstance(item, Skipped):
                    empty += 1
                else:
                    out.append(item)
        except WarcUnreadable as exc:
            return [Skipped(name, str(exc))]
    return out + warc_notes(name, tally, empty, any(isinstance(a, RawArticle) for a in out))


def warc_notes(name: str, tally: Tally, empty: int, found: bool) -> list[Skipped]:
    """What a WARC file held besides its articles, for the report."""
    notes = []
    other = ", ".join(f"{n} {kind}" for kind, n in sorted(tally.kinds.items()))
    if not found:
        notes.append(Skipped(name, f"no article in the WARC file ({tally.records} records: "
                             f"{empty} pages without article text"
                             f"{'; not pages: ' + other if other else ''})"))
    elif empty:
        notes.append(Skipped(name, f"{empty} pages of the WARC file hold no article text "
                             "(section fronts, search pages): left out"))
    if tally.broken:
        notes.append(Skipped(name, f"the WARC file breaks off ({tally.broken}): the pages "
                             "before it were read"))
    return notes


def read_docx(data: bytes, path: str, max_bytes: int = MAX_ARTICLE_BYTES
              ) -> RawArticle | Skipped:
    """A Word document's paragraphs as one article, with its title, author and date."""
    try:
        paragraphs, meta = docx_text(data, max_bytes)
    except DocumentUnreadable as exc:
        return Skipped(path, str(exc))
    return RawArticle(text=storable("\n\n".join(paragraphs)), path=path, title=meta["title"],
                      date=meta["date"], author=meta["author"])


def read_email(data: bytes, path: str, max_bytes: int = MAX_ARTICLE_BYTES
               ) -> RawArticle | Skipped:
    """An e-mail's text as one article (its plain-text part, else its HTML read like a page)
    with its subject as title, its sender as author and its date."""
    try:
        plain, html, meta = email_parts(data)
    except DocumentUnreadable as exc:
        return Skipped(path, str(exc))
    if plain and plain.strip():
        # paragraphs are separated by blank lines; the lines of one are wrapped at ~72
        text = "\n\n".join(" ".join(p.split()) for p in re.split(r"\n\s*\n", plain)
                             if p.strip())
    else:
        page = read_html(html or "", path)
        if isinstance(page, Skipped):
            return page
        text = page.text
    if len(text.encode("utf-8", errors="replace")) > max_bytes:
        return Skipped(path, too_large(max_bytes))
    return RawArticle(text=storable(text), path=path, **meta)


def read_pdf(data: bytes, path: str, max_bytes: int = MAX_ARTICLE_BYTES) -> RawArticle | Skipped:
    """A PDF's text layer as one article whose pages are separated by form feeds (so each
    paragraph keeps its page), with the document's title, author and creation date; a
    scanned, encrypted or broken PDF is a `Skipped` with its reason."""
    try:
        pages, meta = pdf_pages(data, max_bytes)
    except PdfUnreadable as exc:
        return Skipped(path, str(exc))
    text = storable(f"\n\n{PAGE_BREAK}\n\n".join(pages))
    return RawArticle(text=text, path=path, title=meta["title"], date=meta["date"],
                      author=meta["author"], paged=True)


def read_all(paths: Iterable[str | Path],
             max_bytes: int = MAX_ARTICLE_BYTES) -> Iterator[RawArticle | Skipped]:
    """Every article under `paths`, and a `Skipped` for each file, record or folder that is
    not one; never raises for what a file holds (see `read_path`)."""
    for item in iter_files(paths):
        if isinstance(item, Skipped):
            yield item
        else:
            yield from read_path(item, max_bytes)
