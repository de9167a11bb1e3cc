"""Dependency-tree helpers over spaCy tokens, shared by the rules, the speaker analysis
and the learned pass: cue tests and lemmas, the subject or passive agent of a cue, the
tokens of a speaker phrase or reported clause, character spans.

They read one token's parse and need no paragraph state. Imports archive.quotes.lexicon
only (spaCy types for annotations only).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from archive.quotes.cues import cue_lemma
from archive.quotes.lexicon import (DEFAULT_CUES, LEMMA_FIXES, ORGANISATION_HEADS,
                                    names_a_person)

if TYPE_CHECKING:  # pragma: no cover - typing only
    from spacy.tokens import Doc, Span, Token


def token_lemma(tok: "Token") -> str:
    """The token's lemma, lower-cased, with known lemmatizer slips fixed."""
    return LEMMA_FIXES.get(tok.lower_) or tok.lemma_.lower()


def is_cue(tok: "Token", cues: frozenset[str]) -> bool:
    """A speech verb token (by lemma; spaCy tags some as AUX/NOUN in headlines)."""
    return tok.pos_ in ("VERB", "AUX") and (token_lemma(tok) in cues or tok.lower_ in cues)


def antecedent(pronoun: "Token", head: "Token") -> "Token":
    """What "who" stands for: the noun its clause hangs from, or, in a list ("Will Smith,
    Patti LaBelle and Stevie Wonder, who joked ..."), the listed noun just before it (the
    parse hangs the clause on any one of the list)."""
    before = pronoun.doc[pronoun.i - 1] if pronoun.i else pronoun
    if before.text == "," and pronoun.i > 1:
        before = pronoun.doc[pronoun.i - 2]
    while before.dep_ == "compound" and before.head.i > before.i:  # "Stevie" -> "Wonder"
        before = before.head
    return before if before is not head and before in head.conjuncts else head


def _named_before_role(name: "Token", role: "Token") -> bool:
    """ "Ban Ki-moon, the secretary general of the United Nations, vowed": the parse made
    the apposition a second subject; the speaker is the name, not the role between commas
    (a dateline's place before the subject is no person)."""
    doc = name.doc
    first = min(t.i for t in role.subtree)
    if name.ent_type_ != "PERSON" or role.pos_ != "NOUN" or first < 2:
        return False
    return doc[first - 1].text == "," and first - 2 == name.i


def subject_of(verb: "Token") -> "Token | None":
    """The speaker token of a speech verb, following the dependency conventions of news.

    - nsubj of the verb ("Lavrov said", "said Lavrov");
    - "quoted X as saying": the object of "quoted";
    - participles and conjuncts ("..., adding that", "said and added") share the subject
      of the verb they hang from;
    - relative clauses ("Sherman, who said ...") take the noun they modify.
    """
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    if subjects:  # two subjects happen with datelines: pick the one nearest the verb
        before = [c for c in subjects if c.i < verb.i]
        child = before[-1] if before else subjects[0]
        if len(before) > 1 and _named_before_role(before[-2], child):
            child = before[-2]
        if child.tag_ in ("WP", "WDT") and verb.dep_ == "relcl":
            return antecedent(child, verb.head)
        return child
    head = verb.head
    if verb.dep_ == "pcomp" and head.lower_ == "as" and head.head.lemma_ == "quote":
        return next((c for c in head.head.children if c.dep_ == "dobj"), None)
    if second_cue(verb):  # "said he would order X and warned against Y": the one who said
        return subject_of(head.head)
    if verb.dep_ == "conj" and head is not verb:
        return subject_of(head)
    if verb.dep_ in ("advcl", "xcomp", "pobj", "pcomp") and verb.tag_ == "VBG" and \
            (named := person_before(verb)) is not None:  # "footage of Hillary Clinton asking"
        return named
    if verb.dep_ in ("advcl", "xcomp") and verb.tag_ == "VBG" and head is not verb:
        return subject_of(head)
    if verb.dep_ == "pcomp" and verb.tag_ == "VBG" and head.dep_ == "prep" and \
            head.head.pos_ in ("VERB", "AUX") and head.head != head:  # "began by saying"
        return subject_of(head.head)
    if verb.dep_ == "advcl" and head != verb and any(  # "went on to explain"
            c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        return subject_of(head)
    if verb.dep_ == "xcomp" and head is not verb:  # "declined to say"
        return subject_of(head)
    if _main_verb_as_participle(verb):  # "Grushko, for his part, called the talks ..."
        return head
    return person_before(verb)


def _main_verb_as_participle(verb: "Token") -> bool:
    """A sentence's main verb that the parse hung as a participle from the noun before it,
    leaving the sentence no verb of its own: "Grushko, for his part, called the talks
    'serious'" parsed as the noun Grushko with "called" modifying it. A true participle of
    a verbless fragment is passive ("Grushko, called a hawk by his rivals"): not this."""
    head = verb.head
    return (verb.dep_ in ("acl", "advcl") and head.dep_ == "ROOT" and head.i < verb.i
            and head.pos_ in ("PROPN", "NOUN") and verb.tag_ in ("VBN", "VBD")
            and not any(c.dep_ in ("agent", "nsubjpass", "auxpass") for c in verb.children)
            and any(c.dep_ in ("dobj", "ccomp", "oprd", "xcomp") for c in verb.children)
            and any(t.text == "," for t in verb.doc[head.i + 1 : verb.i]))


def person_before(verb: "Token") -> "Token | None":
    """Parser fallback: a PERSON name written right before the verb ("... Wendy Sherman
    reiterated that") when the parse attached it elsewhere."""
    i = verb.i - 1
    while i >= verb.sent.start and verb.doc[i].dep_ in ("aux", "advmod", "neg"):
        i -= 1
    if i < verb.sent.start or verb.doc[i].ent_type_ != "PERSON":
        return None
    ent = entity_at(verb.doc[i])
    return ent.root if ent is not None and ent.end == i + 1 else None


DASHES = ("–", "—", "--")  # what ends a dateline ("MACAU (Reuters) – ..."), with a spaced "-"


def span_of(tokens: Iterable["Token"]) -> tuple[int, int]:
    """Character extent (start, end) of some tokens."""
    toks = sorted(tokens, key=lambda t: t.i)
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def text_of(tokens: Iterable["Token"]) -> str:
    """The words from the first to the last of some tokens, as written: the text of
    `span_of` without joining the whole doc (spaCy's Doc.text does, on every call)."""
    toks = sorted(tokens, key=lambda t: t.i)
    return toks[0].doc[toks[0].i : toks[-1].i + 1].text


def speaker_tokens(subj: "Token", cue: "Token | None" = None) -> list["Token"]:
    """The subject noun phrase without relative clauses and edge punctuation."""
    drop: set[int] = set()
    for child in subj.children:
        # PolNeAR sources are whole noun phrases ("A court document filed Thursday", "the
        # groups who wrote to her"); only a clause holding the cue itself is cut off
        # ("Sherman, who said ...").
        if child.dep_ in ("relcl", "acl") and (cue is None or cue in child.subtree or child.i < subj.i):
            drop.update(t.i for t in child.subtree)
            if child.i > 0 and subj.doc[child.i - 1].is_punct:
                drop.add(child.i - 1)
    # "X, McCrory's opponent in the election, called Friday for ..., saying ...": with the
    # participle cue parsed as the sentence's root, a verb after a comma that the parse hangs
    # on a noun inside the phrase is the subject's own predicate, not part of its phrase
    misparsed = cue is not None and cue.dep_ == "ROOT" and cue.tag_ == "VBG"
    for t in subj.subtree if misparsed else ():
        if t.dep_ == "acl" and t.tag_ in ("VBD", "VBN") and t.i > subj.i and \
                subj.doc[t.i - 1].text == ",":
            drop.update(range(t.i - 1, subj.doc[-1].i + 1))
    toks = [t for t in subj.subtree if t.i not in drop]
    # keep a contiguous run around the head
    lo = hi = subj.i
    ids = {t.i for t in toks}
    while lo - 1 in ids:
        lo -= 1
    while hi + 1 in ids:
        hi += 1
    toks = [t for t in toks if lo <= t.i <= hi]
    dashes = [k for k, t in enumerate(toks) if t.text in DASHES and t.i < subj.i]
    if dashes:  # dateline: "MACAU (Reuters) – Top donor Sheldon Adelson"
        toks = toks[dashes[-1] + 1 :]
    while toks and (toks[-1].dep_ == "cc" or toks[-1].is_punct and not _closes(toks)):
        toks.pop()
    while toks and toks[0].is_punct:
        toks.pop(0)
    return toks or [subj]


def _closes(toks: list["Token"]) -> bool:
    """The last token closes a bracket the phrase opened: "Sen. Ann Ruiz (D-N.M.)"."""
    return toks[-1].text == ")" and sum(t.text == "(" for t in toks) >= sum(
        t.text == ")" for t in toks)


def content_tokens(head: "Token") -> list["Token"]:
    """Tokens of a reported clause: the subtree minus a leading "that" and edge punctuation,
    cut before a speech verb the parser coordinated into it ("said he would order a review
    and warned against hackers": "warned" has no subject of its own and is a second cue of
    the speaker, not part of what was said)."""
    toks = list(head.subtree)
    cut = next((c for c in head.children if c.i > head.i and second_cue(c)), None)
    if cut is not None:
        toks = [t for t in toks if t.i < clause_end(cut)]
    while toks and (toks[0].is_punct or (toks[0].dep_ == "mark" and toks[0].lower_ == "that")):
        toks.pop(0)
    while toks and toks[-1].is_punct and toks[-1].text not in "”\"’":
        toks.pop()
    return toks


def second_cue(tok: "Token") -> bool:
    """A speech verb the parser coordinated into a reported clause that is the speaker's next
    cue, where the clause ends: no subject of its own, and the tense of the cue verb, not of
    the clause ("said he would order a review and warned against hackers"; not "said he
    rated contestants and talked about them", where both verbs are what was said)."""
    clause = tok.head
    cue = clause.head
    return (tok.dep_ == "conj" and tok.pos_ == "VERB" and token_lemma(tok) in DEFAULT_CUES
            and clause.dep_ == "ccomp" and cue is not clause
            and tok.tag_ == cue.tag_ and tok.tag_ != clause.tag_
            and not any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in tok.children))


def clause_end(cue: "Token") -> int:
    """Where the reported clause before a `second_cue` ends: the index of the first token of
    its coordination ("and warned ...", ", and warned ...")."""
    start = min(t.i for t in cue.subtree)
    while start > cue.head.i and cue.doc[start - 1].dep_ in ("cc", "punct"):
        start -= 1
    return start


def root_at(doc: "Doc", start: int, end: int) -> "Token | None":
    """The syntactic head of the tokens covering characters [start, end), if any."""
    span = doc.char_span(start, max(end, start + 1), alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def entity_at(tok: "Token") -> "Span | None":
    """The named entity covering a token, if any."""
    if not tok.ent_type_:
        return None
    for ent in tok.doc.ents:
        if ent.start <= tok.i < ent.end:
            return ent
    return None


def passive_agent(verb: "Token") -> "Token | None":
    """The agent of a passive cue: "was first reported by MSNBC" -> MSNBC."""
    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
    if agent is None:
        return None
    return next((c for c in agent.children if c.dep_ == "pobj"), None)


def appositive_role(name: "Token") -> str | None:
    """What an apposition beside a name says the person is: "Tom Clarke, a nursing home
    owner," -> "nursing home owner"; "the company's chief executive, Tim Cook," -> "company's
    chief executive" (without determiner, relative clause or trailing punctuation); None
    without one."""
    noun = next((c for c in name.children if c.dep_ == "appos" and c.pos_ == "NOUN"
                 and c.i > name.i), None)
    if noun is not None:
        toks = description(noun)
    elif name.dep_ == "appos" and name.head.pos_ == "NOUN" and name.head.i < name.i:
        noun = name.head  # "The head of the US delegation, Wendy Sherman": all before the name
        start = min(t.i for t in name.subtree)
        if name.doc[start - 1].text != "," and (not names_a_person(noun.lemma_.lower())
                                                 or _clause_after(name, noun)):
            return None  # "the country (Donald J. Trump)", "the server Hillary Clinton used"
        toks = [t for t in noun.subtree if t.i < start]
    else:
        return None
    while toks and (toks[0].dep_ == "det" or toks[0].is_punct):
        toks.pop(0)
    while toks and toks[-1].is_punct:
        toks.pop()
    if not toks:
        return None
    return text_of(toks)


def _clause_after(name: "Token", noun: "Token") -> bool:
    """Does a verb of a clause on `noun` follow the name, which is then its subject ("the
    email server Hillary Clinton used")?"""
    after = max(t.i for t in name.subtree) + 1
    return after < len(name.doc) and name.doc[after].pos_ in ("VERB", "AUX") and \
        name.doc[after].head == noun


def description(noun: "Token") -> list["Token"]:
    """A noun's phrase without the relative or participle clauses inside it: "a real estate
    developer in Virginia, who introduced Mr. Clarke" -> "a real estate developer in
    Virginia," (a clause says what the person did, not what they are)."""
    clauses = [t for t in noun.subtree if t is not noun and t.dep_ in ("relcl", "acl")]
    return [t for t in noun.subtree if not any(t in c.subtree for c in clauses)]


def person_text(ent: "Span") -> str:
    """A PERSON entity's words, cut before a speech verb that a Title Case headline wrote
    after the name: spaCy reads "Putin Warns West Over Missile Plans" as the person "Putin
    Warns West"."""
    if ent.sent.text.istitle():
        for t in ent[1:]:
            if cue_lemma(t.text) in DEFAULT_CUES:
                return ent.doc[ent.start : t.i].text
    return ent.text


def past_dateline(subj: "Token") -> "Token":
    """The subject past a wire dateline that the parse made its head: "LONDON (Reuters) -
    British Prime Minister Theresa May said" is headed on LONDON, the speaker is May."""
    sub = list(subj.subtree)
    dash = next((t for t in sub if t.i > subj.i and t.text in DASHES + ("-",)
                 and t.whitespace_ and t.doc[t.i - 1].whitespace_), None)
    if dash is None or dash.i >= sub[-1].i or not (
            subj.text.isupper() or subj.i + 1 < len(subj.doc) and subj.nbor().text == "("):
        return subj
    return subj.doc[dash.i + 1 : sub[-1].i + 1].root


def organisation_phrase(subj: "Token") -> list["Token"] | None:
    """The words naming an organisation that a name or nation qualifies ("The Trump
    campaign" -> Trump campaign, "a new Washington Post-ABC News poll" -> Washington
    Post-ABC News poll, "the Russian government"); None for any other subject. The name
    is no speaker itself: a campaign's statement is not the candidate's words."""
    if subj.pos_ != "NOUN" or subj.tag_ != "NN" or \
            subj.lemma_.lower() not in ORGANISATION_HEADS:
        return None
    names = [c for c in subj.lefts if c.dep_ in ("compound", "amod", "nmod", "poss")
             and (c.pos_ == "PROPN" or c.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"))]
    if not names:
        return None
    first = min(t.i for c in names for t in c.subtree)
    return [t for t in subj.doc[first:subj.i + 1]
            if t.tag_ != "POS" and (t.pos_ == "PROPN" or t.ent_type_ or t.i == subj.i
                                    or t.text in "/-&" or t.dep_ == "compound")]


def as_written(toks: Sequence["Token"]) -> str:
    """Tokens joined as the text spells them ("Holtz-Eakin", "Ki-moon", not "Holtz - Eakin"),
    a space where tokens were left out between them."""
    out = []
    for k, t in enumerate(toks):
        glued = k + 1 < len(toks) and toks[k + 1].i == t.i + 1 and not t.whitespace_
        out.append(t.text + ("" if glued or k + 1 == len(toks) else " "))
    return "".join(out)
