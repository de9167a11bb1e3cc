"""Tests for archive.quotes.cues: reading stored cues without spaCy."""
from __future__ import annotations

from archive.quotes import is_speech_cue


def test_is_speech_cue_separates_words_from_beliefs():
    for cue in ("said", "says", "told", "tweeted", "According to", ":", "called", "warned"):
        assert is_speech_cue(cue), cue
    for cue in ("believes", "thinks", "wants", "hopes", "showed", "found", "fears"):
        assert not is_speech_cue(cue), cue
