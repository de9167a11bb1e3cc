"""Who and what a passage names: spaCy's entities of the parse attribution already made.

PERSON becomes "person", ORG "org", GPE (countries, cities) and LOC (regions, seas) "place".
Names are cleaned like speakers (`clean_name`: titles, possessives, a leading "the" dropped);
a span with no capital letter, or longer than MAX_WORDS words, is not a name. Imports
archive.models and archive.quotes.speakers only; works on parsed docs (no spaCy import).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from archive.models import Mention
from archive.quotes.speakers import clean_name

if TYPE_CHECKING:  # pragma: no cover - typing only
    from spacy.tokens import Doc

MENTION_TYPES = {"PERSON": "person", "ORG": "org", "GPE": "place", "LOC": "place"}
MAX_WORDS = 6


def doc_mentions(doc: "Doc") -> list[Mention]:
    """The people, organisations and places named in one parsed passage, in text order."""
    out = []
    for ent in doc.ents:
        kind = MENTION_TYPES.get(ent.label_)
        if kind is None:
            continue
        name = clean_name(ent.text)[0] if kind == "person" else _plain(ent.text)
        if name and any(c.isupper() for c in name) and len(name.split()) <= MAX_WORDS:
            out.append(Mention(name, kind, ent.start_char, ent.end_char))
    return out


def _plain(text: str) -> str:
    """An organisation or place as a name: possessive, quotes and a leading "the" dropped."""
    words = text.replace("’", "'").removesuffix("'s").strip(" ,.;:-—“”\"'").split()
    if words and words[0].lower() == "the":
        words = words[1:]
    return " ".join(words)
