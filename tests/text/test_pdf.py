"""PDF press releases and reports: the text layer read page by page, each passage knowing its
page in the database, in `archive search --json` and in the citation; scanned, encrypted
and broken PDFs are skips with their reason, never an abort.

The PDFs are written here, byte by byte: a real text layer (Helvetica, one text object
per page) or a page that is only an image, as a scanner makes it.
"""
from __future__ import annotations

import io
import json
import sqlite3
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter

from archive.app import html as ui
from archive.build import build
from archive.cli import cli
from archive.models import RawArticle
from archive.search import Searcher
from archive.storage import DB_NAME, IndexDir
from archive.text import clean_article, passages_of, read_all, read_path


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def page_stream(paragraphs: list[str], scanned: bool) -> bytes:
    """A page's content: each paragraph's lines, a blank line between paragraphs; or, for a
    scanned page, only an inline image (no text at all)."""
    if scanned:
        return b"q 200 0 0 200 72 500 cm BI /W 2 /H 2 /CS /G /BPC 8 ID \x00\xff\xff\x00 EI Q"
    ops = ["BT", "/F1 11 Tf", "14 TL", "72 740 Td"]
    for paragraph in paragraphs:
        ops += [f"({escape(line)}) Tj T*" for line in paragraph.split("\n")
                for line in textwrap.wrap(line, 85)]
        ops.append("T*")
    return "\n".join([*ops, "ET"]).encode("cp1252")


def make_pdf(pages: list[list[str]], info: dict[str, str] | None = None,
             scanned: bool = False) -> bytes:
    """A PDF 1.4 file with one page per item of `pages` and an information dictionary."""
    objects: list[bytes] = [b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
                            b"/Encoding /WinAnsiEncoding >>", b""]  # 1: font, 2: page tree
    kids = []
    for paragraphs in pages:
        ops = page_stream(paragraphs, scanned)
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(ops), ops))
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources "
                       b"<< /Font << /F1 1 0 R >> >> /Contents %d 0 R >>" % len(objects))
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(b"<< %s >>" % b" ".join(b"/%s (%s)" % (k.encode(), escape(v).encode())
                                           for k, v in (info or {}).items()))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += (b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, len(objects) - 1, len(objects), xref))
    return bytes(out)


RELEASE = [
    ["GENEVA, January 13, 2022",
     "The Ministry of Foreign Affairs reports on the security talks that ended in Geneva "
     "this week between the two delegations.",
     "The delegations agreed to meet again in Vienna next month, with experts preparing "
     "the ground before."],
    ["\u201cWe will not accept any ultimatum on the eastward expansion of the alliance,\u201d "
     "Lavrov said at the press conference on Thursday evening.",
     "He added that the answer of the alliance was expected within a week."],
    ["Annex: a timeline of the consultations on strategic stability since 2021."],
]
INFO = {"Title": "Security talks in Geneva", "Author": "Press Office",
        "CreationDate": "D:20220113120000Z"}


def encrypted(data: bytes, user: str, owner: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user, owner, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# -- reading ---------------------------------------------------------------------------------
def test_pdf_text_layer_is_read_with_its_metadata_and_pages(tmp_path):
    path = tmp_path / "release.pdf"
    path.write_bytes(make_pdf(RELEASE, INFO))
    [raw] = read_path(path)
    assert isinstance(raw, RawArticle) and raw.paged
    assert (raw.title, raw.author, raw.date) == ("Security talks in Geneva", "Press Office",
                                                 "2022-01-13")
    assert raw.text.count("\f") == 2  # three pages
    article = clean_article(raw)
    assert article.title == "Security talks in Geneva" and article.date == "2022-01-13"
    pages = [(p.page, p.text[:24]) for p in passages_of(article)]
    assert pages == [(1, "The Ministry of Foreign "), (1, "The delegations agreed t"),
                     (2, "\u201cWe will not accept any "), (2, "He added that the answer"),
                     (3, "Annex: a timeline of the")]
    # a paragraph wrapped over several lines is one passage again
    assert "between the two delegations." in passages_of(article)[0].text


def test_running_heads_page_numbers_and_hyphenation(tmp_path):
    pages = [["Ministry of Foreign Affairs - Press release",
              f"Paragraph {n} of the report on the consulta-\ntions held in Geneva this week."
              if n else "The report opens with a summary of the consultations.",
              f"Page {n + 1} of 3"] for n in range(3)]
    path = tmp_path / "report.pdf"
    path.write_bytes(make_pdf(pages))
    [raw] = read_path(path)
    assert "Press release" not in raw.text and "Page 2 of 3" not in raw.text
    assert "consultations held in Geneva" in raw.text
    texts = [p.text for p in passages_of(clean_article(raw))]
    assert texts[-1] == "Paragraph 2 of the report on the consultations held in Geneva this week."


def test_a_file_name_is_no_title(tmp_path):
    path = tmp_path / "memo.pdf"
    path.write_bytes(make_pdf(RELEASE, {"Title": "Microsoft Word - memo_final.docx"}))
    [raw] = read_path(path)
    assert raw.title is None and raw.date is None
    assert clean_article(raw).date == "2022-01-13"  # from the dateline then


@pytest.mark.parametrize("name, data, reason", [
    ("scan.pdf", make_pdf([[""], [""]], scanned=True), "no text layer (needs OCR)"),
    ("locked.pdf", encrypted(make_pdf(RELEASE), "secret", "owner"),
     "encrypted PDF that needs a password"),
    ("broken.pdf", b"%PDF-1.4\nthis is not a PDF at all\n%%EOF\n", "broken PDF"),
    ("truncated.pdf", make_pdf(RELEASE)[:400], "broken PDF"),
])
def test_unreadable_pdfs_are_skips_with_their_reason(tmp_path, name, data, reason):
    (tmp_path / name).write_bytes(data)
    (tmp_path / "good.txt").write_text("Talks\n\nLavrov said the talks were useful.\n")
    found = list(read_all([tmp_path]))
    skipped = [s for s in found if not isinstance(s, RawArticle)]
    assert [s.path for s in skipped] == [str(tmp_path / name)]
    assert reason in skipped[0].reason
    assert [a.path for a in found if isinstance(a, RawArticle)] == [str(tmp_path / "good.txt")]


def test_pdf_with_only_restricted_permissions_is_read(tmp_path):
    path = tmp_path / "restricted.pdf"
    path.write_bytes(encrypted(make_pdf(RELEASE, INFO), "", "owner"))
    [raw] = read_path(path)
    assert isinstance(raw, RawArticle) and "ultimatum" in raw.text


def test_pdf_text_above_the_article_cap_is_skipped(tmp_path):
    path = tmp_path / "long.pdf"
    path.write_bytes(make_pdf(RELEASE))
    [skipped] = read_path(path, max_bytes=100)
    assert "raise ARCHIVE_MAX_ARTICLE_BYTES" in skipped.reason


# -- through a build: the database, `archive search --json` and the citation ------------------
@pytest.fixture(scope="module")
def pdf_index(tmp_path_factory, embedder):
    from archive.config import load_config

    root = tmp_path_factory.mktemp("pdf")
    docs = root / "docs"
    docs.mkdir()
    (docs / "release.pdf").write_bytes(make_pdf(RELEASE, INFO))
    (docs / "scan.pdf").write_bytes(make_pdf([[""]], scanned=True))
    (docs / "story.txt").write_text("Talks end\n\nMonday, January 10, 2022\n\nThe talks in "
                                    "Geneva ended without a result, officials said.\n")
    config = load_config(index=str(root / "index"))
    report = build([docs], config, embedder=embedder)
    return config, report


def test_build_keeps_pages_and_reports_the_scan(pdf_index):
    config, report = pdf_index
    assert report.articles == 2
    assert [(Path(s["path"]).name, s["reason"]) for s in report.skipped] == [
        ("scan.pdf", "no text layer (needs OCR)")]
    db = IndexDir(config.index_dir).require_current() / DB_NAME
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT a.path, p.page, p.text FROM passages p JOIN articles a "
                            "ON a.article_id = p.article_id ORDER BY a.path, p.position").fetchall()
    pages = {(Path(path).name, page) for path, page, _ in rows}
    assert pages == {("release.pdf", 1), ("release.pdf", 2), ("release.pdf", 3),
                     ("story.txt", None)}
    assert next(page for _, page, text in rows if "ultimatum" in text) == 2


def test_search_json_and_citation_name_the_page(pdf_index, embedder):
    config, _ = pdf_index
    result = CliRunner().invoke(cli, ["search", "ultimatum", "talks Geneva", "--index",
                                      config.index, "--mode", "keyword", "--json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    first, second = (json.loads(line) for line in result.output.splitlines())
    top = first["hits"][0]
    assert "ultimatum" in top["text"] and top["page"] == 2
    assert {h["page"] for h in second["hits"] if h["path"].endswith("story.txt")} == {None}
    searcher = Searcher(config, embedder=embedder)
    try:
        hit = searcher.search("ultimatum", k=1, mode="keyword")[0]
    finally:
        searcher.close()
    assert hit.page == 2
    assert "2022-01-13, p. 2" in ui.citation(hit)


def test_milvus_keeps_the_page_too(tmp_path, embedder):
    pytest.importorskip("pymilvus", reason="the Milvus backend needs pymilvus[milvus-lite]")
    from archive.config import load_config

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "release.pdf").write_bytes(make_pdf(RELEASE, INFO))
    config = load_config(index=str(tmp_path / "index"), backend="milvus",
                         milvus_uri=str(tmp_path / "milvus.db"))
    build([tmp_path / "docs"], config, embedder=embedder)
    searcher = Searcher(config, embedder=embedder)
    try:
        assert type(searcher.backend).__name__ == "MilvusBackend"
        hit = searcher.search("ultimatum", k=1, mode="keyword")[0]
        assert "ultimatum" in hit.text and hit.page == 2
        [version] = searcher.backend.story([hit.article_id])
        assert [p["page"] for p in version["passages"]] == [1, 1, 2, 2, 3]
    finally:
        searcher.close()
