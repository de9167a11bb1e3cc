"""Speakers described, not named, resolved with what the archive knows of its people's roles:
"The Republican nominee said ..." in an article that names Donald Trump is Trump's when
the archive calls him, and nobody else the article quotes, "Republican nominee".

The rules resolve "the senator" against the roles the same article gives (people.ArticleIndex);
a description the article never attaches to a name stays unresolved there. A build knows
more: every role written for a speaker in its other articles (`described_holders` is given
them, by a build over the whole archive and by `resolve_descriptions` over a set of
articles). A description resolves only to exactly one of the article's quoted people
whose known role holds every word of it, ends in its head word and adds no word that makes
it another office ("the Republican nominee" is not the Republican vice-presidential
nominee); a past office ("the former governor") only to a role written as one, and possessed
ones ("his spokesman") never. Imports archive.models, archive.text.roles and the lexicon and
titles of archive.quotes.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

from archive.models import Attribution
from archive.quotes.lexicon import PERSON_ROLE_NOUNS
from archive.quotes.titles import with_title_nouns
from archive.text.roles import PAST_WORDS, other_office


K = TypeVar("K", bound=Hashable)  # what a caller keys its descriptions by
# Words a description and a role may write for the same thing ("the GOP nominee").
SAME_WORDS = {"gop": "republican"}


def _head(words: Sequence[str]) -> str:
    """The office a role or description names: the word before "of" when it is an office
    ("secretary of state" -> secretary), else the last word."""
    at = words.index("of") if "of" in words[1:] else 0
    return words[at - 1] if at and words[at - 1] in PERSON_ROLE_NOUNS else words[-1]


def _parts(speaker_text: str) -> list[tuple[frozenset[str], str]] | None:
    """(words, head) of each office a definite description joins with "and" ("the Florida
    senator and Republican presidential candidate"), or None for anything else: a name, a
    pronoun, a bare "the senator" (the article's own roles resolve that), a possessed office
    ("his spokesman")."""
    words = speaker_text.replace("’s", " ").replace("'s", " ").lower().split()
    if len(words) < 3 or words[0] != "the" or not all(w.isalpha() or "-" in w for w in words):
        return None
    parts, part = [], []
    for w in [*words[1:], "and"]:
        if w != "and":
            part.append(SAME_WORDS.get(w, w))
        elif part:
            parts.append((frozenset(part), _head(part)))
            part = []
    if not parts or not all(head in PERSON_ROLE_NOUNS for _, head in parts):
        return None
    return parts


def description_words(speaker_text: str) -> tuple[frozenset[str], str] | None:
    """(words, head) of a definite role description ("The Republican nominee" ->
    ({"republican", "nominee"}, "nominee")): of all the offices it joins with "and", with
    the head of the last; None for anything else (see `_parts`)."""
    parts = _parts(speaker_text)
    return None if parts is None else (frozenset().union(*(w for w, _ in parts)), parts[-1][1])


def _lower(words: Iterable[str]) -> list[str]:
    """A role's words as a description is compared with them: lower case, "GOP" as
    Republican."""
    return [SAME_WORDS.get(w, w) for w in (w.lower().strip(",") for w in words)]


def holds(role: str, words: frozenset[str], head: str) -> bool:
    """Does a role as written ("Republican presidential nominee") fit the description's
    words: all of them, the same head word, no word of another office? A past office
    fits only a description that says so ("the former secretary of state")."""
    low = _lower(role.split())
    if not low:
        return False
    every = set(with_title_nouns(low))  # "Sen." is a senator too
    heads = set(with_title_nouns([_head(low)]))
    return (words <= every and head in heads and not other_office(every - words)
            and not (PAST_WORDS.intersection(every) and not PAST_WORDS.intersection(words)))


def holder(speaker_text: str, roles: Mapping[str, Iterable[str]]) -> str | None:
    """The one person of `roles` (name -> roles written for them) the description fits,
    every office it joins with "and" in one of their roles, or None (no description,
    nobody, or several)."""
    parts = _parts(speaker_text)
    if parts is None:
        return None
    fits = [name for name, written in roles.items()
            if all(any(holds(role, *part) for role in written) for part in parts)]
    return fits[0] if len(fits) == 1 else None


def described_holders(described: Iterable[tuple[K, str, str]],
                      quoted: Mapping[str, Iterable[str]],
                      roles: Mapping[str, Iterable[str]]) -> dict[K, str]:
    """The one place descriptions are resolved, for a build (rows of the store) and for one
    set of articles alike: of each (key, article, speaker phrase) in `described`, the one
    person `quoted[article]` names whom the phrase fits (`holder`: a name or a pronoun is
    no description and fits nobody), with `roles` the roles the archive knows by speaker
    name; keys of phrases that fit nobody, or several, are left out."""
    found: dict[K, str] = {}
    for key, article, text in described:
        people = {p: roles.get(p, ()) for p in quoted.get(article, ())}
        if people and (name := holder(text, people)):
            found[key] = name
    return found


def resolve_descriptions(articles: Iterable[Sequence[Attribution]],
                         roles: Mapping[str, Iterable[str]]) -> int:
    """Give each unresolved description in each article (its attributions, all paragraphs)
    the one person quoted in that article whom it fits (`described_holders`), with `roles`
    the roles the archive knows by speaker name; returns how many were resolved."""
    attrs = {(i, j): a for i, article in enumerate(articles) for j, a in enumerate(article)}
    quoted: dict[int, set[str]] = {}
    for (i, _), a in attrs.items():
        if a.speaker and a.speaker_type == "person":
            quoted.setdefault(i, set()).add(a.speaker)
    found = described_holders(((key, key[0], a.speaker_text) for key, a in attrs.items()
                                if a.speaker is None), quoted, roles)
    for key, name in found.items():
        attrs[key].speaker, attrs[key].speaker_type = name, "person"
    return len(found)
