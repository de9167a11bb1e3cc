"""Quotation marks: pairing them into the quoted spans of a paragraph.

Hand-written because regexes cannot handle the mix found in scraped news (see
find_quotes). Offsets are character offsets into the paragraph string. Imports nothing
of the project.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

_QUOTE_OPEN = {"“": "”", "«": "»", "„": "“", '"': '"'}
MIN_QUOTE_WORDS = 4  # shorter quoted spans are scare quotes, not quotations


@dataclass(frozen=True)
class QuoteSpan:
    """A quotation inside a paragraph: inner text offsets and whether it was closed."""

    start: int  # first character inside the marks
    end: int  # one past the last character inside the marks
    open_at: int  # offset of the opening mark
    close_at: int  # offset of the closing mark, or len(text) if unclosed
    closed: bool

    def words(self, text: str) -> int:
        """Number of words inside the quotation."""
        return len(text[self.start : self.end].split())


def find_quotes(text: str) -> list[QuoteSpan]:
    """Pair quotation marks in `text`.

    Hand-written because regexes cannot handle the mix found in scraped news: curly and
    straight marks in one paragraph, a closing mark typed as an opening one, and the
    convention that a quote continuing in the next paragraph is left unclosed.
    """
    # Two apostrophes are a double quote in some archives (NYT: ''We will win,'' he said);
    # replaced by a same-length '" ' so every offset still points into `text`.
    text = text.replace("''", '" ')
    if "\n" in text:  # a line break ends any quotation (live blogs glued into one block)
        out, start = [], 0
        for line in text.split("\n"):
            out += [QuoteSpan(q.start + start, q.end + start, q.open_at + start,
                              q.close_at + start, q.closed) for q in find_quotes(line)]
            start += len(line) + 1
        return out
    spans: list[QuoteSpan] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        opener = ch in _QUOTE_OPEN or (ch == "”" and i + 1 < n and text[i + 1].isalnum())
        if not opener:
            i += 1
            continue
        closer = _QUOTE_OPEN.get(ch, "”")
        j = _find_closer(text, i + 1, ch, closer)
        if j is None:
            spans.append(_make_span(text, i, n, closed=False))
            break
        spans.append(_make_span(text, i, j, closed=True))
        i = j + 1
    return [s for s in spans if s.end > s.start]


def _find_closer(text: str, start: int, opener: str, closer: str) -> int | None:
    """Offset of the mark closing a quote opened just before `start`, or None."""
    depth = 0
    for j in range(start, len(text)):
        ch = text[j]
        if ch == closer:
            if depth == 0:
                return j
            depth -= 1
            continue
        if opener == "“" and ch == "“" and j > start:
            # A second opening curly mark right after punctuation is a mistyped closer;
            # after a word it opens a quotation nested inside this one ("calls “hell” than").
            if text[j - 2 : j].strip()[-1:] in tuple(",.!?;"):
                return j
            if text[j - 1].isspace() and "”" in text[j + 1 :]:
                depth += 1
    return None


def _make_span(text: str, open_at: int, close_at: int, closed: bool) -> QuoteSpan:
    """Trim whitespace and a trailing comma from the inner text of a quotation."""
    start, end = open_at + 1, close_at
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
        end -= 1
    return QuoteSpan(start, end, open_at, close_at, closed)


def quote_of(offset: int, quotes: Sequence[QuoteSpan]) -> int | None:
    """Index of the quotation containing character `offset` (marks included), or None."""
    for k, q in enumerate(quotes):
        if q.open_at <= offset < max(q.close_at, q.end) + (1 if q.closed else 0):
            return k
    return None
