"""Descriptions resolved with the roles an archive knows (archive.quotes.descriptions): pure,
no parse, no model."""
from __future__ import annotations

import pytest

from archive.models import Attribution
from archive.quotes import resolve_descriptions
from archive.quotes.descriptions import description_words, holder

ROLES = {"Dana Morrow": ["Republican presidential nominee", "Ohio Gov."],
         "Sam Ibe": ["Republican vice-presidential nominee"],
         "Lee Park": ["Democratic nominee", "former Ohio governor", "former Secretary of State"],
         "Ana Ruiz": ["Secretary of State"]}


@pytest.mark.parametrize("text, who", [
    ("The Republican nominee", "Dana Morrow"),     # every word in one of her roles
    ("the Ohio governor", "Dana Morrow"),          # "Gov." is a governor
    ("The Democratic nominee", "Lee Park"),
    ("the nominee", None),                         # bare: the article's own roles resolve that
    ("The Republican vice-presidential nominee", "Sam Ibe"),
    ("The Texas senator", None),                   # nobody holds it
    ("the former Ohio governor", "Lee Park"),      # a past office, to a role written as one
    ("the Ohio governor", "Dana Morrow"),          # ... and a present one never to it
    ("The former secretary of state", "Lee Park"),  # the office before "of" is the head
    ("the secretary of state", "Ana Ruiz"),
    ("The GOP presidential nominee", "Dana Morrow"),  # GOP is Republican
    ("the Ohio governor and Republican presidential nominee", "Dana Morrow"),  # both hers
    ("the Ohio governor and Democratic nominee", None),  # nobody holds both
    ("his spokesman", None),                       # nor a possessed one
    ("Dana Morrow", None),                         # a name is no description
])
def test_holder(text, who):
    assert holder(text, ROLES) == who


def test_a_vice_presidential_nominee_is_not_the_nominee():
    roles = {"Sam Ibe": ["Republican vice-presidential nominee"]}
    assert holder("The Republican nominee", roles) is None


def test_description_words():
    assert description_words("The Indiana governor") == (frozenset({"indiana", "governor"}),
                                                         "governor")
    assert description_words("The ad") is None and description_words("she") is None


def attribution(speaker, text, kind="person"):
    return Attribution(speaker=speaker, speaker_text=text, cue="said", content="words",
                       content_start=0, content_end=5, direct=True, speaker_type=kind)


def test_only_the_articles_own_people_are_candidates():
    quoted = attribution("Dana Morrow", "Dana Morrow")
    described = attribution(None, "The Democratic nominee", None)
    other = attribution(None, "The Republican nominee", None)
    # Lee Park fits "the Democratic nominee" but is not quoted in this article
    assert resolve_descriptions([[quoted, described, other]], ROLES) == 1
    assert (other.speaker, other.speaker_type) == ("Dana Morrow", "person")
    assert described.speaker is None


def test_a_build_and_one_set_of_articles_resolve_alike():
    """described_holders is the one resolution: a build passes its stored rows (id,
    article, phrase), resolve_descriptions attributions; both give the same people."""
    from archive.quotes import described_holders

    rows = [(7, "a1", "The Republican nominee"), (8, "a1", "The Democratic nominee"),
            (9, "a2", "The Democratic nominee"), (10, "a2", "she"), (11, "a3", "the nominee")]
    quoted = {"a1": {"Dana Morrow"}, "a2": {"Lee Park", "Dana Morrow"}}
    assert described_holders(rows, quoted, ROLES) == {7: "Dana Morrow", 9: "Lee Park"}
    articles = [[attribution(p, p) for p in sorted(quoted[a])]
                + [attribution(None, text, None) for _, art, text in rows if art == a]
                for a in ("a1", "a2")]
    assert resolve_descriptions(articles, ROLES) == 2
    assert [a.speaker for a in articles[0][1:]] == ["Dana Morrow", None]
    assert [a.speaker for a in articles[1][2:]] == ["Lee Park", None]
