"""Word documents and e-mails (archive.text.documents, read by archive.text.ingest): a press
release sent as .docx or .eml is an article with its title, author and date; an old .doc,
a zip bomb, an attachment-only mail and other damage are one clear skip each. The files are
written here with python-docx and the standard library's e-mail package."""
from __future__ import annotations

import io
import zipfile
from datetime import datetime
from email.message import EmailMessage

import pytest
from docx import Document

from archive.models import RawArticle
from archive.text.ingest import read_path

RELEASE = ["The harbour authority will open the new pier to fishing boats on 1 April, after "
           "two years of delays caused by winter storms.",
           "“We have waited eleven years for this pier,” said the harbour master, Ruth "
           "Adebayo. “The boats cannot wait another winter.”"]


def docx_bytes(paragraphs, table=None, title="Pier opens in April") -> bytes:
    doc = Document()
    doc.core_properties.title = title
    doc.core_properties.author = "Harbour Authority Press Office"
    doc.core_properties.created = datetime(2024, 3, 2, 9, 30)
    for text in paragraphs:
        doc.add_paragraph(text)
    if table:
        grid = doc.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_a_word_press_release_is_an_article(tmp_path):
    path = tmp_path / "release.docx"
    path.write_bytes(docx_bytes(RELEASE, table=[["Berths", "40"], ["Cost", "£12m"]]))
    [article] = read_path(path)
    assert isinstance(article, RawArticle), article
    assert article.text.split("\n\n")[:2] == RELEASE
    assert "£12m" in article.text  # table cells are text too
    assert (article.title, article.author, article.date) == (
        "Pier opens in April", "Harbour Authority Press Office", "2024-03-02")


@pytest.mark.parametrize("make, reason", [
    (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "not a readable .docx"),
    (lambda: docx_bytes([""], title=""), "no text in the Word document"),
    (lambda: zip_bomb(), "unpacks to"),
])
def test_a_docx_that_gives_no_article_is_one_clear_skip(tmp_path, make, reason):
    path = tmp_path / "bad.docx"
    path.write_bytes(make())
    [item] = read_path(path, max_bytes=100_000)
    assert not isinstance(item, RawArticle) and reason in item.reason, item


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<w:p/>" + b" " * 30_000_000)
    return out.getvalue()


def mail(plain: str | None = None, html: str | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Harbour Press Office <press@harbour.example>"
    msg["To"] = "newsdesk@paper.example"
    msg["Subject"] = "Pier to open in April"
    msg["Date"] = "Sat, 02 Mar 2024 09:30:00 +0000"
    if plain is not None:
        msg.set_content(plain)
    if html is not None:
        if plain is None:
            msg.set_content(html, subtype="html")
        else:
            msg.add_alternative(html, subtype="html")
    return msg


def test_an_emailed_press_release_is_an_article(tmp_path):
    wrapped = ("The harbour authority will open the new pier to fishing boats on 1 April,\n"
               "after two years of delays caused by winter storms.\n\n"
               "“We have waited eleven years for this pier,” said the harbour master.\n\n"
               "On Fri, 1 Mar 2024, Desk wrote:\n> can you send the release?\n")
    msg = mail(plain=wrapped, html="<p>ignored: the plain part is read</p>")
    msg.add_attachment(b"%PDF-1.4 binary", maintype="application", subtype="pdf",
                       filename="release.pdf")
    path = tmp_path / "release.eml"
    path.write_bytes(msg.as_bytes())
    [article] = read_path(path)
    assert isinstance(article, RawArticle), article
    assert article.text.split("\n\n")[0] == ("The harbour authority will open the new pier to "
                                              "fishing boats on 1 April, after two years of "
                                              "delays caused by winter storms.")
    assert "can you send" not in article.text and "PDF" not in article.text
    assert (article.title, article.author, article.date) == (
        "Pier to open in April", "Harbour Press Office", "2024-03-02")


def test_an_html_only_email_is_read_like_a_page(tmp_path):
    html = ("<html><body><nav>Unsubscribe | View online</nav><article><h1>Pier to open</h1>"
            + "".join(f"<p>{p}</p>" for p in RELEASE) + "</article></body></html>")
    path = tmp_path / "html.eml"
    path.write_bytes(mail(html=html).as_bytes())
    [article] = read_path(path)
    assert isinstance(article, RawArticle), article
    assert "cannot wait another winter" in article.text and "Unsubscribe" not in article.text
    assert article.title == "Pier to open in April"


@pytest.mark.parametrize("data, reason", [
    (b"just some words\nwith no headers at all\n", "not an e-mail"),
    (lambda: attachment_only(), "no text in the e-mail"),
])
def test_an_email_that_gives_no_article_is_one_clear_skip(tmp_path, data, reason):
    path = tmp_path / "bad.eml"
    path.write_bytes(data() if callable(data) else data)
    [item] = read_path(path)
    assert not isinstance(item, RawArticle) and reason in item.reason, item


def attachment_only() -> bytes:
    msg = mail()
    msg.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="a.pdf")
    return msg.as_bytes()


def test_an_email_in_an_unknown_charset_is_still_read(tmp_path):
    path = tmp_path / "odd.eml"
    path.write_bytes(b"From: press@harbour.example\nSubject: Pier\nContent-Type: text/plain; "
                     b"charset=x-unknown-charset\n\nThe pier opens in April, the harbour "
                     b"master said: caf\xe9 owners are pleased.\n")
    [article] = read_path(path)
    assert isinstance(article, RawArticle) and "café owners" in article.text


def test_every_cell_of_a_large_table_is_read_once(tmp_path):
    """Merged cells repeat in python-docx's rows: each is read once, and no distinct cell is
    taken for a repeat (an id() of a freed proxy can be reused)."""
    cells = [[f"cell {r}-{c}" for c in range(4)] for r in range(60)]
    data = docx_bytes(["A table of berths follows."], table=cells)
    doc = Document(io.BytesIO(data))
    grid = doc.tables[0]
    grid.cell(0, 0).merge(grid.cell(0, 1))  # one cell across two columns
    out = io.BytesIO()
    doc.save(out)
    path = tmp_path / "table.docx"
    path.write_bytes(out.getvalue())
    [article] = read_path(path)
    found = article.text.split("\n\n")
    assert len(found) == len(set(found))  # the merged cell once
    assert {f"cell {r}-{c}" for r in range(1, 60) for c in range(4)} <= set(found)
