"""Speaker-aware ranking for "what did X say (about Y)": X's own words first.

Order: passages with a direct quote by X, then passages reporting X's words indirectly,
each ordered by relevance to the whole question; with a topic Y, X's words quoted or
reported in one tier ordered by relevance to Y (a reported statement about Y before a
quote about something else: on PolNeAR dev's "NAME + speech noun + topic" questions, nDCG@10
0.711 -> 0.785, benchmarks/README.md); then passages that only mention X. A passage naming
X inside someone else's words is in the last tier, so it can never outrank X's own. Lives
above the backend interface, shared by every engine.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from archive.models import Filters
from archive.quotes import is_speech_cue
from archive.search.fusion import minmax
from archive.search.linker import Linker
from archive.search.retrieve import tiered
from archive.search.reading import Understood, speaker_reading
from archive.search.understand import link_phrase, understand
from archive.storage import Backend, Ranked
from archive.text.names import ORGANISATION_WORDS
from archive.text.terms import query_terms

MAX_OWN = 5000
# The least confidence at which an attribution the build left unlabelled (below
# ARCHIVE_LABEL_CONFIDENCE) still ranks its passage among a person's probable words, after
# their labelled ones and before mere mentions, never labelled as theirs. On PolNeAR dev the
# attributions between this and the label threshold name the annotated speaker about four
# times in five (shown precision 0.927 at 0.5 against 0.949 at 0.85 over 183 more labels);
# below it, one time in two: no better than a mention.
UNSURE_CONFIDENCE = 0.5
# A speaker boost from which the person's words always come first: strict tiers.
STRICT = 4.0
# Topic words (query terms) up to which a speaker question is ranked in strict tiers.
SHORT_TOPIC = 3
# (text, n, filters) -> candidates for the text in the searcher's mode
Retrieve = Callable[[str, int, Filters], Ranked]
# whether a cue reports speech, remembered: a person's thousands of quotes share a few cues
speech_cue = functools.lru_cache(maxsize=4096)(is_speech_cue)


def explicit_speaker(query: str, speaker: str, linker: Linker) -> Understood:
    """A question with the speaker given apart (`--speaker`): only that person's words; the
    whole question (minus any "what did X say" frame) is the topic."""
    people, how = link_phrase(speaker, linker)
    framed = understand(query, linker)
    topic = framed.topic if framed.speaker_text else (query or None)
    if not people:
        return Understood("speaker", topic, None, speaker, [], None)
    return speaker_reading(topic, people, speaker, how, linker)


def rank_by_speaker(retrieve: Retrieve, backend: Backend, query: str, topic: str | None,
                    people: Sequence[str], n: int, filters: Filters, rrf_k: int,
                    boost: float = STRICT, short_topic: int = SHORT_TOPIC) -> Ranked:
    """Direct quotes by `people`, then their reported words, then other hits for `query`.

    In strict tiers when the question asks about the person with at most `short_topic`
    topic words ("what did X say", "X's remarks on trade policy"): it is about their words. A
    longer question (a headline, a sentence: "Paul Ryan says he's not ready to support
    the nominee") is mostly about its topic: speaker evidence is blended with relevance
    (`boosted`), so the passage that matches it far better is not buried under the
    person's other words. `boost` STRICT or more: always tiers."""
    quotes = backend.quotes_of(people)
    own = list(dict.fromkeys(d for d, _, _ in quotes))[:MAX_OWN]
    unsure = unsure_passages(backend, written_names(people, backend.aliases()), set(own))
    if filters.active():
        allowed = set(backend.filtered_ids(filters))
        own = [d for d in own if d in allowed]
        unsure = [d for d in unsure if d in allowed]
    relevance = retrieve(topic or query, max(len(own), 1),
                         replace(filters, speakers=tuple(people)))
    own_set = set(own)
    ranked_own = [(d, s) for d, s in relevance if d in own_set]
    ranked = {d for d, _ in ranked_own}
    ranked_own += [(d, 0.0) for d in own if d not in ranked]
    said = {d for d, is_direct, _ in quotes if is_direct}
    direct = [(d, s) for d, s in ranked_own if d in said]
    # Reported speech only: a belief or a poll finding ("X believes", "a poll showed X
    # ahead") is not X's words, so it stays with the mentions.
    reported = {d for d, _, cue in quotes if speech_cue(cue or "")}
    indirect = [(d, s) for d, s in ranked_own if d in reported]
    mentions = retrieve(query, n, filters)
    probable = by_relevance(unsure, mentions)
    if boost >= STRICT or len(query_terms(topic or "")) <= short_topic:
        if topic:  # what they said about it, quoted or reported, the most relevant first
            words = said | reported
            return tiered([[(d, s) for d, s in ranked_own if d in words], probable, mentions],
                          rrf_k)
        return tiered([direct, indirect, probable, mentions], rrf_k)
    return boosted(direct, indirect, mentions, boost, rrf_k)


def written_names(people: Sequence[str], aliases: dict[str, str]) -> list[str]:
    """Every name the archive's speakers write for `people` (their aliases and own names)."""
    wanted = set(people)
    return sorted(wanted | {a for a, name in aliases.items() if name in wanted})


def unsure_passages(backend: Backend, names: Sequence[str], labelled: set[int]) -> list[int]:
    """Passages whose words the build gave to one of `names` but not surely enough to label
    them (`Backend.unsure_quotes`, at least UNSURE_CONFIDENCE), leaving out `labelled`
    ones: a person's probable words ("'No one is writing songs for her,' he said", the "he"
    resolved to them with confidence 0.5)."""
    found = backend.unsure_quotes(names, UNSURE_CONFIDENCE) if names else []
    return [d for d in dict.fromkeys(d for d, _, _ in found) if d not in labelled][:MAX_OWN]


def probable(attribution: dict, names: Sequence[str]) -> bool:
    """Is this stored attribution one of the probable words `unsure_passages` ranks: given
    to one of `names` (as written) without a person, at least UNSURE_CONFIDENCE sure (what
    `Backend.unsure_quotes` selects)?"""
    return (not attribution.get("person") and attribution.get("speaker") in names
            and (attribution.get("confidence") or 0.0) >= UNSURE_CONFIDENCE)


def by_relevance(ids: Sequence[int], ranked: Ranked) -> Ranked:
    """`ids` in `ranked`'s order where it holds them, then the rest in their own order."""
    wanted = set(ids)
    first = [(d, s) for d, s in ranked if d in wanted]
    seen = {d for d, _ in first}
    return first + [(d, 0.0) for d in ids if d not in seen]


def boosted(direct: Ranked, indirect: Ranked, mentions: Ranked, boost: float,
            rrf_k: int) -> Ranked:
    """Relevance plus speaker evidence: each passage's relevance to the whole question
    (its fused score in `mentions`, min-max scaled to [0, 1]) plus `boost` for the person's
    direct words, `boost / 2` for their reported words. A passage of theirs that the
    question did not retrieve counts as less relevant than every retrieved one, in the
    order of its tier. Scored by the final order as 1 / (rrf_k + rank), like `tiered`."""
    relevance = minmax(mentions)
    own = list(dict.fromkeys([d for d, _ in direct] + [d for d, _ in indirect]))
    is_direct = {d for d, _ in direct}
    scores: dict[int, float] = {}
    for i, doc in enumerate(own):
        base = relevance.get(doc, -(i + 1) / (len(own) + 1))
        scores[doc] = base + (boost if doc in is_direct else boost / 2)
    for doc, _ in mentions:
        scores.setdefault(doc, relevance[doc])
    order = sorted(scores, key=lambda d: -scores[d])  # stable: ties keep tier order
    return [(doc, 1.0 / (rrf_k + rank)) for rank, doc in enumerate(order, start=1)]


def labelled(attributions: Sequence[dict], min_confidence: float) -> list[dict]:
    """The attributions sure enough to label a passage as someone's words: a confidence of at
    least `min_confidence`, or none (made by the rules alone). A named speaker the build left
    without a person (its confidence was below the build's threshold; an engine that keeps
    no confidence, Milvus, still has that) does not label either, nor does reported content
    whose cue is no speech ("Obama unveiled the first draft ...", "Fowler backed Hillary":
    their citation would read "said that"; stored, and searched like any passage)."""
    return [a for a in attributions
            if (a.get("confidence") is None or a["confidence"] >= min_confidence)
            and not (a.get("speaker") and "person" in a and a["person"] is None)
            and (a["direct"] or speech_cue(a.get("cue") or ""))]


def pick_attribution(attributions: Sequence[dict], people: Sequence[str]) -> dict | None:
    """The attribution a hit shows: one by the asked-about person if any, direct first."""
    if not attributions:
        return None
    by_person = [a for a in attributions if a.get("person") in people]
    pool = by_person or list(attributions)
    return next((a for a in pool if a["direct"]), pool[0])


def name_pattern(name: str) -> re.Pattern[str]:
    """A name as a whole word or words, case-insensitive."""
    return re.compile(rf"(?<!\w){re.escape(' '.join(name.split()))}(?!\w)", re.IGNORECASE)


def _not_people(backend: Backend, ids: Sequence[int], surname: re.Pattern) -> dict[int, bool]:
    """Per passage: is the surname there as no person's name: the mentions the build
    stored name no person of it (the city of Flint, the Flint Center)? Nothing is known
    without stored mentions."""
    if not backend.stores_mentions:
        return {}
    found = backend.mentions_in(ids)
    return {d: not any(m.get("type") == "person" and surname.search(m.get("name") or "")
                       for m in found.get(d, [])) for d in ids}


def rank_mentions(retrieve: Retrieve, backend: Backend, query: str, name: str, n: int,
                  filters: Filters, rrf_k: int, topic: str | None = None,
                  boost: float = STRICT, short_topic: int = SHORT_TOPIC) -> Ranked:
    """For a name nobody in the archive is quoted under: only passages that mention it, or
    whose words the build gave to it without labelling them (`unsure_passages`); those where
    an extracted speaker bears the name first, then those holding no one's
    labelled words, then the rest (another person's quote is never the first answer to
    "what did NAME say" while a passage without one names them); in each, those naming it
    in full before those with its surname alone; then by relevance to the whole question,
    then those found by the name alone. Empty when no passage names it.

    A surname alone counts only where nobody of that surname is quoted in the passage
    (for "Roy Cooper", a quote by Yvette Cooper is not a mention of him).

    A long question (more than `short_topic` topic words: a sentence, a headline) is
    searched for its topic instead: naming the name adds `boost` to a passage's relevance
    (half for the surname alone), as for a known speaker (`boosted`); still empty when no
    passage names it (the topic's passages would answer for someone else)."""
    pool = retrieve(query, n, filters)
    by_name = retrieve(name, n, filters)
    # words given to the name, not surely enough to know them as a person's ("he said")
    unsure = set(unsure_passages(backend, [name], set()))
    if filters.active() and unsure:
        unsure &= set(backend.filtered_ids(filters))
    ids = list(dict.fromkeys([d for d, _ in pool] + [d for d, _ in by_name] + sorted(unsure)))
    rows = backend.fetch(ids)
    words = [w for w in re.findall(r"\w[\w'’\-]*", name) if len(w) >= 3]
    # a person's surname alone also names them; an organisation's last word ("Inc") does not
    person_like = len(name.split()) > 1 and words and words[-1].lower() not in ORGANISATION_WORDS
    full, surname = name_pattern(name), name_pattern(words[-1]) if person_like else None
    attributions = backend.attributions_for(ids)
    # a surname that is no person's name in the passage ("Flint" the city, for "what did
    # Caroline Flint say") is no mention of the person
    others = _not_people(backend, ids, surname) if surname is not None else {}
    order: dict[int, tuple[int, int, int]] = {}
    for rank, d in enumerate(ids):
        if d not in rows:
            continue
        text = rows[d]["text"]
        speakers = [a.get("person") or a.get("speaker") or "" for a in attributions.get(d, [])]
        # the name itself speaking (extracted, never linked to a person) first; then no
        # one's labelled words; another person's quote last
        tier = 0 if any(full.search(sp) for sp in speakers) else 1 + int(any(speakers))
        if full.search(text) or d in unsure:
            order[d] = (tier, 0, rank)
        elif surname is not None and surname.search(text) and not any(
                surname.search(sp) for sp in speakers) and not others.get(d):
            order[d] = (tier, 1, rank)
    if not order and person_like:  # no passage names them: nothing to show for "what did
        return []  # NAME say" (an unknown organisation's topic is still searched)
    if boost < STRICT and len(query_terms(topic or "")) > short_topic:
        full_ids = [(d, 0.0) for d in order if order[d][1] == 0]
        surname_ids = [(d, 0.0) for d in order if order[d][1] == 1]
        return boosted(full_ids, surname_ids, pool, boost, rrf_k)
    return tiered([[(d, 0.0) for d in sorted(order, key=order.get)]], rrf_k)
