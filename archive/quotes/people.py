"""The people of one article: its PERSON names, their roles, their salient mentions and
gender votes (build_index), and resolution of a pronoun or role noun ("she said", "the
minister said") to a person named earlier (ArticleIndex). archive.quotes.speakers reads
speaker phrases against it. Imports archive.text and the lower layer of archive.quotes
(lexicon, scan, syntax, titles)."""
from __future__ import annotations

from bisect import bisect_left, insort
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence

from archive.quotes.lexicon import (FEMALE_PRONOUNS, FEMALE_ROLE_NOUNS, MALE_PRONOUNS,
                                    MALE_ROLE_NOUNS, UNMARKED_ROLE_NOUNS)
from archive.quotes.scan import QuoteSpan, quote_of
from archive.quotes.syntax import appositive_role, person_text
from archive.quotes.titles import bare_role, clean_name, with_title_nouns
from archive.text import from_given_name, gender_of
from archive.text.names import misspelt_surname
from archive.text.roles import PAST_WORDS, past_office

if TYPE_CHECKING:  # pragma: no cover - typing only
    from spacy.tokens import Doc, Span, Token

# paragraphs back that "the campaign" may refer to "the Trump campaign"
ORGANISATION_REACH = 2
# lower-case words inside a capitalised role ("Secretary of State", "Minister for Europe")
ROLE_LINKS = frozenset({"of", "for"})


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
    written: set[str] = field(default_factory=set)  # the same, without what titles stand for

    @property
    def gender(self) -> str | None:
        """An honorific, then a role that names one sex ("9/11 widow Terry Strada": Terry is
        mostly a man's name), then the first name, then a role news uses for both ("chairman"),
        then the article's pronoun votes (last: in "Trump said she would ..." the vote is for
        the woman spoken of)."""
        known = (self.titled or _role_gender(self.written - UNMARKED_ROLE_NOUNS)
                 or guess_gender_from_first_name(self.name) or _role_gender(self.written))
        if known or not self.votes:
            return known
        (g, c), *rest = self.votes.most_common()
        return g if not rest or c > rest[0][1] else None


def _role_gender(nouns: set[str]) -> str | None:
    """'f' or 'm' when the role words name one sex only ("widow", "chairwoman")."""
    female, male = bool(nouns & FEMALE_ROLE_NOUNS), bool(nouns & MALE_ROLE_NOUNS)
    return None if female == male else "f" if female else "m"


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
            person.written.update(w.lower() for w in role.split())  # "Rep." is no man
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

    def expand(self, name: str, misspelt: bool = True) -> str:
        """Map "Lavrov" to "Sergey Lavrov" when the article has such a full name; a surname
        of two words or more to the one full name of the article that ends in it ("Mr.
        Guajardo Villarreal" -> "Ildefonso Guajardo Villarreal", "De Blasio" -> "Bill de
        Blasio"), so the person is found by the name a reader types; a surname misspelt to
        the article's one full name with that surname spelt right ("Giulini" -> "Rudy
        Giuliani"; not with `misspelt` False: "Moscow", a place, is no Steve Mosko), which
        the archive-wide grouping no longer guesses."""
        words = name.split()
        if len(words) != 1:
            tail = [w.lower() for w in words]
            fulls = {n for n in self.by_surname.get(tail[-1], ())
                     if len(n.split()) > len(words)
                     and [w.lower() for w in n.split()[-len(words):]] == tail}
            return fulls.pop() if len(fulls) == 1 else name
        fulls = [n for n in self.by_surname.get(words[0].lower(), []) if len(n.split()) > 1]
        if not fulls and misspelt:  # "Keidis" in an article naming "Anthony Kiedis"
            fulls = sorted({n for surname, names in self.by_surname.items()
                            if misspelt_surname(words[0], surname)
                            for n in names if len(n.split()) > 1})
            fulls = fulls if len(fulls) == 1 else []
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
        """Names mentioned before `pos`, most recent first (`_before_at`)."""
        return (name for _, name in self._before_at(pos))

    def _before_at(self, pos: tuple[int, int]) -> Iterator[tuple[tuple[int, int], str]]:
        """((para, offset), name) of the mentions before `pos`, most recent first, skipping
        mentions inside reported content; lazy, so a lookup that stops at the first fit
        reads only the mentions back to it (not the whole article: linear cost on long
        articles)."""
        timeline = self._timeline()
        mentions, spans = timeline.mentions, timeline.spans
        for i in range(bisect_left(mentions, (pos[0], pos[1], "")) - 1, -1, -1):
            p, o, n = mentions[i]
            if not any(cs <= o < ce for cs, ce in spans.get(p, ())):
                yield (p, o), n

    def resolve_pronoun(self, gender: str, pos: tuple[int, int]) -> str | None:
        """Most recent salient person not known to be of the other gender.

        Mentions inside reported content ("Bozell said Cruz ...") are skipped: a later
        "he said" continues the speaker, not the person spoken about."""
        for at, name in self._before_at(pos):
            if self.people[name].gender in (gender, None):
                return None if self._unnamed_since(gender, at, pos) else name
        return None

    def _unnamed_since(self, gender: str, at: tuple[int, int], pos: tuple[int, int]) -> bool:
        """Did an unnamed speaker of the pronoun's gender speak between the person's mention
        `at` and `pos`? "A BBC spokeswoman said ... She said": she is the spokeswoman, so
        nobody named (never the man quoted before her). Only nouns of one gender count:
        after "an official said", "he" may still be the minister named before."""
        last = self._last_unnamed(FEMALE_ROLE_NOUNS if gender == "f" else MALE_ROLE_NOUNS, pos)
        return last is not None and last > at

    def _unnamed_more_recent(self, noun: str, pos: tuple[int, int]) -> bool:
        """True when "a senior official" (unnamed) was the latest speaker before "the official"."""
        last = self._last_unnamed({noun}, pos)
        if last is None:
            return False
        mentions = self._timeline().mentions
        m = bisect_left(mentions, (pos[0], pos[1], ""))
        return not m or last > mentions[m - 1][:2]

    def _last_unnamed(self, nouns: Iterable[str], pos: tuple[int, int]
                      ) -> tuple[int, int] | None:
        """Where the latest unnamed speaker named by one of `nouns` spoke before `pos`."""
        unnamed = self._timeline().unnamed
        before = []
        for noun in unnamed.keys() & set(nouns):
            k = bisect_left(unnamed[noun], pos)
            if k:
                before.append(unnamed[noun][k - 1])
        return max(before, default=None)

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
    nouns = with_title_nouns(low)
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
            role = (bare_role(_pre_title(ent)) or bare_role(appositive_role(ent.root))
                    or bare_role(title))
            person = index.add(name, role)
            person.titled = person.titled or (_title_gender(title) if title else None)
    for doc, qs in zip(docs, quotes):
        _vote_genders(doc, qs, index)
    for para, ent, (name, _) in found:
        if quote_of(ent.start_char, quotes[para]) is None and _salient(ent):
            if (name := index.expand(name)) in index.people:
                index.touch(para, ent.start_char, name)
    for para, doc in enumerate(docs):  # "Grushko met ...", spaCy typing Grushko an ORG
        for tok in _untyped_subjects(doc):
            if quote_of(tok.idx, quotes[para]) is None and \
                    (name := index.expand(tok.text, misspelt=False)) in index.people:
                index.touch(para, tok.idx, name)
    index.organisations += [  # "the International Monetary Fund", for a later "the fund"
        (para, e.start_char, e.root.lemma_.lower(), clean_name(e.text)[0])
        for para, doc in enumerate(docs) for e in doc.ents
        if e.label_ == "ORG" and len(e) > 1 and e.root.pos_ == "PROPN"]
    return index


def _untyped_subjects(doc: "Doc") -> list["Token"]:
    """One-word capitalised subjects spaCy typed as no person ("Stoltenberg" as an ORG,
    "Grushko" even as a common noun): salient when the article names a person of that
    surname (the caller checks)."""
    return [t for t in doc if t.dep_ in ("nsubj", "nsubjpass") and t.pos_ in ("PROPN", "NOUN")
            and t.ent_type_ != "PERSON" and t.text[:1].isupper()
            and not any(c.dep_ == "compound" for c in t.children)]


def _salient(ent: "Span") -> bool:
    """A person mention that later pronouns are likely to refer to."""
    root = ent.root
    if root.dep_ in ("nsubj", "nsubjpass"):
        return True
    if root.dep_ == "pobj" and root.head.dep_ == "agent":  # "headed by X"
        return True
    if _introduced(ent):
        return True
    return root.dep_ == "appos" and root.head.dep_ in ("nsubj", "nsubjpass")


def _introduced(ent: "Span") -> bool:
    """A person introduced with a role, as a source is before their words: "... concerns
    Henry Crespo, president of the Florida Democratic Black Caucus." """
    return any(c.dep_ == "appos" and c.pos_ == "NOUN" for c in ent.root.children)


def _pre_title(ent: "Span") -> str | None:
    """Capitalised role words written just before a name: "Russian Foreign Minister"."""
    doc = ent.doc
    i = ent.start
    while i > 0 and doc[i - 1].text[:1].isupper() and (
            doc[i - 1].pos_ in ("PROPN", "ADJ", "NOUN") or doc[i - 1].lower_ == "under"):
        if doc[i - 1].ent_type_ == "PERSON" or doc[i - 1].is_sent_start and doc[i - 1].pos_ != "PROPN":
            break
        i -= 1
        if i > 1 and doc[i - 1].lower_ in ROLE_LINKS and doc[i - 2].text[:1].isupper() \
                and doc[i - 2].pos_ in ("PROPN", "NOUN"):
            i -= 1  # "Secretary of State Antony Blinken": the role is not "State"
    if all(t.ent_type_ in ("GPE", "LOC", "NORP") for t in doc[i : ent.start]):
        return None  # "... Co-operation in Europe Michael Carpenter": a place is no role
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
