"""Builds with the real model: FAISS and SQLite agree, incremental builds reuse what they can,
and damaged, locked or mismatched indexes fail loudly."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from archive.build import build
from archive.config import load_config
from archive.errors import BuildLocked, IndexCorrupt, IndexMismatch
from archive.storage.generations import DB_NAME, VECTORS_NAME, IndexDir
from archive.search.searcher import Searcher
from archive.storage.sqlite import Store
from archive.models import Filters

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

NEW_ARTICLE = """Harbour council approves new ferry timetable

The harbour council voted on Tuesday to add three evening ferry crossings between the old \
port and the island, starting in May.

Council member Ruth Okafor said the change answered years of complaints from commuters who \
work late shifts in the city.

Ticket prices will not change, the operator said, although a monthly pass for island \
residents is under discussion.
"""


def open_store(config) -> Store:
    return Store(IndexDir(config.index_dir).require_current() / DB_NAME)


def passage_rows(config) -> list[dict]:
    store = open_store(config)
    try:
        return list(store.db.query("SELECT p.id, p.article_id, p.position, p.text, a.title "
                                   "FROM passages p JOIN articles a USING (article_id) "
                                   "ORDER BY p.id"))
    finally:
        store.close()


def check_consistent(config, embedder, sample: int = 6) -> None:
    """ntotal == passages, FAISS ids == passage rowids, stored vectors == fresh encodings."""
    s = Searcher(config, embedder=embedder)
    try:
        backend = s.backend
        ids = backend.store.passage_ids()
        assert backend.vectors.ntotal == len(ids) == backend.store.count("passages")
        assert backend.store.keywords.count() == len(ids)  # the keyword index too
        assert set(backend.vectors.ids().tolist()) == set(ids)
        if sample:
            picked = sorted({ids[int(i)] for i in np.linspace(0, len(ids) - 1, sample)})
            rows = backend.fetch(picked)
            stored = backend.vectors.reconstruct(picked)
            fresh = embedder.encode([rows[i]["text"] for i in picked])
            cosines = np.sum(stored * fresh, axis=1)
            assert np.all(cosines > 0.999), cosines
    finally:
        s.close()


@pytest.fixture
def index_copy(tmp_path, seed_index, seed_config):
    """A writable copy of the session's seed index (no re-embedding needed)."""
    dst = tmp_path / "index-copy"
    shutil.copytree(seed_config.index_dir, dst, ignore=shutil.ignore_patterns("build.lock"))
    return load_config(index=str(dst))


@pytest.fixture(scope="module")
def full_rebuild(seed_index, embedder, tmp_path_factory):
    """The seeds built again from scratch (--full) into another folder."""
    config = load_config(index=str(tmp_path_factory.mktemp("full") / "index"))
    return config, build([SEEDS], config, full=True, embedder=embedder)


# -- the seed index ----------------------------------------------------------------------------

def test_seed_report(seed_index, seed_config):
    assert seed_index.articles == 5
    assert seed_index.added_articles == 5 and seed_index.removed_articles == 0
    assert seed_index.passages == len(passage_rows(seed_config)) > 50
    assert seed_index.embedded_passages == seed_index.passages
    assert seed_index.skipped == []
    assert seed_index.generation == IndexDir(seed_config.index_dir).require_current().name


def test_faiss_ids_match_sqlite_rows(seed_index, seed_config, embedder, searcher):
    check_consistent(seed_config, embedder, sample=0)
    backend = searcher.backend
    ids = backend.store.passage_ids()
    picked = ids[:: max(1, len(ids) // 15)] + [ids[-1]]
    rows = backend.fetch(picked)
    stored = backend.vectors.reconstruct(picked)
    fresh = embedder.encode([rows[i]["text"] for i in picked])
    assert np.all(np.sum(stored * fresh, axis=1) > 0.999)
    assert np.allclose(np.linalg.norm(stored, axis=1), 1.0, atol=1e-4)
    # a passage's own text finds itself first in dense search
    for i, pid in enumerate(picked[:3]):
        assert backend.dense(fresh[i], 1, Filters())[0][0] == pid


def test_seed_metadata_in_index(seed_index, seed_config):
    store = open_store(seed_config)
    try:
        arts = {Path(r["path"]).name[:3]: r for r in store.db.query("SELECT * FROM articles")}
        manifest = store.manifest()
    finally:
        store.close()
    assert set(arts) == {"000", "001", "002", "003", "004"}
    assert all(a["title"] for a in arts.values())
    assert arts["002"]["date"] == "2022-01-24" and arts["003"]["date"] == "2022-01-10"
    assert arts["000"]["outlet"] == "CNN" and arts["001"]["outlet"] == "CNN"
    assert arts["004"]["note"].startswith("This version has been corrected")
    assert "contributed to this reporting" in arts["000"]["byline"]
    assert manifest["model"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert manifest["dimension"] == 384 and manifest["normalized"] is True
    assert manifest["passages"] == seed_index.passages


def test_people_table_is_the_catalogues(seed_index, seed_config):
    """The distributed build tallies people with `people_table`; the local catalogue's
    people (derived in SQL) are the same rows."""
    from archive.text.roles import people_table

    store = open_store(seed_config)
    try:
        # the people of attributions sure enough to label a passage (ARCHIVE_LABEL_CONFIDENCE)
        mentions = store.db.execute(
            "SELECT speaker, role, article_id, speaker_type FROM attributions WHERE speaker IS "
            "NOT NULL AND (confidence IS NULL OR confidence >= ?)",
            [seed_config.label_confidence]).fetchall()
        # and the roles written with a name in any attribution's speaker phrase
        written = store.db.execute("SELECT speaker, role, speaker_text FROM attributions "
                                   "WHERE speaker IS NOT NULL").fetchall()
        aliases, people = store.aliases(), store.people()
    finally:
        store.close()
    assert len(people) == seed_index.people > 5
    assert sorted(people_table(mentions, aliases, written), key=lambda p: p["name"]) == \
        sorted(people, key=lambda p: p["name"])


# -- incremental builds --------------------------------------------------------------------------

def test_rebuild_with_nothing_changed(index_copy, seeds_copy, embedder, seed_index):
    before = IndexDir(index_copy.index_dir).require_current().name
    report = build([seeds_copy], index_copy, embedder=embedder)
    assert report.unchanged is True
    assert report.generation == before == IndexDir(index_copy.index_dir).current().name
    assert report.embedded_passages == 0
    assert report.articles == 5 and report.passages == seed_index.passages


def test_add_keeps_old_articles_and_embeds_only_new(index_copy, tmp_path, embedder, seed_index):
    old_ids = {r["article_id"] for r in passage_rows(index_copy)}
    follower = Searcher(index_copy, embedder=embedder)
    assert follower.counts()["articles"] == 5
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "ferry.txt").write_text(NEW_ARTICLE)
    report = build([extra], index_copy, mirror=False, embedder=embedder)
    assert not report.unchanged
    assert report.added_articles == 1 and report.removed_articles == 0
    assert report.articles == 6
    assert report.embedded_passages == 3 == report.passages - seed_index.passages
    assert report.reused_passages == 0
    rows = passage_rows(index_copy)
    assert old_ids < {r["article_id"] for r in rows}
    assert sum(r["title"] == "Harbour council approves new ferry timetable" for r in rows) == 3
    check_consistent(index_copy, embedder, sample=4)
    # a Searcher opened before the build follows the new generation
    assert follower.counts()["articles"] == 6
    hits = follower.search("evening ferry crossings to the island", k=3)
    assert hits[0].title == "Harbour council approves new ferry timetable"
    follower.close()
    # adding the same file again changes nothing
    again = build([extra], index_copy, mirror=False, embedder=embedder)
    assert again.unchanged and again.articles == 6


def test_edit_one_paragraph_reuses_the_rest(index_copy, seeds_copy, embedder, seed_index):
    path = next(seeds_copy.glob("004_*.txt"))
    old = "Russia denies having any new plans to attack its neighbor and in turn accuses the " \
          "West of threatening its security."
    new = "Moscow denies any plan to attack its neighbour and accuses the West of threatening " \
          "Russian security with weapons deliveries."
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    report = build([seeds_copy], index_copy, embedder=embedder)
    assert report.added_articles == 1 and report.removed_articles == 1
    assert report.articles == 5 and report.passages == seed_index.passages
    assert report.reused_passages > 10
    assert 1 <= report.embedded_passages <= 2
    texts = [r["text"] for r in passage_rows(index_copy)]
    assert new in texts and old not in texts
    check_consistent(index_copy, embedder, sample=4)
    # the edited paragraph's vector is its own, not a reused neighbour's
    s = Searcher(index_copy, embedder=embedder)
    pid = next(r["id"] for r in passage_rows(index_copy) if r["text"] == new)
    stored = s.backend.vectors.reconstruct([pid])[0]
    assert float(stored @ embedder.encode([new])[0]) > 0.999
    s.close()


def test_deleted_file_leaves_the_index(index_copy, seeds_copy, embedder, seed_index):
    victim = next(seeds_copy.glob("003_*.txt"))
    victim.unlink()
    report = build([seeds_copy], index_copy, embedder=embedder)
    assert report.removed_articles == 1 and report.added_articles == 0
    assert report.embedded_passages == 0
    rows = passage_rows(index_copy)
    assert "Talks on Ukraine conflict: US calls on Russia to de-escalate tensions" not in {
        r["title"] for r in rows}
    assert report.passages == len(rows) < seed_index.passages
    check_consistent(index_copy, embedder, sample=0)
    s = Searcher(index_copy, embedder=embedder)
    hits = s.search("hard front Ryabkov RIA diplomacy may end abruptly", k=10, mode="keyword")
    assert all(h.title != "Talks on Ukraine conflict: US calls on Russia to de-escalate tensions"
               for h in hits)
    s.close()
    # old generations are cleaned up, the current one kept
    gens = list(Path(index_copy.index_dir).glob("gen-*"))
    assert IndexDir(index_copy.index_dir).current() in gens and len(gens) <= 2


def test_page_uploads_survive_a_mirror_build(index_copy, seeds_copy, embedder, seed_index):
    """Articles added through the page live under <index>/uploads/: `archive build seeds`
    (a mirror build) keeps them; deleting the upload's file and building again drops it."""
    from archive.app import uploads as ui
    report, _ = ui.add_uploads([("ferry.txt", NEW_ARTICLE.encode())], index_copy,
                               embedder=embedder, stamp="s1")
    assert report.added_articles == 1 and report.articles == 6
    again = build([seeds_copy], index_copy, embedder=embedder)
    assert again.unchanged and again.articles == 6
    assert sum(r["title"] == "Harbour council approves new ferry timetable"
               for r in passage_rows(index_copy)) == 3
    # naming the uploads folder itself changes nothing either
    named = build([seeds_copy, Path(index_copy.index_dir) / "uploads"], index_copy,
                  embedder=embedder)
    assert named.unchanged and named.articles == 6
    (Path(index_copy.index_dir) / "uploads" / "s1" / "ferry.txt").unlink()
    gone = build([seeds_copy], index_copy, embedder=embedder)
    assert gone.removed_articles == 1 and gone.articles == 5


def test_full_rebuild_reembeds_everything(full_rebuild, seed_index):
    config, report = full_rebuild
    assert report.passages == seed_index.passages
    assert report.embedded_passages == report.passages and report.reused_passages == 0
    assert report.added_articles == 5


def test_full_flag_on_existing_index(tmp_path, embedder):
    config = load_config(index=str(tmp_path / "index"))
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ferry.txt").write_text(NEW_ARTICLE)
    first = build([folder], config, embedder=embedder)
    second = build([folder], config, full=True, embedder=embedder)
    assert not second.unchanged and second.generation != first.generation
    assert second.embedded_passages == second.passages == 3 and second.reused_passages == 0


def test_full_rebuild_gives_same_ranking(full_rebuild, searcher, embedder):
    config, _ = full_rebuild
    other = Searcher(config, embedder=embedder)
    try:
        for query in ("what did Lavrov say", "risk of war in the OSCE region",
                      "NATO open door policy", "sanctions against Russia"):
            for mode in ("hybrid", "dense", "keyword"):
                a = [h.text for h in searcher.search(query, k=8, mode=mode)]
                b = [h.text for h in other.search(query, k=8, mode=mode)]
                assert a == b, (query, mode)
    finally:
        other.close()


# -- failures ------------------------------------------------------------------------------------

def test_concurrent_build_refused(index_copy, seeds_copy, embedder):
    before = IndexDir(index_copy.index_dir).current()
    with IndexDir(index_copy.index_dir).lock():
        with pytest.raises(BuildLocked):
            build([seeds_copy], index_copy, embedder=embedder)
    assert IndexDir(index_copy.index_dir).current() == before


def test_truncated_vectors_is_corrupt(index_copy, embedder):
    gen = IndexDir(index_copy.index_dir).require_current()
    vectors = gen / VECTORS_NAME
    data = vectors.read_bytes()
    vectors.write_bytes(data[: len(data) // 3])
    s = Searcher(index_copy, embedder=embedder)
    with pytest.raises(IndexCorrupt, match=VECTORS_NAME):
        s.search("Lavrov")
    with pytest.raises(IndexCorrupt, match=VECTORS_NAME):
        s.search("Lavrov", mode="keyword")
    s.close()
    # a build on top of it fails loudly too, leaving the damaged generation in place
    with pytest.raises(IndexCorrupt, match=VECTORS_NAME):
        _build_with_change(index_copy, embedder)
    assert IndexDir(index_copy.index_dir).current() == gen


def _build_with_change(config, embedder):
    folder = Path(config.index_dir).parent / "change"
    folder.mkdir(exist_ok=True)
    (folder / "ferry.txt").write_text(NEW_ARTICLE)
    return build([folder], config, mirror=False, embedder=embedder)


def test_vectors_out_of_step_with_database(index_copy, embedder):
    """A vectors file from another generation (fewer vectors) is caught at open."""
    gen = IndexDir(index_copy.index_dir).require_current()
    from archive.storage.vectors import VectorIndex

    v = VectorIndex.load(gen / VECTORS_NAME)
    v.remove(v.ids()[:3].tolist())
    v.save(gen / VECTORS_NAME)
    with pytest.raises(IndexCorrupt, match="vectors but the database has"):
        Searcher(index_copy, embedder=embedder).search("x", mode="keyword")


def test_manifest_of_another_model_is_mismatch(index_copy, embedder, tmp_path):
    gen = IndexDir(index_copy.index_dir).require_current()
    conn = sqlite3.connect(gen / DB_NAME)
    conn.execute("UPDATE manifest SET value = ? WHERE key = 'model'",
                 ['"sentence-transformers/some-other-model"'])
    conn.commit()
    conn.close()
    s = Searcher(index_copy, embedder=embedder)
    for mode in ("dense", "hybrid"):
        with pytest.raises(IndexMismatch, match="some-other-model"):
            s.search("what did Lavrov say", mode=mode)
    assert s.search("Lavrov", mode="keyword")  # keyword search needs no model
    s.close()
    with pytest.raises(IndexMismatch, match="--full"):
        _build_with_change(index_copy, embedder)
    assert IndexDir(index_copy.index_dir).current() == gen


def test_a_story_filed_again_reuses_the_archive_s_vectors(index_copy, seeds_copy, embedder,
                                                         seed_index, tmp_path):
    """A new article that repeats paragraphs the archive holds (a story filed again with one
    paragraph changed) embeds only the changed one; the others take the stored vectors, and
    each stored vector is still its text's own."""
    text = next(seeds_copy.glob("004_*.txt")).read_text()
    old = "Russia denies having any new plans to attack its neighbor and in turn accuses the " \
          "West of threatening its security."
    new = "Moscow denies any plan to attack its neighbour and accuses the West of threatening " \
          "Russian security with weapons deliveries."
    assert old in text
    refiled = tmp_path / "refiled"
    refiled.mkdir()
    (refiled / "update.txt").write_text(text.replace(old, new))
    report = build([refiled], index_copy, mirror=False, embedder=embedder)
    assert report.added_articles == 1 and report.removed_articles == 0
    assert report.articles == 6 and report.passages > seed_index.passages
    added = report.passages - seed_index.passages
    assert 1 <= report.embedded_passages <= 2 < added
    assert added == report.embedded_passages + report.reused_passages
    check_consistent(index_copy, embedder, sample=12)
    s = Searcher(index_copy, embedder=embedder)
    pid = next(r["id"] for r in passage_rows(index_copy) if r["text"] == new)
    assert float(s.backend.vectors.reconstruct([pid])[0] @ embedder.encode([new])[0]) > 0.999
    s.close()
