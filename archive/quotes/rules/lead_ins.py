"""Lead-ins whose words are the next paragraph: "Cruz continued:" before a quotation, or a
speech verb ("Limbaugh added:") before a block quotation that lost its marks."""
from __future__ import annotations

from archive.models import Attribution
from archive.quotes.lexicon import CANDIDATE_POS, CANDIDATE_SKIP_WORDS
from archive.quotes.paragraph import ParaState, emit
from archive.quotes.scan import MIN_QUOTE_WORDS, quote_of
from archive.quotes.people import ArticleIndex
from archive.quotes.speakers import analyse_speaker, register, speaker_type
from archive.quotes.syntax import is_cue, passive_agent, subject_of


def lead_in(st: ParaState, index: ArticleIndex, quoted: bool, cues: frozenset[str]) -> None:
    """A paragraph ending "Cruz continued:" or "The New York Times reports:" whose words
    are the next paragraph: a quotation opening it (`quoted`), or, after a speech verb
    ("Limbaugh added:"), the whole paragraph, a block quotation that lost its marks.

    The attribution records source and cue here with empty content at the colon; the
    next paragraph's words are joined to it there (orphan_quotes, block_quote).
    passage_attributions, which the archive stores, leaves it out."""
    text = st.text
    end = len(text.rstrip())
    if not text[:end].endswith(":") or any(a.content_end >= end - 1 for a in st.attrs):
        return
    sent = st.doc[-1].sent
    verb = sent.root
    if verb.pos_ not in ("VERB", "AUX") or quote_of(verb.idx, st.quotes) is not None:
        return
    if not quoted and not is_cue(verb, cues):
        return
    if any(c.dep_ in ("dobj", "ccomp", "xcomp") and c.i > verb.i for c in verb.children):
        return  # "... released the following statement:" is not a lead-in of this kind
    subj = passive_agent(verb) or subject_of(verb)
    if subj is None or subj.pos_ not in CANDIDATE_POS or subj.lower_ in CANDIDATE_SKIP_WORDS:
        return
    spk = analyse_speaker(subj, index, st.para, verb)
    register(spk, index, st.para)
    emit(st, spk, verb.text, (verb.idx, verb.idx + len(verb.text)), (end, end), True)


def block_quote(st: ParaState, previous: list[Attribution]) -> None:
    """The whole paragraph as the words of the previous paragraph's lead-in ("Limbaugh
    added:"), when it has no quotation or attribution of its own."""
    text = st.text
    lead = [a for a in previous if a.content_start == a.content_end and a.direct]
    if st.attrs or st.quotes or not lead or len(text.split()) < MIN_QUOTE_WORDS:
        return
    src = lead[-1]
    attr = Attribution(speaker=src.speaker, speaker_text=src.speaker_text, cue=src.cue,
                       content=text.strip(), content_start=len(text) - len(text.lstrip()),
                       content_end=len(text.rstrip()), direct=True, role=src.role)
    attr.speaker_type = speaker_type(src)  # type: ignore[attr-defined]
    st.attrs.append(attr)
