"""Cues of stored attributions, read without spaCy: their lemma ("said" -> "say") and
whether they report words (is_speech_cue) or beliefs, polls and documents.

Used on `Attribution.cue` strings after extraction (search ranking, the learned pass's
veto). Imports archive.quotes.lexicon only.
"""
from __future__ import annotations

from archive.quotes.lexicon import BELIEF_CUES, DEFAULT_CUES, IRREGULAR_VERBS, NOUN_CUES, SPEECH_NOUNS


def cue_lemma(cue: str) -> str:
    """Best-effort lemma of a cue as stored in `Attribution.cue` ("said" -> "say",
    "According to" -> "according to", ":" -> ":"), without loading spaCy."""
    words = cue.lower().strip().split()
    if not words:
        return ""
    if words[0] == "according":
        return "according to"
    w = words[-1].strip(".,:;!?\"“”'’")
    if not w:
        return cue.strip()
    if w in IRREGULAR_VERBS:
        return IRREGULAR_VERBS[w]
    known = DEFAULT_CUES | BELIEF_CUES | NOUN_CUES
    if w in known:
        return w
    for suffix, repl in (("ies", "y"), ("ied", "y"), ("ying", "y"), ("ing", ""), ("ing", "e"),
                         ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("d", "")):
        if w.endswith(suffix) and len(w) > len(suffix) + 1:
            stem = w[: -len(suffix)] + repl
            if stem in known:
                return stem
            if len(stem) > 2 and stem[-1] == stem[-2] and stem[:-1] in known:  # "vetted"
                return stem[:-1]
    return w


def is_speech_cue(cue: str) -> bool:
    """True when an attribution's cue reports words (said, tweeted, "according to", a
    transcript colon), False for beliefs, intentions, polls and documents ("thinks",
    "wants", "showed", "found") and for noun cues such as "poll".

    Use it to keep non-speech attributions out of a person's "own words"."""
    lemma = cue_lemma(cue)
    if lemma in (":", "according to"):
        return True
    if lemma in BELIEF_CUES - DEFAULT_CUES:
        return False
    return lemma in DEFAULT_CUES or lemma in SPEECH_NOUNS
