"""Saved searches and bookmarks on the page, run in-process with AppTest on a real index:
"Save this search" and each card's "Bookmark" on the Search page, then the Saved page (run
again with new hits marked, notes and tags edited, filters, exports, removed articles)."""
from __future__ import annotations

import html
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from apptest_support import new_app as open_app

from archive.models import Hit
from archive.storage import SavedSearch, UserData

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
SAVED = "archive/app/pages/saved.py"
LAVROV_Q = "what did Lavrov say"


@pytest.fixture
def index(tmp_path, seed_index, seed_config) -> Path:
    """A copy of the seed index: its user.db is the test's own."""
    dst = tmp_path / "index"
    shutil.copytree(seed_config.index_dir, dst)
    return dst


def markdown(at: AppTest, css: str) -> list[str]:
    return [m.value for m in at.markdown if f"class='{css}'" in m.value]


def test_save_this_search_then_run_it_on_the_saved_page(monkeypatch, index, searcher):
    at = open_app(monkeypatch, index, q=LAVROV_Q, outlet="CNN")
    at.text_input(key="save_search_name").input("Lavrov on CNN")
    at.button(key="save_search_button").click().run()
    assert [s.value for s in at.success] == [
        "Saved “Lavrov on CNN”: run it again on the Saved page."]
    [saved] = UserData(index).saved_searches()
    assert (saved.query, saved.outlets, saved.runs) == (LAVROV_Q, ("CNN",), 1)

    at.switch_page(SAVED).run()
    assert not at.exception
    [card] = markdown(at, "saved-search")
    assert "Lavrov on CNN" in card and "what did Lavrov say" in card
    at.button(key="run_Lavrov on CNN").click().run()
    assert not at.exception
    # the hits on screen when it was saved were its first run: nothing is new yet
    assert any("0 new hits" in m.value for m in at.markdown)
    shown = markdown(at, "saved-hit")
    expected = searcher.search(LAVROV_Q, k=10, filters=saved.filters())
    assert len(shown) == len(expected) and "NEW" not in "".join(shown)
    assert UserData(index).saved_search("Lavrov on CNN").runs == 2
    assert html.unescape(at.caption[0].value).startswith("hybrid k=10 outlet=CNN · 2 runs, last ")


def test_a_first_run_marks_every_hit_new_and_delete_removes_it(monkeypatch, index):
    UserData(index).save_search(SavedSearch("troops", "Russian troops at the border",
                                            mode="keyword", k=3))
    at = open_app(monkeypatch, index, SAVED)
    assert "never run" in at.caption[0].value
    at.button(key="run_troops").click().run()
    shown = markdown(at, "saved-hit")
    assert len(shown) == 3 and all(">NEW</span>" in s for s in shown)
    at.button(key="delete_troops").click().run()
    assert not markdown(at, "saved-search") and UserData(index).saved_searches() == []
    assert any("No saved searches yet" in i.value for i in at.info)


def test_bookmark_a_result_with_note_and_tags(monkeypatch, index, searcher):
    at = open_app(monkeypatch, index, q=LAVROV_Q)
    first = searcher.search(LAVROV_Q, k=10)[0]
    note = next(t for t in at.text_area if t.key.startswith(f"bm_note_{first.passage_id}-"))
    note.input("his refusal <b>verbatim</b>")
    at.text_input(key=note.key.replace("bm_note_", "bm_tags_")).input("lavrov, talks")
    at.button(key=note.key.replace("bm_note_", "bm_save_")).click().run()
    assert not at.exception and "Bookmarked (#1)" in at.success[0].value
    [mark] = UserData(index).bookmarks()
    assert (mark.article_id, mark.text, mark.tags) == (first.article_id, first.text,
                                                       ["lavrov", "talks"])

    at.switch_page(SAVED).run()
    [card] = markdown(at, "bookmark")
    assert first.outlet in card and "REMOVED" not in card
    assert "<b>verbatim</b>" not in card  # nothing of the note or passage is markup
    assert at.text_area(key="bm_edit_note_1").value == "his refusal <b>verbatim</b>"
    assert at.text_input(key="bm_edit_tags_1").value == "lavrov, talks"
    assert [d.label for d in at.get("download_button")] == [
        "Download CSV", "Download JSON", "Download Markdown"]

    at.text_area(key="bm_edit_note_1").input("edited on the page")
    at.text_input(key="bm_edit_tags_1").input("kremlin")
    at.button(key="bm_update_1").click().run()
    [mark] = UserData(index).bookmarks()
    assert (mark.note, mark.tags) == ("edited on the page", ["kremlin"])
    at.button(key="bm_delete_1").click().run()
    assert UserData(index).bookmarks() == [] and not markdown(at, "bookmark")


def test_bookmarks_filter_and_removed_article(monkeypatch, index, searcher):
    book = UserData(index)
    hits = searcher.search(LAVROV_Q, k=5)
    book.add_bookmark(hits[0].to_json(), tags=["lavrov"])
    book.add_bookmark(hits[1].to_json(), note="border story", tags=["troops"])
    gone = Hit(rank=1, score=0.0, text="A passage of an article since deleted.",
               title="Gone story", outlet="Old Outlet", date="2020-01-01", path="gone.txt",
               article_id="0000deadbeef0000", position=0)
    book.add_bookmark(gone.to_json(), tags=["lavrov"])
    at = open_app(monkeypatch, index, SAVED)
    cards = markdown(at, "bookmark")
    assert len(cards) == 3 and "REMOVED" in cards[0] and "Gone story" in cards[0]
    assert "REMOVED" not in cards[1] + cards[2]
    assert any(c.value == "3 bookmarks · 1 whose article left the archive" for c in at.caption)
    at.selectbox(key="bm_filter_tag").select("troops").run()
    [troops] = markdown(at, "bookmark")
    assert hits[1].title.split()[0] in troops and "REMOVED" not in troops
    at.selectbox(key="bm_filter_tag").select("All tags").run()
    at.text_input(key="bm_filter_text").input("deleted").run()
    [only] = markdown(at, "bookmark")
    assert "Gone story" in only


def test_empty_notebook(monkeypatch, index):
    at = open_app(monkeypatch, index, SAVED)
    infos = " ".join(i.value for i in at.info)
    assert "No saved searches yet" in infos and "No bookmarks yet" in infos
    assert not (index / "user.db").exists()
