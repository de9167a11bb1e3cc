"""From a scraped article to its story: metadata, boilerplate removed, paragraphs with sections.

The rules are written by hand because they are about the shape of scraped news pages, which
no library models for plain text (trafilatura does it for HTML, and is used there). Each rule
is a regular expression a reader can check, plus two structural ones:
  * a tail marker ("Related posts", "Leave a Comment", "Written By", ...) ends the story;
  * the last credit line ("CNN's X contributed to this report", "X reported from Vienna")
    ends the story: it becomes the byline, and what follows is not the story (an editor's
    correction found there is kept as the article's note).
Dates (record fields, datelines) are read by archive.text.dates with python-dateutil; a
day/month order decided by the outlet's convention, or left open, is told in the note.
"""
from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
import unicodedata
from dataclasses import replace
from urllib.parse import urlparse

import ftfy

from archive.models import Article, Paragraph, RawArticle
from archive.text.dates import (NO_DATE, DateReading, normalize_date,  # noqa: F401
                                outlet_order, parse_date, read_date)

_I = re.IGNORECASE
SPACE = r"[\s\u00a0]"

# Mojibake: UTF-8 that a scraper decoded as Windows-1252 or Latin-1 ("FranÃ§ois", "donâ€™t"):
# a lead byte's character followed by a continuation byte's. One regular expression decides
# whether ftfy looks at all: its own check costs about a millisecond per 3 kB of clean text.
MOJIBAKE = re.compile("[\u00c2\u00c3\u00c5\u00e2][\u0080-\u00bf\u20ac\u201a\u0192\u201e"
                      "\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d\u2018\u2019"
                      "\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e"
                      "\u0178]")


def repaired(text: str) -> str:
    """The text with mojibake undone by ftfy ("FranÃ§ois" -> "François"); text without
    any is returned as it is, so its article keeps its id."""
    return ftfy.fix_encoding(text) if text and MOJIBAKE.search(text) else text


# A whole line that is an ad, a cross-link, a share/comment prompt or a site blurb.
BOILERPLATE_LINES = [
    re.compile(rf"^[-–—•|{SPACE[1:-1]}]*advertisement[-–—•|\s]*(spot_img)?\s*$", _I),
    # "ADVERTISEMENT - CONTINUE READING BELOW", "Story continues below advertisement"
    re.compile(r"^[-–—•|\s]*advertisement[-–—•|:\s]+(continue|scroll|story|article)\b[\w ]{0,30}$", _I),
    re.compile(r"^(the )?(story|article|text) continues (below|after)( (this|the))?"
               r"( (advertisement|ad))?\.?$", _I),
    re.compile(r"^(spot_img|sponsored( content)?|promoted( content)?|ad)$", _I),
    re.compile(rf"^READ{SPACE}+\S"),  # "READ  Electricity providers cancel ..." (upper case)
    re.compile(r"^(read|see|watch|also read|also see|more)(\s+(also|more))?\s*[:|–—-]", _I),
    re.compile(r"^related( (story|stories|coverage|content|reading|link))?\s*(:|\s[|–—-]\s)", _I),
    re.compile(r"^(read|see|watch|also read|read also|read more|more from|more)\b.{0,3}$", _I),
    re.compile(r"^read (more|the full story|full article)\b", _I),
    re.compile(r"^(click|tap) here\b", _I),
    re.compile(r"^(sign up|subscribe)\b.{0,160}$", _I),
    re.compile(r"here['’]s what you need to know\.?$", _I),
    re.compile(r"^(share|share this|share on|follow us|tweet|email|print)( (this|on|us).{0,40})?:?$", _I),
    re.compile(r"^please enter your (comment|name|email|website).{0,20}$", _I),
    re.compile(r"^your email address will not be published", _I),
    re.compile(r"required fields are marked", _I),
    re.compile(r"^save my name, email", _I),
    re.compile(r"^(leave|post|add) a (comment|reply)", _I),
    re.compile(r"^\S*https?://\S+$|^[^.!?]{0,80}https?://\S+$", _I),
    re.compile(r"^.{2,80}? is an? ([a-z-]+ ){0,3}(news|media) (portal|website|site|outlet|platform)\b", _I),
    re.compile(r"^(all rights reserved|copyright|©)", _I),
    re.compile(r"^(image|photo|video)( source| caption)?:", _I),
]

# A line that ends the story: everything from it on is page furniture.
TAIL_MARKERS = re.compile(
    r"^(related (posts|news|articles|stories|content)|latest (news|posts|stories)|"
    r"more (stories|news|from this author)|you may also like|recommended( for you)?|"
    r"best of the web( \(\d+\))?|leave a (comment|reply)|(\d+ )?comments?$|"
    r"your email address will not be published|written by$|about the author|"
    r"share this( article| story)?:?$|tags?:|become a trendsetter)", _I)

CREDIT = re.compile(
    r"(contributed (to )?(this|the) (report|story|article)(ing)?|contributed reporting|"
    r"contributed to this reporting|\breported from\b|provided (a |additional )?report(ing)?\b|"
    r"^(additional )?reporting by\b|^editing by\b|^compiled by\b)", _I)
CORRECTION = re.compile(
    r"^(this (version|story|article|report) (has been|was) (corrected|updated|amended)|"
    r"correction:|clarification:|editor['’]s note)", _I)

DATE_LINE = re.compile(
    r"^((status|published|updated|posted|date|last updated)\s*:?\s*)?"
    r"((mon|tues|wednes|thurs|fri|satur|sun)day,?\s*)?[\w ,.:/-]{0,40}$", _I)
OUTLET_IN_CREDIT = [
    re.compile(r"^(?P<o>[A-Z][\w&.-]*(?: [A-Z][\w&.-]*){0,3})['’]s [A-Z]"),  # CNN's Anna ...
    re.compile(r"\bof (?P<o>(the )?[A-Z][\w&.-]*(?: [A-Z][\w&.-]*){0,3}) contributed"),
]
OUTLET_DATELINE = re.compile(r"^[A-Z][A-Z .,'-]{1,40}\((?P<o>[A-Z][\w .&]{1,24})\)\s*[-–—]")
OUTLET_BLURB = re.compile(r"^(?P<o>.{2,80}?) is an? ([a-z-]+ ){0,3}(news|media) "
                          r"(portal|website|site|outlet|platform)\b", _I)
# An author line under the title: "By Jane Doe", "BY JANE DOE AND JOHN ROE | March 3, 2023".
_NAME = r"[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}"
BYLINE = re.compile(rf"^(?:by|By|BY) (?P<names>{_NAME}(?:(?:, | and | & |, and ){_NAME})*)"
                    r"(?:\s*[|,·•–—-]\s*.{0,60})?$")
TERMINAL = ".!?…:;"
CLOSERS = "”\"’')]» \u00a0"


def normalize_line(line: str) -> str:
    return re.sub(r"[\s\u00a0]+", " ", unicodedata.normalize("NFC", line)).strip()


def is_boilerplate(line: str) -> bool:
    return any(p.search(line) for p in BOILERPLATE_LINES)


def dateline(line: str) -> DateReading | None:
    """The date reading if the whole line is a dateline ("Monday, January 24, 2022",
    "Status: ..."), an ambiguous one ("03/04/2022", read later with the outlet's
    convention) included; None for any other line."""
    if len(line.split()) > 10 or not DATE_LINE.match(line):
        return None
    found = read_date(line)
    return found if found.text else None


def date_line(line: str) -> str | None:
    """The date if the whole line is a dateline, as ISO (None when it has none)."""
    found = dateline(line)
    return found.iso if found else None


def is_heading(text: str) -> bool:
    """A stray one-line sub-heading: short, one line, no sentence-ending punctuation."""
    if "\n" in text or len(text.split()) > 14:
        return False
    return text.rstrip(CLOSERS)[-1:] not in TERMINAL


# Hard-wrapped text (e-mail, wire copy, plain-text exports) breaks its lines at 72-80
# characters, so a line longer than this is a whole paragraph: scraped pages are often
# written one paragraph per line with no blank line between them.
WRAP_WIDTH = 100


def one_paragraph_per_line(lines: list[str]) -> bool:
    """Whether a blank-line separated block is written one paragraph per line: one of its
    lines is longer than any hard-wrapped line (`WRAP_WIDTH`)."""
    return max(map(len, lines), default=0) > WRAP_WIDTH


def block_paragraphs(lines: list[str]) -> list[str]:
    """The paragraphs of one blank-line separated block: each line its own paragraph when
    the block is written one paragraph per line, else its lines joined (a hard-wrapped
    paragraph). Joined, a page written one paragraph per line became one paragraph, and a
    "he said" in one line took the speaker named three lines above."""
    return list(lines) if one_paragraph_per_line(lines) else [" ".join(lines)]


def split_blocks(text: str) -> list[list[str]]:
    """Blocks separated by blank lines, each a list of normalized non-empty lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = []
    for block in re.split(r"\n[ \t\u00a0]*\n", text):
        lines = [normalize_line(x) for x in block.split("\n")]
        lines = [x for x in lines if x]
        if lines:
            blocks.append(lines)
    return blocks


def strip_tail(blocks: list[list[str]]) -> list[list[str]]:
    """Drop boilerplate lines; cut at the first tail marker after the story has begun."""
    kept: list[list[str]] = []
    for lines in blocks:
        clean: list[str] = []
        for line in lines:
            if kept and TAIL_MARKERS.match(line):
                if clean:
                    kept.append(clean)
                return kept
            if not is_boilerplate(line):
                clean.append(line)
        if clean:
            kept.append(clean)
    return kept


def head_byline(line: str) -> str | None:
    """The names of an author line such as "By Jane Doe | March 3, 2023", or None."""
    if len(line.split()) > 16:
        return None
    m = BYLINE.match(line)
    return m.group("names").strip() if m else None


def take_head(blocks: list[list[str]],
              title: str | None) -> tuple[str, DateReading, list[list[str]], str | None]:
    """Title, dateline and author line from the first lines; the title's repeats are dropped."""
    found_date = NO_DATE
    author = None
    rest: list[list[str]] = []
    for index, lines in enumerate(blocks):
        remaining = []
        for line in lines:
            d = dateline(line) if index < 6 else None
            if d and found_date.text is None:
                found_date = d
            elif d:
                continue
            elif title is None and not rest and not remaining:
                title = line
            elif title is not None and line.casefold() == title.casefold() and index < 6:
                continue
            elif index < 6 and not rest and not remaining and head_byline(line):
                author = author or head_byline(line)
                found_date = found_date if found_date.text else read_date(line)
            else:
                remaining.append(line)
        if remaining:
            rest.append(remaining)
    return title or "", found_date, rest, author


def split_credit(paragraphs: list[str]) -> tuple[list[str], str | None, str | None]:
    """Story paragraphs, the credit line (byline) and an editor's note after it."""
    start = len(paragraphs) // 2
    for i in range(len(paragraphs) - 1, start - 1, -1):
        if len(paragraphs[i].split()) <= 60 and CREDIT.search(paragraphs[i]):
            notes = [p for p in paragraphs[i + 1:] if CORRECTION.match(p)]
            return paragraphs[:i], paragraphs[i], " ".join(notes) or None
    return paragraphs, None, None


def infer_outlet(raw: RawArticle, byline: str | None, paragraphs: list[str]) -> str | None:
    """Outlet from the record, the credit line, a wire dateline, a site blurb, or the url."""
    if raw.outlet:
        return raw.outlet.strip()
    if byline:
        for pattern in OUTLET_IN_CREDIT:
            m = pattern.search(byline)
            if m:
                return m.group("o").strip()
    if paragraphs:
        m = OUTLET_DATELINE.match(paragraphs[0])
        if m:
            return m.group("o").strip()
    m = next((OUTLET_BLURB.match(normalize_line(x)) for x in raw.text.splitlines()
              if OUTLET_BLURB.match(normalize_line(x))), None)
    if m:
        return re.sub(r"\s*Desk$|https?://\S*", "", m.group("o")).strip()
    if raw.url:
        host = urlparse(raw.url).hostname or ""
        return host.removeprefix("www.") or None
    return None


def sectioned(paragraphs: list[str]) -> list[Paragraph]:
    """Turn one-line sub-headings into the section of the paragraphs that follow them."""
    out: list[Paragraph] = []
    section: str | None = None
    for i, text in enumerate(paragraphs):
        if is_heading(text) and i + 1 < len(paragraphs) and not is_heading(paragraphs[i + 1]):
            section = text
            continue
        if is_heading(text) and (i + 1 == len(paragraphs) or is_heading(paragraphs[i + 1])):
            continue  # a run of stray short lines, or a dangling one at the end: not story
        out.append(Paragraph(text=text, section=section))
    return out


def paged(parts: list[Paragraph], text: str) -> list[Paragraph]:
    """`parts` with the page (1-based) each paragraph starts on, for a text whose pages are
    separated by form feeds (a PDF's); a paragraph not found keeps page None."""
    starts, flat, offset = [], [], 0
    for page in text.split("\f"):
        starts.append(offset)
        flat.append(normalize_line(page))
        offset += len(flat[-1]) + 1
    whole, cursor = " ".join(flat), 0
    for part in parts:
        at = next((i for probe in (part.text[:80], part.text[:25])
                   for i in (whole.find(probe, cursor), whole.find(probe)) if i >= 0), -1)
        if at >= 0:
            part.page, cursor = bisect_right(starts, at), at
    return parts


def article_id(title: str, paragraphs: list[Paragraph]) -> str:
    """Stable id from the cleaned content: the same story added twice gets the same id."""
    body = "\n".join([title.casefold(), *(p.text.casefold() for p in paragraphs)])
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]


MAX_PARAGRAPH_CHARS = 100_000


def oversized_paragraph(text: str) -> int:
    """Length of the longest run of text without a blank line, when it is beyond any news
    paragraph (a dump with no newline, a minified page): such input is not an article."""
    longest = max((len(b) for b in re.split(r"\n\s*\n", text)), default=0)
    return longest if longest > MAX_PARAGRAPH_CHARS else 0


def clean_article(raw: RawArticle) -> Article | None:
    """The cleaned article, or None when nothing of a story is left."""
    raw = replace(raw, text=repaired(raw.text), title=raw.title and repaired(raw.title))
    blocks = strip_tail(split_blocks(raw.text))
    if len(blocks) == 1 and len(blocks[0]) == 1 and not raw.title:
        # A single paragraph (a short record, a one-line file) is body, not a title.
        only = blocks[0][0]
        return finish_article(raw, only[:80].rsplit(" ", 1)[0] if len(only) > 80 else only,
                              NO_DATE, [only], None)
    title, found_date, blocks, author = take_head(blocks, raw.title.strip() if raw.title else None)
    paragraphs = [p for lines in blocks for p in block_paragraphs(lines)]
    return finish_article(raw, title, found_date, paragraphs, author)


def article_date(raw: RawArticle, found: DateReading, outlet: str | None) -> DateReading:
    """The record's date, else the dateline's, an ambiguous day/month order read by the
    outlet's convention (archive.text.dates: never guessed, the reason kept as a note)."""
    order = outlet_order(outlet, raw.url)
    given = read_date(raw.date, order)
    if given.iso:
        return given
    head = read_date(found.text, order) if found.text else NO_DATE
    return head if head.iso or head.note else given


def finish_article(raw: RawArticle, title: str, found_date: DateReading,
                   paragraphs: list[str], author: str | None) -> Article | None:
    paragraphs, byline, note = split_credit(paragraphs)
    parts = sectioned(paragraphs) if len(paragraphs) > 1 else [Paragraph(p) for p in paragraphs]
    if not parts:
        return None
    if raw.paged:
        parts = paged(parts, raw.text)
    outlet = infer_outlet(raw, byline, paragraphs)
    when = article_date(raw, found_date, outlet)
    return Article(
        article_id=article_id(title, parts), title=title or parts[0].text[:80], paragraphs=parts,
        path=raw.path, date=when.iso, url=raw.url, outlet=outlet,
        byline=byline or raw.author or author,
        note=" ".join(n for n in (note, when.note) if n) or None)
