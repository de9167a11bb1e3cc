"""The quote tagger's pass (archive.quotes.tagged): decoding a reading into spans, and the
shipped tagger (archive.embed.QuoteTagger, the real int8 model) combined with the rules on
sentences written for these tests."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from archive.embed import QuoteTagger
from archive.quotes import passage_attributions, spans

LABELS = ("O", "B-Source", "I-Source", "B-Cue", "I-Cue", "B-Content", "I-Content")


@dataclass
class Reading:
    offsets: list[tuple[int, int]]
    probs: np.ndarray
    labels: tuple[str, ...] = LABELS


def reading(text: str, pieces: list[tuple[str, str]]) -> Reading:
    """A reading of `text` whose pieces (substring, label) are found left to right."""
    offsets, rows, at = [], [], 0
    for piece, label in pieces:
        start = text.index(piece, at)
        offsets.append((start, start + len(piece)))
        at = start + len(piece)
        row = np.full(len(LABELS), 0.02, dtype=np.float32)
        row[LABELS.index(label)] = 0.88
        rows.append(row)
    return Reading(offsets, np.array(rows))


def test_runs_of_one_type_become_spans():
    text = "Ms Okafor said the plan was dead."
    r = reading(text, [("Ms", "B-Source"), ("Okafor", "I-Source"), ("said", "B-Cue"),
                       ("the", "B-Content"), ("plan", "I-Content"), ("was", "I-Content"),
                       ("dead", "I-Content"), (".", "O")])
    got = [(s.kind, text[s.start:s.end]) for s in spans(r, text)]
    assert got == [("Source", "Ms Okafor"), ("Cue", "said"), ("Content", "the plan was dead")]
    assert all(0.8 < s.score <= 1.0 for s in spans(r, text))


def test_a_b_label_starts_a_new_span_and_a_word_keeps_its_first_piece():
    text = "Bad deals, reckless choices"
    r = reading(text, [("Bad", "B-Content"), ("deals", "I-Content"), (",", "O"),
                       ("reck", "B-Content"), ("less", "O"), ("choices", "B-Content")])
    got = [text[s.start:s.end] for s in spans(r, text)]
    assert got == ["Bad deals", "reckless", "choices"]


@pytest.fixture(scope="module")
def tagger():
    return QuoteTagger()


def test_the_shipped_tagger_reads_every_piece(tagger):
    text = "“We cannot wait another winter,” said the mayor, Ruth Adebayo, on Tuesday."
    (r,) = tagger([text])
    assert r.probs.shape == (len(r.offsets), len(r.labels))
    assert np.allclose(r.probs.sum(axis=1), 1.0, atol=1e-3)
    kinds = {s.kind: text[s.start:s.end] for s in spans(r, text)}
    assert "Adebayo" in kinds.get("Source", "")
    assert "winter" in kinds.get("Content", "")


def test_a_long_paragraph_is_read_in_windows(tagger):
    text = " ".join(["The committee met again and heard evidence from the regulator."] * 60)
    (r,) = tagger([text])
    assert len(r.offsets) > 300 and r.probs.shape[0] == len(r.offsets)
    assert np.allclose(r.probs.sum(axis=1), 1.0, atol=1e-3)


def test_every_attribution_carries_a_confidence(tagger):
    paras = ["The harbour master, Ruth Adebayo, said the new pier would open in spring.",
             "“We have waited eleven years for this and we will not wait longer,” she said.",
             "Critics argued that the cost had doubled since the first estimate."]
    found = passage_attributions(paras, tagger=tagger)
    attrs = [a for p in found for a in p]
    assert attrs and all(0.0 <= a.confidence <= 1.0 for a in attrs)
    direct = [a for a in found[1] if a.direct]
    assert direct and direct[0].speaker == "Ruth Adebayo"
    assert direct[0].confidence >= 0.5


def test_without_a_tagger_there_is_no_confidence():
    found = passage_attributions(["The harbour master, Ruth Adebayo, said the pier would "
                                  "open in spring."])
    assert found[0] and all(a.confidence is None for a in found[0])


def test_a_source_span_loses_the_punctuation_its_pieces_left():
    """A Source span decoded from pieces can start at the full stop before a name (". Xi"):
    an added attribution's speaker phrase is the words, keeping a closing "." or ")"."""
    from archive.quotes.tagged import TagSpan, trimmed

    text = "It rained. Xi Jinping (China) said so."
    start = text.index(". Xi")
    got = trimmed(text, TagSpan("Source", start, text.index(" said"), 0.9))
    assert text[got.start:got.end] == "Xi Jinping (China)"
    assert trimmed(text, TagSpan("Source", start, start + 2, 0.9)) is None


def test_the_tagger_does_not_stretch_a_content_over_the_next_speech_verb(tagger):
    """The tagger's Content span may run over "and urged ..."; the reported clause still ends
    where the speaker's next cue begins, and that cue keeps its own content."""
    text = ("Ruth Adebayo said the council will publish the accounts in May and urged "
            "residents to read them.")
    (found,) = passage_attributions([text], tagger=tagger)
    by_cue = {a.cue: a for a in found}
    assert by_cue["said"].content == "the council will publish the accounts in May"
    assert by_cue["urged"].content == "residents to read them"
    assert by_cue["urged"].speaker == "Ruth Adebayo"


def test_a_sure_quote_keeps_its_speaker_salient_for_the_next(tagger, monkeypatch):
    """ "she said" resolved in a chain of quotes: each sure direct quote keeps its speaker
    the salient one for the next paragraph (and across one paragraph without attribution),
    so the later quotes are not marked down as guesses."""
    paras = ["The harbour master, Ruth Adebayo, said the new pier would open in spring.",
             "“We have waited eleven years for this and we will not wait longer,” she said.",
             "“The contractors were paid twice for the same work,” she said.",
             "The contract was signed in the autumn of 2019.",
             "“Somebody has to answer for it,” she added."]
    from archive.quotes import tagged

    def last_quotes() -> list:
        found = passage_attributions(paras, tagger=tagger)
        return [next(a for a in found[i] if a.direct) for i in (2, 4)]
    chained = last_quotes()
    assert [a.speaker for a in chained] == ["Ruth Adebayo"] * 2
    assert all(a.confidence >= 0.85 for a in chained)
    monkeypatch.setitem(tagged.SETTINGS, "chain", 0.0)
    assert all(a.confidence < 0.85 for a in last_quotes())  # a guess without the chain
