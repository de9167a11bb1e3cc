"""Search over the seed index: quality floor, determinism, filters, neighbours, fusion."""
from __future__ import annotations

from pathlib import Path

import pytest

from archive.errors import BadRequest
from archive.search import MODES, Searcher, make_filters, rrf, tiered
from archive.models import Filters

# Lavrov's own words in the seeds (000, 001: the same quote in two translations; 002).
LAVROV_QUOTES = ("need to explain how absolutely unacceptable such demands are",
                 "need to explain how unacceptable such demands are",
                 "The difficult reality now is that we were promised a written answer")


def article_ids_by_prefix(searcher) -> dict[str, str]:
    rows = searcher.backend.store.article_rows()
    return {Path(r["path"]).name[:3]: r["article_id"] for r in rows}


def test_what_did_lavrov_say(searcher):
    hits = searcher.search("what did Lavrov say", k=3, mode="hybrid")
    assert len(hits) == 3
    assert any(q in h.text for h in hits for q in LAVROV_QUOTES), [h.text for h in hits]


def test_hit_fields(searcher):
    hits = searcher.search("risk of war in the OSCE region", k=5)
    assert [h.rank for h in hits] == [1, 2, 3, 4, 5]
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    top = hits[0]
    assert "risk of war in the OSCE region" in top.text
    row = searcher.backend.fetch([top.passage_id])[top.passage_id]
    assert (top.text, top.article_id, top.position, top.title) == (
        row["text"], row["article_id"], row["position"], row["title"])
    assert top.path and top.path.endswith(".txt")


@pytest.mark.parametrize("mode", MODES)
def test_second_searcher_gives_identical_hits(mode, seed_config, searcher, embedder):
    other = Searcher(seed_config, embedder=embedder)
    try:
        for query in ("NATO expansion to the east", "Sherman told reporters"):
            a = [h.to_json() for h in searcher.search(query, k=6, mode=mode)]
            b = [h.to_json() for h in other.search(query, k=6, mode=mode)]
            assert a == b and a
    finally:
        other.close()


def test_repeated_query_is_deterministic(searcher):
    first = [h.to_json() for h in searcher.search("Lavrov", k=10, mode="keyword")]
    assert first == [h.to_json() for h in searcher.search("Lavrov", k=10, mode="keyword")]


def test_k_and_fold(searcher):
    assert len(searcher.search("Russia", k=1, mode="keyword")) == 1
    unfolded = searcher.search("Russia NATO", k=20, mode="keyword", fold=False)
    assert len(unfolded) == 20
    assert len({h.passage_id for h in unfolded}) == 20
    folded = searcher.search("Russia NATO", k=20, mode="keyword")
    ids = [h.passage_id for h in folded]
    assert len(ids) == len(set(ids))
    # a folded passage is not also shown on its own
    also = {(a["article_id"], a["text"]) for h in folded for a in h.also_in}
    assert not also & {(h.article_id, h.text) for h in folded}


def test_context_returns_neighbours(searcher):
    prefix_ids = article_ids_by_prefix(searcher)
    article = searcher.article(prefix_ids["002"])
    passages = article["passages"]
    middle = passages[5]
    ctx = searcher.backend.neighbours(middle["id"])
    assert [c["id"] for c in ctx] == [p["id"] for p in passages[4:7]]
    assert [c["position"] for c in ctx] == [4, 5, 6]
    first = searcher.backend.neighbours(passages[0]["id"])
    assert [c["id"] for c in first] == [p["id"] for p in passages[:2]]
    last = searcher.backend.neighbours(passages[-1]["id"])
    assert [c["id"] for c in last] == [p["id"] for p in passages[-2:]]
    wide = searcher.backend.neighbours(middle["id"], before=2, after=3)
    assert [c["position"] for c in wide] == [3, 4, 5, 6, 7, 8]
    assert article["title"].startswith("Russia, at a dead end")
    assert searcher.backend.neighbours(10**9) == []
    # the context of a hit is that hit's own article
    hit = searcher.search("promised a written answer", k=1, mode="keyword")[0]
    ctx = searcher.backend.neighbours(hit.passage_id)
    assert hit.passage_id in [c["id"] for c in ctx]
    assert {searcher.backend.fetch([c["id"]])[c["id"]]["article_id"] for c in ctx} == {
        hit.article_id}


QUERY = "Russian demands and NATO talks"


@pytest.mark.parametrize("mode", MODES)
def test_outlet_filter(mode, searcher):
    hits = searcher.search(QUERY, k=10, mode=mode, filters=make_filters(outlets=["CNN"]))
    assert hits and all(h.outlet == "CNN" for h in hits)
    none = searcher.search(QUERY, k=10, mode=mode, filters=make_filters(outlets=["Nobody"]))
    assert none == []


@pytest.mark.parametrize("mode", MODES)
def test_date_filter(mode, searcher):
    f = make_filters(date_from="2022-01-01", date_to="2022-01-15")
    hits = searcher.search(QUERY, k=10, mode=mode, filters=f)
    assert hits and all(h.date and "2022-01-01" <= h.date <= "2022-01-15" for h in hits)
    assert {h.date for h in hits} == {"2022-01-10"}
    later = searcher.search(QUERY, k=10, mode=mode, filters=make_filters(date_from="2022-01-20"))
    assert later and all(h.date == "2022-01-24" for h in later)


@pytest.mark.parametrize("mode", MODES)
def test_article_filter(mode, searcher):
    ids = article_ids_by_prefix(searcher)
    wanted = {ids["001"], ids["004"]}
    hits = searcher.search(QUERY, k=15, mode=mode, filters=make_filters(article_ids=wanted))
    assert hits and {h.article_id for h in hits} <= wanted
    # combined filters: both must hold
    both = make_filters(article_ids=wanted, outlets=["CNN"])
    assert {h.article_id for h in searcher.search(QUERY, k=15, mode=mode, filters=both)} == {
        ids["001"]}


def test_filters_in_hybrid_with_speaker_question(searcher):
    """The "what did X say" path honours filters too."""
    f = make_filters(outlets=["World Nation News"])
    hits = searcher.search("what did Lavrov say", k=5, filters=f)
    assert hits and all(h.outlet == "World Nation News" for h in hits)


def test_bad_requests(searcher):
    with pytest.raises(BadRequest, match="date"):
        make_filters(date_from="2022-13-45")
    with pytest.raises(BadRequest):
        make_filters(date_to="yesterday")
    with pytest.raises(BadRequest, match="after"):
        make_filters(date_from="2022-02-01", date_to="2022-01-01")
    with pytest.raises(BadRequest, match="mode"):
        searcher.search("Lavrov", mode="fuzzy")
    for k in (0, -1, 10**6):
        with pytest.raises(BadRequest, match="k must"):
            searcher.search("Lavrov", k=k)
    with pytest.raises(BadRequest):
        searcher.search("Lavrov", k="3")  # type: ignore[arg-type]
    assert isinstance(BadRequest("x"), ValueError)
    assert make_filters("", "") == Filters()
    assert make_filters("2022-01-10", "2022-01-10").date_from == "2022-01-10"


def test_rrf_hand_example():
    fused = rrf([[1, 2, 3], [3, 1, 4]], k=10)
    expected = {1: 1 / 11 + 1 / 12, 2: 1 / 12, 3: 1 / 13 + 1 / 11, 4: 1 / 13}
    assert [d for d, _ in fused] == [1, 3, 2, 4]
    for doc, score in fused:
        assert score == pytest.approx(expected[doc])
    # default constant 60
    assert dict(rrf([[7]]))[7] == pytest.approx(1 / 61)


def test_rrf_is_pure_and_ties_are_deterministic():
    a, b = [5, 6], [6, 5]
    before = (list(a), list(b))
    fused = rrf([a, b], k=60)
    assert (a, b) == before  # inputs untouched
    assert fused[0][1] == fused[1][1]
    assert [d for d, _ in fused] == [5, 6]  # tie: first appearance wins
    assert rrf([a, b], k=60) == fused
    assert [d for d, _ in rrf([[9], [8]])] == [9, 8]
    assert rrf([]) == [] and rrf([[], []]) == []
    # generators are accepted
    assert rrf(iter([iter([1, 2])]), k=1) == [(1, 0.5), (2, 1 / 3)]


def test_tiered_keeps_best_tier_and_descending_scores():
    ranked = tiered([[(1, 0.9), (2, 0.5)], [(2, 0.8), (3, 0.7)], [(1, 0.1), (4, 0.0)]], k=60)
    assert [d for d, _ in ranked] == [1, 2, 3, 4]
    assert [s for _, s in ranked] == [1 / 61, 1 / 62, 1 / 63, 1 / 64]
