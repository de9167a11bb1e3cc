"""Speaker-aware ranking for "what did X say (about Y)": X's own words first.

Order: passages with a direct quote by X, then passages reporting X's words indirectly,
each ordered by relevance to the topic Y (or to the whole question); then passages that
only mention X. A passage naming X inside someone else's words is in the last tier, so it
can never outrank X's own. Lives above the backend interface, shared by every backend.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from .backend import Backend
from .store import Filters

MAX_OWN = 5000


def people_for(query: str, speaker: str | None, backend: Backend) -> tuple[list[str], str | None]:
    """Canonical people the query asks about, and the topic left once the name is taken out.

    With an explicit `speaker` the whole query (minus any "what did X say" frame) is the topic.
    """
    aliases = backend.aliases()
    if not aliases:
        return [], query
    from .people import resolve_person
    from .query import parse_query

    intent = parse_query(query, known_names=aliases.keys())
    if speaker:
        topic = intent.topic if intent.speaker_text else query
        return plausible(speaker, resolve_person(speaker, aliases), aliases), topic
    if not intent.speaker_text:
        return [], query
    name = intent.speaker_text
    return plausible(name, resolve_person(name, aliases), aliases), intent.topic


def plausible(query_name: str, candidates: Sequence[str], aliases: dict[str, str]) -> list[str]:
    """The candidates a name with a first name can really mean.

    resolve_person is generous so that "Lavrof" or "Riabco" still find their person; with a
    full name typed ("what did Brad Holm say") that generosity let in other people and bare
    names: "Kelly Holmes" (another first name), "Holmes", "Iran" or "Orange" for Rangel (a
    one-word name with a different surname), and "John Robertson" beside an exact "John G.
    Roberts Jr.". Over 194 PolNeAR names these took 1-4 of the top 5 from the asked person.
    So, when the query has a first name: a candidate with a first name needs a compatible
    one; a one-word candidate needs the same surname (transliteration key); and when the
    typed name is itself a known alias, only candidates with that surname stay."""
    from .people import _translit, first_names_compatible, fold, split_name

    q = split_name(query_name or "")
    if q is None or not q.first:
        return list(candidates)  # a bare surname or a misspelt word: keep the fuzzy matches
    key = _translit(q.surname)
    exact = fold(query_name) in {fold(a) for a in aliases}
    keep = []
    for name in candidates:
        parts = split_name(name)
        if parts is None:
            continue
        same = _translit(parts.surname) == key
        if parts.first and not first_names_compatible(q.first, parts.first):
            continue
        if not parts.first and not same:
            continue
        if exact and not same:
            continue
        keep.append(name)
    return keep


def rank(searcher, backend: Backend, query: str, topic: str | None, people: Sequence[str],
         mode: str, n: int, filters: Filters) -> list[tuple[int, float]]:
    """Tiered ranking: direct quotes by `people`, indirect ones, then other hits for `query`."""
    from .quotes import is_speech_cue

    own = backend.passages_quoting(people)[:MAX_OWN]
    if filters.active():
        allowed = set(backend.filtered_ids(filters))
        own = [d for d in own if d in allowed]
    relevance = searcher.candidates(backend, topic or query, mode, max(len(own), 1),
                                    replace(filters, speakers=tuple(people)))
    own_set = set(own)
    ranked_own = [(d, s) for d, s in relevance if d in own_set]
    ranked = {d for d, _ in ranked_own}
    ranked_own += [(d, 0.0) for d in own if d not in ranked]
    attributions = backend.attributions_for([d for d, _ in ranked_own])
    direct = [(d, s) for d, s in ranked_own if any(
        a["person"] in people and a["direct"] for a in attributions.get(d, []))]
    # Reported speech only: a belief or a poll finding ("X believes", "a poll showed X
    # ahead") is not X's words, so it stays with the mentions.
    indirect = [(d, s) for d, s in ranked_own if any(
        a["person"] in people and is_speech_cue(a["cue"] or "")
        for a in attributions.get(d, []))]
    mentions = searcher.candidates(backend, query, mode, n, filters)
    from .search import tiered

    return tiered([direct, indirect, mentions], searcher.config.rrf_k)


def pick_attribution(attributions: Sequence[dict], people: Sequence[str]) -> dict | None:
    """The attribution a hit shows: one by the asked-about person if any, direct first."""
    if not attributions:
        return None
    by_person = [a for a in attributions if a.get("person") in people]
    pool = by_person or list(attributions)
    return next((a for a in pool if a["direct"]), pool[0])
