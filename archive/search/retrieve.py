"""Candidate retrieval: one retriever's ranking, or dense and keyword fused (`fusion`).

Talks only to a `Backend`; the fusion steps are pure functions over ranked lists.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from archive.errors import BadRequest
from archive.models import Filters
from archive.search.folding import first_per_cluster
from archive.search.fusion import FUSIONS, fuse, rrf
from archive.storage import Backend, Ranked

MODES = ("hybrid", "dense", "keyword")
__all__ = ["FUSIONS", "MODES", "candidates", "rrf", "tiered"]


def tiered(tiers: Sequence[Sequence[tuple[int, float]]], k: int = 60) -> Ranked:
    """Concatenate ranked tiers, each id kept at its first (best) tier.

    Scores from different tiers are not comparable, so the result is scored by its final
    order as 1 / (k + rank), on the scale of reciprocal rank fusion: scores always descend.
    """
    seen: set[int] = set()
    order: list[int] = []
    for tier in tiers:
        for doc, _ in tier:
            if doc not in seen:
                seen.add(doc)
                order.append(doc)
    return [(doc, 1.0 / (k + rank)) for rank, doc in enumerate(order, start=1)]


def candidates(backend: Backend, encode: Callable[[str], np.ndarray], text: str, mode: str,
               n: int, filters: Filters, rrf_k: int, group: bool = False,
               fusion: str = "rrf", weight: float = 0.5) -> Ranked:
    """Ranked (id, score) for one retriever (`mode` dense or keyword) or their fusion.

    encode: the query text to its vector (called only when a dense ranking is needed).
    group: the caller folds near-duplicates; an engine that groups by cluster itself
    (`backend.groups`) then returns one passage per cluster, so the n candidates are n
    distinct stories; others return every passage and the caller folds afterwards.
    fusion, weight: how a hybrid search fuses the two rankings (`archive.search.fusion`);
    an engine that fuses inside itself (`backend.fuses_hybrid`, Milvus) does so for plain
    RRF; the score-aware methods fuse its dense and keyword rankings here, like any other.
    """
    if fusion not in FUSIONS:
        raise BadRequest(f"unknown fusion '{fusion}': set ARCHIVE_FUSION to one of "
                         f"{', '.join(FUSIONS)}")
    if not text.strip():
        return []
    group = group and backend.groups
    if mode == "keyword":
        return backend.keyword(text, n, filters, group=group)
    if mode == "hybrid" and backend.fuses_hybrid and fusion == "rrf":
        return backend.hybrid(encode(text), text, n, filters, rrf_k, group=group)
    dense = backend.dense(encode(text), n, filters, group=group)
    if mode == "dense":
        return dense
    keyword = backend.keyword(text, n, filters, group=group)
    fused = fuse(fusion, dense, keyword, weight, rrf_k)
    return one_per_cluster(backend, fused) if group else fused


def one_per_cluster(backend: Backend, ranked: Ranked) -> Ranked:
    """The best-ranked passage of each cluster: two grouped rankings may each pick another
    copy of one story, and their fusion must still hold one per cluster."""
    return first_per_cluster(ranked, backend.fetch([d for d, _ in ranked]))
