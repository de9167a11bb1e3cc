"""Speech and belief verbs with a subject or passive agent ("Lavrov said ...", "“...,”
Sherman said", "called Trump a fascist", "was first reported by MSNBC"), including
nested attributions inside a quotation ("“... Kerry said that ...,” Pence said").
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from archive.quotes.content import object_content, verb_content
from archive.quotes.lexicon import CLAUSE_ONLY_CUES, DOCUMENT_NOUNS, PERSON_ORG_ENTITIES
from archive.quotes.paragraph import ParaState, emit
from archive.quotes.scan import quote_of
from archive.quotes.people import ArticleIndex
from archive.quotes.speakers import analyse_speaker, register
from archive.quotes.syntax import entity_at, is_cue, passive_agent, person_before, subject_of

if TYPE_CHECKING:  # pragma: no cover - typing only
    from spacy.tokens import Token


def _relative_pronoun(verb: "Token") -> "Token | None":
    """The "who"/"which" subject of a speech verb in a relative clause."""
    if verb.dep_ != "relcl":
        return None
    return next((c for c in verb.children if c.dep_ == "nsubj" and c.tag_ in ("WP", "WDT")), None)


def _name_after_quote(verb: "Token", st: "ParaState") -> "Token | None":
    """Parser fallback for '“...,” Flynn, a top Trump surrogate, said': the first named
    entity between the closing mark of the quotation before the verb and the verb."""
    before = [q for q in st.quotes if q.closed and verb.sent.start_char <= q.close_at < verb.idx]
    if not before:
        return None
    close = before[-1].close_at
    for tok in verb.sent:
        if close < tok.idx < verb.idx and tok.ent_type_ in ("PERSON", "ORG"):
            ent = entity_at(tok)
            return ent.root if ent is not None else tok
    return None


def verb_attributions(st: ParaState, index: ArticleIndex, cues: frozenset[str],
                      beliefs: frozenset[str]) -> None:
    """Attributions anchored on a speech or belief verb with a subject (or a passive agent).

    Cue verbs inside a quotation yield nested attributions ("“... Kerry said that 100,000
    would be accepted ...”") when their subject is a name inside the same quotation.
    """
    for verb in st.doc:
        speech = is_cue(verb, cues)
        if not speech and not is_cue(verb, beliefs):
            continue
        if any(c.dep_ == "xcomp" and (is_cue(c, cues) or is_cue(c, beliefs)) for c in verb.children):
            continue  # "declined to say", "took to Twitter to say": the inner verb speaks
        outer = quote_of(verb.idx, st.quotes)
        subj = passive_agent(verb) or subject_of(verb)
        misparsed = subj is not None and outer is None and quote_of(subj.idx, st.quotes) is not None
        if misparsed:  # the parse took a word of a quotation as the subject
            subj = _name_after_quote(verb, st)
        # The model's features describe the parse, so it may not veto what the rules found
        # despite it: a misparsed subject, "TASS quoted Ryabkov as saying ..." (Ryabkov's
        # words), a name right before its participle ("footage of Clinton asking, “...”").
        keep = misparsed or verb.dep_ == "pcomp" and verb.head.lower_ == "as" and \
            verb.head.head.lemma_ == "quote" or subj is not None and subj.head != verb \
            and verb.tag_ == "VBG" and subj == person_before(verb)
        if subj is None or quote_of(subj.idx, st.quotes) != outer:
            continue
        if outer is not None and not (subj.pos_ == "PROPN" or subj.ent_type_ in PERSON_ORG_ENTITIES):
            continue
        content, direct = verb_content(verb, st, speech and outer is None)
        if content and outer is not None:
            q = st.quotes[outer]
            content = [c for c in content if not direct and q.start <= c[0] and c[1] <= q.end]
        if not content and (verb.lemma_.lower() not in CLAUSE_ONLY_CUES
                            or subj.lemma_.lower() in DOCUMENT_NOUNS or subj.dep_ == "pobj"):
            obj = object_content(verb, st, outer)
            content, direct = ([obj], False) if obj else ([], False)
        if not content:
            continue
        spk = analyse_speaker(subj, index, st.para, verb)
        if outer is None:
            register(spk, index, st.para)
        rel = _relative_pronoun(verb)
        if rel is not None:  # "Sherman, who said ...": written speaker is "who"
            spk.text, spk.start, spk.end = rel.text, rel.idx, rel.idx + len(rel.text)
        cue_span = (verb.idx, verb.idx + len(verb.text))
        for span in content:
            attr = emit(st, spk, verb.text, cue_span, span, direct and speech)
            if keep:
                st.no_veto.add(id(attr))
        st.sents_used.add(verb.sent.start)
