"""The text layer of a PDF (press releases, reports), page by page, through pypdf.

pypdf is pure Python and reads the text a PDF carries; it does no OCR, so a scanned PDF
(pages that are only images) has no text to give and is refused with that reason. Each
page's text keeps its paragraphs (pypdf's layout mode leaves a blank line where the page
leaves vertical space), words hyphenated at a line end are joined again, bare page numbers
and running heads or feet repeated on most pages are dropped. Pages are joined with form
feeds, so the cleaner can give each paragraph the page it starts on.
"""
from __future__ import annotations

import io
import logging
import re
from collections import Counter
from datetime import date as Date

NO_TEXT = "no text layer (needs OCR)"
PAGE_BREAK = "\f"
PAGE_NUMBER = re.compile(r"^\s*(page\s+)?[-–—(]?\s*\d{1,4}\s*[-–—)]?(\s*(/|of)\s*\d{1,4})?\s*$",
                         re.IGNORECASE)
HYPHENATED = re.compile(r"(\w)-\n[ \t]*(?=[a-z])")
PDF_DATE = re.compile(r"^(D:)?(?P<y>(19|20)\d\d)(?P<m>\d\d)(?P<d>\d\d)")
FILE_NAME_TITLE = re.compile(r"(^(microsoft\s+word|untitled)\b|\.(docx?|odt|rtf|indd|pdf)$)",
                             re.IGNORECASE)


class PdfUnreadable(Exception):
    """The PDF gives no article text; the message is the reason a build reports."""


def pdf_pages(data: bytes, max_chars: int) -> tuple[list[str], dict[str, str | None]]:
    """The text of each page (an empty string for a page without text) and the document's
    title, author and date. Raises PdfUnreadable with the reason when the PDF is encrypted,
    broken, larger than `max_chars` of text, or has no text layer at all."""
    from pypdf import PdfReader  # lazy: read only when a build meets a PDF
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # damage is reported as a skip
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            unlock(reader)
        if not reader.pages:
            raise PdfUnreadable("broken PDF (no pages found)")
        pages, total = [], 0
        for page in reader.pages:
            text = page_text(page)
            total += len(text)
            if total > max_chars:
                raise PdfUnreadable(f"its text is larger than {max_chars / 1_000_000:g} MB "
                                    "(raise ARCHIVE_MAX_ARTICLE_BYTES to index it)")
            pages.append(text)
        meta = metadata(reader)
    except PdfUnreadable:
        raise
    except (FileNotDecryptedError, DependencyError) as exc:
        raise PdfUnreadable(f"encrypted PDF that cannot be opened without its password "
                            f"({one_line(exc)}): save an unprotected copy") from exc
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            AssertionError, OSError, RecursionError) as exc:
        raise PdfUnreadable(f"broken PDF ({type(exc).__name__}: {one_line(exc)})") from exc
    pages = drop_running_lines(pages)
    if not any(p.strip() for p in pages):
        raise PdfUnreadable(NO_TEXT)
    return pages, meta


def unlock(reader) -> None:  # noqa: ANN001 - pypdf.PdfReader
    """Open a PDF encrypted with an empty user password (only its permissions restricted);
    one that needs a password raises PdfUnreadable."""
    if not reader.decrypt(""):
        raise PdfUnreadable("encrypted PDF that needs a password: save an unprotected copy")


def page_text(page) -> str:  # noqa: ANN001 - pypdf.PageObject
    """One page's text with its paragraph breaks (layout mode), else pypdf's plain text."""
    try:
        text = page.extract_text(extraction_mode="layout")
    except Exception:  # noqa: BLE001 - layout mode fails on some fonts: plain mode then
        text = page.extract_text()
    text = (text or "").replace("\r\n", "\n").replace(PAGE_BREAK, "\n")
    lines = [line.strip() for line in text.split("\n")]
    return HYPHENATED.sub(r"\1", "\n".join(lines)).strip()


def drop_running_lines(pages: list[str]) -> list[str]:
    """Pages without bare page numbers ("3", "Page 3 of 9") and without a running head or
    foot: a line found at the top or bottom of most pages (of a document of 3 pages or more)."""
    edges: Counter[str] = Counter()
    for text in pages:
        lines = [x for x in text.split("\n") if x.strip()]
        edges.update(set(lines[:2] + lines[-2:]))
    running = {x for x, n in edges.items() if len(pages) >= 3 and n >= 0.6 * len(pages)}
    out = []
    for text in pages:
        kept = [x for x in text.split("\n") if x not in running and not PAGE_NUMBER.match(x)
                or not x.strip()]
        out.append(re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip())
    return out


def metadata(reader) -> dict[str, str | None]:  # noqa: ANN001 - pypdf.PdfReader
    """Title (unless it is a file name such as "Microsoft Word - doc1.docx"), author, and the
    creation date as ISO yyyy-mm-dd, from the document information dictionary."""
    try:
        info = reader.metadata or {}
    except Exception:  # noqa: BLE001 - a damaged info dictionary is no reason to skip
        return {"title": None, "author": None, "date": None}
    title = one_line(info.get("/Title")) or None
    if title and FILE_NAME_TITLE.search(title):
        title = None
    m = PDF_DATE.match(one_line(info.get("/CreationDate")))
    try:
        day = Date(int(m["y"]), int(m["m"]), int(m["d"])).isoformat() if m else None
    except ValueError:
        day = None
    return {"title": title, "author": one_line(info.get("/Author")) or None, "date": day}


def one_line(value: object) -> str:
    return " ".join(str(value or "").split())[:200]
