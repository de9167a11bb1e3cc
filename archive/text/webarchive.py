"""Web pages kept in WARC files (ISO 28500), as crawlers and web archiving tools write them
(wget --warc-file, Heritrix, Browsertrix, Common Crawl's downloads), plain or gzipped per
record (.warc.gz).

warcio reads the file one record at a time from the open file, so a crawl of gigabytes is
never held whole; this module only picks the records that are web pages and hands their
bytes on (archive.text.ingest turns each into an article, like an .html file). A page is
a "response" record with HTTP status 200 and an HTML content type, or a "resource" record
of HTML; requests, metadata, revisits, redirects, errors, images, scripts and style sheets
are passed over. Imports warcio only.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

WARC_SUFFIXES = {".warc"}  # ".warc.gz" too: warcio reads gzip members itself
HTML_TYPE = re.compile(r"\b(text/html|application/xhtml\+xml)\b", re.IGNORECASE)


class WarcUnreadable(Exception):
    """The file is no WARC file, or breaks off before its first record."""


@dataclass(frozen=True)
class Page:
    """A web page in a WARC file: its record's number, the URL it was fetched from, and its
    body (None when it is over the size cap)."""

    number: int
    url: str | None
    body: bytes | None


@dataclass
class Tally:
    """What a WARC file held besides its pages, for the report; `broken` says why reading
    stopped before the end of the file, if it did."""

    records: int = 0
    passed_over: int = 0
    broken: str | None = None
    kinds: dict[str, int] = field(default_factory=dict)


def warc_pages(stream: BinaryIO, max_bytes: int, tally: Tally) -> Iterator[Page]:
    """The web pages of the WARC file open as `stream`, in file order; a page whose body is
    over `max_bytes` comes with body None. Raises WarcUnreadable when no record can be
    read at all; a file that breaks off later ends the pages there (`tally.broken`)."""
    from warcio.archiveiterator import ArchiveIterator

    records = ArchiveIterator(stream)
    while True:
        try:
            record = next(records)
        except StopIteration:
            return
        except Exception as exc:  # noqa: BLE001 - warcio raises anything on damaged records
            # warcio quotes the bytes it could not read after "first line"
            why = _plain(str(exc).split(", first line")[0]) or type(exc).__name__
            if not tally.records:
                raise WarcUnreadable(f"not a readable WARC file ({why})") from exc
            tally.broken = f"after record {tally.records}: {why}"
            return
        if not str(record.format).startswith("warc"):  # warcio reads any line of five words
            if not tally.records:  # as an ARC record header
                raise WarcUnreadable("not a readable WARC file (no WARC/1.x record header)")
            tally.broken = f"after record {tally.records}: no WARC/1.x record header"
            return
        tally.records += 1
        if not _is_page(record):
            tally.passed_over += 1
            kind = record.rec_type or "unknown"
            tally.kinds[kind] = tally.kinds.get(kind, 0) + 1
            continue
        body = record.content_stream().read(max_bytes + 1)
        if len(body) <= max_bytes and _cut_short(record):
            tally.broken = f"record {tally.records} is cut short"
            return
        yield Page(tally.records, record.rec_headers.get_header("WARC-Target-URI"),
                   body if len(body) <= max_bytes else None)


def _plain(message: str) -> str:
    """An error message fit for a report: printable ASCII, one line, at most 120 characters
    (warcio quotes the bytes it could not read)."""
    text = "".join(c for c in message if c.isascii() and c.isprintable())
    return " ".join(text.split())[:120]


def _cut_short(record) -> bool:  # noqa: ANN001 - warcio's ArcWarcRecord
    """Did the file end inside this record, its whole body read? Its block promised bytes
    (Content-Length) that are not there: an interrupted download."""
    raw = record.raw_stream
    return getattr(raw, "limit", 0) > 0 and not raw.read(1)


def _is_page(record) -> bool:  # noqa: ANN001 - warcio's ArcWarcRecord
    """A fetched web page: a 200 response, or a stored resource, of HTML."""
    if record.rec_type == "response":
        http = record.http_headers
        if http is None or http.get_statuscode() != "200":
            return False  # a redirect, an error page, a non-HTTP response
        kind = http.get_header("Content-Type") or ""
    elif record.rec_type == "resource":
        kind = record.rec_headers.get_header("Content-Type") or ""
    else:
        return False
    return bool(HTML_TYPE.search(kind))
