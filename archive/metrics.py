"""Ranking metrics for the evaluations: pure functions over grades."""
from __future__ import annotations

import math
from collections.abc import Sequence


def dcg(grades: Sequence[float], k: int) -> float:
    """Discounted cumulative gain with exponential gain: sum (2^g - 1) / log2(rank + 1)."""
    return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(grades[:k]))


def ndcg(ranked_grades: Sequence[float], all_grades: Sequence[float], k: int = 10) -> float:
    """nDCG@k of a ranking, given the grades of every relevant item in the collection."""
    ideal = dcg(sorted(all_grades, reverse=True), k)
    return dcg(ranked_grades, k) / ideal if ideal > 0 else 0.0


def precision_at(flags: Sequence[bool], k: int) -> float:
    """Share of the first k results that are relevant (a short list counts as misses)."""
    return sum(bool(f) for f in flags[:k]) / k if k else 0.0
