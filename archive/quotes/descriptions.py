"""Speakers described, not named, resolved with what the archive knows of its people's roles:
"The Republican nominee said ..." in an article that names Donald Trump is Trump's when
the archive calls him, and nobody else the article quotes, "Republican nominee".

The rules resolve "the senator" against the roles the same article gives (people.ArticleIndex);
a description the article never attaches to a name stays unresolved there. A build knows
more: every role written for a speaker in its other articles (`resolve_descriptions` is
given them). A description resolves only to exactly one of the article's quoted people
whose known role holds every word of it, ends in its head word and adds no word that makes
it another office ("the Republican nominee" is not the Republican vice-presidential
nominee); past offices ("the former governor") and possessed ones ("his spokesman") are
never resolved this way. Imports archive.models, archive.text.roles and the lexicon and
titles of archive.quotes.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from archive.models import Attribution
from archive.quotes.lexicon import PERSON_ROLE_NOUNS
from archive.quotes.titles import with_title_nouns
from archive.text.roles import PAST_WORDS, other_office


def description_words(speaker_text: str) -> tuple[frozenset[str], str] | None:
    """(words, head) of a definite role description ("The Republican nominee" ->
    ({"republican", "nominee"}, "nominee")), or None for anything else: a name, a pronoun,
    a bare "the senator" (the article's own roles resolve that), a past or possessed office."""
    words = speaker_text.replace("’s", " ").replace("'s", " ").lower().split()
    if len(words) < 3 or words[0] != "the" or not all(w.isalpha() or "-" in w for w in words):
        return None
    head = words[-1]
    if head not in PERSON_ROLE_NOUNS or PAST_WORDS.intersection(words):
        return None
    return frozenset(words[1:]), head


def _expanded(words: Iterable[str]) -> set[str]:
    """A role's lower-case words with what its abbreviated titles stand for ("Sen." ->
    senator)."""
    return set(with_title_nouns([w.lower().strip(",") for w in words]))


def holds(role: str, words: frozenset[str], head: str) -> bool:
    """Does a role as written ("Republican presidential nominee") fit the description's
    words: all of them, the same head word, no word of another office?"""
    written = role.split()
    if not written:
        return False
    every = _expanded(written)
    return (words <= every and head in _expanded(written[-1:])
            and not other_office(every - words))


def holder(speaker_text: str, roles: Mapping[str, Iterable[str]]) -> str | None:
    """The one person of `roles` (name -> roles written for them) the description fits, or
    None (no description, nobody, or several)."""
    found = description_words(speaker_text)
    if found is None:
        return None
    fits = [name for name, written in roles.items()
            if any(holds(role, *found) for role in written)]
    return fits[0] if len(fits) == 1 else None


def resolve_descriptions(articles: Iterable[Sequence[Attribution]],
                         roles: Mapping[str, Iterable[str]]) -> int:
    """Give each unresolved description in each article (its attributions, all paragraphs)
    the one person quoted in that article whom it fits (`holder`), with `roles` the roles
    the archive knows by speaker name; returns how many were resolved."""
    done = 0
    for attrs in articles:
        people = {a.speaker for a in attrs if a.speaker and a.speaker_type == "person"}
        if not people:
            continue
        known = {p: roles.get(p, ()) for p in people}
        for attr in attrs:
            if attr.speaker is None and (name := holder(attr.speaker_text, known)):
                attr.speaker, attr.speaker_type = name, "person"
                done += 1
    return done
