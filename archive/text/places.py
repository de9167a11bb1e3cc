"""One key for the words a role may use for the same country: "American", "US", "U.S.",
"USA" and "America" are one place, as are "Polish" and "Poland", "British", "UK" and
"Britain". A question asks for "the American ambassador" or "Poland's foreign minister"
where the articles wrote "US Ambassador" and "Polish Foreign Minister".

The countries, their demonyms and their one-word other names come from the countryinfo
package; the nations of the United Kingdom, which it does not list, and the one-word short
names news writes ("America", "Britain") are added here.
"""
from __future__ import annotations

from functools import lru_cache

from archive.text.names import fold

# What countryinfo does not list: the UK's nations, short names news uses for a country.
# Country codes are left out of countryinfo's names ("IN", "IT", "CAN" are words too), but
# for the ones news writes as names.
EXTRA_NAMES = {"scotland": ("scottish", "scots"), "wales": ("welsh",),
               "england": ("english",), "northern ireland": ("northern irish",),
               "united states": ("america", "us", "usa"), "united kingdom": ("britain", "uk")}


def _word(text: str) -> str:
    """A place word as the question reader keys it: folded, without dots ("U.S." -> us)."""
    return fold(text).replace(".", "").replace(" ", "")


@lru_cache(maxsize=1)
def _keys() -> dict[str, str]:
    """Every one-word name and demonym of a country (and the few codes of EXTRA_NAMES) ->
    the country's name."""
    from countryinfo import all_countries  # lazy: 256 JSON files, read on the first question

    keys: dict[str, str] = {}
    # the most populous first: "American" is the United States' demonym before American
    # Samoa's
    infos = sorted((c.info() for c in all_countries()),
                   key=lambda i: -(i.get("population") or 0))
    for info in infos:
        name = (info.get("name") or "").lower()
        if not name:
            continue
        words = [name, info.get("demonym") or "",
                 *(s for s in info.get("altSpellings") or () if s.isascii() and not s.isupper())]
        for word in words:
            if word and (" " not in word.strip() or word.lower() == name):
                keys.setdefault(_word(word), name)
    for name, others in EXTRA_NAMES.items():
        for word in (name, *others):
            keys[_word(word)] = name
    return keys


@lru_cache(maxsize=65536)  # role_people compares every word pair of every matching role
def place_key(word: str) -> str | None:
    """The country a single word names or is the people of ("American" -> "united states",
    "Poland" -> "poland"), None for any other word."""
    return _keys().get(_word(word)) if word else None


def same_place(a: str, b: str) -> bool:
    """Do two words name the same country ("polish", "poland")?"""
    key = place_key(a)
    return key is not None and key == place_key(b)
