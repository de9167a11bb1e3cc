"""The search page says how it read a question (`reading`), and lets the reader search the
words plainly instead, or pick one person of an ambiguous role. AppTest, real indexes."""
from __future__ import annotations

import html
import re

import pytest
from apptest_support import new_app
from streamlit.testing.v1 import AppTest

from archive.search import Searcher, describe, make_filters

LAVROV_Q = "what did Lavrov say"
PLAIN_LABEL = "Search all passages instead"
ROLE_Q = "what did the foreign minister say"
NOWAK, DUARTE = "Tomasz Nowak", "Ines Duarte"
MINISTERS = {
    "visas.txt": """Two foreign ministers agree on student visas

Polish Foreign Minister Tomasz Nowak said the visa agreement would let students travel freely between the two countries from next autumn.

“Our citizens deserve simple rules, not paperwork,” said Portuguese Foreign Minister Ines Duarte at a joint press conference in Lisbon.

The agreement still needs the approval of both parliaments before the first permits can be issued to applicants.
""",
    "fisheries.txt": """Ministers split over fishing quotas

“The cod stocks in the Baltic will not recover unless the quotas are halved,” Polish Foreign Minister Tomasz Nowak told a conference in Sopot.

“Halving the quotas overnight would ruin the coastal villages,” Portuguese Foreign Minister Ines Duarte said in reply on the same afternoon.
""",
}


def cards(at: AppTest) -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", "", m.value)) for m in at.markdown
            if 'class="hit"' in m.value]


def captions(at: AppTest) -> list[str]:
    return [html.unescape(str(c.value)) for c in at.caption]


def shows(at: AppTest, hits) -> bool:
    """The page's result cards are these hits, in this order."""
    shown = cards(at)
    return len(shown) == len(hits) and all(
        " ".join(h.text.split()) in " ".join(card.split()) for card, h in zip(shown, hits))


def labels(at: AppTest) -> list[str]:
    return [b.label for b in at.button]


@pytest.fixture
def seed_app(monkeypatch, seed_index, seed_config):
    def make(**params) -> AppTest:
        return new_app(monkeypatch, seed_config.index_dir, **params)
    return make


def test_a_speaker_question_says_whose_words_it_shows(seed_app, searcher):
    answer = searcher.ask(LAVROV_Q, k=10)
    u = answer.understood
    assert u.mode == "speaker" and u.speaker and "Lavrov" in u.speaker
    at = seed_app(q=LAVROV_Q)
    note = next(c for c in captions(at) if c.startswith("What "))
    assert note == describe(u) and note.startswith(f"What {u.speaker} said")
    assert at.button(key="plain").label == PLAIN_LABEL
    assert shows(at, answer.hits)
    assert not at.exception and not at.error


def test_search_all_passages_reruns_the_question_plainly(seed_app, searcher):
    understood = searcher.search(LAVROV_Q, k=10)
    plain = searcher.search(LAVROV_Q, k=10, understand=False)
    assert [h.passage_id for h in plain] != [h.passage_id for h in understood]
    at = seed_app(q=LAVROV_Q)
    assert shows(at, understood)
    at.button(key="plain").click().run()
    assert not at.exception
    assert at.text_input(key="q").value == LAVROV_Q
    assert any(c.startswith("Searching all passages") for c in captions(at))
    assert not any(c.startswith("What ") for c in captions(at))
    assert PLAIN_LABEL not in labels(at)
    assert shows(at, plain)
    # and back: read as a question about a person again
    at.button(key="unplain").click().run()
    assert shows(at, understood)
    assert at.button(key="plain").label == PLAIN_LABEL


def test_a_new_question_is_read_again(seed_app, searcher):
    at = seed_app(q=LAVROV_Q)
    at.button(key="plain").click().run()
    assert any(c.startswith("Searching all passages") for c in captions(at))
    question = "what did Blinken say"
    at.text_input(key="q").input(question).run()
    u = searcher.ask(question, k=10).understood
    assert u.mode == "speaker" and describe(u) in captions(at)
    assert shows(at, searcher.search(question, k=10))


def test_a_plain_topic_shows_no_reading_line(seed_app):
    at = seed_app(q="how many Russian troops are at the border")
    assert PLAIN_LABEL not in labels(at)
    assert not any(c.startswith(("What ", "Searching all passages", "Nobody"))
                   for c in captions(at))
    assert cards(at)


# -- an ambiguous role: one button per person -----------------------------------------------
@pytest.fixture(scope="module")
def ministers(archive_of, embedder):
    config, _ = archive_of("ministers", MINISTERS)
    s = Searcher(config, embedder=embedder)
    yield config, s
    s.close()


def test_an_ambiguous_role_offers_each_person(monkeypatch, ministers):
    config, s = ministers
    u = s.ask(ROLE_Q, k=10).understood
    assert u.mode == "topic" and set(u.speaker_candidates) == {NOWAK, DUARTE}
    at = new_app(monkeypatch, config.index_dir, q=ROLE_Q)
    assert describe(u) in captions(at)
    assert {f"Only {NOWAK}", f"Only {DUARTE}"} <= set(labels(at))
    assert PLAIN_LABEL not in labels(at)
    at.button(key=f"pick_{DUARTE}").click().run()
    assert not at.exception
    assert at.multiselect(key="speakers").value == [DUARTE]
    expected = s.search(ROLE_Q, k=10, filters=make_filters(speakers=[DUARTE]))
    assert expected and all(h.speaker == DUARTE for h in expected)
    assert shows(at, expected)
