"""The story view and the result cards' polish, driven through AppTest on the seed index.

Story: opened from a card's "also reported by" link (?article=...), every version of the
story in its own column, passages found in one version only highlighted, shared ones plain
with their changed words marked; without an article, the list of stories. Cards: no raw
fusion score, a label saying why the hit ranks.
"""
from __future__ import annotations

import html
import re
import tomllib
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from archive.app import storyview

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
STORY = str(ROOT / "archive" / "app" / "pages" / "story.py")
LAVROV_Q = "what did Lavrov say"


def visible(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def run(monkeypatch, index, script: str = APP, **params) -> AppTest:
    monkeypatch.setenv("ARCHIVE_INDEX", str(index))
    at = AppTest.from_file(script, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def versions_shown(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if 'class="version"' in m.value]


@pytest.fixture
def story_of(searcher):
    """The seed story told by the most articles, as its member article ids."""
    stories = searcher.backend.stories()
    assert stories, "the seeds hold articles that tell the same story"
    return [m["article_id"] for m in max(stories, key=lambda s: len(s["members"]))["members"]]


# -- cards ---------------------------------------------------------------------------------
def test_cards_show_no_score_and_say_why_a_hit_ranks(monkeypatch, seed_config, seed_index,
                                                       searcher):
    at = run(monkeypatch, seed_config.index_dir, q=LAVROV_Q)
    hits = searcher.search(LAVROV_Q, k=10)
    cards = [m.value for m in at.markdown if 'class="hit"' in m.value]
    assert len(cards) == len(hits) and hits[0].reason == "own words"
    for card, hit in zip(cards, hits):
        text = visible(card)
        assert "score" not in text and f"{hit.score:.4f}" not in text
        assert ('class="reason"' in card) == bool(hit.reason)
        if hit.reason:
            assert hit.reason in text
    assert "own words" in visible(cards[0])


def test_a_topic_question_has_no_reason_label(monkeypatch, seed_config, seed_index):
    at = run(monkeypatch, seed_config.index_dir, q="risk of war in the OSCE region")
    cards = [m.value for m in at.markdown if 'class="hit"' in m.value]
    assert cards and not any('class="reason"' in c for c in cards)


def test_also_reported_by_links_to_the_story(monkeypatch, seed_config, seed_index, searcher):
    at = run(monkeypatch, seed_config.index_dir, q=LAVROV_Q)
    hits = [h for h in searcher.search(LAVROV_Q, k=10) if h.also_in]
    assert hits, "the seeds hold near-identical passages"
    lines = [m.value for m in at.markdown if "also reported by" in m.value]
    assert len(lines) == len(hits)
    href = html.unescape(re.search(r'class="story-link" href="([^"]+)"', lines[0]).group(1))
    url = urlsplit(href)
    assert url.path == "story"
    ids = parse_qs(url.query)["article"]
    assert ids[0] == hits[0].article_id
    assert set(ids[1:]) == {a["article_id"] for a in hits[0].also_in}
    # following the link shows the hit's article and every copy in columns
    story = run(monkeypatch, seed_config.index_dir, STORY, article=ids)
    shown = versions_shown(story)
    assert len(shown) >= 2
    assert any(hits[0].text[:60] in visible(v) for v in shown)


# -- the story page ----------------------------------------------------------------------------
def test_story_shows_every_version_side_by_side(monkeypatch, seed_config, seed_index,
                                               searcher, story_of):
    at = run(monkeypatch, seed_config.index_dir, STORY, article=story_of[0])
    versions = searcher.backend.story([story_of[0]])
    assert {v["article_id"] for v in versions} == set(story_of)  # the whole story
    shown = versions_shown(at)
    assert len(shown) == min(len(versions), 4) and len(at.columns) >= len(shown)
    for markup, version in zip(shown, versions):
        text = visible(markup)
        assert (version["outlet"] or "unknown outlet") in text and version["title"] in text
        assert markup.count('class="shared') + markup.count('class="only"') == len(
            version["passages"])
    found = storyview.marks(versions[:4])
    shared = [p for v in versions[:4] for p in v["passages"] if found[p["id"]]["kind"] == "shared"]
    only = [p for v in versions[:4] for p in v["passages"] if found[p["id"]]["kind"] == "only"]
    assert shared and only, "a retold story shares some passages and adds others"
    page = "".join(shown)
    assert page.count('class="shared') == len(shared) and page.count('class="only"') == len(only)
    assert "only in this version" in visible(page)
    caption = " ".join(str(c.value) for c in at.caption)
    assert f"{len(shared)} passages shared" in caption


def test_story_without_article_lists_the_stories(monkeypatch, seed_config, seed_index,
                                                 searcher):
    at = run(monkeypatch, seed_config.index_dir, STORY)
    items = [m.value for m in at.markdown if 'class="story-item"' in m.value]
    assert len(items) == len(searcher.backend.stories())
    assert all("story?article=" in i for i in items)
    assert not versions_shown(at)


def test_an_unknown_article_says_so_and_lists_the_stories(monkeypatch, seed_config,
                                                          seed_index):
    at = run(monkeypatch, seed_config.index_dir, STORY, article="0123456789abcdef")
    assert any("not in the archive any more" in w.value for w in at.warning)
    assert any('class="story-item"' in m.value for m in at.markdown)


def test_a_hostile_article_parameter_is_ignored(monkeypatch, seed_config, seed_index):
    at = run(monkeypatch, seed_config.index_dir, STORY, article='"><script>alert(1)</script>')
    assert not versions_shown(at)
    assert not any("<script" in m.value for m in at.markdown)


def test_readers_get_no_developer_menu_or_deploy_button():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    # "viewer" hides the developer options: rerun, clear cache and the Deploy button
    assert config["client"]["toolbarMode"] == "viewer"
