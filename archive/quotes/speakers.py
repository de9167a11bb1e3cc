"""Who a speaker phrase names: a name inside a role phrase, a named entity, an
organisation ("The Trump campaign"), or a pronoun or role noun resolved against the people
of the article (archive.quotes.people: "she said", "the minister said").

analyse_speaker splits a speaker phrase into name, role and speaker type; register records
a speaker as the most recent person. Imports archive.models, archive.text and the lower
layer of archive.quotes (lexicon, scan, syntax, titles, people)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from archive.models import Attribution
from archive.quotes.lexicon import (ORG_ENTITIES, OTHER_PRONOUNS, PERSON_ROLE_NOUNS,
                                    RESOLVABLE_PRONOUNS)
from archive.quotes.people import ArticleIndex, guess_gender_from_first_name
from archive.quotes.syntax import (as_written, description, entity_at, organisation_phrase,
                                   past_dateline, person_text, span_of, speaker_tokens, text_of)
from archive.quotes.titles import bare_role, clean_name, is_title
from archive.text.roles import PAST_WORDS

if TYPE_CHECKING:  # pragma: no cover - typing only
    from spacy.tokens import Token


@dataclass
class Speaker:
    """A speaker phrase as written plus what it resolves to."""

    text: str
    start: int
    end: int
    name: str | None
    role: str | None
    person: bool  # True when `name` is a person (pronoun targets, people grouping)
    kind: str | None = None  # see speaker_type(): organization / place / group


# spaCy entity labels -> speaker type ("Russia", "the Kremlin"); unnamed sources: None
SPEAKER_TYPES = {"PERSON": "person", "ORG": "organization", "FAC": "organization",
                 "GPE": "place", "LOC": "place", "NORP": "group"}


def speaker_type(attr: Attribution) -> str | None:
    """"person", "organization", "place", "group" or None (unnamed, unknown or older)."""
    return getattr(attr, "speaker_type", None)


# Words before a group's name that make it some of its members, unnamed: "an Iowa Democrat",
# "one senior Republican", "a few other prominent Republicans", "two Canadians".
ANONYMOUS_WORDS = frozenset("""a an another one some several many few two three four five
most""".split())


def anonymous(tok: "Token") -> bool:
    """Does a word before `tok` in its phrase make it some unnamed members of a group?"""
    return any(t.lower_ in ANONYMOUS_WORDS for t in tok.subtree if t.i < tok.i)


def _propn_chain(tok: "Token") -> list["Token"]:
    """A proper-noun head with its proper-noun compounds: "Sergey Lavrov"."""
    return [c for c in tok.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"
            and not is_title(c.text)] + [tok]


def analyse_speaker(subj: "Token", index: ArticleIndex, para: int,
                    cue: "Token | None" = None) -> Speaker:
    """Split a speaker phrase into name and role, resolving pronouns and role nouns."""
    subj = past_dateline(subj)
    toks = speaker_tokens(subj, cue)
    start, end = span_of(toks)
    text = text_of(toks)
    inner = None if subj.pos_ == "PROPN" else _name_in_phrase(toks, subj, index)
    if inner is not None:  # a name inside a role phrase wins over resolving the role
        name, name_toks = inner
        return Speaker(text, start, end, name, _role_from(toks, name_toks, subj), True)
    if _definite_role(subj):  # "the Kentucky Republican", "the minister"
        name = _resolve_unnamed(subj, index, (para, subj.idx))
        return Speaker(text, start, end, name, None, name is not None)
    cands = [subj] + [c for c in subj.children if c.dep_ == "appos"] + _inner_persons(toks)
    for cand in cands:
        found = _named(cand, index)
        if found and (cand is subj or found[1]):
            name, person, name_toks = found
            role = _role_from(toks, name_toks, cand) if person else None
            ent = entity_at(cand)
            kind = SPEAKER_TYPES.get(ent.label_) if ent is not None and not person else None
            if kind == "group" and anonymous(cand):  # "an Iowa Democrat": unnamed, as "an official"
                return Speaker(text, start, end, None, None, False)
            return Speaker(text, start, end, name, role, person, kind)
    if (organisation := organisation_phrase(subj)) is not None:  # "The Trump campaign"
        name = as_written([t for t in organisation if not is_title(t.text)])  # "Mr. Grant's"
        index.organisations.append((para, subj.idx, subj.lemma_.lower(), name))
        return Speaker(text, start, end, name, None, False, "organization")
    if (name := index.last_organisation(subj, para)) is not None:  # then "the campaign"
        return Speaker(text, start, end, name, None, False, "organization")
    name = _resolve_unnamed(subj, index, (para, subj.idx))
    if name is None and subj.pos_ == "NOUN":
        index.unnamed.append((para, subj.idx, subj.lemma_.lower()))
    return Speaker(text, start, end, name, None, name is not None)


def _name_in_phrase(toks: list["Token"], subj: "Token", index: ArticleIndex
                    ) -> tuple[str, list["Token"]] | None:
    """A person's name ending a role phrase headed by a common noun, whether or not spaCy
    tagged it ("the representative of Ukraine Yevhen Tsymbalyuk", "the Kremlin's spokesman,
    Dmitry Peskov"): the last run of capitalised proper nouns after the head, from a known
    first name or a person of the article on, else its last two words when a place or
    organisation word leads a run of three or more. Possessors are never speakers."""
    runs: list[list["Token"]] = [[]]
    for t in (t for t in toks if t.i > subj.i):
        if t.pos_ == "PROPN" and t.text[:1].isupper():
            runs[-1].append(t)
        elif runs[-1]:
            runs.append([])
    run = next((r for r in reversed(runs) if len(r) >= 2), [])
    if len(run) < 2 or run[-1].dep_ == "poss" or (run[-1].i + 1 < len(subj.doc)
                                                  and subj.doc[run[-1].i + 1].tag_ == "POS"):
        return None
    if any(t.ent_type_ in ("GPE", "LOC", "NORP", "FAC", "DATE") for t in run[-2:]):
        return None
    if run[-1].dep_ == "compound" and run[-1].head.pos_ == "NOUN":
        return None  # names a thing: "the referee from the France v Scotland Six Nations match"
    for k, t in enumerate(run[:-1]):
        if (guess_gender_from_first_name(t.text) or t.ent_type_ == "PERSON"
                or t.text.lower() in index.by_surname):
            name_toks = run[k:]
            break
    else:
        if len(run) < 3:
            return None
        name_toks = run[-2:]
    name, _ = clean_name(as_written(name_toks))
    return (index.expand(name), name_toks) if name and len(name.split()) >= 2 else None


def _definite_role(subj: "Token") -> bool:
    """ "the <role noun>" with no name inside, e.g. "the Democratic senator"."""
    if subj.ent_type_ == "PERSON" or subj.lemma_.lower() not in PERSON_ROLE_NOUNS:
        return False
    if any(c.dep_ == "appos" for c in subj.children):
        return False
    return any(c.dep_ == "det" and c.lower_ == "the" for c in subj.children)


def _inner_persons(toks: list["Token"]) -> list["Token"]:
    """Roots of PERSON names ending a speaker phrase whose head is a title
    ("US Ambassador to the OSCE Michael Carpenter"); possessors are not speakers."""
    doc = toks[0].doc
    last = toks[-1].i
    out = []
    for ent in doc.ents:
        if ent.label_ != "PERSON" or not toks[0].i <= ent.start <= last:
            continue
        if ent.root.dep_ == "poss" or ent.end < len(doc) and doc[ent.end].tag_ == "POS":
            continue
        if ent.end - 1 == last or (ent.end < len(doc) and doc[ent.end].text == ","):
            out.append(ent.root)
    return out


def _named(tok: "Token", index: ArticleIndex) -> tuple[str, bool, list["Token"]] | None:
    """(name, is_person, name tokens) when `tok` heads a named entity or proper noun."""
    if tok.i >= 2 and tok.doc[tok.i - 1].text == "(" and tok.doc[tok.i - 2].pos_ == "PROPN":
        tok = tok.doc[tok.i - 2]  # "Roy Cooper (D)": the parse heads the name on "D"
    ent = entity_at(tok)
    if ent is not None and ent.label_ == "PERSON":
        toks = [t for cut in [ent.start_char + len(person_text(ent))] for t in ent
                if t.idx < cut and (not is_title(t.text) or t.i == ent.end - 1)]
        name, _ = clean_name(as_written(toks))
        return (index.expand(name), True, list(ent)) if name else None
    if tok.pos_ != "PROPN" and ent is None:
        return None
    if ent is not None and ent.label_ not in ORG_ENTITIES and ent.label_ != "PERSON":
        return None
    chain = _propn_chain(tok) if tok.pos_ == "PROPN" else list(ent)
    name, _ = clean_name(as_written(chain))
    if not name or all(is_title(t.text) for t in chain):
        return None
    expanded = index.expand(name, misspelt=ent is None)  # an ORG or place misspells nobody
    person = expanded in index.people or (ent is None and _looks_like_person(chain))
    if ent is None and not person and is_title(chain[-1].text):
        return None  # an office, not a name: "UMWA Director (of ...) Phil Smith"
    if ent is not None and ent.label_ in ORG_ENTITIES and not person:
        name = clean_name(ent.text)[0] or name
        return name, False, list(ent)
    return expanded, person, chain


def _looks_like_person(chain: list["Token"]) -> bool:
    """A two-or-more-word capitalised proper noun chain with a known first name."""
    return guess_gender_from_first_name(chain[0].text) is not None


def _role_from(toks: list["Token"], name_toks: list["Token"], head: "Token") -> str | None:
    """Role words: what precedes the name in the phrase, else an apposition after it."""
    first = min(t.i for t in name_toks)
    last = max(t.i for t in name_toks)
    before = [t for t in toks if t.i < first]
    before = [t for t in before if t.i >= _role_start(before)]
    title_in_name = [t for t in name_toks if is_title(t.text) and t.i != last]
    words = [t.text_with_ws for t in sorted(before + title_in_name, key=lambda t: t.i)]
    role = "".join(words).strip(" ,;:-—")
    if not role:
        after = [c for c in head.children if c.dep_ == "appos" and c.i > last]
        if after:
            role = text_of(description(after[0])).strip(" ,")
    if not role:
        role = _affiliation(head.doc[last], last)
    role = re.sub(r"^(the|a|an)\s+", "", role, flags=re.I)
    return bare_role(role)


def _affiliation(name_end: "Token", last: int) -> str:
    """The organisation a name is written "of", "from" or "at" ("Hannah Ward of the Refugee
    Council"), as written; "" for anything else ("Mark Hill of Leeds" is where he lives)."""
    for prep in (c for c in name_end.children
                 if c.dep_ == "prep" and c.i > last and c.lower_ in ("of", "from", "at")):
        objects = [c for c in prep.children if c.dep_ == "pobj"]
        if objects and objects[0].ent_type_ == "ORG":
            return text_of(description(prep)).strip(" ,")
    return ""


def _role_start(before: list["Token"]) -> int:
    """Index where the role begins: after a comma separating it from a longer description
    ("The head of the PAC backing Jeb Bush, adviser Mike Murphy"); when the comma stands
    right before the name, the role is what precedes it ("Carter's press secretary, Peter
    Cook": an apposition)."""
    commas = [t.i for t in before if t.is_punct and t.text == ","]
    if not commas:
        return before[0].i if before else 0
    if commas[-1] == before[-1].i:  # "ROLE, NAME"
        return commas[-2] + 1 if len(commas) > 1 else before[0].i
    return commas[-1] + 1


def _resolve_unnamed(subj: "Token", index: ArticleIndex, pos: tuple[int, int]) -> str | None:
    """Resolve "she", "the minister", "his spokesman" to an earlier named person."""
    low = subj.lower_
    if low in RESOLVABLE_PRONOUNS:
        return index.resolve_pronoun(RESOLVABLE_PRONOUNS[low], pos)
    if low in OTHER_PRONOUNS or subj.pos_ == "PRON":
        return None
    noun = subj.lemma_.lower()
    past = any(c.lower_ in PAST_WORDS for c in subj.children)  # "the former governor"
    if noun not in PERSON_ROLE_NOUNS or subj.tag_ in ("NNS", "NNPS"):
        return None
    dets = {c.lower_ for c in subj.children if c.dep_ in ("det", "poss")}
    # "the spokesman for the Kremlin", "the US envoy": a qualified role is only someone whose
    # known role does not contradict the qualifier, never a guess at the last person named
    qualifier = {t.lower_ for t in subj.subtree
                 if t.i != subj.i and (t.text[:1].isupper() or t.ent_type_) and t.dep_ != "det"}
    if dets & {"the", "this"}:
        return index.resolve_role(noun, pos, fallback=not qualifier, qualifier=qualifier,
                                  past=past)
    if dets & {"his", "her", "their", "its"}:
        return index.resolve_role(noun, pos, fallback=False, qualifier=qualifier, past=past)
    return None


def looks_like_name(name: str) -> bool:
    """Two or more capitalised words with a known first name."""
    return len(name.split()) >= 2 and guess_gender_from_first_name(name) is not None


def register(spk: Speaker, index: ArticleIndex, para: int) -> None:
    """Record a named person speaker as the most recent one."""
    if spk.name and spk.person:
        index.add(spk.name, spk.role)
        index.touch(para, spk.start, index.expand(spk.name))
