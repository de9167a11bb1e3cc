"""'According to X, ...' and '..., according to X.'"""
from __future__ import annotations

from typing import TYPE_CHECKING

from archive.quotes.content import attached_quotes
from archive.quotes.paragraph import ParaState, emit
from archive.quotes.scan import quote_of
from archive.quotes.people import ArticleIndex
from archive.quotes.speakers import Speaker, analyse_speaker, register
from archive.quotes.syntax import span_of

if TYPE_CHECKING:  # pragma: no cover - typing only
    from spacy.tokens import Doc, Token


def according_to_attributions(st: ParaState, index: ArticleIndex) -> None:
    """'According to X, ...' and '..., according to X.' attributions."""
    for tok in st.doc:
        if tok.lower_ != "according":
            continue
        to = next((c for c in tok.children if c.lower_ == "to"), None)
        src = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
        if src is None or quote_of(tok.idx, st.quotes) is not None:
            continue
        phrase = {t.i for t in tok.subtree}
        rest = [t for t in tok.sent if t.i not in phrase]
        attached = attached_quotes(tok, st)
        spk = analyse_speaker(src, index, st.para)
        full = [t for t in src.subtree if not t.is_punct or t.i < src.right_edge.i]
        spk.start, spk.end = min(spk.start, full[0].idx), max(spk.end, span_of(full)[1])
        spk.text = st.text[spk.start : spk.end]  # "a poll released Thursday"
        _trim_at_comma(spk, st.doc, to)
        register(spk, index, st.para)
        cue_span = (tok.idx, to.idx + len(to.text))
        cue = st.text[cue_span[0] : cue_span[1]]
        if attached:
            st.claimed.update(attached)
            for k in attached:
                emit(st, spk, cue, cue_span, (st.quotes[k].start, st.quotes[k].end), True)
            continue
        if len(rest) < 3 and tok.i == tok.sent.start:  # the parse hung the clause under X
            rest = [t for t in tok.sent if t.idx >= spk.end]
        while rest and rest[0].is_punct:
            rest.pop(0)
        while rest and rest[-1].is_punct:
            rest.pop()
        if len(rest) >= 3:
            emit(st, spk, cue, cue_span, span_of(rest), False)


def _trim_at_comma(spk: Speaker, doc: "Doc", to: "Token") -> None:
    """Cut an "according to" source at the first comma after "to": misparses often hang
    the main clause under the source ("According to polls, majorities say ...")."""
    comma = next((t for t in doc[to.i + 1 :] if t.text == ","), None)
    if comma is not None and spk.start < comma.idx < spk.end:
        spk.end = comma.idx
        spk.text = doc.text[spk.start : spk.end].rstrip()
        spk.end = spk.start + len(spk.text)
