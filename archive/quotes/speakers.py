"""Who a speaker phrase names: clean names and titles, the people of an article, and
pronoun / role resolution ("she said", "the minister said") to a person named earlier.

The ArticleIndex collects the article's PERSON names, their roles, their salient
mentions and gender votes (build_index); analyse_speaker splits a speaker phrase into
name, role and speaker type and resolves pronouns and role nouns against it; register
records a speaker as the most recent person. Imports archive.models, archive.text and
the lower layer of archive.quotes (lexicon, scan, syntax)."""
from __future__ import annotations

import re
from collections import Counter
from bisect import bisect_left, insort
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterator, Sequence

from archive.models import Attribution
from archive.quotes.lexicon import (FEMALE_PRONOUNS, FEMALE_ROLE_NOUNS, MALE_PRONOUNS,
                                    MALE_ROLE_NOUNS, ORG_ENTITIES, OTHER_PRONOUNS,
                                    PERSON_ROLE_NOUNS, RESOLVABLE_PRONOUNS, TITLE_NOUNS)
from archive.quotes.scan import QuoteSpan, quote_of
from archive.quotes.syntax import (appositive_role, as_written, description, entity_at,
                                   organisation_phrase, past_dateline, person_text, span_of,
                                   speaker_tokens, text_of)
from archive.quotes.titles import clean_name, is_title
from archive.text import from_given_name, gender_of
from archive.text.roles import PAST_WORDS, past_office

if TYPE_CHECKING:  # pragma: no cover - typing only
    from spacy.tokens import Doc, Span, Token


def guess_gender_from_first_name(name: str) -> str | None:
    """'f', 'm' or None from the first token of a name, using the built-in lists."""
    return gender_of(name.split()[0]) if name.split() else None


@dataclass
class Person:
    """A named person mentioned in the article."""

    name: str
    role: str | None = None
    votes: Counter = field(default_factory=Counter)
    titled: str | None = None  # the gender an honorific gives ("Mr.", "Ms.")
    nouns: set[str] = field(default_factory=set)  # the words of every role written for them

    @property
    def gender(self) -> str | None:
        """An honorific, then the first name, then the article's pronoun votes (last: in
        "Trump said she would ..." the vote is for the woman spoken of)."""
        known = self.titled or guess_gender_from_first_name(self.name)
        if known or not self.votes:
            return known
        (g, c), *rest = self.votes.most_common()
        return g if not rest or c > rest[0][1] else None


class _Timeline:
    """ArticleIndex's lists kept sorted for lookups by position: mentions (para, offset,
    name) in order, unnamed speakers' positions by noun, reported-content spans by
    paragraph. Filled incrementally (`catch_up`), so each lookup costs a bisection instead
    of a sort of the whole article (which made attribution quadratic in its length)."""

    def __init__(self) -> None:
        self.mentions: list[tuple[int, int, str]] = []
        self.unnamed: dict[str, list[tuple[int, int]]] = {}
        self.spans: dict[int, list[tuple[int, int]]] = {}
        self.counts = (0, 0, 0)

    def catch_up(self, index: ArticleIndex) -> None:
        m, u, c = self.counts
        if m > len(index.mentions) or u > len(index.unnamed) or c > len(index.contents):
            self.__init__()  # a list was replaced or cut: start again
            m = u = c = 0
        for mention in index.mentions[m:]:
            insort(self.mentions, mention)
        for p, o, noun in index.unnamed[u:]:
            insort(self.unnamed.setdefault(noun, []), (p, o))
        for p, s, e in index.contents[c:]:
            self.spans.setdefault(p, []).append((s, e))
        self.counts = (len(index.mentions), len(index.unnamed), len(index.contents))


@dataclass
class ArticleIndex:
    """Named people of one article and where they were mentioned as subjects/speakers."""

    people: dict[str, Person] = field(default_factory=dict)
    by_surname: dict[str, list[str]] = field(default_factory=dict)
    mentions: list[tuple[int, int, str]] = field(default_factory=list)  # (para, offset, name)
    unnamed: list[tuple[int, int, str]] = field(default_factory=list)  # (para, offset, noun)
    contents: list[tuple[int, int, int]] = field(default_factory=list)  # (para, start, end)
    # organisation speakers and ORG entities: (para, offset, head noun, name)
    organisations: list[tuple[int, int, str, str]] = field(default_factory=list)
    _seen: _Timeline | None = field(default=None, repr=False, compare=False)
    _role_words: set[str] = field(default_factory=set, repr=False, compare=False)

    def add(self, name: str, role: str | None = None) -> Person:
        """Register a full or partial name; returns the canonical in-article person."""
        name = self.expand(name)
        person = self.people.get(name)
        if person is None:
            person = self.people[name] = Person(name)
            self.by_surname.setdefault(name.split()[-1].lower(), []).append(name)
        if role:  # the first role is the one shown; every role's nouns answer "the senator"
            person.role = person.role or role
            person.nouns.update(role_nouns(role.split()))
            self._role_words.update(person.nouns)
        return person

    def last_organisation(self, subj: "Token", para: int) -> str | None:
        """ "the campaign": the organisation last named as a speaker with that head noun
        ("the Trump campaign") in this or the ORGANISATION_REACH paragraphs before (a live
        blog's next entry may be about another campaign); None if none was."""
        head = subj.lemma_.lower()
        if subj.tag_ != "NN" or not any(c.lower_ == "the" for c in subj.children):
            return None
        return max(((p, o, name) for p, o, h, name in self.organisations if h == head
                    and (p, o) < (para, subj.idx) and para - p <= ORGANISATION_REACH),
                   default=(0, 0, None))[2]

    def expand(self, name: str) -> str:
        """Map "Lavrov" to "Sergey Lavrov" when the article has such a full name."""
        words = name.split()
        if len(words) != 1:
            return name
        fulls = [n for n in self.by_surname.get(words[0].lower(), []) if len(n.split()) > 1]
        return fulls[0] if fulls else name

    def touch(self, para: int, offset: int, name: str) -> None:
        """Record a salient mention (subject, agent or speaker) of a person."""
        self.mentions.append((para, offset, name))

    def _timeline(self) -> _Timeline:
        """The sorted view of mentions, unnamed speakers and contents, caught up with
        what was appended since the last lookup (the lists only grow)."""
        if self._seen is None:
            self._seen = _Timeline()
        self._seen.catch_up(self)
        return self._seen

    def _before(self, pos: tuple[int, int]) -> Iterator[str]:
        """Names mentioned before `pos`, most recent first, skipping mentions inside
        reported content; lazy, so a lookup that stops at the first fit reads only the
        mentions back to it (not the whole article: linear cost on long articles)."""
        timeline = self._timeline()
        mentions, spans = timeline.mentions, timeline.spans
        for i in range(bisect_left(mentions, (pos[0], pos[1], "")) - 1, -1, -1):
            p, o, n = mentions[i]
            if not any(cs <= o < ce for cs, ce in spans.get(p, ())):
                yield n

    def resolve_pronoun(self, gender: str, pos: tuple[int, int]) -> str | None:
        """Most recent salient person not known to be of the other gender.

        Mentions inside reported content ("Bozell said Cruz ...") are skipped: a later
        "he said" continues the speaker, not the person spoken about."""
        for name in self._before(pos):
            if self.people[name].gender in (gender, None):
                return name
        return None

    def _unnamed_more_recent(self, noun: str, pos: tuple[int, int]) -> bool:
        """True when "a senior official" (unnamed) was the latest speaker before "the official"."""
        timeline = self._timeline()
        unnamed = timeline.unnamed.get(noun, [])
        u = bisect_left(unnamed, pos)
        if not u:
            return False
        m = bisect_left(timeline.mentions, (pos[0], pos[1], ""))
        return not m or unnamed[u - 1] > timeline.mentions[m - 1][:2]

    def resolve_role(self, noun: str, pos: tuple[int, int], fallback: bool,
                     qualifier: set[str] = frozenset(),  # type: ignore[assignment]
                     past: bool = False) -> str | None:
        """Most recent person whose role mentions `noun` and does not contradict the
        `qualifier` words (`_contradicts`: "the representative of the United States" is not
        the representative of Ukraine); else (if allowed) the last one."""
        gender = "f" if noun in FEMALE_ROLE_NOUNS else "m" if noun in MALE_ROLE_NOUNS else None
        asked = f"former:{noun}" if past else noun
        if asked in self._role_words or asked + "s" in self._role_words:  # else none fits
            for name in self._before(pos):
                written = (self.people[name].role or "").split()
                role = self.people[name].nouns
                if (asked in role or asked + "s" in role) and not _contradicts(qualifier, written):
                    return name
        if not fallback or self._unnamed_more_recent(noun, pos):
            return None
        for name in self._before(pos):
            if gender is None or self.people[name].gender in (None, gender):
                return name
        return None


def role_nouns(words: Sequence[str]) -> list[str]:
    """A role's words in lower case, with the nouns its abbreviated titles stand for
    ("Sen." -> sen., senator, lawmaker); a past office's words marked as such ("former
    Gov." -> former:governor, ...): the former governor is not "the governor"."""
    low = [w.lower() for w in words]
    nouns = low + [n for w in low for n in sorted(TITLE_NOUNS.get(w, ()))]
    return [f"former:{n}" for n in nouns] if past_office(low) else nouns


def _contradicts(qualifier: set[str], role: list[str]) -> bool:
    """A qualified role ("the representative of the United States") against a person's known
    role ("representative of Ukraine"): both name something, and nothing in common."""
    named = {w.lower().strip(",.") for w in role if w[:1].isupper()} - {role[0].lower()}
    return bool(qualifier and named and not qualifier & {w.lower() for w in role})


def build_index(docs: Sequence["Doc"], quotes: Sequence[list[QuoteSpan]]) -> ArticleIndex:
    """Collect the article's PERSON names (longest forms first), their roles, their
    salient mentions (subjects and agents outside quotes) and pronoun gender votes."""
    index = ArticleIndex()
    found = [(para, e, clean_name(person_text(e))) for para, doc in enumerate(docs)
             for e in doc.ents if e.label_ == "PERSON"]  # each name cleaned once
    for _, ent, (name, title) in sorted(found, key=lambda x: -len(x[1])):
        name = from_given_name(name) if ent.sent.text.istitle() else name  # a headline's verb
        if name and name[0].isupper():
            person = index.add(name, _pre_title(ent) or appositive_role(ent.root) or title)
            person.titled = person.titled or (_title_gender(title) if title else None)
    for doc, qs in zip(docs, quotes):
        _vote_genders(doc, qs, index)
    for para, ent, (name, _) in found:
        if quote_of(ent.start_char, quotes[para]) is None and _salient(ent):
            if (name := index.expand(name)) in index.people:
                index.touch(para, ent.start_char, name)
    index.organisations += [  # "the International Monetary Fund", for a later "the fund"
        (para, e.start_char, e.root.lemma_.lower(), clean_name(e.text)[0])
        for para, doc in enumerate(docs) for e in doc.ents
        if e.label_ == "ORG" and len(e) > 1 and e.root.pos_ == "PROPN"]
    return index


def _salient(ent: "Span") -> bool:
    """A person mention that later pronouns are likely to refer to."""
    root = ent.root
    if root.dep_ in ("nsubj", "nsubjpass"):
        return True
    if root.dep_ == "pobj" and root.head.dep_ == "agent":  # "headed by X"
        return True
    return root.dep_ == "appos" and root.head.dep_ in ("nsubj", "nsubjpass")


def _pre_title(ent: "Span") -> str | None:
    """Capitalised role words written just before a name: "Russian Foreign Minister"."""
    doc = ent.doc
    i = ent.start
    while i > 0 and doc[i - 1].text[:1].isupper() and doc[i - 1].pos_ in ("PROPN", "ADJ", "NOUN"):
        if doc[i - 1].ent_type_ == "PERSON" or doc[i - 1].is_sent_start and doc[i - 1].pos_ != "PROPN":
            break
        i -= 1
    if i < ent.start and i > 0 and doc[i - 1].lower_ in PAST_WORDS:
        i -= 1  # "former Gov. Jeb Bush": a past office, not "Gov."
    return doc[i : ent.start].text or None


def _title_gender(title: str) -> str | None:
    """The gender an honorific gives ("Mr." -> m)."""
    t = title.lower().split()[0].rstrip(".")
    return "m" if t == "mr" else "f" if t in {"ms", "mrs", "miss"} else None


def _vote_genders(doc: "Doc", quotes: list[QuoteSpan], index: ArticleIndex) -> None:
    """A named subject followed in its sentence by he/his or she/her votes for that gender."""
    for sent in doc.sents:
        subj_names = [
            index.expand(clean_name(e.text)[0])
            for e in sent.ents
            if e.label_ == "PERSON" and any(t.dep_ == "nsubj" for t in e)
        ]
        if len(subj_names) != 1 or subj_names[0] not in index.people:
            continue
        words = {t.lower_ for t in sent if quote_of(t.idx, quotes) is None}
        male, female = bool(words & MALE_PRONOUNS), bool(words & FEMALE_PRONOUNS)
        if male != female:
            index.people[subj_names[0]].votes["m" if male else "f"] += 1


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


# paragraphs back that "the campaign" may refer to "the Trump campaign" over
ORGANISATION_REACH = 2
# spaCy entity labels -> speaker type ("Russia", "the Kremlin"); unnamed sources: None
SPEAKER_TYPES = {"PERSON": "person", "ORG": "organization", "FAC": "organization",
                 "GPE": "place", "LOC": "place", "NORP": "group"}


def speaker_type(attr: Attribution) -> str | None:
    """"person", "organization", "place", "group" or None (unnamed, unknown or older)."""
    return getattr(attr, "speaker_type", None)


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
            return Speaker(text, start, end, name, role, person, kind)
    if (organisation := organisation_phrase(subj)) is not None:  # "The Trump campaign"
        name = as_written(organisation)
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
    expanded = index.expand(name)
    person = expanded in index.people or (ent is None and _looks_like_person(chain))
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
    role = re.sub(r"^(the|a|an)\s+", "", role, flags=re.I)
    return role or None


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
