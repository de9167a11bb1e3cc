"""What a cue says: the content spans of a cue verb, shared by the verb rules and the
learned pass.

verb_content finds a reported clause, the quotations attached to the cue's sentence, an
"as X reported" or inserted-cue sentence, or a misparsed that-clause; object_content an
object, infinitive or prepositional complement. Both claim the quotations they use in
the paragraph state. Imports archive.quotes.{lexicon,scan,syntax,paragraph}.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from archive.quotes.lexicon import CIRCUMSTANCE_ENTS, CONTENT_PREPS, DEFAULT_CUES, MEDIA_WORDS, VERB_PREPS
from archive.quotes.paragraph import ParaState
from archive.quotes.scan import MIN_QUOTE_WORDS, quote_of
from archive.quotes.syntax import content_tokens, is_cue, span_of

if TYPE_CHECKING:  # pragma: no cover - typing only
    from spacy.tokens import Token


def attached_quotes(verb: "Token", st: ParaState) -> list[int]:
    """Unclaimed quotations belonging to the sentence of `verb` (or introduced by its colon)."""
    sent = verb.sent
    text = st.text
    out: list[int] = []
    for k, q in enumerate(st.quotes):
        if k in st.claimed or q.words(text) < MIN_QUOTE_WORDS:
            continue
        inside = q.start < sent.end_char and q.close_at >= sent.start_char  # not just its mark
        gap_after = text[sent.end_char : q.open_at]
        colon = text[sent.start_char : sent.end_char].rstrip().endswith(":") and not gap_after.strip()
        gap_before = text[q.close_at + 1 : sent.start_char] if q.closed else "x"
        trailing = not gap_before.strip(" ,.'") and verb.i - sent.start <= 6  # ' of a '' closer
        if inside and q.open_at > verb.idx and any(  # "concludes with footage of Trump saying
                w.i > verb.i and w.idx < q.open_at and w.tag_ == "VBG" and  # last week, “...”"
                is_cue(w, DEFAULT_CUES) and quote_of(w.idx, st.quotes) is None for w in sent):
            continue  # a nearer speech participle introduces it
        if inside or (colon and q.open_at >= sent.end_char) or (trailing and q.close_at < sent.start_char):
            out.append(k)
    return out


def object_content(verb: "Token", st: ParaState, outer: int | None) -> tuple[int, int] | None:
    """Content of a cue without a reported clause: its object, infinitive or prepositional
    complement ("called Trump a fascist", "vowed to fight", "called for a ban", "accused
    him of lying", passive "the move was reported by X")."""
    lemma = verb.lemma_.lower()
    preps = CONTENT_PREPS | VERB_PREPS.get(lemma, set())
    parts: list["Token"] = []
    passive = any(c.dep_ == "agent" for c in verb.children)
    for c in verb.children:
        if c.dep_ == "nsubjpass" and passive:
            parts.extend(_trimmed_subtree(c))
        if c.i < verb.i:
            continue
        if c.dep_ in ("dobj", "xcomp", "oprd", "ccomp"):
            parts.extend(c.subtree)
        elif c.dep_ == "advcl" and any(g.dep_ == "mark" and g.lower_ == "for" for g in c.children):
            parts.extend(c.subtree)  # "calling for the US to step up ..."
        elif c.dep_ == "prep" and parts and c.i == max(t.i for t in parts) + 1 and c.lower_ not in (
                "on", "at", "in", "during", "after", "before", "since", "by", "from"):
            parts.extend(c.subtree)  # "showed Clinton with a narrow lead"
        elif c.dep_ == "prep" and c.lower_ in preps:
            pobj = next((g for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
            if pobj is None or pobj.ent_type_ in CIRCUMSTANCE_ENTS or pobj.lemma_.lower() in MEDIA_WORDS:
                continue
            if parts or c.i == verb.i + 1 or lemma in VERB_PREPS or c.lower_ != "on":
                parts.extend(t for t in c.subtree if t is not c)
    if not parts:
        return None
    toks = sorted(set(parts), key=lambda t: t.i)
    lo, hi = toks[0].i, toks[-1].i
    toks = list(verb.doc[lo : hi + 1]) if not passive else toks
    while toks and (toks[0].is_punct or toks[0].dep_ in ("prep", "mark", "cc")):
        toks.pop(0)
    while toks and (toks[-1].is_punct and toks[-1].text not in "”\"’" or toks[-1].dep_ == "cc"):
        toks.pop()
    if not toks:
        return None
    if outer is None and any(quote_of(t.idx, st.quotes) is not None for t in (toks[0], toks[-1])):
        inner = [k for k, q in enumerate(st.quotes) if toks[0].idx <= q.start < toks[-1].idx + 1]
        st.claimed.update(inner)
    if outer is not None:
        q = st.quotes[outer]
        if not (q.start <= toks[0].idx and toks[-1].idx + len(toks[-1]) <= q.end):
            return None
    if len(toks) == 1 and toks[0].pos_ == "PRON" and toks[0].lower_ not in ("it", "this", "that"):
        return None
    return span_of(toks)


def _trimmed_subtree(tok: "Token") -> list["Token"]:
    """A subtree without leading/trailing punctuation."""
    toks = list(tok.subtree)
    while toks and toks[0].is_punct:
        toks.pop(0)
    while toks and toks[-1].is_punct:
        toks.pop()
    return toks


def verb_content(verb: "Token", st: ParaState, quotes_ok: bool = True
                  ) -> tuple[list[tuple[int, int]], bool]:
    """Content spans of a speech verb and whether they are direct quotations."""
    ccomp = next((c for c in verb.children if c.dep_ == "ccomp"), None)
    toks = content_tokens(ccomp) if ccomp is not None else []
    outer = quote_of(verb.idx, st.quotes)
    if toks and quote_of(toks[0].idx, st.quotes) == outer:
        if len(toks) >= 2 and all(t.i > verb.i for t in toks) or len(toks) >= 3:
            if outer is None:
                st.claimed.update(
                    k for k, q in enumerate(st.quotes) if toks[0].idx <= q.start < toks[-1].idx + 1
                )
            return [span_of(toks)], False
    attached = attached_quotes(verb, st) if quotes_ok and not _defers_quotes(verb, st) else []
    if attached:
        st.claimed.update(attached)
        return [(st.quotes[k].start, st.quotes[k].end) for k in attached], True
    inserted = _as_clause_content(verb, st) or _parenthetical_content(verb, st)
    if inserted:
        return inserted, False
    that = _that_clause(verb, st)
    return ([that], False) if that else ([], False)


def _as_clause_content(verb: "Token", st: ParaState) -> list[tuple[int, int]]:
    """ "As The Washington Post reported, Sanders would ..." / "..., as Comey noted": the
    clause the "as" cue hangs from is the content."""
    if verb.dep_ != "advcl" or verb.head is verb or not any(
            c.dep_ == "mark" and c.lower_ == "as" for c in verb.children):
        return []
    if any(c.dep_ in ("dobj", "ccomp", "xcomp") for c in verb.children):
        return []
    inner = {t.i for t in verb.subtree}
    toks = [t for t in verb.head.subtree if t.i not in inner]
    while toks and (toks[0].is_punct or toks[0].dep_ == "cc"):
        toks.pop(0)
    while toks and toks[-1].is_punct:
        toks.pop()
    if len(toks) < 4 or any(quote_of(t.idx, st.quotes) is not None for t in (toks[0], toks[-1])):
        return []
    parts, run = [], [toks[0]]
    for t in toks[1:]:
        if t.i == run[-1].i + 1:
            run.append(t)
        else:
            parts.append(run)
            run = [t]
    parts.append(run)
    return [span_of([t for t in part if not t.is_punct] or part) for part in parts
            if any(not t.is_punct for t in part)]


def _parenthetical_content(verb: "Token", st: ParaState) -> list[tuple[int, int]]:
    """Content around an inserted cue: "It was impossible, Gabuyev said, so ..." and
    "In Miami, Mr. Regalado said, Mr. Trump is seen as a bully": the sentence without
    the parenthetical (one span before it, one after)."""
    if verb.dep_ != "parataxis" or not any(c.dep_ == "nsubj" and c.i < verb.i for c in verb.children):
        return []
    sent = verb.sent
    inner = {t.i for t in verb.subtree}
    if quote_of(sent.start_char, st.quotes) is not None:
        return []
    out = []
    for part in ([t for t in sent if t.i < min(inner)], [t for t in sent if t.i > max(inner)]):
        while part and (part[0].is_punct or part[0].dep_ == "cc"):
            part.pop(0)
        while part and part[-1].is_punct:
            part.pop()
        if len(part) >= 2 and not any(quote_of(t.idx, st.quotes) is not None for t in part):
            out.append(span_of(part))
    return out if sum(1 for _ in out) and len(
        [t for t in sent if t.i not in inner and not t.is_punct]) >= 4 else []


def _defers_quotes(verb: "Token", st: ParaState) -> bool:
    """A cue in a subordinate clause ("pundits who claim ...") leaves the sentence's
    quotation to a main-clause speech verb of the same sentence ("..., Bolton said, “...”")."""
    if verb.dep_ not in ("relcl", "acl", "advcl", "pcomp", "pobj", "csubj"):
        return False
    sent = verb.sent
    # a participle right before the quotation keeps it ("concludes with footage of Trump
    # saying last week, “...”")
    nearer = verb.tag_ == "VBG" and any(sent.start_char <= q.open_at < sent.end_char
                                        and q.open_at > verb.idx for q in st.quotes)
    for other in sent:
        if (other is not verb and other.dep_ in ("ROOT", "conj", "ccomp") and other.pos_ == "VERB"
                and other.lemma_.lower() in DEFAULT_CUES and quote_of(other.idx, st.quotes) is None
                and other not in verb.subtree and not (nearer and other.i < verb.i)):
            return True
    return False


def _that_clause(verb: "Token", st: ParaState) -> tuple[int, int] | None:
    """Fallback for misparsed complements: "warned ahead of the talks that ..." -> rest of sentence."""
    sent = verb.sent
    for tok in sent[verb.i - sent.start + 1 : verb.i - sent.start + 10]:
        if (tok.lower_ == "that" and tok.tag_ != "WDT" and tok.i + 1 < sent.end
                and quote_of(tok.idx, st.quotes) is None):
            toks = [t for t in sent[tok.i + 1 - sent.start :]]
            while toks and toks[-1].is_punct and toks[-1].text not in "”\"":
                toks.pop()
            if len(toks) >= 3:
                return span_of(toks)
        if tok.is_punct and tok.text in ".;:":
            break
    return None
