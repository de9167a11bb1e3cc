"""No user text breaks search, the cleaner, the reader or a build: hostile strings, generated
ones, and generated files (random bytes and random JSON structures as .jsonl/.csv/.html)."""
from __future__ import annotations

import csv
import io
import json
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.build import build
from archive.build.stages import prepare
from archive.config import load_config
from archive.text.clean import clean_article
from archive.text.ingest import decode, read_path
from archive.models import RawArticle
from archive.search.searcher import MODES, MAX_QUERY_CHARS, make_filters
from archive.storage.sqlite import fts_query
from archive.models import Filters

PASTE = ("Russian Foreign Minister Sergei Lavrov said the demands were unacceptable. " * 200)[:10_000]

HOSTILE = [
    "", " ", "   \n\t  ", "\u00a0\u2003",
    "NEAR(", "NEAR(Lavrov Sherman, 2)", "AND OR NOT", "NOT", "OR", "Lavrov AND", "AND Lavrov",
    '"', '""', '"Lavrov', 'Lavrov"said"', "*", "Lav*", "^", "^Lavrov", ":", "text:Lavrov",
    "title: NATO", "{text title}: Lavrov", "(", ")", "((Lavrov)", "Lavrov))", "(NATO OR",
    "-Lavrov", "+", "'; DROP TABLE passages; --", "%", "_", "\\", "?*?", "[]", "NEAR/3",
    "🙂", "🇺🇦 Ukraine 🇷🇺", "Лавров сказал", "拉夫罗夫", "ﷺ", "e\u0301", "\u200b\u200d",
    "\x00", "Lavrov\x00said", "\x1b[31mred\x1b[0m", "\x07\x08\x0b\x0c\x7f", "\r\n\r\n",
    "a" * 5000, PASTE, PASTE + " NEAR( \" * ^",
]

FILTERS = [
    Filters(),
    make_filters(outlets=["CNN"]),
    make_filters(date_from="2022-01-01", date_to="2022-01-31"),
    make_filters(outlets=["CNN", "World Nation News"], date_from="2022-01-01"),
    make_filters(outlets=["Nobody at all"]),
]


def check_hits(hits, k, filters: Filters):
    assert len(hits) <= k
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    for h in hits:
        assert isinstance(h.text, str) and h.text
        if filters.outlets:
            assert h.outlet in filters.outlets
        if filters.date_from:
            assert h.date and h.date >= filters.date_from


def test_hostile_queries_keyword(searcher):
    for query in HOSTILE:
        for f in FILTERS:
            check_hits(searcher.search(query, k=5, mode="keyword", filters=f), 5, f)


# each dense/hybrid query costs a model encode: a representative subset
HOSTILE_DENSE = ["", "   \n\t  ", "NEAR(Lavrov Sherman, 2)", "AND OR NOT", '"Lavrov', "Lav*",
                 "^Lavrov", "title: NATO", "((Lavrov)", "🇺🇦 Ukraine 🇷🇺", "Lavrov\x00said",
                 "\x1b[31mred\x1b[0m", "'; DROP TABLE passages; --", PASTE + " NEAR( \" * ^"]


@pytest.mark.parametrize("mode", ["dense", "hybrid"])
def test_hostile_queries_dense_and_hybrid(mode, searcher):
    for i, query in enumerate(HOSTILE_DENSE):
        f = FILTERS[i % len(FILTERS)]
        check_hits(searcher.search(query, k=5, mode=mode, filters=f), 5, f)


def test_empty_and_blank_queries_give_no_hits(searcher):
    for mode in MODES:
        for query in ("", "   ", "\n\t", None):
            assert searcher.search(query, k=5, mode=mode) == []  # type: ignore[arg-type]


def test_long_paste_still_finds(searcher):
    for mode in MODES:
        hits = searcher.search(PASTE + " trailing words beyond the limit " * 50, k=3, mode=mode)
        assert hits and any("Lavrov" in h.text for h in hits)
    assert len(PASTE) == MAX_QUERY_CHARS


def test_lone_surrogate_does_not_crash(searcher):
    for mode in MODES:
        searcher.search("Lavrov \ud800 said", k=3, mode=mode)


FTS_CHARS = st.sampled_from(list('"*^:()-+{}[],.;!?\\/\'') + ["NEAR", "AND", "OR", "NOT",
                                                            " ", "Lavrov", "NATO", "text:"])
HOSTILE_TEXT = st.one_of(
    st.text(max_size=200),
    st.lists(FTS_CHARS, max_size=30).map("".join),
    st.lists(st.one_of(FTS_CHARS, st.text(max_size=5)), max_size=20).map(" ".join),
)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=HOSTILE_TEXT, f=st.sampled_from(FILTERS), k=st.integers(1, 50))
def test_generated_queries_keyword(searcher, query, f, k):
    check_hits(searcher.search(query, k=k, mode="keyword", filters=f), k, f)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=HOSTILE_TEXT, f=st.sampled_from(FILTERS), mode=st.sampled_from(["dense", "hybrid"]))
def test_generated_queries_dense_hybrid(searcher, query, f, mode):
    check_hits(searcher.search(query, k=5, mode=mode, filters=f), 5, f)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=300))
def test_fts_query_is_always_valid_fts5(text):
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(text, tokenize='porter unicode61 "
                 "remove_diacritics 2')")
    conn.execute("INSERT INTO t VALUES ('Lavrov said the demands were unacceptable')")
    match = fts_query(text)
    if match:
        conn.execute("SELECT rowid FROM t WHERE t MATCH ?", [match]).fetchall()
    conn.close()


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=2000), title=st.one_of(st.none(), st.text(max_size=50)),
       date=st.one_of(st.none(), st.text(max_size=30)))
def test_cleaner_never_raises(text, title, date):
    article = clean_article(RawArticle(text=text, path="x.txt", title=title, date=date))
    if article is not None:
        assert article.paragraphs and all(p.text.strip() for p in article.paragraphs)
        assert len(article.article_id) == 16
        if article.date:
            assert len(article.date) == 10


PARAGRAPH = st.lists(st.sampled_from(
    ["Russia", "said", "NATO", "“", "”", "Mr.", "Advertisement", "READ", "Related posts",
     "contributed to this report.", "2022-01-10", "Monday,", "January", "24,", "2022", ".",
     "\n", "\n\n", "Leave a Comment", "By", "Jane", "Doe", "|", "-", "spot_img"]),
    max_size=60).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(paragraphs=st.lists(PARAGRAPH, max_size=12))
def test_cleaner_on_newsy_noise(paragraphs):
    article = clean_article(RawArticle(text="\n\n".join(paragraphs), path="x.txt"))
    if article is not None:
        assert all(p.text.strip() for p in article.paragraphs)


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=3000))
def test_decode_never_raises(data):
    assert isinstance(decode(data), str)


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=2000),
       suffix=st.sampled_from([".txt", ".html", ".jsonl", ".csv", ".htm", ".bin"]))
def test_read_path_never_raises(data, suffix):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"f{suffix}"
        path.write_bytes(data)
        for item in read_path(path):
            assert hasattr(item, "reason") or isinstance(item, RawArticle)


# -- generated files: random bytes and random JSON structures (issue 14) ------------------------

KEYS = st.sampled_from(["text", "title", "date", "author", "authors", "url", "source", "body"])
LEAF = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=300)
        | st.sampled_from(["bad \ud800 surrogate", "\x00nul", "2022-13-45", "",
                           "Officials said the port reopened on Monday.\n\nMore followed."]))
JSON = st.recursive(LEAF, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(KEYS | st.text(max_size=8), inner, max_size=6),
                    max_leaves=25)
HOSTILE_LINES = st.sampled_from([
    "[" * 100_000, '{"a": ' * 50_000, '{"text": "Long number.", "n": ' + "9" * 5000 + "}",
    '{"text": ' + "1e999999" + "}", "\x00\x01\x02", "{", "null", '"just a string"'])


def jsonl_file(values: list, extra: list[str]) -> bytes:
    lines = [json.dumps(v) for v in values] + extra
    return "\n".join(lines).encode("utf-8", errors="surrogatepass")


def csv_file(rows: list[dict]) -> bytes:
    out = io.StringIO()
    fields = sorted({str(k) for r in rows for k in r}) or ["text"]
    writer = csv.writer(out)
    writer.writerow(fields)
    for r in rows:
        writer.writerow([str(r.get(f, "")) for f in fields])
    return out.getvalue().encode("utf-8", errors="surrogatepass")


def html_file(value: object) -> bytes:
    body = "".join(f"<p>{v}</p>" for v in (value if isinstance(value, list) else [value]))
    return f"<html><head><title>{value!s:.50}</title></head><body><article>{body}</article>" \
           f"</body></html>".encode("utf-8", errors="surrogatepass")


FILES = st.one_of(
    st.tuples(st.just(".jsonl"), st.builds(jsonl_file, st.lists(JSON, max_size=5),
                                           st.lists(HOSTILE_LINES, max_size=2))),
    st.tuples(st.just(".csv"), st.builds(csv_file, st.lists(st.dictionaries(
        KEYS | st.text(max_size=8), JSON, max_size=5), max_size=5))),
    st.tuples(st.just(".html"), st.builds(html_file, JSON)),
    st.tuples(st.sampled_from([".jsonl", ".csv", ".html", ".txt"]), st.binary(max_size=3000)))


def storable(item) -> bool:  # noqa: ANN001
    """Every string of a read item encodes as UTF-8 (what SQLite and the page need)."""
    values = [item.path, getattr(item, "reason", "")] + [
        getattr(item, f, None) or "" for f in ("text", "title", "date", "url", "outlet",
                                               "author")]
    return all(isinstance(v, str) and v.encode("utf-8") is not None for v in values)


@settings(max_examples=150, deadline=None)
@given(file=FILES)
def test_reader_never_raises_on_generated_files(file):
    suffix, data = file
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"gen{suffix}"
        path.write_bytes(data)
        items = read_path(path)
        assert items
        for item in items:
            assert storable(item)
            article, reason = prepare(item)  # cleaning: the rest of the per-file boundary
            assert (article is None) != (reason is None)


GOOD = ("Harbour reopens after storm\n\nThe harbour master said on Monday that the port "
        "would reopen to ferries after the storm damaged two of its piers.\n")


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=st.lists(FILES, min_size=1, max_size=3))
def test_build_indexes_the_good_file_beside_generated_ones(files, embedder):
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        (corpus / "good.txt").write_text(GOOD)
        for n, (suffix, data) in enumerate(files):
            (corpus / f"gen{n}{suffix}").write_bytes(data)
        report = build([corpus], load_config(index=str(Path(tmp) / "index")),
                       embedder=embedder)
        assert report.articles >= 1 and report.passages >= 1
        good = str(corpus / "good.txt")
        assert not any(s["path"] == good for s in report.skipped)
        assert all(s["reason"] for s in report.skipped)
