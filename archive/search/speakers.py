"""Speaker-aware ranking for "what did X say (about Y)": X's own words first.

Order: passages with a direct quote by X, then passages reporting X's words indirectly,
each ordered by relevance to the topic Y (or to the whole question); then passages that
only mention X. A passage naming X inside someone else's words is in the last tier, so it
can never outrank X's own. Lives above the backend interface, shared by every backend.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from archive.storage.local import Backend
from archive.models import Filters

MAX_OWN = 5000


def people_for(query: str, speaker: str | None, backend: Backend) -> tuple[list[str], str | None]:
    """Canonical people the query asks about, and the topic left once the name is taken out.

    With an explicit `speaker` the whole query (minus any "what did X say" frame) is the topic.
    """
    aliases = backend.aliases()
    if not aliases:
        return [], query
    from archive.text.names import resolve_person
    from archive.search.query import parse_query

    intent = parse_query(query, known_names=aliases.keys())
    if speaker:
        topic = intent.topic if intent.speaker_text else query
        return resolve_person(speaker, aliases), topic
    if not intent.speaker_text:
        return [], query
    return resolve_person(intent.speaker_text, aliases), intent.topic


def rank(searcher, backend: Backend, query: str, topic: str | None, people: Sequence[str],
         mode: str, n: int, filters: Filters) -> list[tuple[int, float]]:
    """Tiered ranking: direct quotes by `people`, indirect ones, then other hits for `query`."""
    from archive.quotes import is_speech_cue

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
    from archive.search.searcher import tiered

    return tiered([direct, indirect, mentions], searcher.config.rrf_k)


def pick_attribution(attributions: Sequence[dict], people: Sequence[str]) -> dict | None:
    """The attribution a hit shows: one by the asked-about person if any, direct first."""
    if not attributions:
        return None
    by_person = [a for a in attributions if a.get("person") in people]
    pool = by_person or list(attributions)
    return next((a for a in pool if a["direct"]), pool[0])
