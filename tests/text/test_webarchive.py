"""WARC files (archive.text.webarchive, read by archive.text.ingest): the web pages of a crawl
become articles at the URL they were fetched from; requests, redirects, error pages, images
and pages without article text are not articles; a broken or cut-off file is one clear
note. The files are written here with warcio's own writer."""
from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.models import RawArticle
from archive.text.ingest import read_path

STORY = """<html><head><title>Harbour pier to open in spring</title>
<meta property="og:site_name" content="Harbour News">
<meta name="date" content="2024-03-02"></head>
<body><nav>Home | Sport | Weather</nav><article><h1>Harbour pier to open in spring</h1>
<p>The harbour master, Ruth Adebayo, said the new pier would open to fishing boats in the
spring after two years of delays caused by winter storms and a shortage of steel.</p>
<p>"We have waited eleven years for this pier and the boats cannot wait another winter,"
Adebayo told the council on Tuesday evening, to applause from the fishermen present.</p>
<p>The council also voted to repaint the lighthouse and to extend the car park behind the
fish market before the summer season begins in June.</p></article></body></html>"""
FRONT = """<html><head><title>Sections</title></head><body><header><nav><ul>
<li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav></header>
<main><ul class="teasers"><li><a href="/2024/03/02/pier.html">Harbour pier to open</a></li>
<li><a href="/2024/03/01/ferry.html">Ferry timetable cut for winter</a></li></ul></main>
<footer>(c) Harbour News</footer></body></html>"""


def response(writer: WARCWriter, url: str, body: bytes, status: str = "200 OK",
             kind: str = "text/html; charset=utf-8") -> None:
    http = StatusAndHeaders(status, [("Content-Type", kind)], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                  http_headers=http))


def crawl(path: Path, gzipped: bool) -> Path:
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gzipped)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        response(writer, "https://harbour.example/2024/03/02/pier.html", STORY.encode())
        response(writer, "https://harbour.example/old", b"", status="301 Moved Permanently")
        response(writer, "https://harbour.example/missing", STORY.encode(), status="404 Not Found")
        response(writer, "https://harbour.example/logo.png", b"\x89PNG\r\n", kind="image/png")
        response(writer, "https://harbour.example/sections", FRONT.encode())
    return path


@pytest.mark.parametrize("name, gzipped", [("crawl.warc", False), ("crawl.warc.gz", True)])
def test_the_pages_of_a_crawl_are_articles(tmp_path, name, gzipped):
    items = read_path(crawl(tmp_path / name, gzipped))
    articles = [i for i in items if isinstance(i, RawArticle)]
    notes = [i for i in items if not isinstance(i, RawArticle)]
    [story] = articles  # not the redirect, the 404, the image, nor the section front
    assert "cannot wait another winter" in story.text and "Home | Sport" not in story.text
    assert story.url == "https://harbour.example/2024/03/02/pier.html"
    assert story.title == "Harbour pier to open in spring" and story.date == "2024-03-02"
    assert story.path.startswith(str(tmp_path / name) + "#")
    [note] = notes
    assert "1 pages of the WARC file hold no article text" in note.reason


def test_a_crawl_without_articles_says_what_it_held(tmp_path):
    path = tmp_path / "front.warc"
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=False)
        response(writer, "https://harbour.example/", FRONT.encode())
        response(writer, "https://harbour.example/style.css", b"body{}", kind="text/css")
    [note] = read_path(path)
    assert not isinstance(note, RawArticle)
    assert "no article in the WARC file (2 records: 1 pages without article text" in note.reason
    assert "not pages: 1 response" in note.reason


def test_a_cut_off_crawl_keeps_the_pages_before_the_cut(tmp_path):
    whole = crawl(tmp_path / "whole.warc.gz", gzipped=True).read_bytes()
    extra = tmp_path / "more.warc.gz"
    with open(extra, "wb") as out:
        response(WARCWriter(out, gzip=True), "https://harbour.example/late", STORY.encode())
    more = extra.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(whole + more[: len(more) // 2])  # the download stopped in the last record
    items = read_path(cut)
    plain = tmp_path / "cut.warc"  # the same, not gzipped
    plain.write_bytes((gzip.decompress(whole) + gzip.decompress(more))[:-400])
    unzipped = read_path(plain)
    assert [(i.url, i.text) for i in unzipped if isinstance(i, RawArticle)] == [
        (i.url, i.text) for i in items if isinstance(i, RawArticle)]
    assert any("is cut short" in i.reason for i in unzipped if not isinstance(i, RawArticle))
    assert sum(isinstance(i, RawArticle) for i in items) == 1
    assert any("breaks off (record 7 is cut short)" in i.reason for i in items
               if not isinstance(i, RawArticle))


@pytest.mark.parametrize("name, data, reason", [
    ("junk.warc", b"this is no web archive\r\n" * 20, "not a readable WARC file"),
    ("junk.warc.gz", gzip.compress(b"still no web archive\r\n" * 20), "not a readable WARC"),
    ("crawl.warc.xz", b"\xfd7zXZ\x00", "plain or gzipped"),
])
def test_a_file_that_is_no_warc_is_one_clear_skip(tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    [item] = read_path(path)
    assert not isinstance(item, RawArticle) and reason in item.reason, item


@pytest.mark.parametrize("data, reason", [
    (b"", "empty file"),
    (b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999\r\n\r\nshort",
     "not a readable WARC file"),
])
def test_a_damaged_warc_never_raises(tmp_path, data, reason):
    path = tmp_path / "damaged.warc"
    path.write_bytes(data)
    [item] = read_path(path)
    assert not isinstance(item, RawArticle) and reason in item.reason, item
