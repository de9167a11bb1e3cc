"""Hybrid search: dense (FAISS) and BM25 (FTS5) candidates fused by reciprocal rank, with
speaker-aware ranking for "what did X say" and folding of near-identical passages.

Everything here talks to a `Backend`; the fusion and ranking steps are pure functions.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from archive.storage.local import Backend, LocalBackend, compare_manifest
from archive.config import Config, load_config
from archive.errors import BadRequest
from archive.storage.generations import IndexDir
from archive.models import Filters, Hit

MODES = ("hybrid", "dense", "keyword")
MAX_K = 1000
MAX_QUERY_CHARS = 10_000
SURROGATES = re.compile("[\ud800-\udfff]")


def rrf(rankings: Iterable[Sequence[int]], k: int = 60) -> list[tuple[int, float]]:
    """Reciprocal rank fusion: score(d) = sum over rankings of 1 / (k + rank(d)), rank from 1.

    Ties are broken by first appearance, so the result is deterministic.
    """
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, doc in enumerate(ranking, start=1):
            scores[doc] = scores.get(doc, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda item: -item[1])


def tiered(tiers: Sequence[Sequence[tuple[int, float]]], k: int = 60) -> list[tuple[int, float]]:
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


def validate(mode: str, k: int) -> None:
    if mode not in MODES:
        raise BadRequest(f"unknown mode '{mode}': choose one of {', '.join(MODES)}")
    if not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise BadRequest(f"k must be a whole number from 1 to {MAX_K}, not {k!r}")


def validate_date(value: str | None, name: str) -> str | None:
    if value in (None, ""):
        return None
    from datetime import date

    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise BadRequest(f"{name} must be a date as YYYY-MM-DD, not {value!r}") from None


def make_filters(date_from: str | None = None, date_to: str | None = None,
                 outlets: Iterable[str] = (), article_ids: Iterable[str] = (),
                 speakers: Iterable[str] = ()) -> Filters:
    """Checked filters: bad dates or an inverted range raise BadRequest."""
    f = Filters(validate_date(date_from, "date_from"), validate_date(date_to, "date_to"),
                tuple(o for o in outlets if o), tuple(a for a in article_ids if a),
                tuple(s for s in speakers if s))
    if f.date_from and f.date_to and f.date_from > f.date_to:
        raise BadRequest(f"date_from {f.date_from} is after date_to {f.date_to}")
    return f


class Searcher:
    """Answers queries from the published index; follows new generations without a restart."""

    def __init__(self, config: Config | None = None, embedder=None) -> None:
        self.config = config or load_config()
        self.index_dir = IndexDir(self.config.index_dir)
        self._embedder = embedder
        self._backend: LocalBackend | None = None
        self._lock = threading.Lock()
        self._vectors: dict[str, object] = {}

    @property
    def embedder(self):
        if self._embedder is None:
            from archive.embed.sbert import make_embedder

            self._embedder = make_embedder(self.config)
        return self._embedder

    @property
    def backend(self) -> LocalBackend:
        """The current generation, reopened when a build has published a new one."""
        if self.config.backend == "milvus":  # issue 8: one Milvus database, re-read per query
            with self._lock:
                if self._backend is None:
                    from archive.storage.milvus import MilvusBackend, default_uri

                    self._backend = MilvusBackend(default_uri(self.config))
                else:
                    self._backend.refresh()
                return self._backend
        with self._lock:
            current = self.index_dir.require_current()
            if self._backend is None or self._backend.generation != current:
                # The old generation is not closed here: a search of another thread may still
                # be reading it; its connection closes when the last reference goes.
                self._backend = LocalBackend(current)
            return self._backend

    def manifest(self) -> dict[str, object]:
        return self.backend.manifest()

    def encode(self, text: str, backend: Backend):
        """The query vector, checked against the index's manifest. A speaker question
        encodes the same text for its own-words tier and its mentions tier: the last few
        vectors are kept, so each text costs one encode."""
        text = text[:MAX_QUERY_CHARS]
        vector = self._vectors.get(text)
        if vector is None:
            vector = self.embedder.encode_query(text)
            with self._lock:  # page sessions share one Searcher across threads
                if len(self._vectors) >= 32:
                    self._vectors.pop(next(iter(self._vectors)))
                self._vectors[text] = vector
        compare_manifest(backend.manifest(), {
            "model": self.embedder.name, "dimension": len(vector),
            "embedding_backend": getattr(self.embedder, "backend", "torch-fp32")})
        return vector

    def candidates(self, backend: Backend, text: str, mode: str, n: int,
                   filters: Filters, group: bool = False) -> list[tuple[int, float]]:
        """Ranked (id, score) for one retriever or their reciprocal-rank fusion.

        group: the caller folds near-duplicates; a backend that can group by cluster in the
        engine (Milvus group-by) then returns one passage per cluster, so the n candidates
        are n distinct stories. The local backend folds afterwards in Python instead."""
        if not text.strip():
            return []
        grouped = {"group": True} if group and getattr(backend, "groups", False) else {}
        if mode == "keyword":
            return backend.keyword(text, n, filters, **grouped)
        if mode == "hybrid" and hasattr(backend, "hybrid"):  # issue 8: fused in the engine
            return backend.hybrid(self.encode(text, backend), text, n, filters,
                                  self.config.rrf_k, **grouped)
        dense = backend.dense(self.encode(text, backend), n, filters, **grouped)
        if mode == "dense":
            return dense
        keyword = backend.keyword(text, n, filters, **grouped)
        return rrf([[d for d, _ in dense], [d for d, _ in keyword]], self.config.rrf_k)

    def search(self, query: str, k: int = 10, mode: str = "hybrid",
               filters: Filters | None = None, speaker: str | None = None,
               fold: bool = True, understand: bool = True) -> list[Hit]:
        """Ranked hits for `query`. Any text is a valid query; bad arguments raise BadRequest.

        speaker: only passages quoting this person (a name as typed; aliases resolve).
        fold: one hit per cluster of near-identical passages, the others in `also_in`.
        understand: recognise "what did X say (about Y)" and rank X's own words first;
        False gives plain retrieval (the evaluation's baseline).
        """
        validate(mode, k)
        # lone surrogates (undecodable argv bytes under surrogateescape) break the tokenizer
        query = SURROGATES.sub("\ufffd", (query or "")[:MAX_QUERY_CHARS])
        filters = filters or Filters()
        backend = self.backend
        from archive.search import speakers as ranking
        n = max(k * self.config.oversample, 50)
        people, topic = (ranking.people_for(query, speaker, backend) if understand or speaker
                          else ([], query))
        if speaker and not people:
            return []
        if speaker:  # an explicit speaker filters: only passages quoting that person

            filters = replace(filters, speakers=tuple(people))
        if people:
            ranked = ranking.rank(self, backend, query, topic, people, mode, n, filters)
        else:
            ranked = self.candidates(backend, query, mode, n, filters, group=fold)
        return self.hits(backend, ranked, k, people or list(filters.speakers), fold)

    def hits(self, backend: Backend, ranked: list[tuple[int, float]], k: int,
             people: Sequence[str], fold: bool) -> list[Hit]:
        from archive.search.speakers import pick_attribution
        from archive.search.folding import fold_ranked

        pool = ranked[: k * 5] if fold else ranked[:k]
        rows = backend.fetch([d for d, _ in pool])
        pool = [(d, s) for d, s in pool if d in rows]
        kept = fold_ranked(pool, rows, backend, k) if fold else [(d, s, []) for d, s in pool]
        attributions = backend.attributions_for([d for d, _, _ in kept])
        out = []
        for rank, (doc, score, also) in enumerate(kept[:k], start=1):
            r = rows[doc]
            att = pick_attribution(attributions.get(doc, []), people)
            out.append(Hit(
                rank=rank, score=round(float(score), 6), text=r["text"], title=r["title"],
                outlet=r["outlet"] or None, date=r["date"], path=r["path"],
                article_id=r["article_id"], position=r["position"], passage_id=doc,
                section=r["section"], url=r["url"],
                speaker=att.get("person") or att.get("speaker") if att else None,
                quote=att["content"] if att else None, cue=att["cue"] if att else None,
                quote_start=att["content_start"] if att else None,
                quote_end=att["content_end"] if att else None, also_in=also))
        return out

    # -- browsing: what a page needs beside ranked hits (read-only, no model) -------------
    def context(self, passage_id: int, before: int = 1, after: int = 1) -> list[dict]:
        """The passage and its neighbours in its article: [{id, position, section, text}]."""
        return self.backend.neighbours(passage_id, before, after)

    def article(self, article_id: str) -> dict | None:
        """An article's metadata with its cleaned passages under "passages"."""
        backend = self.backend
        meta = backend.article(article_id)
        if meta is not None:
            meta["passages"] = backend.article_passages(article_id)
        return meta

    def people(self) -> list[dict]:
        """Quoted people: [{name, aliases, roles, quotes, articles}], most quoted first."""
        return self.backend.people()

    def quotes_by(self, person: str) -> list[dict]:
        """Every attribution to `person`, by date, with passage and article metadata."""
        return self.backend.quotes_by(person)

    def outlets(self) -> list[tuple[str, int]]:
        return self.backend.outlets()

    def date_range(self) -> tuple[str | None, str | None]:
        return self.backend.date_range()

    def counts(self) -> dict[str, int]:
        backend = self.backend
        return {t: backend.count(t) for t in ("articles", "passages", "attributions", "people")}

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()
            self._backend = None


def index_path(config: Config) -> Path:
    return config.index_dir
