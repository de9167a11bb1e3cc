"""Word documents (.docx) and e-mails (.eml): the press releases, statements and letters a
newsroom receives, read as articles.

A .docx is read with python-docx: its paragraphs and tables' cells in document order, its
title, author and creation date from the document's properties. It is a zip file, so the
sizes its members claim are checked before anything is unpacked (a zip bomb is refused).
An .eml is read with the standard library's e-mail parser: the subject is the title, the
Date header the date, the sender the author; the text comes from the plain-text part, else
from the HTML part (archive.text.ingest reads that like a web page); attachments are not
read. Both raise DocumentUnreadable with the reason a build reports.
"""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date as Date
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parseaddr, parsedate_to_datetime

DOCX_SUFFIXES = {".docx"}
EMAIL_SUFFIXES = {".eml"}
# A .docx is a zip: its members may unpack to at most this many times the text cap (the
# XML around Word's text is large, but not a thousand times the text).
UNPACKED_PER_TEXT = 20
QUOTED_REPLY = re.compile(r"^(>|On .{5,200} wrote:$)")


class DocumentUnreadable(Exception):
    """The document gives no article text; the message is the reason a build reports."""


def docx_text(data: bytes, max_bytes: int) -> tuple[list[str], dict[str, str | None]]:
    """The paragraphs of a Word document (table cells as paragraphs of their own, in order)
    and its title, author and date. Raises DocumentUnreadable for a file that is no .docx
    (an old binary .doc too), an encrypted one, a zip bomb, or one without text."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise DocumentUnreadable("not a readable .docx file (an old .doc, or an encrypted or "
                                 f"broken one: {' '.join(str(exc).split())[:120]})") from exc
    if unpacked > UNPACKED_PER_TEXT * max_bytes:
        raise DocumentUnreadable(f"the .docx unpacks to {unpacked:,} bytes: not read")
    from docx import Document  # lazy: read only when a build meets a Word document

    try:
        doc = Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors ...
        raise DocumentUnreadable("not a readable .docx file "
                                 f"({type(exc).__name__})") from exc
    paragraphs = [p for p in _blocks(doc) if p]
    if not paragraphs:
        raise DocumentUnreadable("no text in the Word document")
    if sum(len(p.encode("utf-8")) for p in paragraphs) > max_bytes:
        raise DocumentUnreadable(f"more than {max_bytes:,} bytes of text: not read")
    props = doc.core_properties
    created = props.created
    return paragraphs, {"title": _line(props.title), "author": _line(props.author),
                        "date": created.date().isoformat() if created else None}


def _blocks(doc) -> list[str]:  # noqa: ANN001 - docx.Document
    """Each body paragraph's text, and each table cell's (once: merged cells repeat)."""
    out: list[str] = []
    for block in doc.iter_inner_content():
        if hasattr(block, "rows"):
            seen: set = set()  # the cells' XML elements: held, so lxml keeps one proxy each
            for row in block.rows:
                for cell in row.cells:
                    if cell._tc not in seen:  # a merged cell is one element, repeated
                        seen.add(cell._tc)
                        out.extend(p.text.strip() for p in cell.paragraphs)
        else:
            out.append(block.text.strip())
    return out


def _line(value: object) -> str | None:
    text = " ".join(str(value or "").split())
    return text or None


def email_parts(data: bytes) -> tuple[str | None, str | None, dict[str, str | None]]:
    """(plain text, HTML, {title, author, date}) of an e-mail: the first text/plain and
    text/html parts that are not attachments, quoted replies dropped from the plain text.
    Raises DocumentUnreadable when the bytes hold no message or no text."""
    try:
        message = BytesParser(policy=policy.default).parsebytes(data)
    except Exception as exc:  # noqa: BLE001 - the parser is lenient; anything else is damage
        raise DocumentUnreadable(f"not a readable e-mail ({type(exc).__name__})") from exc
    if not isinstance(message, EmailMessage) or not (message["From"] or message["Subject"]
                                                      or message["Date"]):
        raise DocumentUnreadable("not an e-mail (no From, Subject or Date header)")
    plain, html = _part(message, "plain"), _part(message, "html")
    if plain:
        plain = "\n".join(line for line in plain.splitlines()
                          if not QUOTED_REPLY.match(line.strip()))
    if not (plain or "").strip() and not (html or "").strip():
        raise DocumentUnreadable("no text in the e-mail (attachments are not read)")
    name, address = parseaddr(str(message["From"] or ""))
    return plain, html, {"title": _line(message["Subject"]), "author": _line(name or address),
                         "date": _date(message["Date"])}


def _part(message: EmailMessage, kind: str) -> str | None:
    """The content of the message's first inline text/`kind` part, or None."""
    try:
        part = message.get_body(preferencelist=(kind,))
    except (LookupError, ValueError, AttributeError):  # a broken structure
        return None
    if part is None:
        return None
    try:
        return part.get_content()
    except (LookupError, ValueError, AttributeError, UnicodeError):  # an unknown charset:
        payload = part.get_payload(decode=True) or b""  # the bytes, read as UTF-8 or else
        try:  # as Windows-1252 / Latin-1, the mail's most likely other encodings
            return payload.decode("utf-8")
        except UnicodeDecodeError:
            return payload.decode("latin-1")


def _date(header: object) -> str | None:
    """An e-mail's Date header as ISO yyyy-mm-dd, None when it is missing or unreadable."""
    try:
        when = parsedate_to_datetime(str(header)) if header else None
    except (TypeError, ValueError, IndexError):
        return None
    return Date(when.year, when.month, when.day).isoformat() if when else None
