"""Dates of articles: record fields, page metadata and datelines read with python-dateutil.

A date is looked for as a run of date words (numbers, month and weekday names, times, time
zones) holding a four-digit year; dateutil reads the run. A reading must name the day, the
month and the year (a run read the same with two different defaults): "January 2022" is no
date. When the day and the month of a numeric date could be either way round ("03/04/2022"
reads as 4 March or 3 April), the order is never guessed:
  * dotted dates ("10.01.2022") are day.month.year, the only order that notation has;
  * a slash or dash date follows its outlet's convention (US outlets write month first,
    almost everyone else day first): `outlet_order` knows some outlets by name and web
    address, and country web domains (.uk, .de, ... day first; .us month first);
  * otherwise the article is left undated, and its note says why.
Either way the reading says how the order was decided (`DateReading.note`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlparse

from dateutil import parser as dateutil_parser

MONTH_FIRST, DAY_FIRST = "month-first", "day-first"
_INFO = dateutil_parser.parserinfo()
_WORDS = re.compile(r"\d+(?:st|nd|rd|th)?|[^\W\d_]+", re.UNICODE)
_GAP = re.compile(r"^[\s,./:\-–+]{0,3}$")
_ZONES = {"t", "z", "utc", "gmt", "et", "est", "edt", "ct", "cst", "cdt", "pt", "pst", "pdt",
          "bst", "cet", "cest", "eet", "eest", "msk", "of", "at"}
_YEAR = re.compile(r"^(19|20)\d\d$")
_NUMERIC = re.compile(r"(?<![\d.])(\d{1,2})([./-])(\d{1,2})\2((?:19|20)\d\d)(?!\d)")
_DEFAULTS = (datetime(1904, 1, 1), datetime(1908, 2, 2))

# Outlets whose numeric dates are month-first (US) or day-first; keys are names or web
# addresses with everything but letters and digits removed, lower case, "the" dropped.
US_OUTLETS = frozenset("""cnn nytimes newyorktimes washingtonpost foxnews apnews
    associatedpress npr nbcnews cbsnews abcnews usatoday wsj wallstreetjournal politico
    thehill bloomberg huffpost huffingtonpost breitbart latimes losangelestimes
    chicagotribune axios vox newsweek businessinsider voanews voiceofamerica
    westernjournal westernjournalism msnbc cnbc""".split())
DAY_FIRST_OUTLETS = frozenset("""bbc bbcnews theguardian guardian independent telegraph
    skynews reuters aljazeera dw deutschewelle tagesschau france24 euronews rt tass
    irishtimes thehindu timesofindia abcnetau kyivindependent ukrinform""".split())
DAY_FIRST_DOMAINS = frozenset("uk ie au nz in de fr es it nl be at ch pl ru ua eu za".split())


@dataclass(frozen=True)
class DateReading:
    """A date found in some text: `iso` (yyyy-mm-dd, or None when it is left undated),
    `text` (the date as written; None when the text holds no date) and `note` (how an
    ambiguous day/month order was decided, or why it was left undated)."""

    iso: str | None
    text: str | None = None
    note: str | None = None


NO_DATE = DateReading(None)


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.casefold().removeprefix("the "))


def outlet_order(outlet: str | None, url: str | None = None) -> str | None:
    """MONTH_FIRST, DAY_FIRST or None (unknown) for an outlet named `outlet` or at `url`."""
    host = (urlparse(url).hostname or "") if url else ""
    labels = host.removeprefix("www.").split(".") if host else []
    keys = {_key(outlet or "")} | {_key(x) for x in labels[:-1]}
    if len(labels) >= 2:
        keys.add(_key("".join(labels[:-1])))
    if keys & US_OUTLETS:
        return MONTH_FIRST
    if keys & DAY_FIRST_OUTLETS:
        return DAY_FIRST
    if labels and labels[-1] in DAY_FIRST_DOMAINS:
        return DAY_FIRST
    if labels and labels[-1] == "us":
        return MONTH_FIRST
    return None


def _is_date_word(token: str) -> bool:
    low = token.casefold()
    if low[0].isdigit():
        return True
    return (_INFO.month(low) is not None or _INFO.weekday(low) is not None
            or _INFO.ampm(low) is not None or low in _ZONES)


def _runs(text: str) -> list[tuple[int, int]]:
    """Spans of runs of date words, each holding a four-digit year, in text order."""
    runs, start, end, year = [], None, None, False
    for m in _WORDS.finditer(text):
        word = m.group()
        if _is_date_word(word) and (end is None or _GAP.match(text[end:m.start()])):
            start = m.start() if start is None else start
            end, year = m.end(), year or bool(_YEAR.match(word))
            continue
        if start is not None and year:
            runs.append((start, end))
        start, end, year = None, None, False
        if _is_date_word(word):
            start, end, year = m.start(), m.end(), bool(_YEAR.match(word))
    if start is not None and year:
        runs.append((start, end))
    return runs


def _parse(run: str, dayfirst: bool) -> str | None:
    """The run as ISO when dateutil reads a whole date (day, month and year) in it."""
    try:
        a, b = (dateutil_parser.parse(run, default=d, dayfirst=dayfirst,
                                                ignoretz=True) for d in _DEFAULTS)
    except (ValueError, OverflowError, TypeError):
        return None
    if a.date() != b.date():
        return None  # a part was missing: the two defaults show through
    return a.date().isoformat()


def _read_run(run: str, order: str | None) -> DateReading | None:
    """The date in one run of date words; None when dateutil reads none."""
    if _YEAR.match(_WORDS.match(run).group()):
        found = _parse(run, False)  # year first: always year-month-day (ISO 8601)
        return DateReading(found, run) if found else None
    month_first, day_first = _parse(run, False), _parse(run, True)
    if month_first is None and day_first is None:
        return None
    if month_first == day_first or None in (month_first, day_first):
        return DateReading(month_first or day_first, run)
    numeric = _NUMERIC.search(run)
    if numeric and numeric.group(2) == ".":
        return DateReading(day_first, run)  # day.month.year: the dotted notation's order
    if order == MONTH_FIRST:
        return DateReading(month_first, run, f"date {run!r} read month first, the outlet's "
                           "(US) convention")
    if order == DAY_FIRST:
        return DateReading(day_first, run, f"date {run!r} read day first, the outlet's "
                           "convention")
    return DateReading(None, run, f"date {run!r} left out: day and month could be either "
                       "way round and the outlet's convention is not known")


def read_date(text: str | None, order: str | None = None) -> DateReading:
    """The first date in `text` (`order`: the outlet's MONTH_FIRST / DAY_FIRST convention
    for ambiguous numeric dates, None when unknown). NO_DATE when there is none."""
    if not text:
        return NO_DATE
    text = str(text)
    for start, end in _runs(text):
        words = list(_WORDS.finditer(text, start, end))
        # a run may carry words after its date ("24 January 2022 3 people"): shorten it
        for last in range(len(words), 0, -1):
            run = text[start:words[last - 1].end()]
            if not any(_YEAR.match(w.group()) for w in words[:last]):
                break
            found = _read_run(run, order)
            if found is not None:
                return found
    return NO_DATE


def parse_date(text: str | None, order: str | None = None) -> str | None:
    """The first date in `text` as ISO yyyy-mm-dd, or None (see `read_date`)."""
    return read_date(text, order).iso


def normalize_date(value: str | None, order: str | None = None) -> str | None:
    """A date given by a record or page (any common format) as ISO, or None."""
    return read_date(value, order).iso if value else None
