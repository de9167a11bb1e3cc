"""Blending speaker evidence with topic relevance (archive.search.speakers.boosted)."""
from __future__ import annotations

from archive.search.speakers import STRICT, boosted
from archive.search.retrieve import tiered

# passage ids: 1, 2 = the person's direct words; 3 = their reported words;
# 10, 11, 12 = other passages retrieved for the question
DIRECT = [(1, 0.9), (2, 0.5)]
INDIRECT = [(3, 0.4)]
# relevance to the whole question: 10 is far ahead (the exact headline), 2 is retrieved low,
# 1 and 3 were not retrieved at all
MENTIONS = [(10, 9.0), (11, 3.0), (2, 2.5), (12, 1.0)]


def order(ranked):
    return [d for d, _ in ranked]


def test_a_small_boost_lets_a_far_more_relevant_passage_first():
    ranked = order(boosted(DIRECT, INDIRECT, MENTIONS, 0.25, 60))
    assert ranked[0] == 10
    assert ranked.index(2) < ranked.index(11)  # own words win over an equally relevant one
    assert set(ranked) == {1, 2, 3, 10, 11, 12}


def test_a_large_boost_puts_the_persons_words_first():
    ranked = order(boosted(DIRECT, INDIRECT, MENTIONS, 2.0, 60))
    assert ranked[:2] == [2, 1]  # retrieved direct words, then unretrieved ones
    assert ranked.index(1) < ranked.index(10)


def test_direct_words_get_more_than_reported_ones():
    ranked = order(boosted(DIRECT, INDIRECT, [(2, 1.0), (3, 1.0)], 0.5, 60))
    assert ranked.index(2) < ranked.index(3)


def test_scores_descend_like_tiers():
    ranked = boosted(DIRECT, INDIRECT, MENTIONS, 0.5, 60)
    scores = [s for _, s in ranked]
    assert scores == sorted(scores, reverse=True)
    assert len(set(order(ranked))) == len(ranked)


def test_strict_is_the_tier_order():
    assert STRICT >= 2.0
    tiers = order(tiered([DIRECT, INDIRECT, MENTIONS]))
    assert tiers[:3] == [1, 2, 3]


def test_statements_are_told_from_questions():
    from archive.search.linker import Linker
    from archive.search.understand import understand

    linker = Linker({"Marta Kowalczyk": "Marta Kowalczyk", "Greens": "Greens"},
                    [{"name": "Marta Kowalczyk", "type": "person", "roles": [], "quotes": 4},
                     {"name": "Greens", "type": "group", "roles": [], "quotes": 2}])
    statements = ["Kowalczyk says pension reform will pass the senate",
                  "Greens pledge to close coal plants by 2030"]
    questions = ["Kowalczyk's pledge on pensions", "Kowalczyk comments on pensions",
                 "what did Kowalczyk say about pensions"]
    assert all(understand(q, linker).statement for q in statements)
    assert not any(understand(q, linker).statement for q in questions)
    assert all(understand(q, linker).mode == "speaker" for q in statements + questions)
