"""Labels that name a source before a colon: transcript turns ("PENCE: Well, ..."),
headlines and captions ("Poll: Sanders leads", "NY Post: ..."), and embedded tweets
("<tweet ...>text — Name (@handle) date</tweet>").
"""
from __future__ import annotations

import re
from collections import Counter

from archive.quotes.lexicon import DOCUMENT_NOUNS, LABEL_STOP, PERSON_ORG_ENTITIES
from archive.quotes.paragraph import ParaState, emit
from archive.quotes.scan import quote_of
from archive.quotes.people import ArticleIndex
from archive.quotes.speakers import Speaker, clean_name, looks_like_name, register


_TRANSCRIPT_RE = re.compile(
    r"^\s*[\"“]?\s*((?:[A-Z][A-Za-z.\-'’]*\s){0,2}[A-Z][A-Za-z.\-'’]*[A-Za-z.]):\s+(?=\S)"
)
_HEADLINE_RE = re.compile(
    r"(?:^|\s[-–—]+\s)[\"“‘']?((?:[A-Z0-9][\w.'’\-&]*)(?:\s+(?:[A-Z0-9@][\w.'’\-&()@]*|and|of|on|the|"
    r"to|at|for|in|de|van|von)){0,8}):\s+(?=\S)"
)
# a speech verb written before the name of a label: "Said Ellis: ..."
INVERTED_SAY = frozenset("said says added asked replied continued explained wrote".split())
_LABEL_CUT = re.compile(r"\s+(?:on|to|at|about|for|in)\s+", re.I)
_TWEET_RE = re.compile(
    r"<tweet[^>]*>(?P<content>.*?)\s+[—–-]+\s+(?P<src>[^<>()—]+?\s*\(@\w+\))\s+"
    r"\w+\.? \d{1,2}, \d{4}\s*</tweet>", re.S)


def _has_words(text: str) -> bool:
    """Two words or more: "Clinton: 1,769." is a tally, not words."""
    return len(re.findall(r"[^\W\d_]{2,}", text)) >= 2


def transcript_label(text: str) -> str | None:
    """The capitalised label of a transcript turn or headline ("PENCE: ...", "Graham: ...")."""
    m = _TRANSCRIPT_RE.match(text)
    return m.group(1).strip() if m else None


def transcript(st: ParaState, index: ArticleIndex, labels: Counter) -> None:
    """Transcript turns ('PENCE: Well, look, ...') and headlines ('Graham: Trump's ...').

    Only labels that name a person of the article or recur as labels are accepted, so
    "BREAKING: ..." or "Partial transcript as follows:" are not speakers.
    """
    text = st.text
    m = _TRANSCRIPT_RE.match(text)
    if not m:
        return
    label, start = m.group(1).strip(), m.start(1)
    if "'" in label or "’" in label:  # "Editor's Note:" is not a speaker
        return
    verb, _, rest = label.partition(" ")
    if rest and verb.lower() in INVERTED_SAY:  # "Said Ellis: “...”": Ellis said it
        label, start = rest, start + len(verb) + 1
    else:
        verb = ""
    name, title = clean_name(" ".join(w.capitalize() if w.isupper() else w for w in label.split()))
    known = index.expand(name) in index.people or name.split()[-1].lower() in index.by_surname
    if not name or not (known or labels[label] >= 2):
        return
    name = index.expand(name)
    end = len(text.rstrip().rstrip("\"”").rstrip())
    if not _has_words(text[m.end() : end]):
        return
    spk = Speaker(label, start, m.end(1), name, title, True)
    register(spk, index, st.para)
    colon = m.end(1)
    cue = (verb, (m.start(1), m.start(1) + len(verb))) if verb else (":", (colon, colon + 1))
    emit(st, spk, cue[0], cue[1], (m.end(), end), True)
    st.claimed.update(range(len(st.quotes)))


def headline(st: ParaState, index: ArticleIndex) -> None:
    """Headlines and captions "Source: content" ("Poll: Sanders Leads", "NY Post: ...",
    "Clinton to Planned Parenthood: Trump will ...", "... - Mark Blumenthal: “...”") in
    short paragraphs, and embedded tweets ("<tweet ...>text — Name (@handle) date</tweet>")."""
    _tweets(st, index)
    text = st.text
    if st.attrs or len(text.split()) > 40:
        return
    for m in _HEADLINE_RE.finditer(text):
        label = m.group(1).strip()
        words = label.split()
        if words[0].lower().strip(".:") in LABEL_STOP or quote_of(m.start(1), st.quotes) is not None:
            continue
        cut = _LABEL_CUT.search(label)
        spoken = label[: cut.start()] if cut and cut.start() > 0 else label
        if m.start() > 0 and not any(e.label_ == "PERSON" and m.start(1) <= e.start_char < m.end(1)
                                     for e in st.doc.ents):
            continue
        end = len(text.rstrip().rstrip(".").rstrip())
        if not _has_words(text[m.end() : end]):
            continue
        label_toks = [t for t in st.doc if m.start(1) <= t.idx < m.start(1) + len(spoken)]
        if any(t.tag_.startswith("VB") for t in label_toks):
            continue  # a headline of its own ("Fiorina endorses Cruz: ...")
        last = spoken.split()[-1].lower()
        if not (any(t.ent_type_ in PERSON_ORG_ENTITIES for t in label_toks) or last in index.by_surname
                or last.rstrip("s") in DOCUMENT_NOUNS | {"newspaper", "fact-check"}
                or spoken.isupper() and len(spoken.split()) >= 2):
            continue  # "Stealth Over Health: ...", "The Latest: ..." (but "Poll: ...", "JAKE TAPPER: ...")
        name, title = clean_name(" ".join(w.capitalize() if w.isupper() and len(w) > 3 else w
                                          for w in spoken.split()))
        if not name:
            continue
        person = index.expand(name) in index.people or name.split()[-1].lower() in index.by_surname
        name = index.expand(name) if person else name
        spk = Speaker(label, m.start(1), m.end(1), name, title, person)
        register(spk, index, st.para)
        colon = m.end(1)
        direct = text[m.end() : m.end() + 1] in "“\"‘'"
        emit(st, spk, ":", (colon, colon + 1), (m.end(), end), direct)
        st.claimed.update(range(len(st.quotes)))
        return


def _tweets(st: ParaState, index: ArticleIndex) -> None:
    """Embedded tweets: the text is the content, "Name (@handle)" the speaker."""
    text = st.text
    for m in _TWEET_RE.finditer(text):
        src = m.group("src").strip()
        name = clean_name(re.sub(r"\(@\w+\)", "", src))[0]
        person = bool(name) and (index.expand(name) in index.people or looks_like_name(name))
        start = m.start("src") + (len(m.group("src")) - len(m.group("src").lstrip()))
        spk = Speaker(src, start, start + len(src), index.expand(name) if person else name, None, person)
        register(spk, index, st.para)
        c0 = m.start("content") + len(m.group("content")) - len(m.group("content").lstrip())
        emit(st, spk, "—", (m.start("src") - 2, m.start("src") - 1), (c0, m.end("content")), True)
