"""What a speaker phrase says a person is, and the people table built from it.

Roles are read from the speaker phrases attribution stores ("Libertarian presidential
nominee Gary Johnson", "Vann R. Newkirk II, a writer for The Atlantic") and cut to their noun
phrase, so that a question naming the role ("what did the physicist say") finds the person.
Hand-written: a few patterns over phrases already parsed by archive.quotes, where a parser
would be a second spaCy pass over every speaker phrase.
"""
from __future__ import annotations

import re

from collections import Counter, defaultdict
from collections.abc import Iterable

from archive.text.names import fold, speaker_types, split_name

# Words that make a role a past office: "former Gov. Jeb Bush", "the late senator",
# "ex-foreign secretary" (with the "ex-" prefix).
PAST_WORDS = frozenset("former ex previous past late onetime then erstwhile".split())


# Words a speaker phrase puts before a role that are no part of it ("Both President",
# "Neither Speaker", "including President", "now the Senate majority leader").
_LEADING = frozenset("""both neither either even also only all including like and or but then
now earlier later the a an""".split())
# Words no role ends in: a phrase cut in the middle ("Aides to", "attack on"), a pronoun.
_NO_END = frozenset("""a an the and or but nor of to for from with on at by in into as like
including than that who which whose his her their its our my your him them us me himself
herself themselves itself ourselves yourself is was are were be been has have had""".split())
# Words of time: a role of nothing else is a slip ("Monday", "Earlier").
_TIME = frozenset("""monday tuesday wednesday thursday friday saturday sunday january february
march april may june july august september october november december today yesterday
tonight earlier later recently""".split())
_SLIPS = _TIME | _LEADING  # a role of these words alone is no role


def clean_role(role: str | None) -> str | None:
    """A role as a reader should see it, or None for a slip of the speaker phrase: leading
    words that are no part of it dropped ("Neither Speaker" -> "Speaker"); None for a phrase
    cut in the middle ("Aides to"), a time ("Monday"), a pronoun ("himself") or a letter
    ("R")."""
    words = (role or "").split()
    while words and words[0].lower() in _LEADING:
        words.pop(0)
    while words and not words[-1].strip(".,;:!?\"'“”‘’()-—"):
        words.pop()
    if not words or words[-1].lower().strip(".,;:") in _NO_END:
        return None
    if all(w.lower().strip(".,") in _SLIPS for w in words):
        return None
    if all(len(w.strip(".,")) < 2 for w in words):
        return None
    return " ".join(words)


# Words that turn a role into another office: "deputy foreign minister" is not the minister,
# nor "the Republican vice-presidential nominee" the nominee.
OTHER_OFFICE = frozenset("""deputy vice former assistant acting ex junior shadow under previous
past late onetime""".split())


# Courtesy titles: how a person is addressed, never what they are (no role).
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "messrs"})
# Titles of rank written before a name ("Lord Chancellor Lord Falconer"): part of the
# name's address; "lord" and "lady" also begin offices ("Lord Chancellor", "Lady Justice").
RANKS = frozenset({"lord", "lady", "sir", "dame", "baroness", "baron"})
OFFICE_RANKS = frozenset({"lord", "lady"})
# Every title written before a name that never makes a role on its own.
NAME_TITLES = HONORIFICS | RANKS | {"dr", "prof"}
# Abbreviated offices and the role nouns each stands for, the word it abbreviates first:
# "Indiana Gov." is the Indiana governor; after "Sen. Maria Ortega", "the senator" and "the
# lawmaker" are her. Read by the rules (archive.quotes) and by questions (archive.search).
ABBREVIATED_OFFICES: dict[str, tuple[str, ...]] = {
    "sen": ("senator", "lawmaker"),
    "rep": ("representative", "congressman", "congresswoman", "lawmaker"),
    "gov": ("governor",), "lt": ("lieutenant",), "gen": ("general",), "atty": ("attorney",),
    "sec": ("secretary",), "secy": ("secretary",), "supt": ("superintendent",),
    "amb": ("ambassador",), "col": ("colonel",), "capt": ("captain",), "sgt": ("sergeant",),
    "det": ("detective",), "adm": ("admiral",), "pres": ("president",),
}


def office_nouns(word: str) -> tuple[str, ...]:
    """The role nouns an abbreviated office stands for ("Sen." -> senator, lawmaker); empty
    for any other word."""
    return ABBREVIATED_OFFICES.get(word.lower().rstrip("."), ())


def other_office(words: Iterable[str]) -> bool:
    """Does a word (or the first part of a hyphenated one) make a role another office?"""
    return any(w in OTHER_OFFICE or w.split("-")[0] in OTHER_OFFICE for w in words)


def past_office(words: Iterable[str]) -> bool:
    """Do a role's lower-case words make it a past office ("former", "ex-minister")?"""
    return any(w in PAST_WORDS or w.startswith("ex-") for w in words)


# where a role's noun phrase ends: a comma, a dash, or a relative clause ("a physicist who
# is co-director of ...", "a lawyer for the Sierra Club, who has been challenging ...")
_ROLE_END = re.compile(r"\s*(?:,|;|\(|\s--\s|\s—\s|\s–\s)|\s+(?:who|which|that|whose|where)\b",
                       re.IGNORECASE)
# "NAME, a ROLE" / "NAME (D-S.C.), the ROLE" after the name in a speaker phrase
_APPOSITION = re.compile(r"\s*(?:\([^)]*\))?\s*(?:,?\s*(?:Jr\.?|Sr\.?|II|III|IV)\b)?\s*,\s*"
                         r"(?:a|an|the)\s+(.+)$", re.IGNORECASE)


def core_role(role: str) -> str:
    """A role's noun phrase, without the clause or aside that follows it ("physicist who is
    co-director of the Nuclear Policy Program" -> "physicist")."""
    return _ROLE_END.split(role, maxsplit=1)[0].strip(" ,.-")


def apposition_role(phrase: str | None, speaker: str) -> str | None:
    """The role a speaker phrase gives after the name ("Vann R. Newkirk II, a writer for The
    Atlantic" -> "writer for The Atlantic"), or None."""
    parts = split_name(speaker)
    if not phrase or parts is None:
        return None
    written = " ".join(speaker.split()[-len(parts.surname.split()):])  # the surname as written
    found = re.search(r"\b" + re.escape(written) + r"\b", phrase, re.IGNORECASE)
    m = _APPOSITION.match(phrase[found.end():]) if found else None
    role = core_role(m.group(1)) if m else ""
    return role or None


def writes_name(phrase: str | None, speaker: str) -> bool:
    """Does a speaker phrase write the speaker's surname (not a pronoun or a role alone)?"""
    parts = split_name(speaker)
    return bool(phrase and parts and f" {parts.surname} " in f" {fold(phrase)} ")


def people_table(mentions: Iterable[tuple[str, str | None, str, str | None]],
                 aliases: dict[str, str],
                 roles_written: Iterable[tuple[str, str, str]] = ()) -> list[dict]:
    """The people of an archive, by name: one row per canonical name with its aliases (the
    spellings used), roles, quotes (attributions), articles (distinct) and type.

    `mentions` are (speaker, role, article_id, speaker_type), one per attribution; `aliases`
    is group_names' map, and a speaker it does not map is nobody (as in the catalogue).
    `roles_written` are (speaker, role, speaker phrase) of further attributions (ones not
    confident enough to count as quotes): their role joins a person's roles when the phrase
    writes the person's name beside it ("Libertarian presidential nominee Gary Johnson":
    how sure we are of the quote says nothing against the title written with the name)."""
    mentions = list(mentions)
    types = speaker_types([(s, t) for s, _, _, t in mentions], aliases)
    quotes: Counter = Counter()
    articles: dict[str, set] = defaultdict(set)
    names: dict[str, set] = defaultdict(set)
    roles: dict[str, set] = defaultdict(set)
    for speaker, role, article_id, _ in mentions:
        person = aliases.get(speaker)
        if person is None:
            continue
        quotes[person] += 1
        articles[person].add(article_id)
        names[person].add(speaker)
        if role := clean_role(role):
            roles[person].add(role)
    for speaker, role, phrase in roles_written:
        person = aliases.get(speaker)
        if person in quotes and writes_name(phrase, speaker):
            roles[person].update(r for r in (clean_role(role),
                                              clean_role(apposition_role(phrase, speaker))) if r)
    return [{"name": p, "aliases": sorted(names[p]), "roles": sorted(roles[p]),
             "quotes": quotes[p], "articles": len(articles[p]), "type": types.get(p)}
            for p in sorted(quotes)]
