"""Quotations signed after the closing mark: "“...” ― Sonya Herridge" (vox pops, reader
roundups, epigraphs)."""
from __future__ import annotations

import re

from archive.models import Attribution
from archive.quotes.lexicon import LABEL_STOP, NAME_PARTICLES
from archive.quotes.paragraph import ParaState, emit
from archive.quotes.scan import MIN_QUOTE_WORDS
from archive.quotes.people import ArticleIndex
from archive.quotes.speakers import Speaker, clean_name, looks_like_name, register


# A signature after a quotation: "“...” ― Sonya Herridge", "“...” — Julie A. Diaz Martinez."
# (vox pops, reader roundups, epigraphs). Name words are capitalised or short particles.
_SIGNATURE_RE = re.compile(
    r"\s*(?:[―—–]|--)\s*((?:[^\W\d_][\w'’\-]*\.?)(?:[ \u00a0]+(?:[^\W\d_][\w'’\-]*\.?)){0,5})")


def signed_quotations(st: ParaState, index: ArticleIndex) -> list[Attribution]:
    """Quotations signed by a dash and a name right after the closing mark.

    Hand-written: no parser attaches a trailing "― Name" to the quotation before it, and
    the signature is the only cue. The quotations are claimed so no rule or neighbour
    takes them; the attributions are returned for the caller to add.
    """
    text = st.text
    found: list[Attribution] = []
    saved, st.attrs = st.attrs, []
    for k, q in enumerate(st.quotes):
        if k in st.claimed or not q.closed or q.words(text) < MIN_QUOTE_WORDS:
            continue
        m = _SIGNATURE_RE.match(text, q.close_at + 1 + (text[q.close_at : q.close_at + 2] == "''"))
        if not m:
            continue
        words = []
        for w in m.group(1).split():
            if not (w[0].isupper() or (words and w.lower() in NAME_PARTICLES)):
                break
            words.append(w)
        while words and words[-1].lower() in NAME_PARTICLES:
            words.pop()
        label = " ".join(words).rstrip(".") if words and len(words[-1]) > 2 else " ".join(words)
        if not label or label.split()[0].lower().strip(".:") in LABEL_STOP:
            continue
        name, title = clean_name(label)
        if not name:
            continue
        known = index.expand(name) in index.people or name.split()[-1].lower() in index.by_surname
        person = known or looks_like_name(name) or any(
            e.label_ == "PERSON" and m.start(1) <= e.start_char < m.start(1) + len(label)
            for e in st.doc.ents)
        start = m.start(1)
        spk = Speaker(label, start, start + len(label), index.expand(name) if person else name,
                      title, person)
        register(spk, index, st.para)
        dash = m.group(0).strip()[0]
        at = text.index(dash, q.close_at + 1)
        emit(st, spk, dash, (at, at + 1), (q.start, q.end), True)
        st.claimed.add(k)
    found, st.attrs = st.attrs, saved
    st.no_veto.update(id(a) for a in found)
    return found
