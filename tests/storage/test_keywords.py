"""The Tantivy keyword index of a generation: real Tantivy, real SQLite, no model."""
from __future__ import annotations

import os
import shutil
import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.errors import IndexCorrupt
from archive.models import Article, Filters, Paragraph, Passage
from archive.storage.keywords import (KEYWORDS_NAME, KeywordIndex, copy_keywords, date_key)
from archive.storage.sqlite import Store


def article(aid: str, title: str, texts: list[str], date=None, outlet=None) -> tuple:
    a = Article(article_id=aid, title=title, path=f"{aid}.txt", date=date, outlet=outlet,
                paragraphs=[Paragraph(t) for t in texts])
    return a, [Passage(article_id=aid, position=i, text=t) for i, t in enumerate(texts)]


def ids_of(store: Store, hits) -> set[str]:
    return {store.fetch([i])[i]["article_id"] for i, _ in hits}


@pytest.fixture
def store(tmp_path):
    (tmp_path / "gen").mkdir()
    s = Store(tmp_path / "gen" / "archive.db", readonly=False)
    s.add_article(*article("a1", "Ferry timetable", [
        "The council added three evening ferry crossings.",
        "Commuters welcomed the change to the timetable."], "2023-03-03", "Harbour Times"))
    s.add_article(*article("a2", "Café owners protest", [
        "Owners of the café on the quay said the ferries bring customers."],
        "2021-06", "Coastal Herald"))
    s.add_article(*article("a3", "Undated note", ["A ferry note without a date."]))
    yield s
    s.close()


def test_dates_order_like_their_iso_strings():
    assert date_key("2016-05-03") == 20160503
    assert date_key("2016-05") == 20160500 < date_key("2016-05-01")
    assert date_key(None) == date_key("") < 0


def test_search_stems_folds_accents_and_weighs_titles(store):
    assert ids_of(store, store.keyword_search("ferries", 10)) == {"a1", "a2", "a3"}
    assert ids_of(store, store.keyword_search("cafe", 10)) == {"a2"}  # "café" folded
    assert ids_of(store, store.keyword_search("timetables", 10)) == {"a1"}
    # "timetable" is in a1's title and in one passage: that passage ranks first
    hits = store.keyword_search("timetable", 10)
    assert store.fetch([hits[0][0]])[hits[0][0]]["text"].startswith("Commuters")
    scores = [s for _, s in store.keyword_search("ferry crossings", 10)]
    assert scores == sorted(scores, reverse=True)


def test_filters_are_applied_inside_the_index(store):
    assert ids_of(store, store.keyword_search("ferry", 10, Filters(
        outlets=("Coastal Herald",)))) == {"a2"}
    assert ids_of(store, store.keyword_search("ferry", 10, Filters(
        date_from="2022-01-01"))) == {"a1"}  # the undated a3 is left out
    assert ids_of(store, store.keyword_search("ferry", 10, Filters(
        date_from="2022-01-01", include_undated=True))) == {"a1", "a3"}
    assert ids_of(store, store.keyword_search("ferry", 10, Filters(
        date_to="2021-06-30"))) == {"a2"}  # "2021-06" sorts before "2021-06-30"
    assert store.keyword_search("ferry", 10, Filters(date_from="2024-01-01",
                                                      date_to="2023-01-01")) == []
    assert ids_of(store, store.keyword_search("ferry", 10, Filters(
        article_ids=("a3", "a1")))) == {"a1", "a3"}
    # a filter decides membership only: the scores are those of the unfiltered search
    plain = dict(store.keyword_search("ferry", 10))
    for pid, score in store.keyword_search("ferry", 10, Filters(outlets=("Harbour Times",))):
        assert score == pytest.approx(plain[pid])


def test_filters_on_people_come_from_sqlite(store):
    a1 = [p["id"] for p in store.article_passages("a1")]
    store.db.execute("INSERT INTO attributions (passage_id, article_id, speaker, person, "
                     "content, direct) VALUES (?, 'a1', 'Ruth', 'Ruth Okafor', 'x', 1)",
                     [a1[0]])
    assert [i for i, _ in store.keyword_search("ferry", 10, Filters(
        speakers=("Ruth Okafor",)))] == [a1[0]]
    assert store.keyword_search("ferry", 10, Filters(speakers=("Nobody",))) == []


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_any_user_text_is_a_valid_query(tmp_path_factory, text):
    index = KeywordIndex(tmp_path_factory.mktemp("kw") / KEYWORDS_NAME, writable=True)
    index.add([(1, "Lavrov said the talks (AND NOT \"quoted\") were over: title:x*", "T",
                None, None, "a")])
    index.commit()
    hits = index.search(text, 10, Filters())
    assert all(pid == 1 for pid, _ in hits)


def test_deletes_and_adds_reach_the_index(store):
    removed = store.delete_articles(["a1"])
    assert removed and store.keyword_search("timetable", 10) == []
    store.add_article(*article("a4", "Bridge", ["The new bridge opened to traffic."]))
    assert ids_of(store, store.keyword_search("bridges", 10)) == {"a4"}
    assert store.keywords.count() == store.count("passages")


def test_a_copied_generation_shares_files_and_never_changes_the_original(store, tmp_path):
    store.finish()
    src = store.path.parent / KEYWORDS_NAME
    dst = tmp_path / "next" / KEYWORDS_NAME
    assert copy_keywords(src, dst)
    shared = [f for f in dst.iterdir() if f.is_file() and os.stat(f).st_nlink > 1]
    assert shared  # hard links, not copies
    new = KeywordIndex(dst, writable=True)
    new.delete([p for p, _ in new.search("ferry", 10)])
    new.add([(99, "A ferry from the copy.", "", None, None, "a9")])
    new.commit()
    assert [p for p, _ in new.search("ferry", 10)] == [99]
    old = KeywordIndex(src)
    assert len(old.search("ferry", 10)) == 4 == old.count()  # a1 by its title too
    assert not copy_keywords(tmp_path / "nothing", tmp_path / "other")


def test_a_generation_made_before_the_keyword_index_gains_one(tmp_path):
    """An FTS5-only generation answers through FTS5; a build's writable copy of it indexes
    every passage in Tantivy and empties the FTS5 rows."""
    gen = tmp_path / "gen"
    gen.mkdir()
    s = Store(gen / "archive.db", readonly=False)
    s.add_article(*article("a1", "Ferry", ["The ferry sailed at dawn.", "Gulls followed."]))
    s.finish()
    s.close()
    # what an older archive wrote: FTS5 rows, no keyword folder (nor its manifest entry)
    shutil.rmtree(gen / KEYWORDS_NAME)
    conn = sqlite3.connect(gen / "archive.db")
    conn.execute("DELETE FROM manifest WHERE key = 'keyword_index'")
    conn.executemany("INSERT INTO passages_fts (rowid, text, title) VALUES (?, ?, ?)",
                     conn.execute("SELECT p.id, p.text, a.title FROM passages p JOIN articles "
                                  "a USING (article_id)").fetchall())
    conn.commit()
    conn.close()
    old = Store(gen / "archive.db", readonly=True)
    assert old.keywords is None and len(old.keyword_search("ferry", 10)) == 2  # FTS5
    old.close()
    migrated = Store(gen / "archive.db", readonly=False)
    assert migrated.keywords.count() == 2
    assert migrated.db.execute("SELECT COUNT(*) FROM passages_fts").fetchone()[0] == 0
    migrated.finish()
    migrated.close()
    again = Store(gen / "archive.db", readonly=True)
    assert again.keywords is not None and len(again.keyword_search("gulls", 10)) == 1
    again.close()


def test_a_damaged_keyword_index_is_one_clear_error(store):
    store.finish()
    folder = store.path.parent / KEYWORDS_NAME
    (folder / "meta.json").write_text("{ not json")
    with pytest.raises(IndexCorrupt, match="keyword index .* is damaged.*archive build"):
        KeywordIndex(folder)
