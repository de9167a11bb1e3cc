"""The archive's people as a gazetteer for reading questions: aliases, surnames and roles.

`Linker` looks up word n-grams of a question: every alias of a quoted person, each person's
surname (with a first-name guard: "Roy Cooper" is not Yvette Cooper) and the roles the
articles give them ("Russian Foreign Minister", matched by head word, in order, without
words that make another office). The word lists here (speech words, titles, offices) are
what `understand` reads a question with.

Why hand-written: entity linkers need a knowledge base (Wikidata) and the network; here the
knowledge base is the archive's own people table, and a dictionary lookup of n-grams over
it is exact, fast and explainable.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from archive.text.names import (NO_NAME, first_names_compatible, fold, resolve_person,
                                split_name, surname_spelled_like)
from archive.text.roles import (ABBREVIATED_OFFICES, NAME_TITLES, OFFICE_RANKS, OTHER_OFFICE,
                                core_role, past_office)
from archive.text.places import place_key, same_place
from archive.text.terms import STOPWORDS

MAX_NGRAM = 6
MIN_HEAD_PEOPLE = 3
CLOSE_CACHE = 1024  # typed names whose close spellings a Linker remembers
# A country no holder's role writes counts for a holder whose articles name it this often
# ("Scotland's first minister": the first minister quoted in articles naming Scotland).
PLACE_SHARE = 0.5
SUFFIXES = frozenset("jr sr ii iii iv".split())
# Third-person speech verbs: "X says Y" is a headline or a sentence, not a question.
HEADLINE_VERBS = frozenset("""says tells warns pledges praises urges vows denies insists
argues admits accuses blames criticises criticizes responds replies rebuts announces
promises thinks believes writes tweets testifies reacts""".split())
# The same verbs after a plural subject ("Tories pledge ..."): a statement only right after
# the name, since alone they are nouns too ("Lavrov's pledge").
PLURAL_HEADLINE_VERBS = frozenset("""say tell warn pledge praise urge vow deny insist argue admit
accuse blame criticise criticize respond reply rebut announce promise""".split())
PRONOUNS = frozenset("he she they we i you it him her them us his its their one".split())
# Words that ask for what someone said, wherever they stand in the question.
SPEECH_WORDS = frozenset("""say says said saying tell tells told telling comment comments commented
commenting remark remarks remarked statement statements quote quotes quoted quotation
quotations words warning warnings warn warns warned criticism criticisms criticise criticised
criticises criticize criticized criticizes critique reaction reactions react reacts reacted
response responses respond responds responded reply replies replied interview interviews
claim claims claimed view views position stance argue argues argued insist insists insisted
deny denies denied denial promise promises promised pledge pledges pledged vow vows vowed
announce announces announced announcement speech speeches testimony testify testified tweet
tweets tweeted write writes wrote blame blames blamed accuse accuses accused praise praises
praised urge urges urged admit admits admitted think thinks thought believe believes
believed opinion message address""".split())
# Abbreviated offices are read as the word they abbreviate ("Indiana Gov." is the Indiana
# governor), "CEO" too; the titles written before a name are archive.text.roles' NAME_TITLES
# (never a role on their own) and OFFICE_RANKS (those that also begin an office).
ABBREVIATIONS = {short: nouns[0] for short, nouns in ABBREVIATED_OFFICES.items()} | {
    "ceo": "chief executive"}
# Words of a question's frame that are not its topic.
FRAME = frozenset("""what did does do has have had is was were been show find get list me all
the any anything something ever from by quotes quote""".split())
DETERMINERS = frozenset("the a an".split())
# Words that may start a question capitalised without narrowing the role they precede.
GENERIC_MODIFIERS = frozenset("""outgoing incoming current new top senior chief interim then
longtime veteran embattled""".split())
TOKEN = re.compile(r"\w[\w'’.\-]*")




def _first_names_before(toks: Sequence[Token], i: int) -> tuple[str, ...]:
    """The capitalised name words written just before token i ("Roy" in "Roy Cooper"), not
    titles, offices or question words; empty when there are none."""
    first: list[str] = []
    k = i - 1
    while k >= 0 and toks[k].text[:1].isupper() and toks[k].key not in NAME_TITLES \
            and toks[k].key not in ROLE_NOUNS and toks[k].key not in FRAME \
            and toks[k].key not in SPEECH_WORDS and toks[k].key not in STOPWORDS \
            and not toks[k].text.endswith(("'s", "’s")) and len(first) < 3:
        first.insert(0, toks[k].key)
        k -= 1
    return tuple(first)


@dataclass(frozen=True)
class Token:
    key: str
    start: int
    end: int
    text: str


def tokens(text: str, expand: bool = True) -> list[Token]:
    """Words with their character span; `key` folded (case, accents, possessive 's), and
    with `expand` an abbreviated office spelled out ("Gov." -> governor; not an acronym in
    capitals such as "SEC", except "CEO")."""
    out = []
    for m in TOKEN.finditer(text):
        word = m.group().rstrip(".'’-")
        key = fold(word).replace(" ", "")
        if expand and key in ABBREVIATIONS and (not word.isupper() or key == "ceo"):
            key = ABBREVIATIONS[key]
        for part in key.split():
            out.append(Token(part, m.start(), m.start() + len(word), word))
    return out


def _keys(text: str, expand: bool = True) -> tuple[str, ...]:
    return tuple(t.key for t in tokens(text, expand))


# Words that tie an office to what it is an office of, or where: "secretary of state",
# "lawyer for X", "analyst at Y", "envoy to Z", "real estate developer in Virginia".
OFFICE_LINKS = ("of", "for", "at", "to", "in")


def office_of(words: Sequence[str]) -> bool:
    """An office word followed by of/for/at/to/in ("secretary of state", "lawyer for X")."""
    return any(a in ROLE_NOUNS and b in OFFICE_LINKS for a, b in zip(words, words[1:]))


# Little words an organisation's name keeps inside it, which its acronym skips.
ACRONYM_SKIPS = frozenset("of for and in on the de".split())


def with_acronyms(toks: Sequence[Token]) -> list[tuple[str, ...]]:
    """A role's words, then (when it names one) the same with each name of two or more
    capitalised words shortened to its initials, offices apart, as a question may write
    it: "US Ambassador to the Organization for Security and Co-operation in Europe" also
    as (us, ambassador, to, the, osce); "Secretary General of the North Atlantic Treaty
    Organization" as (secretary, general, of, the, nato)."""
    keys = tuple(t.key for t in toks)
    if sum(capitalised(t) and not t.text.isupper() for t in toks) < 2:
        return [keys]  # most roles: no name of two capitalised words to shorten
    form, i = list(keys), len(toks) - 1
    while i >= 0:  # from the end, so that a shortened run leaves earlier indices valid
        if not _name_word(toks[i]):
            i -= 1
            continue
        start, k = i, i - 1
        while k >= 0 and (_name_word(toks[k]) or toks[k].key in ACRONYM_SKIPS):
            start = k if _name_word(toks[k]) else start
            k -= 1
        words = [t for t in toks[start:i + 1] if _name_word(t)]
        if len(words) >= 2:
            form[start:i + 1] = ["".join(t.key[0] for t in words)]
        i = start - 1
    return [keys] if len(form) == len(keys) else [keys, tuple(form)]


def _name_word(tok: Token) -> bool:
    """A capitalised word of an organisation's name: no office or word of one ("Deputy",
    "Foreign"), no place ("Russian"), no acronym."""
    return (capitalised(tok) and not tok.text.isupper() and tok.key[:1].isalpha()
            and tok.key not in ROLE_NOUNS and tok.key not in ORG_VOICES
            and tok.key not in NAME_TITLES and tok.key not in OTHER_OFFICE
            and tok.key != "foreign" and place_key(tok.key) is None)


def office_first(words: Sequence[str]) -> tuple[str, ...] | None:
    """An office "of" something written the other way round: "president of the NAACP" ->
    "naacp president", "lawyer for the Sierra Club" -> "sierra club lawyer" (what follows
    the preposition, then the office); None when the words are not "OFFICE of/for/... X".
    An archive stores whichever form its articles wrote, a question may use the other."""
    at = next((i for i, (a, b) in enumerate(zip(words, words[1:]))
               if a in ROLE_NOUNS and b in OFFICE_LINKS), None)
    if at is None or at + 2 >= len(words):
        return None
    rest = [w for w in words[at + 2:] if w not in DETERMINERS]
    return tuple(rest) + tuple(words[:at + 1]) if rest else None


def _no_name(word: str) -> bool:
    """A word that is never a name on its own: an office, a title, a pronoun, a suffix."""
    return (word in ROLE_NOUNS or word in NAME_TITLES or word in DETERMINERS
            or word in STOPWORDS or word in FRAME or word in PRONOUNS or word in SUFFIXES)


class Linker:
    """The archive's people as a gazetteer: alias and surname n-grams, roles by head word.
    `places` gives, for some people, the places the articles quoting them name and in how
    many of those articles (Backend.places_near); without it, a country that no role writes
    finds nobody (`placed_holders`)."""

    def __init__(self, aliases: dict[str, str], people: Iterable[dict] = (),
                 places: Callable[[Sequence[str]], dict[str, dict[str, int]]] | None = None
                 ) -> None:
        self.aliases = aliases
        self._places = places
        self.articles: dict[str, int] = {}
        self.names: dict[tuple[str, ...], set[str]] = defaultdict(set)
        for alias, person in aliases.items():
            key = _keys(alias, expand=False)
            # an office is no name ("Speaker", "the President": kept as roles instead), nor
            # is a pronoun or a question word an extraction error took for one ("He"); a
            # one-word alias of a person counts only as their surname (a grouping error
            # once filed "Halifax" under Asa Khalif)
            if key and not all(_no_name(k) for k in key) and (
                    len(key) > 1 or _keys(person, expand=False) == key
                    or (split_name(person) or NO_NAME).surname == key[0]):
                self.names[key].add(person)
        self._close: dict[str, list[str]] = {}
        self.surnames: dict[tuple[str, ...], set[str]] = defaultdict(set)
        self.kinds: dict[str, str] = {}
        self.quotes: dict[str, int] = {}
        self.roles: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        people = list(people)
        # every role as written, for the people of an organisation (`members`, kept per
        # organisation, with each canonical name's aliases): keyed on the first question
        # about an organisation, not when the archive opens
        self._roles_written = [(role, p["name"]) for p in people for role in p.get("roles") or ()]
        self._written: list[tuple[tuple[str, ...], str]] | None = None
        self._members: dict[str, list[str]] = {}
        self._aliases_of: dict[str, list[str]] | None = None
        for p in people:
            self.kinds[p["name"]] = p.get("type") or "person"
            self.quotes[p["name"]] = int(p.get("quotes") or 0)
            self.articles[p["name"]] = int(p.get("articles") or 0)
        for p in people:
            for role in p.get("roles") or ():
                self._add_role(role, p["name"])
        self._keep_role_heads()
        self.role_words = {w for roles in self.roles.values() for key, _ in roles for w in key}
        for person in set(aliases.values()):
            if self.kinds.get(person, "person") == "person":
                parts = split_name(person)
                if parts and parts.first and not _no_name(parts.surname):
                    self.surnames[tuple(parts.surname.split())].add(person)

    def _add_role(self, role: str, person: str) -> None:
        """Key a role as written under its head word (and swapped, and shortened to
        acronyms), when it is an office."""
        written = tokens(core_role(role))
        # titles are no part of an office, but a rank that begins one is ("Lord
        # Chancellor", "Lady Justice"): kept where an office word follows it
        toks = [t for k, t in enumerate(written) if t.key not in NAME_TITLES or (
            t.key in OFFICE_RANKS and k + 1 < len(written)
            and written[k + 1].key not in NAME_TITLES)]
        toks = toks[1:] if toks and toks[0].key in DETERMINERS else toks
        while toks and toks[-1].key in SUFFIXES:  # "adviser to Joseph R. Biden Jr."
            toks.pop()
        # an office ends in an office word ("minister", "front-runner") or names
        # what it is an office of ("Secretary of State", "president of the
        # NAACP"), never in a name ("rival to Hillary Clinton" is no role)
        key = tuple(t.key for t in toks)
        if toks and (toks[-1].key in ROLE_NOUNS or not capitalised(toks[-1]) or (
                office_of(key) and not self._ends_in_person(key))):
            for form in with_acronyms(toks):  # "... to the OSCE" as a question may
                self.roles[form[-1]].append((form, person))
                if (swapped := office_first(form)) is not None:
                    self.roles[swapped[-1]].append((swapped, person))

    def _keep_role_heads(self) -> None:
        """A head word that is no office noun counts only when several people's roles end in
        it ("front-runner", "nominee"); one odd role ("... and being the lads") does not, nor
        do offices "of" something that share a last word ("analyst at X Inc", "oil analyst
        with Y inc"): those are kept as offices of it ("Secretary of State")."""
        for head in [h for h in self.roles if h not in ROLE_NOUNS]:
            offices = [(key, person) for key, person in self.roles[head] if office_of(key)]
            plain = [(key, person) for key, person in self.roles[head] if not office_of(key)]
            if len({person for _, person in plain}) < MIN_HEAD_PEOPLE:
                plain = []
            if head in STOPWORDS or head in PRONOUNS or head.endswith("self"):
                offices = plain = []  # no role ends in "the", "and", "himself": extraction slips
            if offices or plain:
                self.roles[head] = offices + plain
            else:
                del self.roles[head]

    def _ends_in_person(self, key: tuple[str, ...]) -> bool:
        """Does a role end in a person's name ("adviser to Hillary Clinton")?"""
        return any(self.kinds.get(person, "person") == "person"
                   for n in range(1, min(MAX_NGRAM, len(key)) + 1)
                   for person in self.names.get(key[-n:], ()))

    def members(self, organisation: str) -> list[str]:
        """People whose role names the organisation, or one of its aliases ("director
        general of the British Chambers of Commerce", "BCC director general"), the most
        quoted first; a former office ("former CBI director-general") is nobody's voice now.
        """
        # its other names: acronyms ("BCC") and longer forms, not a single word that a
        # grouping slip may have filed under it ("House" under the White House)
        if organisation in self._members:  # a linker lives as long as its archive
            return self._members[organisation]
        if self._written is None:
            self._written = [(key, person) for role, person in self._roles_written
                             for key in with_acronyms(tokens(role))]
        if self._aliases_of is None:
            self._aliases_of = defaultdict(list)
            for alias, canonical in self.aliases.items():
                self._aliases_of[canonical].append(alias)
        names = {organisation} | {a for a in self._aliases_of.get(organisation, ())
                                  if a.isupper() and len(a) > 1 or len(a.split()) > 1}
        keys = {k for k in (tuple(t.key for t in tokens(n) if t.key not in DETERMINERS)
                            for n in names) if k and not all(_no_name(w) for w in k)}
        found = {person for role, person in self._written
                 if self.kinds.get(person, "person") == "person" and person != organisation
                 and not past_office(role)
                 and any(_speaks_for(role, k) for k in keys)}
        people = by_quotes(found, self)
        if organisation in self.kinds:  # typed names that are no speaker are not kept
            self._members[organisation] = people
        return people

    def close_people(self, typed: str) -> list[str]:
        """People (never places or organisations) a typed name may be a misspelling or a
        variant of: `resolve_person`'s fuzzy matches whose surname is close to the typed
        last word. Kept per linker: the fuzzy scan goes over every alias."""
        if typed not in self._close:
            if len(self._close) >= CLOSE_CACHE:
                self._close.clear()
            self._close[typed] = [
                p for p in surname_close(typed, resolve_person(typed, self.aliases))
                if self.kinds.get(p, "person") == "person"]
        return self._close[typed]

    def longest_name(self, toks: Sequence[Token], i: int) -> tuple[int, set[str]]:
        """The longest alias or surname starting at token i: (length, people) or (0, {}).

        A capitalised first name written just before the match must fit: "Roy Cooper" is
        not Yvette Cooper (the guard of archive.text.names against merging people who
        share a surname)."""
        for n in range(min(MAX_NGRAM, len(toks) - i), 0, -1):
            key = tuple(t.key for t in toks[i:i + n])
            people = self.names.get(key) or self.surnames.get(key)
            if people and n == 1 and self._first_of_longer(toks, i):
                return 0, set()  # "Roy" in "Roy Cooper", "Donald" in "Donald Trum"
            if people:
                first = _first_names_before(toks, i)
                if first:
                    people = {p for p in people if first_names_compatible(
                        first, (split_name(p) or NO_NAME).first, nicknames=True)}
                return (n, people) if people else (0, set())
        return 0, set()

    def _first_of_longer(self, toks: Sequence[Token], i: int) -> bool:
        """Is the word at i the first name of a longer name: followed by a capitalised word
        that no known name starts with (given this first name)?"""
        if i + 1 >= len(toks) or not capitalised(toks[i]):
            return False
        following = toks[i + 1]
        return (capitalised(following) and not plain_word(following)
                and following.key not in ROLE_NOUNS and not self.longest_name(toks, i + 1)[0])

    def role_people(self, words: Sequence[str]) -> set[str]:
        """People holding a role that contains every one of `words` in order (each word equal
        or, from 5 letters, a close spelling: "Russia" ~ "Russian"), ending in the same head
        word, and adds no word that makes it another office ("deputy", "former"); of those,
        the roles with the fewest other words: "foreign minister" -> every foreign
        minister; "Russian foreign minister" -> one."""
        if not words:
            return set()
        found: dict[str, int] = {}
        office = any(w in ROLE_NOUNS for w in words)
        for role, person in self.roles.get(words[-1], ()):
            # an office of something ("analyst at Salomon Inc") is not that something: the
            # office word must be asked for too
            if office_of(role) and not office:
                continue
            if _in_order(words[:-1], role[:-1]) and not (OTHER_OFFICE.intersection(role)
                                                        - set(words)):
                extra = len(role) - len(words)
                found[person] = min(extra, found.get(person, extra))
        fewest = min(found.values(), default=0)
        holders = {p for p, extra in found.items() if extra == fewest}
        former = {p for p in holders if self._mostly_former(words, p)}
        return holders - former if holders - former else holders

    def placed_holders(self, words: Sequence[str]) -> list[str]:
        """Holders of a role led by a country that none of their roles writes ("scotland
        first minister" where the articles wrote "First Minister"): those of the rest of the
        role whose articles name the country in at least PLACE_SHARE of them, most quoted
        first; [] when the words are no such role or nobody qualifies. Evidence, not a
        role: a reading offers them to choose (reading.place_reading), never asserts one."""
        place = place_key(words[0]) if len(words) > 1 else None
        if place is None or self._places is None or self.role_people(words):
            return []
        holders = self.role_people(words[1:])
        if not holders:
            return []
        named = self._places(sorted(holders))
        kept = [p for p in holders if self.articles.get(p) and max(
            (n for name, n in named.get(p, {}).items() if place_key(name) == place),
            default=0) >= PLACE_SHARE * self.articles[p]]
        return by_quotes(kept, self)

    def _mostly_former(self, words: Sequence[str], person: str) -> bool:
        """Is the role written of `person` more often as a past office ("former foreign
        secretary", "ex-foreign secretary") than as a present one? Then, beside a present
        holder, they are not who "the foreign secretary" means."""
        past = present = 0
        for role, holder in self.roles.get(words[-1], ()):
            if holder != person:
                continue
            bare = [w.removeprefix("ex-") for w in role]
            if _in_order(words[:-1], bare[:-1]):
                was = past_office(role)
                past, present = past + was, present + (not was)
        return past > present


def _speaks_for(role: tuple[str, ...], org: tuple[str, ...]) -> bool:
    """Is `role` an office that speaks for `org`: the organisation then the office ("bcc
    director general", "white house press secretary"), or the office of/for/at it
    ("director general of the british chambers of commerce"), or the organisation alone
    ("of the refugee council", written after a name)? Not a role that merely
    mentions it ("veteran of the obama white house", "landed in the white house")."""
    n = len(org)
    for i in range(len(role) - n + 1):
        if role[i:i + n] != org:
            continue
        rest, before = role[i + n:], [w for w in role[:i] if w not in DETERMINERS]
        while rest and rest[-1] in NAME_TITLES:  # "CBI director-general Sir"
            rest = rest[:-1]
        if i == 0 and rest and _voice(rest[-1]) and not STOPWORDS.intersection(rest):
            return True
        if len(before) >= 2 and before[-1] in ("of", "for", "at") and \
                _voice(before[-2]) and not rest:
            return True
        if before in (["of"], ["from"], ["at"]) and not rest:
            return True  # "Hannah Ward of the Refugee Council": the affiliation alone
    return False


def _voice(word: str) -> bool:
    """An office that speaks for an organisation, hyphenated too ("director-general")."""
    return word in ORG_VOICES or word.rsplit("-", 1)[-1] in ORG_VOICES


def _close(a: str, b: str) -> bool:
    """The same word, a close spelling of it ("Russia" ~ "Russian"), or another word for the
    same country ("American" ~ "US", "Poland" ~ "Polish")."""
    return a == b or (min(len(a), len(b)) >= 5 and fuzz.ratio(a, b) >= 85) or same_place(a, b)


def _in_order(words: Sequence[str], role: Sequence[str]) -> bool:
    """Every word appears in `role`, in order (not necessarily adjacent)."""
    j = 0
    for w in words:
        while j < len(role) and not _close(w, role[j]):
            j += 1
        if j == len(role):
            return False
        j += 1
    return True


ROLE_NOUNS = frozenset("""spokesman spokeswoman spokesperson minister secretary president
chancellor ambassador envoy senator governor chief director chairman chairwoman chair leader
mayor premier representative commissioner adviser advisor official aide general head
nominee candidate speaker executive officer manager strategist economist analyst
professor editor correspondent lawyer attorney judge justice prosecutor commander
lieutenant colonel captain admiral founder owner chairperson coach host reporter journalist
historian physicist scientist researcher developer writer author columnist commentator critic
expert scholar activist organizer pollster consultant contender member doctor physician
teacher""".split())
# Offices whose holder speaks for their organisation (`Linker.members`).
ORG_VOICES = frozenset("""spokesman spokeswoman spokesperson minister secretary president
chancellor ambassador envoy governor chief director chairman chairwoman chair chairperson
leader mayor premier representative commissioner official general head executive officer
manager economist founder owner""".split())


def capitalised(tok: Token) -> bool:
    return tok.text[:1].isupper()


def plain_word(tok: Token) -> bool:
    """A word that is never (part of) a name: frame, speech and function words."""
    return tok.key in SPEECH_WORDS or tok.key in FRAME or tok.key in STOPWORDS


def by_quotes(people: Iterable[str], linker: Linker) -> list[str]:
    return sorted(people, key=lambda p: (-linker.quotes.get(p, 0), p))


def casing(q: str, toks: list[Token]) -> str:
    """"lower" (typed without capitals), "upper" (all capitals: wire headlines), "title"
    (Title Case Headlines: a small word capitalised inside) or "mixed" (ordinary text,
    where capitals mark names)."""
    if q == q.lower():
        return "lower"
    if q == q.upper():
        return "upper"
    if any(capitalised(t) and (t.key in STOPWORDS or t.key in FRAME) for t in toks[1:]):
        return "title"
    return "mixed"


def surname_close(typed: str, people: list[str]) -> list[str]:
    """Of the people a close spelling found, those whose surname is close to the typed
    last word ("Lavrof" ~ Lavrov; not "Brexit" ~ Beith, which a whole-string fuzzy match
    lets in)."""
    words = typed.split()
    last = words[-1] if words else ""
    return [p for p in people if surname_spelled_like(last, (split_name(p) or NO_NAME).surname)]
