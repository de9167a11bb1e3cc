"""No user text breaks search, the cleaner or the reader: hostile strings and generated ones."""
from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
