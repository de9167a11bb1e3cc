"""Pure helpers for the Streamlit page: escaping, highlighting, citations, result cards.

No Streamlit here, so every rule is unit-tested on its own. Article text is untrusted: every
helper that returns markup escapes each piece of article text for HTML *and* neutralises the
characters Markdown (and Streamlit's Markdown extensions: LaTeX `$`, directives `:red[..]`,
emoji `:smile:`) would interpret, by turning them into numeric character references. The
result is meant for `st.markdown(..., unsafe_allow_html=True)` and is always one line, so it
stays a single HTML block whatever the text holds.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from urllib.parse import urlencode

from archive.search import citation as export_citation, one_line  # noqa: F401 - one_line
from archive.text.terms import MAX_QUERY_TERMS, distinct_words, topic_words

# Characters Markdown or Streamlit's Markdown extensions give a meaning to. `&`, `<`, `>`,
# `"` and `'` are handled by html.escape first.
MARKDOWN_SPECIAL = "\\`*_{}[]()#+-.!|~$:=^@"
# One table, applied in one pass, so an entity made for one character is never re-escaped.
_TABLE = {ord(c): f"&#{ord(c)};" for c in MARKDOWN_SPECIAL}
_TABLE.update({ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord('"'): "&quot;",
               ord("'"): "&#39;"})

QUOTE_STYLE = "background:rgba(255,214,102,.45);border-radius:3px;padding:0 1px"
TERM_STYLE = "background:rgba(120,190,255,.45);border-radius:3px;padding:0 1px"
PASSAGE_STYLE = "border-left:4px solid #ff9f1c;padding-left:.6em;background:rgba(255,159,28,.08)"
BADGE_STYLE = ("display:inline-block;background:#1f6feb;color:#fff;border-radius:1em;"
               "padding:.1em .7em;font-size:.85em;font-weight:600;margin-right:.4em")
# why a hit ranks (Hit.reason): the speaker's own words, their reported words, a mention
REASON_COLORS = {"own words": "#1a7f37", "reported": "#8250df", "possibly": "#9a6700",
                 "mentions": "#6e7781"}
REASON_STYLE = ("display:inline-block;border:1px solid {c};color:{c};border-radius:1em;"
                "padding:0 .6em;font-size:.8em;font-weight:600;margin-left:.5em")
REASON_HELP = {"own words": "a direct quote by the person you asked about",
               "reported": "the person's words, reported by the outlet",
               "possibly": "the archive read these words as the person's, but not surely "
                           "enough to label them as theirs: check the article",
               "mentions": "the passage names the person you asked about"}
ARTICLE_ID = re.compile(r"^[0-9A-Za-z_-]{1,64}$")


def escape(text: object) -> str:
    """Text safe to place in HTML *and* in Markdown: no tag, entity or Markdown syntax survives.

    Newlines become spaces so the markup stays one HTML block (a blank line would end it).
    """
    s = "" if text is None else str(text)
    s = s.translate(_TABLE)
    return re.sub(r"[\r\n\u2028\u2029]+", " ", s)


def highlight_terms(query: str) -> list[str]:
    """The words of a query worth highlighting: topic words, else every word, longest first."""
    words = topic_words(distinct_words(query or ""))
    return sorted(words, key=lambda w: (-len(w), w))[:MAX_QUERY_TERMS]


def term_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """(start, end) of every word of `text` that starts with a query term (or its stem).

    "troops" matches "troops" and "Troops"; "border" matches "borders"; "russians" matches
    "Russian". Matching is case-insensitive and on word starts only.
    """
    stems = set()
    for t in terms:
        t = t.lower()
        if len(t) > 4 and t.endswith("es"):
            t = t[:-2]
        elif len(t) > 3 and t.endswith("s"):
            t = t[:-1]
        if len(t) >= 2 or t.isdigit():
            stems.add(t)
    if not stems:
        return []
    pattern = re.compile(r"\b(?:%s)\w*" % "|".join(re.escape(s) for s in
                                                    sorted(stems, key=len, reverse=True)),
                         re.IGNORECASE)
    return [(m.start(), m.end()) for m in pattern.finditer(text or "")]


def highlight(text: str, terms: Iterable[str] = (), quote: tuple[int, int] | None = None) -> str:
    """Escaped `text` with the quote span and query-term matches marked.

    The quote (character offsets into `text`) is wrapped in a quote span; terms in <mark>.
    Spans may overlap (a term inside the quote, two terms sharing letters): the text is cut
    into runs of equal marking, so the markup is always well nested.
    """
    text = text or ""
    n = len(text)
    in_quote = [False] * n
    in_term = [False] * n
    if quote is not None and quote[0] is not None and quote[1] is not None:
        start, end = max(0, int(quote[0])), min(n, int(quote[1]))
        for i in range(start, end):
            in_quote[i] = True
    for start, end in term_spans(text, terms):
        for i in range(start, end):
            in_term[i] = True
    out: list[str] = []
    i = 0
    while i < n:
        j = i
        while j < n and in_quote[j] == in_quote[i] and in_term[j] == in_term[i]:
            j += 1
        piece = escape(text[i:j])
        if in_term[i]:
            piece = f'<mark style="{TERM_STYLE}">{piece}</mark>'
        if in_quote[i]:
            piece = f'<span class="quote" style="{QUOTE_STYLE}">{piece}</span>'
        out.append(piece)
        i = j
    return "".join(out)


def badge(label: str) -> str:
    return f'<span class="speaker" style="{BADGE_STYLE}">{escape(label)}</span>'


def plural(n: int, word: str, many: str | None = None) -> str:
    """"1 article", "3 articles", "1,204 passages"."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def citation(hit) -> str:
    """A one-line citation to paste: speaker, outlet, date, title and the quote (or passage).

    Plain text (shown with st.code, which never interprets it); the rules live in
    `archive.search.citation`, shared with every export. Reported speech reads "X said
    that ..." when the hit says it is not a direct quote.
    """
    return export_citation(hit, getattr(hit, "direct", None))


def source_line(hit) -> str:
    """Escaped "outlet · date" (and "p. N" for a PDF) for a result card, then why the hit
    ranks. No fusion score: its value means nothing to a reader."""
    bits = [escape(hit.outlet or "unknown outlet"), escape(hit.date or "undated")]
    if getattr(hit, "page", None):
        bits.append(f"p. {int(hit.page)}")
    return " · ".join(bits) + reason_html(getattr(hit, "reason", None))


def reason_html(reason: str | None) -> str:
    """A small label saying why a hit ranks ("own words", "reported", "possibly NAME's
    words", "mentions NAME"); ""
    for a plain topic hit."""
    if not reason:
        return ""
    kind = next((k for k in REASON_COLORS if reason.startswith(k)), "mentions")
    style = REASON_STYLE.format(c=REASON_COLORS[kind])
    return (f'<span class="reason" title="{escape(REASON_HELP[kind])}" style="{style}">'
            f"{escape(reason)}</span>")


def passage_html(text: str, terms: Iterable[str] = (), quote: tuple[int, int] | None = None,
                 marked: bool = False) -> str:
    style = f' style="{PASSAGE_STYLE}"' if marked else ""
    cls = "passage marked" if marked else "passage"
    return f'<div class="{cls}"{style}>{highlight(text, terms, quote)}</div>'


def paragraphs_html(paragraphs: Sequence[dict], mark_id: int | None,
                    terms: Iterable[str] = ()) -> str:
    """Paragraphs ({id, section, text}) in order, section headings shown once, the one with
    id `mark_id` marked. One line of escaped markup."""
    out, section = [], None
    terms = list(terms)
    for p in paragraphs:
        if p.get("section") and p.get("section") != section:
            section = p["section"]
            out.append(f"<p><b>{escape(section)}</b></p>")
        marked = p.get("id") == mark_id
        body = highlight(p.get("text", ""), terms if marked else ())
        style = f' style="{PASSAGE_STYLE}"' if marked else ""
        out.append(f'<p class="{"marked" if marked else "para"}"{style}>{body}</p>')
    return f'<div class="article">{"".join(out)}</div>'


def also_html(also_in: Sequence[dict], article_id: str | None = None) -> str:
    """"also reported by OUTLET (date), OUTLET ..." for folded near-identical passages; with
    the hit's `article_id`, a link to the story view comparing every version."""
    names = []
    for a in also_in:
        name = escape(a.get("outlet") or a.get("title") or "another article")
        if a.get("date"):
            name += f" ({escape(a['date'])})"
        names.append(f"<b>{name}</b>")
    link = ""
    if article_id:
        href = story_href([article_id, *(a.get("article_id") for a in also_in)])
        link = (f' · <a class="story-link" href="{href}" target="_self">compare the '
                f"versions side by side</a>")
    return "also reported by " + ", ".join(names) + link


def story_href(article_ids: Iterable[str | None]) -> str:
    """The story page's address for these articles ("story?article=..&article=.."): ids
    that are not plain article ids are left out, so the link never carries markup."""
    ids = list(dict.fromkeys(a for a in article_ids if a and ARTICLE_ID.match(a)))
    return "story?" + urlencode([("article", a) for a in ids]).replace("&", "&amp;")


def card_html(hit, terms: Iterable[str] = ()) -> str:
    """The head of a result card: rank and title, outlet · date (· page) and why the hit
    ranks, then the passage with the speaker's badge, the attributed quote and the query
    terms marked. One line, escaped."""
    quote = None
    if getattr(hit, "quote_start", None) is not None and getattr(hit, "quote_end", None) is not None:
        quote = (hit.quote_start, hit.quote_end)
    head = (f'<div class="hit"><div style="font-size:1.1em;font-weight:600">{int(hit.rank)}. '
            f'{escape(hit.title or "untitled")}</div>'
            f'<div style="opacity:.7;font-size:.9em;margin-bottom:.4em">{source_line(hit)}</div>')
    speaker = badge(hit.speaker) if getattr(hit, "speaker", None) else ""
    return f'{head}<div class="passage">{speaker}{highlight(hit.text, terms, quote)}</div></div>'


def quote_html(row: dict) -> str:
    """One attribution of the People page: date · outlet · title, then its passage with the
    quote marked (row as returned by Searcher.quotes_by)."""
    start, end = row.get("content_start"), row.get("content_end")
    passage, span = row.get("passage") or "", None
    if passage and start is not None and end is not None:
        span = (start, end)
    elif not passage:
        passage = row.get("content") or ""
        span = (0, len(passage))
    meta = " · ".join([escape(row.get("date") or "undated"),
                       escape(row.get("outlet") or "unknown outlet"),
                       f'<i>{escape(row.get("title") or "untitled")}</i>'])
    cue = f' <span style="opacity:.7">({escape(row["cue"])})</span>' if row.get("cue") else ""
    return (f'<div class="quote-row"><div style="opacity:.75;font-size:.9em">{meta}{cue}</div>'
            f'<div>{highlight(passage, (), span)}</div></div>')
