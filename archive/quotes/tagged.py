"""The tagger pass: the trained quote tagger's reading of a paragraph (archive.embed.tagger,
word pieces with Source / Cue / Content probabilities) combined with the rules.

Precedence, each step measured on PolNeAR (benchmarks/README.md, "Quote tagger"):

1. the tagger's reading is decoded into spans (`spans`: runs of pieces of one type, a B- label
   starting a new span, a word taking the type of its first piece);
2. an indirect attribution's content takes the tagger's Content boundaries when they overlap
   it (rules cut reported speech at clause edges the annotators do not); a direct one keeps
   its quotation marks;
3. every attribution the rules made gets a `confidence`: the mean of the tagger's probability
   that its content is Content and that its speaker phrase is a Source (a speaker named
   outside the paragraph counts as agreeing), times `resolution_factor` (a speaker the phrase
   names keeps it; a resolved one is lowered unless it is the salient speaker: named as a
   speaker in this or the previous paragraph, or, with `chain`, the speaker of a direct
   quote at least that sure in the previous paragraph with attributions, `chain_gap`
   paragraphs without any allowed between: "she said" after "she said" after a name);
4. off by default (`add`: more content recall, but two in five of its speakers wrong): a
   Content span no rule found, with a Source span in the same sentence, becomes an
   attribution (its speaker analysed like a rule's: names win, then pronouns and roles;
   the Source span `trimmed` of stray punctuation); with `continue`, one with no source
   right after an attribution of the previous paragraph continues it. `add_sources`
   ("named": only Source spans headed by a name), `add_link` (the Source span holding the
   subject of the Cue's verb) and `add_factor` (below 0.85 the added ones are stored but
   label nothing) were tried at stop 19 and are off (benchmarks/README.md, "Stop 19").

The pass needs no training data of its own: its settings (SETTINGS, with the choices the
development variants switch) were chosen on held-out PolNeAR train articles
(benchmarks/train_quote_tagger.py holds them out). Imports
archive.models and the lower layers of archive.quotes (never the rules).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence

import numpy as np

from archive.models import Attribution
from archive.quotes.paragraph import ParaState, emit
from archive.quotes.scan import quote_of
from archive.quotes.people import ArticleIndex
from archive.quotes.speakers import Speaker, analyse_speaker, register
from archive.quotes.syntax import clause_end, root_at, second_cue
from archive.text.names import misspelt_surname

KINDS = ("Source", "Cue", "Content")
MIN_CONTENT_WORDS = 3
# what the development variants switch (benchmarks/attr_devtools.py --variants): each step on
# or off, how content and source agreement make a confidence (mean, min, or content alone),
# the least Content probability of an added span, and the resolution factors
SETTINGS: dict = {"bounds": True, "add": False, "continue": False, "confidence": "mean",
                  "add_content": 0.5, "resolved_factor": 0.8, "far_factor": 0.5,
                  "add_sources": "any", "add_factor": 1.0, "add_link": False,
                  "chain": 0.85, "chain_gap": 1}
NAMED_ENTITIES = ("PERSON", "ORG", "GPE", "NORP")


class Reading(Protocol):
    """What archive.embed.tagger.TokenReading gives: piece offsets and label probabilities."""

    offsets: list[tuple[int, int]]
    probs: np.ndarray
    labels: tuple[str, ...]


@dataclass
class TagSpan:
    """A decoded span: its type, character extent and mean probability of that type."""

    kind: str
    start: int
    end: int
    score: float


def kind_probs(reading: Reading) -> np.ndarray:
    """(pieces, 3): the probability of Source, Cue, Content per piece (B and I summed)."""
    out = np.zeros((len(reading.offsets), len(KINDS)), dtype=np.float32)
    for j, label in enumerate(reading.labels):
        if "-" in label:
            out[:, KINDS.index(label.split("-", 1)[1])] += reading.probs[:, j]
    return out


def spans(reading: Reading, text: str) -> list[TagSpan]:
    """The reading decoded into spans (see the module's step 1)."""
    if not len(reading.offsets):
        return []
    best = reading.probs.argmax(-1)
    labels = reading.labels
    per_kind = kind_probs(reading)
    out: list[TagSpan] = []
    run: list[int] = []
    kind = ""

    def close() -> None:
        if kind and run:
            a, b = reading.offsets[run[0]][0], reading.offsets[run[-1]][1]
            out.append(TagSpan(kind, a, b, float(per_kind[run, KINDS.index(kind)].mean())))

    prev_end = -1
    for j, (a, b) in enumerate(reading.offsets):
        # a word piece glued to a letter or digit before it ("reck" + "less"), not punctuation
        inside_word = (a == prev_end and a > 0 and a < len(text) and text[a - 1].isalnum()
                       and text[a].isalnum() and run)
        prev_end = b
        label = labels[best[j]]
        k = label.split("-", 1)[1] if "-" in label else ""
        if inside_word and kind:
            run.append(j)  # a word keeps the type of its first piece
            continue
        if k != kind or label.startswith("B-"):
            close()
            run, kind = [], k
        if k:
            run.append(j)
    close()
    return out


def mean_prob(reading: Reading, per_kind: np.ndarray, kind: str, start: int, end: int
              ) -> float | None:
    """Mean probability of `kind` over the pieces inside [start, end), None if none."""
    idx = [j for j, (a, b) in enumerate(reading.offsets) if a >= start and b <= end]
    if not idx:
        return None
    return float(per_kind[idx, KINDS.index(kind)].mean())


def confidence(attr: Attribution, reading: Reading, per_kind: np.ndarray,
               near: set[str] = frozenset()) -> float:  # type: ignore[assignment]
    """How much the tagger agrees with an attribution (see the module's step 3), lowered
    for a speaker resolved rather than named (`resolution_factor`)."""
    content = mean_prob(reading, per_kind, "Content", attr.content_start, attr.content_end)
    source = (mean_prob(reading, per_kind, "Source", attr.speaker_start, attr.speaker_end)
              if attr.speaker_start >= 0 else None)
    content = 0.0 if content is None else content
    source = 1.0 if source is None else source
    how = SETTINGS["confidence"]
    value = min(content, source) if how == "min" else content if how == "content" else (
        content + source) / 2
    return round(value * resolution_factor(attr, near), 4)


def resolution_factor(attr: Attribution, near: set[str]) -> float:
    """1 for a speaker the phrase names, or a pronoun or role resolved to the person named
    as a speaker in this or the previous paragraph (or chained: module step 3) for a direct
    quote (the salient speaker: 95% right on held-out PolNeAR train); `resolved_factor` for
    the same with reported speech (78%); `far_factor` for any other resolution (under 50%)."""
    if not attr.speaker or names(attr):
        return 1.0
    if attr.speaker in near:
        return 1.0 if attr.direct else SETTINGS["resolved_factor"]
    return SETTINGS["far_factor"]


def names(attr: Attribution) -> bool:
    """The speaker phrase names the speaker: holds the last word of the resolved name, or a
    misspelling of it that the article's full name resolved ("McLenney" for Tyresha
    McClenney: ArticleIndex.expand)."""
    last = (attr.speaker or "").split()[-1:] or [""]
    return bool(last[0]) and (last[0].lower() in attr.speaker_text.lower() or any(
        misspelt_surname(w, last[0]) for w in attr.speaker_text.split() if w[:1].isupper()))


def tagged_pass(st: ParaState, index: ArticleIndex, reading: Reading,
                previous: Sequence[Attribution],
                last: Sequence[Attribution] | None = None) -> None:
    """Apply the tagger's reading to one paragraph's attributions (module steps 2 to 4);
    `previous`: the previous paragraph's (step 4), `last`: the last paragraph's with any,
    `chain_gap` back at most (step 3's salient speakers; `previous` when not given)."""
    text = st.text
    found = spans(reading, text)
    per_kind = kind_probs(reading)
    contents = [s for s in found if s.kind == "Content"]
    last = previous if last is None else last
    near = {a.speaker for a in list(last) + st.attrs if a.speaker and names(a)}
    if SETTINGS["chain"]:  # the speaker of a sure direct quote just before stays salient
        near |= {a.speaker for a in last
                 if a.speaker and a.direct and (a.confidence or 0.0) >= SETTINGS["chain"]}
    for attr in st.attrs:
        if SETTINGS["bounds"] and not attr.direct:
            _take_bounds(attr, contents, st)
        attr.confidence = confidence(attr, reading, per_kind, near)
    if SETTINGS["add"]:
        _add_missing(st, index, found, contents, reading, per_kind, previous, near)


def _take_bounds(attr: Attribution, contents: list[TagSpan], st: ParaState) -> None:
    """An indirect content takes the extent of the tagger's Content spans overlapping it, up
    to a speech verb coordinated after it ("said he would order a review and warned against
    hackers": the rules end the content before "and warned"; the tagger's span runs on)."""
    text = st.text
    over = [s for s in contents if s.start < attr.content_end and attr.content_start < s.end
            and s.start >= attr.cue_end]
    if not over:
        return
    a, b = min(s.start for s in over), max(s.end for s in over)
    after = st.doc.char_span(attr.content_end, b, alignment_mode="expand") if b > (
        attr.content_end) else None
    cue = next((t for t in after or () if second_cue(t)), None)
    if cue is not None:  # the tagger's span ran over "and warned ...": end where the rules do
        last = st.doc[clause_end(cue) - 1]
        b = max(attr.content_end, last.idx + len(last))
    attr.content_start, attr.content_end = a, b
    attr.content = text[a:b]


def _add_missing(st: ParaState, index: ArticleIndex, found: list[TagSpan],
                 contents: list[TagSpan], reading: Reading, per_kind: np.ndarray,
                 previous: Sequence[Attribution], near: set[str]) -> None:
    """Content spans the rules missed become attributions (module step 4)."""
    taken = [(a.content_start, a.content_end) for a in st.attrs]
    for span in contents:
        if (span.score < SETTINGS["add_content"]
                or len(st.text[span.start:span.end].split()) < MIN_CONTENT_WORDS):
            continue
        if any(a < span.end and span.start < b for a, b in taken):
            continue
        sent = _sentence(st, span.start)
        cue = _nearest(found, "Cue", span, sent)
        source = (_subject_source(st, found, cue, sent) if SETTINGS["add_link"]
                  else _nearest(found, "Source", span, sent))
        direct = _quoted(st, span)
        if source is not None:
            source = trimmed(st.text, source)
            if source is None or not _source_allowed(st, source):
                continue
            spk = _speaker(st, index, source, cue)
            if spk is None:
                continue
            cue_span = (cue.start, cue.end) if cue is not None else (-1, -1)
            cue_text = st.text[cue_span[0]:cue_span[1]] if cue is not None else ""
            attr = emit(st, spk, cue_text, cue_span, (span.start, span.end), direct)
            register(spk, index, st.para)
        elif SETTINGS["continue"] and previous and sent == _sentence(st, 0) and st.para > 0:
            last = previous[-1]
            spk = Speaker(last.speaker_text, -1, -1, last.speaker, last.role,
                          bool(last.speaker) and last.speaker_type == "person",
                          last.speaker_type if last.speaker_type != "person" else None)
            attr = emit(st, spk, "", (-1, -1), (span.start, span.end), direct)
        else:
            continue
        attr.confidence = round(confidence(attr, reading, per_kind, near)
                                * SETTINGS["add_factor"], 4)
        taken.append((span.start, span.end))


def trimmed(text: str, span: TagSpan) -> TagSpan | None:
    """A Source span without the punctuation and spaces a piece-level decoding can leave
    at its ends (". Xi" -> "Xi"), None when nothing of a word is left."""
    a, b = span.start, span.end
    while a < b and not text[a].isalnum():
        a += 1
    while b > a and not (text[b - 1].isalnum() or text[b - 1] in ".)"):
        b -= 1
    return TagSpan(span.kind, a, b, span.score) if a < b else None


def _source_allowed(st: ParaState, source: TagSpan) -> bool:
    """Whether an added attribution may take this Source span (`add_sources`): "any";
    "named", a head that is a proper noun or inside a named entity; "named+pron", those or
    "he"/"she" (resolved by salience like a rule's)."""
    how = SETTINGS["add_sources"]
    if how == "any":
        return True
    head = root_at(st.doc, source.start, source.end)
    if head is None:
        return False
    if head.pos_ == "PROPN" or head.ent_type_ in NAMED_ENTITIES:
        return True
    return how == "named+pron" and head.lower_ in ("he", "she")


def _subject_source(st: ParaState, found: list[TagSpan], cue: TagSpan | None,
                    sent: tuple[int, int]) -> TagSpan | None:
    """`add_link`: the Source span of the sentence that holds the subject of the Cue span's
    verb (or of the verb it hangs from: "wanted to know", "and added"), None without one."""
    if cue is None:
        return None
    verb = root_at(st.doc, cue.start, cue.end)
    if verb is None:
        return None
    heads = [verb] + ([verb.head] if verb.dep_ in ("xcomp", "conj", "advcl") else [])
    subjects = [c for h in heads for c in h.children if c.dep_ in ("nsubj", "nsubjpass")]
    for s in found:
        if s.kind == "Source" and sent[0] <= s.start < sent[1] and any(
                s.start <= t.idx < s.end for t in subjects):
            return s
    return None


def _sentence(st: ParaState, offset: int) -> tuple[int, int]:
    """(start, end) characters of the sentence holding `offset`."""
    tok = next((t for t in st.doc if t.idx + len(t) > offset), st.doc[-1])
    sent = st.sent_of(tok)
    return sent.start_char, sent.end_char


def _nearest(found: list[TagSpan], kind: str, span: TagSpan, sent: tuple[int, int]
             ) -> TagSpan | None:
    """The span of `kind` in the same sentence closest to `span`, outside it."""
    cands = [s for s in found if s.kind == kind and sent[0] <= s.start < sent[1]
             and (s.end <= span.start or s.start >= span.end)]
    return min(cands, key=lambda s: min(abs(s.start - span.end), abs(span.start - s.end)),
               default=None)


def _quoted(st: ParaState, span: TagSpan) -> bool:
    """The content stands inside one quotation of the paragraph (its own words)."""
    k = quote_of(span.start, st.quotes)
    if k is None:
        k = quote_of(max(span.start - 1, 0), st.quotes)
    if k is None:
        return False
    q = st.quotes[k]
    return q.start - 1 <= span.start and span.end <= max(q.end, q.close_at) + 1


def _speaker(st: ParaState, index: ArticleIndex, source: TagSpan, cue: TagSpan | None
             ) -> Speaker | None:
    """The speaker of a tagger Source span, analysed from the head of its tokens."""
    head = root_at(st.doc, source.start, source.end)
    if head is None:
        return None
    cue_tok = root_at(st.doc, cue.start, cue.end) if cue is not None else None
    spk = analyse_speaker(head, index, st.para, cue_tok)
    if spk.start < source.start or spk.end > source.end + 1:  # keep the tagger's extent
        spk.start, spk.end = source.start, source.end
        spk.text = st.text[source.start:source.end]
    return spk
