"""The Searcher: hybrid search over a published archive, on whichever engine it lives.

Candidates come from `retrieve` (dense, keyword or their reciprocal-rank fusion), a "what did
X say" question is ranked by `speakers`, near-identical passages are folded by `folding`;
everything talks to a `Backend` opened by `archive.storage.open_backend`.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

import numpy as np

from archive.config import Config, load_config
from archive.embed import Embedder, make_embedder
from archive.errors import BadRequest
from archive.models import Filters, Hit
from archive.search.folding import fold_ranked
from archive.search.linker import Linker
from archive.search.retrieve import MODES, candidates
from archive.search.speakers import (explicit_speaker, labelled, pick_attribution, probable,
                                     rank_by_speaker, rank_mentions, written_names)
from archive.search.reading import Understood
from archive.search.understand import understand as read_question
from archive.storage import Backend, Ranked, check_compatible, open_backend
from archive.text.terms import query_terms

MAX_K = 1000
MAX_QUERY_CHARS = 10_000
SURROGATES = re.compile("[\ud800-\udfff]")


def validate(mode: str, k: int) -> None:
    if mode not in MODES:
        raise BadRequest(f"unknown mode '{mode}': choose one of {', '.join(MODES)}")
    if not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise BadRequest(f"k must be a whole number from 1 to {MAX_K}, not {k!r}")


def validate_date(value: str | None, name: str) -> str | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise BadRequest(f"{name} must be a date as YYYY-MM-DD, not {value!r}") from None


def make_filters(date_from: str | None = None, date_to: str | None = None,
                 outlets: Iterable[str] = (), article_ids: Iterable[str] = (),
                 speakers: Iterable[str] = (), include_undated: bool = False,
                 mentions: Iterable[str] = ()) -> Filters:
    """Checked filters: bad dates or an inverted range raise BadRequest. A date range
    leaves out articles without a date unless `include_undated`; `mentions` keeps the
    passages naming one of these (canonical) names."""
    f = Filters(validate_date(date_from, "date_from"), validate_date(date_to, "date_to"),
                tuple(o for o in outlets if o), tuple(a for a in article_ids if a),
                tuple(s for s in speakers if s), bool(include_undated),
                tuple(m for m in mentions if m))
    if f.date_from and f.date_to and f.date_from > f.date_to:
        raise BadRequest(f"date_from {f.date_from} is after date_to {f.date_to}")
    return f


def names_of(people: Sequence[str], aliases: dict[str, str]
             ) -> dict[str, tuple[list[str], list[str]]]:
    """Each asked-about person with the names an attribution gives them (`written_names`: the
    aliases and the canonical name, as ranking reads them) and the names a passage may
    mention them by (those and the surname, longest first)."""
    out = {}
    for p in people:
        written = written_names([p], aliases)
        out[p] = written, sorted(set(written) | {p.split()[-1]}, key=len, reverse=True)
    return out


def ranking_reason(att: dict | None, names: dict[str, tuple[list[str], list[str]]], text: str,
                   found: Sequence[dict] = ()) -> str | None:
    """Why a hit for a question about a person ranks where it does: "own words" (their
    direct quote), "reported" (their words reported), "possibly NAME's words" (of the
    passage's attributions `found`, one the build gave to a name of theirs but not surely
    enough to label, as ranking finds them: `speakers.unsure_passages`), "mentions NAME"
    (they are named in the passage); None for a plain topic hit (no person asked about, or
    none of these)."""
    if att and att.get("person") in names:
        return "own words" if att["direct"] else "reported"
    for person, (written, _) in names.items():
        if any(probable(a, written) for a in found):
            return f"possibly {person}'s words"
    for person, (_, variants) in names.items():
        if any(re.search(rf"(?<!\w){re.escape(v)}(?!\w)", text, re.IGNORECASE)
               for v in variants if len(v) >= 3):
            return f"mentions {person}"
    return None


@dataclass(frozen=True)
class Answer:
    """A question's answer: how it was understood, and the ranked hits."""

    understood: Understood
    hits: list[Hit]

    def to_json(self, query: str) -> dict:
        """The `archive search --json` object: query, hits, understood."""
        return {"query": query, "hits": [h.to_json() for h in self.hits],
                "understood": self.understood.to_json()}


class Searcher:
    """Answers queries from the published archive; follows new builds without a restart."""

    def __init__(self, config: Config | None = None, embedder: Embedder | None = None) -> None:
        self.config = config or load_config()
        self._embedder = embedder
        self._backend: Backend | None = None
        self._lock = threading.Lock()
        self._vectors: dict[str, np.ndarray] = {}
        self._linker: tuple[Backend, Linker | None] | None = None

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:  # "auto": the backend the archive was built with
            self._embedder = make_embedder(self.config, self.backend.manifest())
        return self._embedder

    @property
    def backend(self) -> Backend:
        """The archive, reopened when a build has published a new local generation (a Milvus
        archive re-reads its committed build instead)."""
        with self._lock:
            if self._backend is None or not self._backend.refresh():
                # The old generation is not closed here: a search of another thread may still
                # be reading it; its connection closes when the last reference goes.
                self._backend = open_backend(self.config)
            return self._backend

    def encode(self, text: str, backend: Backend) -> np.ndarray:
        """The query vector, checked against the archive's manifest. A speaker question
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
        check_compatible(backend.manifest(), {
            "model": self.embedder.name, "dimension": len(vector),
            "embedding_backend": self.embedder.backend})
        return vector

    def candidates(self, backend: Backend, text: str, mode: str, n: int,
                   filters: Filters, group: bool = False) -> Ranked:
        """`retrieve.candidates` with this searcher's encoder and fusion settings."""
        return candidates(backend, lambda t: self.encode(t, backend), text, mode, n, filters,
                          self.config.rrf_k, group, self.config.fusion, self.config.fusion_weight)

    def linker(self, backend: Backend) -> Linker | None:
        """The archive's people as a gazetteer for question understanding, built once per
        generation; None for an archive without attributions."""
        with self._lock:
            if self._linker is None or self._linker[0] is not backend:
                aliases = backend.aliases()
                self._linker = (backend, Linker(aliases, backend.people(), backend.places_near)
                                if aliases else None)
            return self._linker[1]

    def understand(self, query: str, speaker: str | None = None) -> Understood:
        """How `query` (with an explicit `speaker`, if given) will be searched."""
        linker = self.linker(self.backend)
        if speaker:
            if linker is None:
                return Understood("speaker", query or None, None, speaker)
            return explicit_speaker(query, speaker, linker)
        return read_question(query, linker)

    def search(self, query: str, k: int = 10, mode: str = "hybrid",
               filters: Filters | None = None, speaker: str | None = None,
               fold: bool = True, understand: bool = True) -> list[Hit]:
        """Ranked hits for `query` (see `ask`, which also says how the query was read)."""
        return self.ask(query, k, mode, filters, speaker, fold, understand).hits

    def ask(self, query: str, k: int = 10, mode: str = "hybrid",
            filters: Filters | None = None, speaker: str | None = None,
            fold: bool = True, understand: bool = True) -> Answer:
        """How `query` was understood and its ranked hits. Any text is a valid query; bad
        arguments raise BadRequest.

        speaker: only passages quoting this person (a name as typed; aliases resolve).
        fold: one hit per cluster of near-identical passages, the others in `also_in`.
        understand: link the people a question names or describes and rank a speaker's own
        words first (`understand.understand`); False gives plain retrieval (the evaluation's
        baseline).
        """
        validate(mode, k)
        # lone surrogates (undecodable argv bytes under surrogateescape) break the tokenizer
        query = SURROGATES.sub("\ufffd", (query or "")[:MAX_QUERY_CHARS])
        filters = filters or Filters()
        backend = self.backend
        n = max(k * self.config.oversample, 50)
        read = (self.understand(query, speaker) if understand or speaker
                else Understood("topic", query or None))
        people = read.people
        if speaker and not people:
            return Answer(read, [])
        if speaker:  # an explicit speaker filters: only passages quoting that person
            filters = replace(filters, speakers=tuple(people))

        def retrieve(text: str, size: int, f: Filters) -> Ranked:
            return self.candidates(backend, text, mode, size, f)

        if people:
            ranked = rank_by_speaker(retrieve, backend, read.ranking_text(query), read.topic,
                                     people, n, filters,
                                     self.config.rrf_k, self.config.speaker_boost,
                                     -1 if read.statement else self.config.speaker_short_topic)
        elif read.mode == "mentions" and read.speaker_text:
            ranked = rank_mentions(retrieve, backend, query, read.speaker_text, n, filters,
                                   self.config.rrf_k, read.topic, self.config.speaker_boost,
                                   self.config.speaker_short_topic)
        else:
            ranked = self.candidates(backend, query, mode, n, filters, group=fold)
        # the people a hit's reason is about: those asked about, or a name nobody is quoted as
        about = people or list(filters.speakers) or (
            [read.speaker_text] if read.mode == "mentions" and read.speaker_text else [])
        hits = self.hits(backend, ranked, k, about, fold,
                         read.topic or query, only_retrieved=bool(people) or filters.active())
        return Answer(read, hits)

    def hits(self, backend: Backend, ranked: Ranked, k: int, people: Sequence[str],
             fold: bool, text: str = "", only_retrieved: bool = True) -> list[Hit]:
        """The top `k` of `ranked` as hits with their source, quote and (folded) copies; of
        a folded cluster, the copy that holds most of `text`'s words is shown: any copy, or
        with `only_retrieved` one of `ranked` (a speaker's words, or passing the filters)."""
        pool = ranked[: k * 5] if fold else ranked[:k]
        rows = backend.fetch([d for d, _ in pool])
        pool = [(d, s) for d, s in pool if d in rows]
        copies = {d for d, _ in pool} if only_retrieved else None
        kept = (fold_ranked(pool, rows, backend, k, query_terms(text), copies) if fold
                else [(d, s, []) for d, s in pool])
        shown_copies = [d for d, _, _ in kept if d not in rows]  # best copies not retrieved
        if shown_copies:
            rows.update(backend.fetch(shown_copies))
        attributions = backend.attributions_for([d for d, _, _ in kept])
        names = names_of(people, backend.aliases() if people else {})
        out = []
        for rank, (doc, score, also) in enumerate(kept[:k], start=1):
            r = rows[doc]
            att = pick_attribution(labelled(attributions.get(doc, []),
                                            self.config.label_confidence), people)
            out.append(Hit(
                rank=rank, score=round(float(score), 6), text=r["text"], title=r["title"],
                outlet=r["outlet"] or None, date=r["date"], path=r["path"],
                article_id=r["article_id"], position=r["position"], passage_id=doc,
                section=r["section"], url=r["url"],
                speaker=att.get("person") or att.get("speaker") if att else None,
                quote=att["content"] if att else None, cue=att["cue"] if att else None,
                quote_start=att["content_start"] if att else None,
                quote_end=att["content_end"] if att else None, also_in=also,
                page=r.get("page"), direct=bool(att["direct"]) if att else None,
                confidence=att.get("confidence") if att else None,
                reason=ranking_reason(att, names, r["text"], attributions.get(doc, []))))
        return out

    # -- browsing beyond the backend's own methods (read-only, no model) -------------------
    def article(self, article_id: str) -> dict | None:
        """An article's metadata with its cleaned passages under "passages"."""
        backend = self.backend
        meta = backend.article(article_id)
        if meta is not None:
            meta["passages"] = backend.article_passages(article_id)
        return meta

    def counts(self) -> dict[str, int]:
        backend = self.backend
        return {t: backend.count(t) for t in ("articles", "passages", "attributions", "people")}

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()
            self._backend = None
