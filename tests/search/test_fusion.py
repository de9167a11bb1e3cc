"""Fusion of a dense and a keyword ranking (archive.search.fusion): pure arithmetic."""
from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.search import FUSIONS, fuse, rrf
from archive.search.fusion import (convex, dbsf_scale, max_scaled, minmax, weighted_rrf,
                                   zscores)

SCORE_AWARE = ("minmax", "zscore", "dbsf", "txtai")
# Keyword search finds one passage (id 1) far ahead of the rest: a rare exact phrase.
KEYWORD = [(1, 9.2), (10, 1.3), (11, 1.2), (12, 1.1), (13, 1.0), (14, 0.9), (15, 0.8),
           (16, 0.7), (17, 0.6), (18, 0.5)]
# The dense ranking puts it 4th, with cosines close together.
DENSE = [(10, 0.62), (11, 0.61), (12, 0.60), (1, 0.59), (13, 0.58), (14, 0.57), (15, 0.56),
         (16, 0.55), (17, 0.54), (18, 0.53)]


def ids(ranked) -> list[int]:
    return [d for d, _ in ranked]


def test_rrf_is_the_textbook_formula():
    a, b = [5, 3, 8], [3, 9, 5, 7]
    fused = dict(rrf([a, b], k=60))
    expected = {5: 1 / 61 + 1 / 63, 3: 1 / 62 + 1 / 61, 8: 1 / 63, 9: 1 / 62, 7: 1 / 64}
    assert fused.keys() == expected.keys()
    for doc, score in expected.items():
        assert fused[doc] == pytest.approx(score, rel=1e-12)
    assert ids(rrf([a, b], k=60)) == [3, 5, 9, 8, 7]
    assert dict(rrf([a], k=1)) == pytest.approx({5: 1 / 2, 3: 1 / 3, 8: 1 / 4})


def test_rrf_breaks_ties_by_first_appearance():
    assert ids(rrf([[1, 2], [2, 1]])) == [1, 2]
    assert ids(rrf([[2, 1], [1, 2]])) == [2, 1]
    assert ids(rrf([[7], [4]])) == [7, 4]  # both rank 1 in one list
    assert ids(rrf([[4], [7]])) == [4, 7]


def test_weighted_rrf_with_equal_weights_is_rrf():
    a, b = [5, 3, 8, 1], [3, 9, 5, 7]
    assert weighted_rrf([(a, 1.0), (b, 1.0)]) == rrf([a, b])
    assert weighted_rrf([(a, 1.0), (b, 1.0)], k=10) == rrf([a, b], k=10)
    # a weight scales that list's share
    doubled = dict(weighted_rrf([(a, 2.0), (b, 0.0)]))
    assert doubled[5] == pytest.approx(2 / 61) and doubled[9] == 0.0


def test_wrrf_at_half_weight_is_rrf():
    assert fuse("wrrf", DENSE, KEYWORD, weight=0.5) == fuse("rrf", DENSE, KEYWORD)
    assert fuse("rrf", DENSE, KEYWORD, weight=0.9) == fuse("rrf", DENSE, KEYWORD)  # ignored
    assert ids(fuse("wrrf", DENSE, KEYWORD, weight=1.0))[:len(DENSE)] == ids(DENSE)


def test_rrf_does_not_lift_the_far_ahead_keyword_hit():
    fused = ids(fuse("rrf", DENSE, KEYWORD))
    assert fused[0] != 1
    assert fused[0] == 10


@pytest.mark.parametrize("method", SCORE_AWARE)
def test_score_aware_fusion_lifts_the_far_ahead_keyword_hit(method):
    fused = fuse(method, DENSE, KEYWORD, weight=0.5)
    assert ids(fused)[0] == 1, fused[:3]
    assert sorted(ids(fused)) == sorted(ids(DENSE))


# The same ids in both lists, in different orders, with distinct scores.
SAME_DENSE = [(1, 0.9), (2, 0.8), (3, 0.7), (4, 0.6), (5, 0.5)]
SAME_KEYWORD = [(4, 12.0), (5, 7.0), (1, 3.0), (3, 2.0), (2, 1.0)]


@pytest.mark.parametrize("method", ["minmax", "dbsf", "zscore", "wrrf"])
def test_weight_one_is_the_dense_order_and_zero_the_keyword_order(method):
    assert ids(fuse(method, SAME_DENSE, SAME_KEYWORD, weight=1.0)) == ids(SAME_DENSE)
    assert ids(fuse(method, SAME_DENSE, SAME_KEYWORD, weight=0.0)) == ids(SAME_KEYWORD)


@pytest.mark.parametrize("method", ["minmax", "dbsf"])
def test_weight_one_puts_the_dense_list_first_when_lists_differ(method):
    assert ids(fuse(method, DENSE[:5], KEYWORD[5:], weight=1.0))[:5] == ids(DENSE[:5])
    assert ids(fuse(method, DENSE[5:], KEYWORD[:5], weight=0.0))[:4] == ids(KEYWORD[:4])


@pytest.mark.parametrize("method", FUSIONS)
def test_ids_in_only_one_list_are_kept(method):
    dense, keyword = [(2, 0.8), (1, 0.7), (5, 0.1)], [(3, 5.0), (2, 4.9), (4, 1.0)]
    fused = ids(fuse(method, dense, keyword, weight=0.5))
    assert sorted(fused) == [1, 2, 3, 4, 5]
    assert fused[0] == 2  # near the top of both rankings


@pytest.mark.parametrize("method", FUSIONS)
def test_empty_inputs(method):
    assert fuse(method, [], []) == []
    only_dense = fuse(method, [(3, 0.4), (1, 0.3)], [])
    assert ids(only_dense) == [3, 1]
    only_keyword = fuse(method, [], [(2, 8.0), (6, 2.0)])
    assert ids(only_keyword) == [2, 6]


def test_an_unknown_method_raises():
    with pytest.raises(ValueError, match="unknown fusion 'borda'"):
        fuse("borda", DENSE, KEYWORD)
    with pytest.raises(ValueError):
        fuse("RRF", DENSE, KEYWORD)


def test_normalisers():
    scores = [(1, 4.0), (2, 2.0), (3, 0.0)]
    assert minmax(scores) == {1: 1.0, 2: 0.5, 3: 0.0}
    assert max_scaled(scores) == {1: 1.0, 2: 0.5, 3: 0.0}
    z = zscores(scores)
    assert z[2] == pytest.approx(0.0) and z[1] == pytest.approx(-z[3])
    assert z[1] == pytest.approx(2 / math.sqrt(8 / 3))
    scaled = dbsf_scale(scores)
    assert scaled[2] == pytest.approx(0.5) and 0.5 < scaled[1] < 1.0 and 0 < scaled[3] < 0.5
    flat = [(1, 3.0), (2, 3.0)]
    assert minmax(flat) == {1: 1.0, 2: 1.0} and zscores(flat) == {1: 0.0, 2: 0.0}
    assert dbsf_scale(flat) == {1: 1.0, 2: 1.0}
    assert minmax([]) == zscores([]) == dbsf_scale([]) == max_scaled([]) == {}


def test_convex_combines_normalised_scores():
    fused = dict(convex([(1, 0.9), (2, 0.1)], [(2, 10.0), (1, 0.0)], 0.25, minmax))
    assert fused[1] == pytest.approx(0.25) and fused[2] == pytest.approx(0.75)
    # z-scores: an id missing from one list gets that list's lowest z, not 0
    z = dict(convex([(1, 0.9), (2, 0.5), (3, 0.1)], [(1, 5.0), (2, 1.0)], 0.5, zscores))
    lowest_keyword = min(zscores([(1, 5.0), (2, 1.0)]).values())
    assert z[3] == pytest.approx(0.5 * zscores([(1, 0.9), (2, 0.5), (3, 0.1)])[3]
                                 + 0.5 * lowest_keyword)


def ranking(scores: st.SearchStrategy) -> st.SearchStrategy:
    """[(id, score)] with distinct ids, best first."""
    return st.dictionaries(st.integers(0, 40), scores, max_size=25).map(
        lambda d: sorted(d.items(), key=lambda item: -item[1]))


@settings(max_examples=300, deadline=None)
@given(ranking(st.floats(-1.0, 1.0)), ranking(st.floats(0.0, 60.0)),
       st.sampled_from(FUSIONS), st.floats(0.0, 1.0))
def test_every_fusion_returns_each_id_once_best_first(dense, keyword, method, weight):
    fused = fuse(method, dense, keyword, weight=weight)
    assert sorted(ids(fused)) == sorted({d for d, _ in dense} | {d for d, _ in keyword})
    scores = [s for _, s in fused]
    assert all(math.isfinite(s) for s in scores)
    assert all(a >= b for a, b in itertools.pairwise(scores))
