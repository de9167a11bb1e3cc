"""SQLite store (real FTS5), FAISS vector index and index generations, without the model."""
from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from archive.errors import BuildLocked, IndexCorrupt, IndexNotFound
from archive.storage import IndexDir
from archive.models import Article, Paragraph, Passage
from archive.storage.sqlite import Store, fts_query
from archive.models import Filters
from archive.storage.vectors import VectorIndex


def make_article(aid: str, title: str, texts: list[str], date=None, outlet=None) -> tuple:
    article = Article(article_id=aid, title=title, path=f"{aid}.txt", date=date, outlet=outlet,
                      paragraphs=[Paragraph(t) for t in texts])
    passages = [Passage(article_id=aid, position=i, text=t) for i, t in enumerate(texts)]
    return article, passages


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "archive.db", readonly=False)
    s.add_article(*make_article("a1", "Ferry timetable", [
        "The council added three evening ferry crossings.",
        "Commuters welcomed the change to the timetable.",
        "Ticket prices stay the same for islanders.",
    ], date="2023-03-03", outlet="Harbour Times"))
    s.add_article(*make_article("a2", "Lighthouse keeper retires", [
        "Agnes Moll handed over the lighthouse keys.",
        "The light will be automated next spring.",
    ], date="2021-06-14", outlet="Coastal Herald"))
    s.add_article(*make_article("a3", "Undated note", ["A ferry note without a date."]))
    yield s
    s.close()


def test_fts_query_quotes_every_word():
    assert fts_query('NEAR(ferry AND "bridge" OR NOT x*) ^y z:w') == (
        '"near" OR "ferry" OR "bridge" OR "not" OR "x" OR "y" OR "z" OR "w"')
    assert fts_query("what did Lavrov say") == '"lavrov"'
    assert fts_query("what did") == '"what" OR "did"'  # only stopwords: keep them
    for empty in ("", "   ", "()", '"""', "🙂🙂", "\x00\x01", "***"):
        assert fts_query(empty) == ""
    assert fts_query("word " * 1000) == '"word"'
    assert len(fts_query(" ".join(f"w{i}" for i in range(1000))).split(" OR ")) == 64


def test_add_fetch_and_counts(store):
    assert store.count("articles") == 3 and store.count("passages") == 6
    ids = store.passage_ids()
    rows = store.fetch(ids)
    assert set(rows) == set(ids)
    first = rows[ids[0]]
    assert first["title"] == "Ferry timetable" and first["position"] == 0
    assert first["outlet"] == "Harbour Times" and first["date"] == "2023-03-03"
    assert store.article("a2")["title"] == "Lighthouse keeper retires"
    assert [p["position"] for p in store.article_passages("a1")] == [0, 1, 2]
    assert store.outlets() == [("Coastal Herald", 1), ("Harbour Times", 1)]
    assert store.date_range() == ("2021-06-14", "2023-03-03")
    with pytest.raises(ValueError):
        store.count("sqlite_master; DROP TABLE passages")


def test_neighbours(store):
    ids = [p["id"] for p in store.article_passages("a1")]
    assert [r["id"] for r in store.neighbours(ids[1])] == ids
    assert [r["id"] for r in store.neighbours(ids[0])] == ids[:2]
    assert [r["id"] for r in store.neighbours(ids[2])] == ids[1:]
    a2 = [p["id"] for p in store.article_passages("a2")]
    assert [r["id"] for r in store.neighbours(a2[0])] == a2  # never crosses articles
    assert store.neighbours(10**9) == []


def test_keyword_search_and_filters(store):
    hits = store.keyword_search("ferry", 10)
    texts = {store.fetch([i])[i]["text"] for i, _ in hits}
    assert "The council added three evening ferry crossings." in texts
    assert "A ferry note without a date." in texts
    scores = [s for _, s in hits]
    assert scores == sorted(scores, reverse=True)
    # title words count too (weight 0.3): "timetable" is in a1's title and one passage
    assert {store.fetch([i])[i]["article_id"] for i, _ in store.keyword_search("timetable", 10)} == {"a1"}
    only = store.keyword_search("ferry", 10, Filters(outlets=("Harbour Times",)))
    assert {store.fetch([i])[i]["article_id"] for i, _ in only} == {"a1"}
    dated = store.keyword_search("ferry", 10, Filters(date_from="2022-01-01"))
    assert {store.fetch([i])[i]["article_id"] for i, _ in dated} == {"a1"}  # undated excluded
    assert store.keyword_search("ferry", 10, Filters(date_to="2020-01-01")) == []
    art = store.keyword_search("ferry", 10, Filters(article_ids=("a3",)))
    assert {store.fetch([i])[i]["article_id"] for i, _ in art} == {"a3"}
    assert store.keyword_search("", 10) == []
    # stemming: "crossing" finds "crossings"
    assert store.keyword_search("crossing", 10)


def test_filtered_ids(store):
    assert len(store.filtered_ids(Filters())) == 6
    assert len(store.filtered_ids(Filters(outlets=("Coastal Herald",)))) == 2
    assert len(store.filtered_ids(Filters(date_from="2021-06-14", date_to="2021-06-14"))) == 2
    assert store.filtered_ids(Filters(outlets=("Nobody",))) == []


def test_delete_articles(store):
    a1 = [p["id"] for p in store.article_passages("a1")]
    removed = store.delete_articles(["a1"])
    assert sorted(removed) == sorted(a1)
    assert "a1" not in store.article_ids() and store.count("passages") == 3
    assert all(store.fetch([i]) == {} for i in a1)
    assert store.keyword_search("timetable", 10) == []  # FTS rows gone too


def test_readonly_store_checks(tmp_path, store):
    store.write_manifest({"format": 1, "model": "m"})
    store.finish()
    ro = Store(store.path, readonly=True)
    assert ro.manifest() == {"format": 1, "model": "m", "keyword_index": "tantivy"}
    with pytest.raises(sqlite3.OperationalError):
        ro.db.execute("DELETE FROM articles")
    ro.close()
    with pytest.raises(IndexCorrupt):
        Store(tmp_path / "missing.db", readonly=True)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(IndexCorrupt, match="junk.db"):
        Store(junk, readonly=True)
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).execute("CREATE TABLE x (a)").connection.commit()
    with pytest.raises(IndexCorrupt, match="lacks tables"):
        Store(empty, readonly=True)


# -- FAISS ----------------------------------------------------------------------------------

def unit(rows: int, dim: int, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=(rows, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_vector_index_ids_search_remove(tmp_path):
    v = unit(20, 16)
    ids = list(range(100, 120))
    index = VectorIndex(16)
    index.add(ids, v)
    assert index.ntotal == 20 and sorted(index.ids().tolist()) == ids
    top = index.search(v[3], 3)
    assert top[0][0] == 103 and top[0][1] == pytest.approx(1.0, abs=1e-5)
    allowed = index.search(v[3], 5, allowed=[110, 111])
    assert {i for i, _ in allowed} == {110, 111}
    assert index.search(v[3], 5, allowed=[]) == []
    assert index.search(v[3], 0) == []
    np.testing.assert_allclose(index.reconstruct([105, 101]), v[[5, 1]], atol=1e-6)
    assert index.remove([100, 101, 999]) == 2
    assert index.ntotal == 18 and 100 not in index.ids().tolist()
    assert index.search(v[0], 1)[0][0] != 100
    with pytest.raises(ValueError):
        index.add([1, 2], v[:3])

    path = tmp_path / "v.faiss"
    index.save(path)
    again = VectorIndex.load(path)
    assert again.ntotal == 18 and sorted(again.ids().tolist()) == sorted(index.ids().tolist())
    np.testing.assert_allclose(again.reconstruct([119]), v[[19]], atol=1e-6)


def test_truncated_vector_file_is_corrupt(tmp_path):
    index = VectorIndex(16)
    index.add(list(range(10)), unit(10, 16))
    path = tmp_path / "vectors.faiss"
    index.save(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(IndexCorrupt, match="vectors.faiss"):
        VectorIndex.load(path)
    path.write_bytes(b"")
    with pytest.raises(IndexCorrupt, match="vectors.faiss"):
        VectorIndex.load(path)
    with pytest.raises(IndexCorrupt, match="missing"):
        VectorIndex.load(tmp_path / "nope.faiss")


# -- generations ------------------------------------------------------------------------------

def test_generations_publish_and_cleanup(tmp_path):
    d = IndexDir(tmp_path / "index")
    assert d.current() is None
    with pytest.raises(IndexNotFound, match="archive build"):
        d.require_current()
    gens = []
    for _ in range(4):
        g = d.new_generation()
        (g / ".published").touch()
        d.publish(g)
        gens.append(g)
        assert d.current() == g
    leftover = d.new_generation()  # a killed build: never published
    removed = d.cleanup(keep=2)
    assert leftover in removed and gens[0] in removed and gens[1] in removed
    assert gens[2].is_dir() and gens[3].is_dir() and d.current() == gens[3]


def test_lock_is_exclusive(tmp_path):
    d = IndexDir(tmp_path / "index")
    with d.lock():
        with pytest.raises(BuildLocked, match="another build"):
            with IndexDir(tmp_path / "index").lock():
                pass
    with d.lock():  # released afterwards
        pass
