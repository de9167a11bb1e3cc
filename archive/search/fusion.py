"""Fusion of a dense and a keyword ranking into one: pure functions over [(id, score)].

Reciprocal rank fusion keeps only ranks; the score-aware methods keep how far ahead a hit
is, so a rare exact phrase that BM25 scores far above everything else is not tied with
the dense top hit. Which method is the default, and its weight, was chosen on the
development sets of benchmarks/eval_known_item.py and eval_speakers.py (see
benchmarks/README.md), never on the seed questions.

Why hand-written: each method is a few lines of arithmetic over two short lists; the
libraries that implement them (ranx, txtai) bring a search stack with them.

    rrf        sum of 1 / (k + rank)                               (Cormack et al. 2009)
    wrrf       weighted RRF: w / (k + rank_dense) + (1 - w) / (k + rank_keyword)
    minmax     w * minmax(dense) + (1 - w) * minmax(keyword); missing = 0
    zscore     w * z(dense) + (1 - w) * z(keyword); missing = that list's lowest z
    dbsf       distribution-based score fusion (Qdrant): scores scaled from
               [mean - 3 sd, mean + 3 sd] to [0, 1], then summed with the weights
    txtai      txtai's hybrid: w * cosine + (1 - w) * bm25 / max(bm25)
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

Ranked = list[tuple[int, float]]

FUSIONS = ("rrf", "wrrf", "minmax", "zscore", "dbsf", "txtai")


def _ordered(scores: dict[int, float], first_seen: dict[int, int]) -> Ranked:
    """Best first; ties broken by first appearance so the result is deterministic."""
    return sorted(scores.items(), key=lambda item: (-item[1], first_seen[item[0]]))


def _first_seen(lists: Iterable[Sequence[tuple[int, float]]]) -> dict[int, int]:
    seen: dict[int, int] = {}
    for ranking in lists:
        for doc, _ in ranking:
            seen.setdefault(doc, len(seen))
    return seen


def rrf(rankings: Iterable[Sequence[int]], k: int = 60) -> Ranked:
    """Reciprocal rank fusion: score(d) = sum over rankings of 1 / (k + rank(d)), rank from 1.

    Ties are broken by first appearance, so the result is deterministic.
    """
    return weighted_rrf([(ranking, 1.0) for ranking in rankings], k)


def weighted_rrf(rankings: Iterable[tuple[Sequence[int], float]], k: int = 60) -> Ranked:
    """RRF with a weight per ranking: score(d) = sum of weight / (k + rank(d))."""
    scores: dict[int, float] = {}
    seen: dict[int, int] = {}
    for ranking, weight in rankings:
        for rank, doc in enumerate(ranking, start=1):
            seen.setdefault(doc, len(seen))
            scores[doc] = scores.get(doc, 0.0) + weight / (k + rank)
    return _ordered(scores, seen)


def minmax(scores: Sequence[tuple[int, float]]) -> dict[int, float]:
    """Scores scaled to [0, 1] (all equal -> all 1)."""
    if not scores:
        return {}
    values = [s for _, s in scores]
    low, high = min(values), max(values)
    span = high - low
    return {d: (s - low) / span if span > 0 else 1.0 for d, s in scores}


def zscores(scores: Sequence[tuple[int, float]]) -> dict[int, float]:
    """Standard scores (all equal -> all 0)."""
    if not scores:
        return {}
    mean, sd = _mean_sd([s for _, s in scores])
    return {d: (s - mean) / sd if sd > 0 else 0.0 for d, s in scores}


def dbsf_scale(scores: Sequence[tuple[int, float]]) -> dict[int, float]:
    """Distribution-based scaling: [mean - 3 sd, mean + 3 sd] to [0, 1], clipped."""
    if not scores:
        return {}
    mean, sd = _mean_sd([s for _, s in scores])
    if sd == 0:
        return {d: 1.0 for d, _ in scores}
    low, high = mean - 3 * sd, mean + 3 * sd
    return {d: min(1.0, max(0.0, (s - low) / (high - low))) for d, s in scores}


def max_scaled(scores: Sequence[tuple[int, float]]) -> dict[int, float]:
    """Scores divided by the highest (txtai's normalisation of BM25)."""
    if not scores:
        return {}
    top = max(s for _, s in scores)
    return {d: s / top if top > 0 else 0.0 for d, s in scores}


def _mean_sd(values: Sequence[float]) -> tuple[float, float]:
    mean = sum(values) / len(values)
    return mean, math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))


def convex(dense: Sequence[tuple[int, float]], keyword: Sequence[tuple[int, float]],
           weight: float, normalise: Callable[[Sequence[tuple[int, float]]], dict[int, float]],
           normalise_dense: bool = True) -> Ranked:
    """weight * norm(dense) + (1 - weight) * norm(keyword). An id missing from one list gets
    0 there, except with z-scores, where it gets that list's lowest score (as if ranked just
    below its end: a z of 0 is an average hit, not a missing one)."""
    d = normalise(dense) if normalise_dense else {i: s for i, s in dense}
    kw = normalise(keyword)
    z = normalise is zscores
    d_floor = min(d.values(), default=0.0) if z and normalise_dense else 0.0
    k_floor = min(kw.values(), default=0.0) if z else 0.0
    seen = _first_seen([dense, keyword])
    scores = {doc: weight * d.get(doc, d_floor) + (1.0 - weight) * kw.get(doc, k_floor)
              for doc in seen}
    return _ordered(scores, seen)


def fuse(method: str, dense: Sequence[tuple[int, float]], keyword: Sequence[tuple[int, float]],
         weight: float = 0.5, k: int = 60) -> Ranked:
    """One ranking from a dense and a keyword ranking, each [(id, score)] best first.

    weight: the dense ranking's share (the keyword ranking gets 1 - weight); plain `rrf`
    ignores it. k: the RRF constant (rrf, wrrf).
    """
    if method == "rrf":
        return rrf([[d for d, _ in dense], [d for d, _ in keyword]], k)
    if method == "wrrf":
        return weighted_rrf([([d for d, _ in dense], 2 * weight),
                             ([d for d, _ in keyword], 2 * (1.0 - weight))], k)
    if method == "minmax":
        return convex(dense, keyword, weight, minmax)
    if method == "zscore":
        return convex(dense, keyword, weight, zscores)
    if method == "dbsf":
        return convex(dense, keyword, weight, dbsf_scale)
    if method == "txtai":
        return convex(dense, keyword, weight, max_scaled, normalise_dense=False)
    raise ValueError(f"unknown fusion '{method}': choose one of {', '.join(FUSIONS)}")
