"""Noun cues owned by a source: "Trump's claim that ...", "a statement from the campaign:
“...”" (OWNED_NOUNS)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from archive.quotes.lexicon import CIRCUMSTANCE_ENTS, NOUN_PREPS, OWNED_NOUNS, PERSON_ORG_ENTITIES
from archive.quotes.paragraph import ParaState, emit
from archive.quotes.scan import quote_of
from archive.quotes.people import ArticleIndex
from archive.quotes.speakers import analyse_speaker
from archive.quotes.syntax import content_tokens, span_of, token_lemma

if TYPE_CHECKING:  # pragma: no cover - typing only
    from spacy.tokens import Token


def noun_attributions(st: ParaState, index: ArticleIndex) -> None:
    """Attributions headed by an owned noun cue ("Trump's claim that the election is
    rigged", "a statement from the campaign: “...”")."""
    for noun in st.doc:
        if noun.pos_ != "NOUN" or token_lemma(noun) not in OWNED_NOUNS:
            continue
        if quote_of(noun.idx, st.quotes) is not None:
            continue
        owner = next((c for c in noun.children if c.dep_ == "poss"), None)
        if owner is None:
            owner = next((g for c in noun.children if c.dep_ == "prep" and c.lower_ in ("from", "by")
                          for g in c.children if g.dep_ == "pobj"), None)
        if owner is None or owner.lower_ in ("its", "their", "my", "your", "our") or (
                owner.pos_ not in ("PROPN", "PRON") and owner.ent_type_ not in PERSON_ORG_ENTITIES):
            continue
        content = _noun_content(noun, owner, st)
        if content is None:
            continue
        spk = analyse_speaker(owner, index, st.para)
        if spk.text.endswith(("'s", "’s")):
            spk.text = spk.text[:-2]
            spk.end -= 2
        cue_span = (noun.idx, noun.idx + len(noun.text))
        emit(st, spk, noun.text, cue_span, content, False)


def _noun_content(noun: "Token", owner: "Token", st: ParaState) -> tuple[int, int] | None:
    """That-clause, attached quotation or prepositional complement of a noun cue."""
    for c in noun.children:
        if c.i < noun.i or c.i in {t.i for t in owner.subtree}:
            continue
        if c.dep_ in ("acl", "ccomp", "relcl") and any(g.lower_ == "that" and g.dep_ == "mark" for g in c.children):
            toks = content_tokens(c)
            return span_of(toks) if len(toks) >= 3 else None
        if c.dep_ == "prep" and c.lower_ in NOUN_PREPS:
            toks = [t for t in c.subtree if t is not c]
            while toks and toks[-1].is_punct:
                toks.pop()
            if toks and toks[0].ent_type_ not in CIRCUMSTANCE_ENTS and len(toks) >= 1:
                return span_of(toks)
    nxt = noun.i + 1
    if nxt < len(noun.doc) and noun.doc[nxt].text == ":":
        for k, q in enumerate(st.quotes):
            if k not in st.claimed and q.open_at > noun.idx and not st.text[noun.idx + len(noun): q.open_at].strip(" :"):
                st.claimed.add(k)
                return (q.start, q.end)
    return None
