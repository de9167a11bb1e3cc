"""Fixtures of the attribution tests: the real spaCy model, loaded once, and extraction
helpers that check every offset of what they return."""
from __future__ import annotations

import pytest

from archive.models import Attribution
from archive.quotes import extract_article, load_nlp


@pytest.fixture(scope="session")
def nlp():
    """The spaCy model, loaded once for the whole session."""
    return load_nlp()


def assert_offsets(paragraphs: list[str], result: list[list[Attribution]]) -> None:
    """Every offset must point at the text it claims to."""
    assert len(result) == len(paragraphs)
    for text, attrs in zip(paragraphs, result):
        for a in attrs:
            assert a.content == text[a.content_start : a.content_end]
            if a.speaker_start >= 0:
                assert a.speaker_text == text[a.speaker_start : a.speaker_end]
            if a.cue_start >= 0:
                assert text[a.cue_start : a.cue_end] == a.cue


@pytest.fixture(scope="session")
def check_offsets():
    """assert_offsets(paragraphs, result)."""
    return assert_offsets


@pytest.fixture(scope="session")
def one(nlp):
    """The attributions of a one-paragraph article, offsets checked."""
    def run(text: str) -> list[Attribution]:
        result = extract_article([text], nlp=nlp)
        assert_offsets([text], result)
        return result[0]
    return run


@pytest.fixture(scope="session")
def article(nlp):
    """The attributions per paragraph of an article, offsets checked."""
    def run(paragraphs: list[str]) -> list[list[Attribution]]:
        result = extract_article(paragraphs, nlp=nlp)
        assert_offsets(paragraphs, result)
        return result
    return run
