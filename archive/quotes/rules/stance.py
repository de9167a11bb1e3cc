"""Stance adjectives after "be": "Clinton was critical of the deal" (STANCE_ADJECTIVES)."""
from __future__ import annotations

from archive.quotes.lexicon import STANCE_ADJECTIVES
from archive.quotes.paragraph import ParaState, emit
from archive.quotes.scan import quote_of
from archive.quotes.people import ArticleIndex
from archive.quotes.speakers import analyse_speaker, register
from archive.quotes.syntax import span_of, subject_of


def stance_attributions(st: ParaState, index: ArticleIndex) -> None:
    """ "X is/was <stance adjective> <of/about/that/to ...>": X holds the stance."""
    for adj in st.doc:
        if adj.dep_ != "acomp" or adj.lemma_.lower() not in STANCE_ADJECTIVES or adj.head.lemma_ != "be":
            continue
        be = adj.head
        if quote_of(adj.idx, st.quotes) is not None:
            continue
        subj = next((c for c in be.children if c.dep_ == "nsubj"), None) or subject_of(be)
        if subj is None or quote_of(subj.idx, st.quotes) is not None or subj.tag_ in ("WP", "WDT", "EX"):
            continue
        comp = next((c for c in adj.children if c.i > adj.i and c.dep_ in ("prep", "xcomp", "ccomp")), None)
        if comp is None:
            continue
        toks = [t for t in comp.subtree if t is not comp or comp.dep_ != "prep"]
        toks = [t for t in toks if not (t.dep_ == "mark" and t.lower_ == "that" and t.i == toks[0].i)]
        while toks and toks[-1].is_punct:
            toks.pop()
        if len(toks) < 2:
            continue
        spk = analyse_speaker(subj, index, st.para, be)
        register(spk, index, st.para)
        cue_span = (be.idx, adj.idx + len(adj.text))
        emit(st, spk, st.text[cue_span[0]:cue_span[1]], cue_span, span_of(toks), False)
