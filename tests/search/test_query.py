"""Tests for archive.query.parse_query."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.search.query import QueryIntent, parse_query


@pytest.mark.parametrize("q, speaker, topic", [
    ("what did Lavrov say", "Lavrov", None),
    ("What did Sergey Lavrov say about NATO?", "Sergey Lavrov", "NATO"),
    ("what did Blinken say on sanctions", "Blinken", "sanctions"),
    ("What has Blinken said about the talks?", "Blinken", "the talks"),
    ("what has Wendy Sherman said", "Wendy Sherman", None),
    ("Lavrov's comments on NATO expansion", "Lavrov", "NATO expansion"),
    ("Blinken’s remarks about Russia", "Blinken", "Russia"),
    ("Stoltenberg's statements on Ukraine", "Stoltenberg", "Ukraine"),
    ("quotes from Wendy Sherman", "Wendy Sherman", None),
    ("quotes from Lavrov on Ukraine", "Lavrov", "Ukraine"),
    ("Lavrov on NATO expansion", "Lavrov", "NATO expansion"),
    ("did Stoltenberg say anything about Ukraine?", "Stoltenberg", "Ukraine"),
    ("Did Putin say anything about gas", "Putin", "gas"),
    ("Sergey Lavrov", "Sergey Lavrov", None),
    ("Jens Stoltenberg", "Jens Stoltenberg", None),
])
def test_recognised_forms(q, speaker, topic):
    intent = parse_query(q)
    assert intent == QueryIntent(speaker, topic, q)


@pytest.mark.parametrize("q", [
    "sanctions on Russia", "gas prices", "the war in ukraine", "what is NATO?",
    "talks on arms control", "lavrov",
])
def test_topics_without_a_person(q):
    intent = parse_query(q)
    assert intent.speaker_text is None
    assert intent.topic


def test_known_names_enable_lowercase_names():
    assert parse_query("lavrov", known_names=["Lavrov"]).speaker_text == "lavrov"
    intent = parse_query("lavrov on nato", known_names=["Sergey Lavrov", "lavrov"])
    assert (intent.speaker_text, intent.topic) == ("lavrov", "nato")


def test_explicit_forms_accept_lowercase_names():
    assert parse_query("what did lavrov say about ukraine").speaker_text == "lavrov"


@pytest.mark.parametrize("q", [
    "", "   ", "?", "😀🔥💥", "x" * 10000, 'NATO "expansion" OR Russia*', "a AND (b OR c) NOT d",
    "what did say", "'s comments", "quotes from", "\x00\x01", "what did " + "X " * 3000 + "say",
])
def test_hostile_strings(q):
    intent = parse_query(q)
    assert intent.raw == q
    assert intent.speaker_text is None or len(intent.speaker_text) < 200


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=600), st.lists(st.text(max_size=20), max_size=5))
def test_parse_query_never_raises(q, names):
    intent = parse_query(q, known_names=names)
    assert isinstance(intent, QueryIntent)
    assert intent.raw == q
