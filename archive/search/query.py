"""Parse "who said what" questions into a speaker and a topic.

Why hand-written: the question forms are few and fixed ("what did X say about Y",
"X's remarks on Y", "quotes from X", ...); a handful of anchored regular expressions is
predictable, dependency-free and fast, which an intent classifier would not be.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

MAX_PARSE_CHARS = 400  # longer input is treated as a plain topic (also bounds regex work)

_SAY = r"(?:say|said|says|saying|tell|told|think|thought|write|wrote|tweet(?:ed)?)"
_ABOUT = r"(?:about|on|regarding|concerning|of|over|re)"
_END = r"\s*[?.!]*\s*$"

# Each pattern has a `name` group and an optional `topic` group. Order matters: the
# specific forms first, the loose "X on Y" last.
_PATTERNS: list[tuple[re.Pattern[str], bool]] = [
    (re.compile(rf"^\s*what\s+(?:did|does|do|has|have|had|is|was)\s+(?P<name>.+?)\s+"
                rf"(?:been\s+)?{_SAY}(?:\s+{_ABOUT}\s+(?P<topic>.+?))?{_END}", re.I | re.S), False),
    (re.compile(rf"^\s*(?:did|has|have|does)\s+(?P<name>.+?)\s+(?:ever\s+)?{_SAY}\s+"
                rf"(?:anything|something)(?:\s+{_ABOUT}\s+(?P<topic>.+?))?{_END}", re.I | re.S), False),
    (re.compile(rf"^\s*(?:(?:show|find|get|list)\s+(?:me\s+)?)?(?:all\s+)?(?:the\s+)?"
                rf"(?:quotes?|quotations?|statements?|comments?|remarks?|words)\s+(?:from|by)\s+"
                rf"(?P<name>.+?)(?:\s+{_ABOUT}\s+(?P<topic>.+?))?{_END}", re.I | re.S), False),
    (re.compile(rf"^\s*(?P<name>[^'’]+?)['’]s?\s+(?:comments?|remarks?|statements?|quotes?|"
                rf"views?|words|position|stance|take)(?:\s+{_ABOUT}\s+(?P<topic>.+?))?{_END}",
                re.I | re.S), True),
    (re.compile(rf"^\s*(?P<name>.+?)\s+(?:on|about)\s+(?P<topic>.+?){_END}", re.S), True),
]

_NAME_WORD = re.compile(r"^(?:[A-Z][\w'’\-]*\.?|[A-Z]\.(?:[A-Z]\.)*|"
                        r"de|da|del|di|du|van|von|der|den|la|le|bin|ibn|al|el)$")
_NOT_NAMES = frozenset(
    """what who why how when where which the a an is are was were do does did news
    latest update updates report reports and or not""".split()
)
_TITLES = re.compile(r"^(?:mr|mrs|ms|dr|prof|president|senator|sen|gov|minister)\.?\s+", re.I)


@dataclass(frozen=True)
class QueryIntent:
    """A parsed query: who (as typed) and about what; `raw` is the input unchanged."""

    speaker_text: str | None
    topic: str | None
    raw: str


def looks_like_name(text: str, known: frozenset[str] = frozenset()) -> bool:
    """1-3 capitalised words (particles and initials allowed), or a known name."""
    t = " ".join(text.split())
    if not t:
        return False
    if t.casefold() in known:
        return True
    words = _TITLES.sub("", t).split()
    if not 1 <= len(words) <= 3 or words[0].lower() in _NOT_NAMES:
        return False
    return all(_NAME_WORD.match(w) for w in words) and words[0][0].isupper()


def _clean(text: str | None) -> str | None:
    """Trim spaces, quotes and trailing punctuation; None when nothing is left."""
    if text is None:
        return None
    t = " ".join(text.split()).strip(" \"'“”‘’?!.,;:")
    return t or None


def _clean_name(text: str) -> str | None:
    """A speaker as typed, without a leading article ("the Pope" -> "Pope" stays)."""
    t = _clean(text)
    if t is None:
        return None
    return re.sub(r"^(?:the)\s+", "", t, flags=re.I) or None


def parse_query(q: str, known_names: Iterable[str] | None = None) -> QueryIntent:
    """Split a search query into (speaker_text, topic); never raises.

    Recognised: "what did X say [about|on Y]", "what has X said about Y", "did X say
    anything about Y", "X's comments/remarks/statements [on Y]", "quotes from X [on Y]",
    "X on Y" (X must look like a person name or be known) and a bare name. Anything
    else returns speaker_text=None and the whole query as topic.
    """
    raw = q if isinstance(q, str) else str(q)
    try:
        known = frozenset(n.casefold() for n in (known_names or ()) if isinstance(n, str))
        return _parse(raw, known)
    except Exception:  # noqa: BLE001 - a search box must never fail on odd input
        return QueryIntent(None, _clean(raw), raw)


def _parse(raw: str, known: frozenset[str]) -> QueryIntent:
    """The matching itself (see parse_query)."""
    if len(raw) > MAX_PARSE_CHARS:
        return QueryIntent(None, _clean(raw), raw)
    for pattern, needs_name in _PATTERNS:
        m = pattern.match(raw)
        if not m:
            continue
        name = _clean_name(m.group("name"))
        if name is None or (needs_name and not looks_like_name(name, known)):
            continue
        if not needs_name and len(name.split()) > 6:
            continue
        return QueryIntent(name, _clean(m.groupdict().get("topic")), raw)
    bare = _clean(raw)
    if bare and looks_like_name(bare, known):
        return QueryIntent(bare, None, raw)
    return QueryIntent(None, bare, raw)
