"""Speaker-aware ranking for "what did X say (about Y)": X's own words first.

Order: passages with a direct quote by X, then passages reporting X's words indirectly,
each ordered by relevance to the topic Y (or to the whole question); then passages that
only mention X. A passage naming X inside someone else's words is in the last tier, so it
can never outrank X's own. Lives above the backend interface, shared by every engine.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from archive.models import Filters
from archive.quotes import is_speech_cue
from archive.search.query import parse_query
from archive.search.retrieve import tiered
from archive.storage import Backend, Ranked
from archive.text.names import resolve_person

MAX_OWN = 5000
# (text, n, filters) -> candidates for the text in the searcher's mode
Retrieve = Callable[[str, int, Filters], Ranked]


def people_for(query: str, speaker: str | None, backend: Backend) -> tuple[list[str], str | None]:
    """Canonical people the query asks about, and the topic left once the name is taken out.

    With an explicit `speaker` the whole query (minus any "what did X say" frame) is the topic.
    """
    aliases = backend.aliases()
    if not aliases:
        return [], query
    intent = parse_query(query, known_names=aliases.keys())
    if speaker:
        topic = intent.topic if intent.speaker_text else query
        return resolve_person(speaker, aliases), topic
    if not intent.speaker_text:
        return [], query
    return resolve_person(intent.speaker_text, aliases), intent.topic


def rank_by_speaker(retrieve: Retrieve, backend: Backend, query: str, topic: str | None,
                    people: Sequence[str], n: int, filters: Filters, rrf_k: int) -> Ranked:
    """Tiered ranking: direct quotes by `people`, indirect ones, then other hits for `query`."""
    own = backend.passages_quoting(people)[:MAX_OWN]
    if filters.active():
        allowed = set(backend.filtered_ids(filters))
        own = [d for d in own if d in allowed]
    relevance = retrieve(topic or query, max(len(own), 1),
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
    mentions = retrieve(query, n, filters)
    return tiered([direct, indirect, mentions], rrf_k)


def pick_attribution(attributions: Sequence[dict], people: Sequence[str]) -> dict | None:
    """The attribution a hit shows: one by the asked-about person if any, direct first."""
    if not attributions:
        return None
    by_person = [a for a in attributions if a.get("person") in people]
    pool = by_person or list(attributions)
    return next((a for a in pool if a["direct"]), pool[0])
