"""The reader's notebook (INDEX/user.db): saved searches, bookmarks, and what rebuilds do to
them. Real SQLite files in tmp_path, real indexes built from the seeds with the real model.
"""
from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
import threading
from contextlib import closing
from pathlib import Path

import pytest

from archive.build import build
from archive.config import load_config
from archive.errors import BadRequest, IndexCorrupt, IndexNotFound
from archive.models import Filters, Hit
from archive.search import Searcher
from archive.storage import (USER_DB, Bookmark, IndexDir, SavedSearch, UserData,
                             export_bookmarks, open_backend, resolve_bookmarks)
from archive.storage.sqlite import passage_hash

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
LAVROV_Q = "what did Lavrov say"


def hit(text: str, article: str = "a1", rank: int = 1) -> Hit:
    return Hit(rank=rank, score=0.0, text=text, title="A title", outlet="CNN",
               date="2022-01-13", path="a.txt", article_id=article, position=0)


@pytest.fixture
def book(tmp_path) -> UserData:
    (tmp_path / "index").mkdir()
    return UserData(tmp_path / "index")


# -- saved searches ---------------------------------------------------------------------
def test_save_list_and_delete(book):
    book.save_search(SavedSearch("ukraine", "troops at the border", mode="keyword", k=5,
                                 speaker="Lavrov", date_from="2022-01-01", outlets=("CNN",)))
    book.save_search(SavedSearch("alpha", "NATO guarantees"))
    listed = book.saved_searches()
    assert [s.name for s in listed] == ["alpha", "ukraine"]
    s = book.saved_search("ukraine")
    assert (s.query, s.mode, s.k, s.speaker, s.outlets) == (
        "troops at the border", "keyword", 5, "Lavrov", ("CNN",))
    assert s.filters().date_from == "2022-01-01" and s.runs == 0 and s.last_run is None
    assert s.search_args()["speaker"] == "Lavrov"
    with pytest.raises(BadRequest, match="already a saved search named 'alpha'"):
        book.save_search(SavedSearch("alpha", "something else"))
    book.save_search(SavedSearch("alpha", "something else"), replace=True)
    assert book.saved_search("alpha").query == "something else"
    book.delete_search("alpha")
    assert [s.name for s in book.saved_searches()] == ["ukraine"]
    with pytest.raises(BadRequest, match="no saved search named 'alpha'"):
        book.delete_search("alpha")
    with pytest.raises(BadRequest, match="needs a name"):
        book.save_search(SavedSearch("  ", "q"))


def test_rerun_marks_what_is_new(book):
    book.save_search(SavedSearch("s", "q"))
    first = book.run_search("s", lambda s: [hit("one"), hit("two", rank=2)])
    assert first.new == [True, True] and first.previous_run is None
    second = book.run_search("s", lambda s: [hit("two"), hit("three", rank=2)])
    assert second.new == [False, True] and second.previous_run == first.ran_at
    assert second.new_count == 1
    # a hit seen two runs ago is still not new; the same text in another article is
    third = book.run_search("s", lambda s: [hit("one"), hit("one", article="a2", rank=2)])
    assert third.new == [False, True]
    assert book.last_hits("s") == sorted([("a1", passage_hash("one")), ("a2", passage_hash("one"))])
    listed = book.saved_search("s")
    assert listed.runs == 3 and listed.last_run == third.ran_at
    as_json = third.to_json()
    assert as_json["query"] == "q" and as_json["name"] == "s" and as_json["new_hits"] == 1
    assert [h["new"] for h in as_json["hits"]] == [False, True]
    assert as_json["hits"][0]["passage_hash"] == passage_hash("one")


def test_hits_on_screen_when_saving_count_as_the_first_run(book):
    book.save_search(SavedSearch("s", "q"), seen=[hit("one")])
    assert book.saved_search("s").runs == 1
    assert book.run_search("s", lambda s: [hit("one"), hit("two")]).new == [False, True]


def test_deleting_a_search_forgets_its_hits(book):
    book.save_search(SavedSearch("s", "q"))
    book.run_search("s", lambda s: [hit("one")])
    book.delete_search("s")
    book.save_search(SavedSearch("s", "q"))
    assert book.run_search("s", lambda s: [hit("one")]).new == [True]


# -- bookmarks ------------------------------------------------------------------------------
def test_bookmark_crud_tags_and_filters(book):
    a = book.add_bookmark(hit("Lavrov said the demands were unacceptable.").to_json(),
                          note="key quote", tags=["lavrov", "russia, nato"])
    b = book.add_bookmark(hit("Troops gathered at the border.", article="a2").to_json(),
                          tags=["troops"])
    assert a.tags == ["lavrov", "nato", "russia"] and a.note == "key quote"
    assert a.passage_hash == passage_hash("Lavrov said the demands were unacceptable.")
    assert [m.id for m in book.bookmarks()] == [b.id, a.id]  # newest first
    assert [m.id for m in book.bookmarks(tag="NATO")] == [a.id]
    assert [m.id for m in book.bookmarks(text="border")] == [b.id]
    assert [m.id for m in book.bookmarks(text="KEY QUOTE")] == [a.id]
    assert book.bookmarks(tag="nato", text="border") == []
    # the same passage again keeps one bookmark: the note replaced, tags added
    again = book.add_bookmark(hit("Lavrov said the demands were unacceptable.").to_json(),
                              note="better note", tags=["quote"])
    assert again.id == a.id and again.note == "better note"
    assert again.tags == ["lavrov", "nato", "quote", "russia"]
    assert len(book.bookmarks()) == 2
    assert book.set_note(a.id, "edited").note == "edited"
    assert book.set_tags(a.id, add=["new"], remove=["nato", "absent"]).tags == [
        "lavrov", "new", "quote", "russia"]
    book.delete_bookmark(b.id)
    assert [m.id for m in book.bookmarks()] == [a.id]
    for action in (lambda: book.delete_bookmark(b.id), lambda: book.set_note(b.id, "x"),
                   lambda: book.bookmark(b.id)):
        with pytest.raises(BadRequest, match=f"no bookmark {b.id}"):
            action()


def test_exports(book):
    book.add_bookmark({**hit("He said *this* [and] `that`.").to_json(), "url": "https://x.y/1"},
                      note="a, note", tags=["t1", "t2"])
    marks = book.bookmarks()
    marks[0].status = "removed"
    rows = list(csv.DictReader(io.StringIO(export_bookmarks(marks, "csv"))))
    assert len(rows) == 1 and rows[0]["tags"] == "t1; t2" and rows[0]["note"] == "a, note"
    assert rows[0]["status"] == "removed" and rows[0]["text"] == "He said *this* [and] `that`."
    data = json.loads(export_bookmarks(marks, "json"))
    assert data[0]["citation"].startswith("CNN, 2022-01-13, “A title”: “He said")
    md = export_bookmarks(marks, "md")
    assert md.startswith("- CNN, 2022-01-13, “A title”: "
                         "“He said \\*this\\* \\[and\\] \\`that\\`.”")
    assert "**[REMOVED]**" in md and "  - Note: a, note" in md and "<https://x.y/1>" in md
    with pytest.raises(BadRequest, match="unknown export format"):
        export_bookmarks(marks, "xml")


def test_writes_from_many_threads_all_land(book):
    def add(i: int) -> None:
        book.add_bookmark(hit(f"passage {i}", article=f"a{i}").to_json(), tags=["bulk"])

    threads = [threading.Thread(target=add, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(book.bookmarks(tag="bulk")) == 20


# -- the file itself --------------------------------------------------------------------------
def test_reading_creates_nothing_and_writing_creates_user_db(book):
    assert book.saved_searches() == [] and book.bookmarks() == []
    assert not book.path.exists()
    book.save_search(SavedSearch("s", "q"))
    assert book.path == book.index / USER_DB and book.path.is_file()
    with sqlite3.connect(book.path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] >= 1


def test_no_index_folder_is_one_clear_error(tmp_path):
    with pytest.raises(IndexNotFound, match="archive build"):
        UserData(tmp_path / "nowhere").save_search(SavedSearch("s", "q"))
    assert not (tmp_path / "nowhere").exists()


def test_damaged_or_newer_notebook_says_what_to_do(book):
    book.path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(IndexCorrupt, match="move it aside"):
        book.bookmarks()
    book.path.unlink()
    with sqlite3.connect(book.path) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(IndexCorrupt, match="newer than this archive knows"):
        book.saved_searches()


# -- against real archives ------------------------------------------------------------------
@pytest.fixture(scope="module", params=["local", "milvus"])
def engine(request, tmp_path_factory, seed_index, seed_config, embedder):
    """The seeds on each engine: the session's local index, or a Milvus Lite copy."""
    if request.param == "local":
        return seed_config
    pytest.importorskip("pymilvus", reason="the Milvus backend needs pymilvus[milvus-lite]")
    root = tmp_path_factory.mktemp("userdb-milvus")
    config = load_config(index=str(root / "index"), backend="milvus",
                         milvus_uri=str(root / "milvus.db"))
    build([SEEDS], config, embedder=embedder)
    return config


def test_find_passages_by_article_and_hash(engine):
    with closing(open_backend(engine)) as storage:
        rows = storage.fetch(storage.filtered_ids(Filters())[:5])
        keys = [(r["article_id"], passage_hash(r["text"])) for r in rows.values()]
        found = storage.find_passages(keys + [("no-such-article", "0" * 40),
                                              (keys[0][0], "0" * 40)])
        assert set(found) == set(keys)
        for (article_id, digest), row in found.items():
            assert row["article_id"] == article_id and passage_hash(row["text"]) == digest
            assert row == storage.fetch([row["id"]])[row["id"]]  # fetch's shape
        assert storage.find_passages([]) == {}
        # a bookmark of a passage resolves to it (the shared seed index gets no user.db)
        first = rows[min(rows)]
        [mark] = resolve_bookmarks(storage, [Bookmark(0, first["article_id"],
                                                      passage_hash(first["text"]))])
        assert (mark.status, mark.passage_id) == ("ok", first["id"])
    assert not (Path(engine.index_dir) / USER_DB).exists()


def build_seeds(config, folder: Path, embedder, full: bool = False):
    report = build([folder], config, embedder=embedder, full=full)
    assert report.articles > 0
    return report


def test_bookmark_and_saved_search_survive_a_full_rebuild(tmp_path, embedder, seeds_copy):
    aside = tmp_path / "aside"
    aside.mkdir()
    first = min(seeds_copy.iterdir())
    shutil.move(first, aside / first.name)
    config = load_config(index=str(tmp_path / "index"))
    build_seeds(config, seeds_copy, embedder)
    searcher = Searcher(config, embedder=embedder)
    book = UserData(config.index_dir)
    target = searcher.search(LAVROV_Q, k=5)[0]
    book.add_bookmark(target.to_json(), note="his words", tags=["lavrov"])
    book.save_search(SavedSearch("lavrov", LAVROV_Q, k=10))
    run = book.run_search("lavrov", lambda s: searcher.search(**s.search_args()))
    seen = {(h.article_id, passage_hash(h.text)) for h in run.hits}
    before = book.path.read_bytes()

    shutil.move(aside / first.name, seeds_copy / first.name)  # one more article, new rowids
    build_seeds(config, seeds_copy, embedder, full=True)
    assert book.path.read_bytes() == before  # the build never touched the notebook
    [mark] = resolve_bookmarks(searcher.backend, book.bookmarks())
    assert mark.status == "ok" and (mark.note, mark.tags) == ("his words", ["lavrov"])
    assert mark.passage_id != target.passage_id  # renumbered, found again by its hash
    assert searcher.backend.fetch([mark.passage_id])[mark.passage_id]["text"] == target.text
    again = book.run_search("lavrov", lambda s: searcher.search(**s.search_args()))
    assert again.previous_run == run.ran_at and book.saved_search("lavrov").runs == 2
    assert again.new == [(h.article_id, passage_hash(h.text)) not in seen for h in again.hits]
    assert any(again.new) and not all(again.new)  # the added article brought new hits

    before = book.path.read_bytes()
    removed = IndexDir(config.index_dir).cleanup(keep=1)  # generation cleanup
    assert removed and book.path.read_bytes() == before
    assert [m.note for m in book.bookmarks()] == ["his words"]
    searcher.close()


def test_bookmark_whose_article_left_is_listed_as_removed(tmp_path, embedder, seeds_copy):
    config = load_config(index=str(tmp_path / "index"))
    build_seeds(config, seeds_copy, embedder)
    book = UserData(config.index_dir)
    with closing(open_backend(config)) as storage:
        rows = list(storage.fetch(storage.filtered_ids(Filters())).values())
    by_article: dict[str, list[dict]] = {}
    for row in rows:
        by_article.setdefault(row["article_id"], []).append(row)
    gone_article, kept_article, edited_article = sorted(by_article)[:3]
    gone = book.add_bookmark(by_article[gone_article][0], note="was here")
    kept = book.add_bookmark(by_article[kept_article][0])
    edited_row = next(r for r in by_article[edited_article]
                      if len(r["text"]) > 40 and r["text"] in Path(r["path"]).read_text())
    edited = book.add_bookmark(edited_row)
    # a passage text its (present) article does not hold: "changed", never dropped
    odd = book.add_bookmark({**by_article[kept_article][1], "text": "Not in the article."})

    Path(by_article[gone_article][0]["path"]).unlink()
    source = Path(edited_row["path"])
    source.write_text(source.read_text().replace(edited_row["text"],
                                                 edited_row["text"] + " (corrected)"))
    build_seeds(config, seeds_copy, embedder)
    with closing(open_backend(config)) as storage:
        marks = {m.id: m for m in resolve_bookmarks(storage, book.bookmarks())}
    assert len(marks) == 4  # nothing dropped
    assert marks[gone.id].status == "removed" and marks[gone.id].note == "was here"
    assert marks[gone.id].text == by_article[gone_article][0]["text"]  # as bookmarked
    assert marks[kept.id].status == "ok"
    # an edited article is a new article (its id is a hash of its content): the version
    # that was bookmarked left the archive
    assert marks[edited.id].status == "removed"
    assert marks[odd.id].status == "changed" and marks[odd.id].passage_id is None
    md = export_bookmarks([marks[gone.id]], "md")
    assert "**[REMOVED]**" in md


def test_citation_names_the_speaker_of_a_bookmarked_quote(book):
    quoted = {**hit("“We will not accept it,” Lavrov said.").to_json(),
              "speaker": "Sergei Lavrov", "quote": "We will not accept it"}
    mark = book.add_bookmark(quoted)
    assert mark.citation() == ("Sergei Lavrov, CNN, 2022-01-13, “A title”: "
                               "“We will not accept it”")
    plain = book.add_bookmark(hit("“Quoted already,” he said? No: “all of it”").to_json())
    assert plain.citation().endswith(": “Quoted already,” he said? No: “all of it”")
