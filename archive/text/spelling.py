"""Keys under which two spellings of a name compare: `fold` (case, accents, punctuation)
and `translit` (the variation romanisation and machine translation produce). Shared by the
grouping of names (archive.text.names) and the comparison of given names
(archive.text.given_names).
"""
from __future__ import annotations

import functools
import re
import unicodedata

# Grouping compares every pair of names in a surname cluster and regroups every speaker and
# mentioned name at each build: the same few thousand names are folded and transliterated
# hundreds of thousands of times, so the pure functions below remember their answers
# (people grouping of the 27,786-passage haystack: 2.4 s before, 1.3 s with them).
NAME_CACHE = 1 << 16


def strip_accents(text: str) -> str:
    """`text` without its combining marks ("Ségolène" -> "Segolene")."""
    return "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))


@functools.lru_cache(maxsize=NAME_CACHE)
def fold(text: str) -> str:
    """Lower-case, strip accents and punctuation except spaces and hyphens."""
    text = re.sub(r"['’`]s\b", "", strip_accents(text).lower())
    text = re.sub(r"[^\w\s\-]", " ", text)
    return " ".join(text.split())


@functools.lru_cache(maxsize=NAME_CACHE)
def translit(word: str) -> str:
    """A crude transliteration key: Ryabkov/Riabkov/Riabko, Sergey/Sergei, Lavrof/Lavrov.

    Only collapses spelling variation that Cyrillic/Arabic romanisation and
    machine translation produce; it is not a phonetic algorithm like Soundex (which
    would merge far too much).
    """
    w = fold(word).replace("-", "")
    for a, b in (("ph", "f"), ("ck", "k"), ("th", "t"), ("kh", "h"), ("ks", "x"),
                 ("y", "i"), ("w", "v"), ("c", "k"), ("q", "k"), ("j", "i")):
        w = w.replace(a, b)
    w = re.sub(r"(.)\1+", r"\1", w)  # double letters
    w = re.sub(r"(of|ov|off|ow)$", "ov", w)
    return w
