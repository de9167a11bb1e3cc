"""Names as a speaker phrase writes them: titles split off ("Mr.", "Foreign Secretary"),
possessives, brackets and suffixes stripped."""
from __future__ import annotations

import re
from collections.abc import Sequence

from archive.quotes.lexicon import NAME_SUFFIXES, TITLES
from archive.text.roles import HONORIFICS, RANKS, clean_role, office_nouns


def split_title(tokens: Sequence[str]) -> tuple[list[str], list[str]]:
    """Split leading title/role words off a name: ["Mr.", "Lavrov"] -> (["Mr."], ["Lavrov"]).

    The last token is always kept as the name, so a bare "President" stays a name.
    """
    cut = 0
    while cut < len(tokens) - 1 and is_title(tokens[cut]):
        cut += 1
    return list(tokens[:cut]), list(tokens[cut:])


def is_honorific(word: str) -> bool:
    """ "Mr.", "Ms", "Mrs.": a courtesy title, not a role."""
    return word.lower().rstrip(".") in HONORIFICS


def bare_role(role: str | None) -> str | None:
    """A role without courtesy titles and without the rank that ends it: "Polish Foreign
    Minister Mr." -> "Polish Foreign Minister", "Lord Chancellor Lord" -> "Lord Chancellor",
    "Mr." or "Lord" alone -> None."""
    words = [w for w in (role or "").split() if not is_honorific(w)]
    while words and words[-1].lower().rstrip(".") in RANKS:
        words.pop()
    return clean_role(" ".join(words))


def with_title_nouns(low: Sequence[str]) -> list[str]:
    """A role's lower-case words, then the nouns its abbreviated titles stand for ("sen." ->
    senator, lawmaker)."""
    return [*low, *(n for w in low for n in office_nouns(w))]


def is_title(word: str) -> bool:
    """True for a title/role word such as "Mr.", "Foreign", "Secretary"."""
    w = word.lower().rstrip(".")
    return w in TITLES or w in {"of", "the", "to", "for", "'s", "’s"}


def clean_name(text: str) -> tuple[str, str | None]:
    """Strip titles, possessives and punctuation from a name; return (name, title).

    >>> clean_name("Mr. Sergey Lavrov's")
    ('Sergey Lavrov', 'Mr.')
    """
    text = re.sub(r"\s*\([^)]*\)", "", text)  # "Mike Pence (R-IN)"
    text = re.sub(r"['’]s?$", "", text.strip()).strip(" ,.;:-—“”\"'")
    words = text.split()
    if words and words[0].lower() in {"the", "a", "an"}:
        words = words[1:]
    while len(words) > 1 and words[-1].lower().strip(".,") in NAME_SUFFIXES:
        words = words[:-1]
    words[-1:] = [w.rstrip(",") for w in words[-1:]]
    title, name = split_title(words)
    return " ".join(name), (" ".join(title) or None)
