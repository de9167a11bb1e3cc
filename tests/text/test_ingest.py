"""Reading articles from disk: every supported format, bad bytes and bad records, reported
skips, and what of it all reaches a real index."""
from __future__ import annotations

import bz2
import gzip
import json
import lzma
import os
import shutil
from pathlib import Path

import pytest

from archive.build import BuildReport, build
from archive.build.stages import collect
from archive.storage import DB_NAME, IndexDir
from archive.text.ingest import decode, iter_files, looks_binary, read_path
from archive.models import RawArticle
from archive.storage.sqlite import Store

PNG_HEAD = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"

TXT = """Lighthouse keeper retires after forty years

After forty years of climbing the spiral stairs every evening, Agnes Moll handed the keys of \
the Sandvik lighthouse to the coastal authority on Friday.

Moll, who is seventy-one, said she would miss the storms most of all, because on those nights \
the light mattered more than on any other.
"""

HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Orchard growers fear late frost</title>
<meta property="og:site_name" content="Valley Gazette">
<meta name="date" content="2021-04-20">
<script>var trackingToken = "SCRIPTTOKEN42"; document.write("SCRIPTTOKEN42");</script>
<style>.promo { color: red } /* STYLETOKEN */</style>
</head><body>
<nav><a href="/">Home</a> | <a href="/news">News</a></nav>
<article>
<h1>Orchard growers fear late frost</h1>
<p>Apple growers in the valley lit smudge pots through Tuesday night as temperatures fell \
below freezing just as the trees came into blossom.</p>
<img src="missing.png" onerror="alert('ONERRORTOKEN')">
<p>The growers' association said it was too early to know how much of the harvest had been \
lost, but older orchards on the valley floor were hit hardest.</p>
<script>console.log("SCRIPTTOKEN42 inline");</script>
<p>Forecasters expect milder nights from Thursday, with no further frost in the coming week.</p>
</article>
<footer>Copyright 2021 Valley Gazette</footer>
</body></html>
"""

JSONL_GOOD_1 = {"title": "Glacier retreat measured by drones",
                "text": "Researchers flying drones over the Rhone glacier measured a retreat of "
                        "forty metres since last summer.\n\nThe team said meltwater lakes at the "
                        "glacier snout had doubled in size.",
                "date": "2022-08-30T09:15:00Z", "source": "Alpine Post"}
JSONL_GOOD_2 = {"title": "Night trains return to the northern line",
                "body": "The rail operator restored the overnight sleeper service between the "
                        "capital and the northern ports after a three-year pause.",
                "published": "March 5, 2023", "url": "https://rail.example/sleeper"}

CSV_TEXT = (
    "title,date,outlet,text\n"
    "Beekeepers report record honey yield,2022-09-01,Farm Weekly,\"Beekeepers across the "
    "county reported the largest honey harvest in a decade, helped by a long warm summer.\"\n"
    "Village school reopens after flood repairs,2022-10-10,Farm Weekly,\"The village school "
    "reopened on Monday after builders spent the summer repairing flood damage to its "
    "classrooms.\"\n")


def write_mixed_folder(root: Path) -> Path:
    """One folder with every format, good and bad, plus a symlink loop and a duplicate."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "story.txt").write_text(TXT, encoding="utf-8")
    sub = root / "sub"
    sub.mkdir()
    (sub / "same-story.txt").write_text(TXT, encoding="utf-8")  # same article, another name
    (root / "page.html").write_text(HTML, encoding="utf-8")
    lines = [json.dumps(JSONL_GOOD_1), '{"title": "broken", "text": "unterminated',
             "[1, 2, 3]", "", json.dumps(JSONL_GOOD_2), json.dumps({"title": "no body here"})]
    (root / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "table.csv").write_text(CSV_TEXT, encoding="utf-8")
    (root / "notext.csv").write_text("title,date\nA headline,2022-01-01\n", encoding="utf-8")
    (root / "latin1.txt").write_bytes(
        ("Café owners in Zürich protest rent rules\n\nHélène Brunner, who runs a small café "
         "near the lake, said the naïve policy would force her to close the façade shop.\n"
         ).encode("latin-1"))
    (root / "cp1252.txt").write_bytes(
        ("Bakers’ strike ends after pay deal\n\nThe bakers’ union said the “fair” offer — a "
         "raise of six per cent — ended the strike that had emptied shelves for a week.\n"
         ).encode("cp1252"))
    (root / "utf16.txt").write_bytes(
        ("Observatory names new comet\n\nAstronomers at the Kvarn observatory named the comet "
         "after the amateur who first spotted it — Ångström’s student, Åsa Berg.\n"
         ).encode("utf-16"))  # with BOM
    (root / "empty.txt").write_bytes(b"")
    (root / "binary.txt").write_bytes(PNG_HEAD + bytes(range(256)))
    (root / "image.png").write_bytes(PNG_HEAD)
    (root / "notes.pdf").write_bytes(b"%PDF-1.4\n")
    os.symlink(root, root / "loop")
    return root


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    return write_mixed_folder(tmp_path_factory.mktemp("mixed") / "in")


@pytest.fixture(scope="module")
def mixed_index(mixed, tmp_path_factory, embedder):
    from archive.config import load_config

    config = load_config(index=str(tmp_path_factory.mktemp("mixed-index") / "index"))
    report = build([mixed], config, embedder=embedder)
    gen = IndexDir(config.index_dir).require_current()
    store = Store(gen / DB_NAME)
    articles = {r["title"]: r for r in store.db.query("SELECT * FROM articles")}
    passages = list(store.db.query("SELECT * FROM passages ORDER BY id"))
    store.close()
    return report, articles, passages


def reasons(report) -> dict[str, str]:
    return {s["path"]: s["reason"] for s in report.skipped}


def rel(mixed: Path, name: str) -> str:
    return str(mixed / name)


# -- one file at a time ------------------------------------------------------------------------

def test_txt(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(TXT)
    [raw] = read_path(path)
    assert isinstance(raw, RawArticle)
    assert raw.text.startswith("Lighthouse keeper") and raw.path == str(path)


def test_html_main_text_and_metadata(mixed):
    [raw] = read_path(mixed / "page.html")
    assert isinstance(raw, RawArticle)
    assert raw.title == "Orchard growers fear late frost"
    assert raw.outlet == "Valley Gazette"
    assert raw.date == "2021-04-20"
    assert "smudge pots" in raw.text and "milder nights" in raw.text
    for token in ("SCRIPTTOKEN42", "ONERRORTOKEN", "alert(", "STYLETOKEN", "document.write",
                  "<p>", "Home | News"):
        assert token not in raw.text
    # paragraphs separated by blank lines, as the cleaner expects
    assert "\n\n" in raw.text


def test_html_without_text_is_skipped(tmp_path):
    path = tmp_path / "blank.html"
    path.write_text("<html><head><script>var x = 1;</script></head><body></body></html>")
    [item] = read_path(path)
    assert not isinstance(item, RawArticle)
    assert "no article text" in item.reason


def test_jsonl_good_records_and_bad_lines(mixed):
    items = read_path(mixed / "feed.jsonl")
    good = [i for i in items if isinstance(i, RawArticle)]
    bad = {i.path: i.reason for i in items if not isinstance(i, RawArticle)}
    assert [g.title for g in good] == [JSONL_GOOD_1["title"], JSONL_GOOD_2["title"]]
    assert good[0].outlet == "Alpine Post"  # "source" is an alias of outlet
    assert good[0].path.endswith("feed.jsonl#1") and good[1].path.endswith("feed.jsonl#5")
    assert good[1].text.startswith("The rail operator")  # "body" is a text field
    assert good[1].url == "https://rail.example/sleeper"
    feed = str(mixed / "feed.jsonl")
    assert "line 2" in bad[f"{feed}#2"] and "invalid JSON" in bad[f"{feed}#2"]
    assert "line 3" in bad[f"{feed}#3"] and "not a JSON object" in bad[f"{feed}#3"]
    assert "no text field" in bad[f"{feed}#6"]
    assert len(bad) == 3  # the blank line 4 is neither a record nor an error


def test_csv_with_and_without_text_column(mixed):
    rows = read_path(mixed / "table.csv")
    assert [r.title for r in rows] == ["Beekeepers report record honey yield",
                                       "Village school reopens after flood repairs"]
    assert rows[0].date == "2022-09-01" and rows[0].outlet == "Farm Weekly"
    assert rows[0].path.endswith("table.csv#2")  # the row's line in the file
    [skipped] = read_path(mixed / "notext.csv")
    assert "no text column" in skipped.reason and "title, date" in skipped.reason


def test_unsupported_extensions(mixed):
    [item] = read_path(mixed / "image.png")
    assert "unsupported file type" in item.reason and ".png" in item.reason
    assert ".pdf" in item.reason  # a supported type (tests/text/test_pdf.py)
    [pdf] = read_path(mixed / "notes.pdf")  # a PDF header and nothing else
    assert pdf.reason.startswith("broken PDF")


def test_decoding_latin1_cp1252_utf16(mixed):
    [latin] = read_path(mixed / "latin1.txt")
    assert "Zürich" in latin.text and "naïve" in latin.text and "façade" in latin.text
    assert "Hélène" in latin.text
    [win] = read_path(mixed / "cp1252.txt")
    assert "Bakers’ strike" in win.text and "“fair” offer — a raise" in win.text
    [wide] = read_path(mixed / "utf16.txt")
    assert wide.text.startswith("Observatory names new comet")  # BOM dropped
    assert "Ångström’s student, Åsa Berg" in wide.text
    assert decode("déjà vu".encode("utf-8-sig")) == "déjà vu"


def test_empty_and_binary(mixed, tmp_path):
    [empty] = read_path(mixed / "empty.txt")
    assert empty.reason == "empty file"
    blank = tmp_path / "blank.txt"
    blank.write_text("  \n\n \t\n")
    assert read_path(blank)[0].reason == "empty file"
    [binary] = read_path(mixed / "binary.txt")
    assert "binary" in binary.reason
    assert looks_binary(PNG_HEAD) and not looks_binary("ok".encode("utf-16"))


def test_symlink_loop_is_not_followed(mixed):
    files = [f for f in iter_files([mixed]) if isinstance(f, Path)]
    assert len(files) == len(set(files))
    assert not any("loop" in f.relative_to(mixed).parts for f in files)
    assert mixed / "sub" / "same-story.txt" in files


def test_missing_path_reported(tmp_path):
    [item] = list(iter_files([tmp_path / "nope"]))
    assert item.reason == "no such file or folder"


def test_collect_reports_every_skip(mixed):
    report = BuildReport(index="-")
    articles = collect([mixed], report)
    why = reasons(report)
    assert "same article as" in why[rel(mixed, "sub/same-story.txt")]
    assert rel(mixed, "story.txt") in why[rel(mixed, "sub/same-story.txt")]
    for name, reason in [("empty.txt", "empty file"), ("binary.txt", "binary"),
                         ("image.png", "unsupported"), ("notes.pdf", "broken PDF"),
                         ("notext.csv", "no text column"), ("feed.jsonl#2", "line 2"),
                         ("feed.jsonl#3", "line 3"), ("feed.jsonl#6", "no text field")]:
        assert reason in why[rel(mixed, name)], name
    # txt, html, 2 jsonl, 2 csv, latin1, cp1252, utf16; the duplicate counted once
    assert len(articles) == 9
    assert sorted(a.path for a in articles.values()).count(rel(mixed, "story.txt")) == 1


# -- what reaches a real index -------------------------------------------------------------------

def test_mixed_folder_index(mixed_index, mixed):
    report, articles, passages = mixed_index
    assert report.articles == 9 == len(articles)
    assert report.passages == len(passages)
    assert set(articles) == {
        "Lighthouse keeper retires after forty years", "Orchard growers fear late frost",
        JSONL_GOOD_1["title"], JSONL_GOOD_2["title"], "Beekeepers report record honey yield",
        "Village school reopens after flood repairs", "Café owners in Zürich protest rent rules",
        "Bakers’ strike ends after pay deal", "Observatory names new comet"}
    assert articles[JSONL_GOOD_1["title"]]["date"] == "2022-08-30"
    assert articles[JSONL_GOOD_2["title"]]["date"] == "2023-03-05"
    assert articles["Orchard growers fear late frost"]["outlet"] == "Valley Gazette"
    assert articles["Beekeepers report record honey yield"]["outlet"] == "Farm Weekly"
    assert articles[JSONL_GOOD_2["title"]]["outlet"] == "rail.example"
    assert len(reasons(report)) == 9


def test_no_script_text_reaches_passages(mixed_index):
    _, articles, passages = mixed_index
    html_id = articles["Orchard growers fear late frost"]["article_id"]
    html_passages = [p["text"] for p in passages if p["article_id"] == html_id]
    assert len(html_passages) == 3
    for p in passages:
        for token in ("SCRIPTTOKEN42", "ONERRORTOKEN", "alert(", "STYLETOKEN", "console.log",
                      "<script", "onerror"):
            assert token not in p["text"]


def test_decoded_text_reaches_passages(mixed_index):
    _, _, passages = mixed_index
    text = "\n".join(p["text"] for p in passages)
    assert "naïve policy" in text and "“fair” offer" in text and "Åsa Berg" in text
    assert "\ufffd" not in text


def test_nothing_readable_leaves_index_alone(tmp_path, embedder):
    """Only unreadable files (or a mistyped path): nothing is published, nothing is wiped."""
    from archive.config import load_config

    config = load_config(index=str(tmp_path / "index"))
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "a.png").write_bytes(PNG_HEAD)
    report = build([junk, tmp_path / "typo"], config, embedder=embedder)
    assert report.articles == 0 and report.passages == 0
    assert {s["reason"] for s in report.skipped} >= {"no such file or folder"}
    assert IndexDir(config.index_dir).current() is None


def test_duplicate_folder_given_twice(mixed, tmp_path):
    report = BuildReport(index="-")
    once = collect([mixed], BuildReport(index="-"))
    twice = collect([mixed, mixed / "story.txt"], report)
    assert set(once) == set(twice)
    assert any("same article as" in s["reason"] for s in report.skipped)


def test_copy_of_folder_is_independent(mixed, tmp_path):
    """The fixture folder is read, never written: copying it gives identical articles."""
    dst = tmp_path / "copy"
    shutil.copytree(mixed, dst, symlinks=True)
    a = collect([mixed], BuildReport(index="-"))
    b = collect([dst], BuildReport(index="-"))
    assert set(a) == set(b)


@pytest.mark.parametrize("shape", ["object", "list", "wrapped", "lines"])
def test_json_exports_in_the_shapes_scrapers_write(tmp_path, shape):
    first = {"title": "Ferry timetable cut for winter", "text": "The island ferry will sail "
             "twice a day from November, the operator said.", "source": "Harbour News"}
    second = {"headline": "no text here", "summary": "nothing to index"}
    third = {"title": "Library extends opening hours", "body": "The town library will open "
             "until nine on weekdays, its director announced."}
    body = {"object": json.dumps(first),
            "list": json.dumps([first, second, 7, third]),
            "wrapped": json.dumps({"count": 3, "articles": [first, second, third]}),
            "lines": "\n".join(json.dumps(r) for r in (first, second, third))}[shape]
    path = tmp_path / "export.json"
    path.write_text(body)
    items = read_path(path)
    good = [i for i in items if isinstance(i, RawArticle)]
    bad = [i for i in items if not isinstance(i, RawArticle)]
    titles = [first["title"]] + ([] if shape == "object" else [third["title"]])
    assert [g.title for g in good] == titles
    assert good[0].outlet == "Harbour News"
    if shape != "object":
        assert any("no text field" in b.reason for b in bad)  # the record without text
    if shape == "list":
        assert any("item 3 is not a JSON object" in b.reason for b in bad)


@pytest.mark.parametrize("body, reason", [
    ('{"title": "cut off", "text": ', "invalid JSON"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('"just a string"', "neither an article object nor a list"),
    ("[]", "no records"),
])
def test_broken_json_is_one_clear_skip(tmp_path, body, reason):
    path = tmp_path / "broken.json"
    path.write_text(body)
    [item] = read_path(path)
    assert not isinstance(item, RawArticle) and reason in item.reason


FERRY = {"title": "Ferry timetable cut for winter", "text": "The island ferry will sail twice "
         "a day from November, the operator said."}
PACK = {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress}


@pytest.mark.parametrize("packed", sorted(PACK))
@pytest.mark.parametrize("inner", [".jsonl", ".json", ".csv", ".txt"])
def test_compressed_files_are_read_as_what_they_hold(tmp_path, packed, inner):
    body = {".jsonl": json.dumps(FERRY) + "\n", ".json": json.dumps([FERRY]),
            ".csv": "title,text\n" + f'"{FERRY["title"]}","{FERRY["text"]}"\n',
            ".txt": f"{FERRY['title']}\n\n{FERRY['text']}\n"}[inner]
    path = tmp_path / f"export{inner.upper()}{packed}"  # the type is read case-blind
    path.write_bytes(PACK[packed](body.encode()))
    [article] = read_path(path)
    assert isinstance(article, RawArticle), article
    assert FERRY["text"] in article.text and article.path.startswith(str(path))


def test_a_dump_cut_short_keeps_its_whole_records(tmp_path):
    lines = "".join(json.dumps({"title": f"Story {i}", "text": f"Body of story {i} about the "
                               "harbour and its ferries."}) + "\n" for i in range(3000))
    packed = gzip.compress(lines.encode())
    path = tmp_path / "scrape.jsonl.gz"
    path.write_bytes(packed[: len(packed) // 2])  # an interrupted download
    items = read_path(path)
    good = [i for i in items if isinstance(i, RawArticle)]
    [note] = [i for i in items if not isinstance(i, RawArticle)]
    assert 100 < len(good) < 3000 and [g.title for g in good[:2]] == ["Story 0", "Story 1"]
    assert "cut short" in note.reason and "records before the cut were read" in note.reason
    assert all(g.text.endswith("ferries.") for g in good)  # no record cut in the middle


@pytest.mark.parametrize("name, data, reason", [
    ("bomb.txt.gz", gzip.compress(b"a" * 6_000_000), "larger than 5 MB once decompressed"),
    ("fake.csv.gz", b"this is not gzip at all", "not a readable gzip file"),
    ("cut.txt.xz", lzma.compress(b"x" * 1000)[:30], "not a readable xz file"),
    ("cut.html.bz2", bz2.compress(b"<p>x</p>" * 200)[:40], "not a readable bzip2 file"),
    ("plain.gz", gzip.compress(b"text"), "unsupported file type '.gz'"),
    ("image.png.gz", gzip.compress(b"\x89PNG"), "unsupported file type '.png.gz'"),
])
def test_bad_compressed_files_are_one_clear_skip(tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    [item] = read_path(path, max_bytes=5_000_000)
    assert not isinstance(item, RawArticle) and reason in item.reason, item


def test_concatenated_gzip_members_are_one_file(tmp_path):
    first, second = (json.dumps(dict(FERRY, title=t)) + "\n" for t in ("One", "Two"))
    path = tmp_path / "joined.jsonl.gz"  # cat a.jsonl.gz b.jsonl.gz > joined.jsonl.gz
    path.write_bytes(gzip.compress(first.encode()) + gzip.compress(second.encode()))
    assert [a.title for a in read_path(path)] == ["One", "Two"]
