"""Passages from cleaned paragraphs: one paragraph each, long ones split at sentence ends.

The sentence splitter is a small regular expression rather than spaCy: chunking runs on every
paragraph of every build, must not need a model, and only has to find safe cut points.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from archive.models import Article, Passage

TokenCounter = Callable[[str], int]
SENTENCE_END = re.compile(r"(?<=[.!?…])[”\"’')\]]*\s+(?=[“\"‘'(\[]?[A-Z0-9])")
ABBREVIATIONS = re.compile(r"\b(Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Col|Lt|St|Jr|Sr|Inc|Co|Corp|"
                           r"U\.S|U\.K|No|vs|etc|e\.g|i\.e|[A-Z])\.$")


def approx_tokens(text: str) -> int:
    """Cheap upper-bound guess of word-piece tokens when no tokenizer is at hand."""
    return int(len(text.split()) * 1.4) + 2


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph; never cuts after a title such as "Mr." or an initial."""
    pieces: list[str] = []
    start = 0
    for m in SENTENCE_END.finditer(text):
        head = text[start:m.start()].rstrip("”\"’')] ")
        if ABBREVIATIONS.search(head):
            continue
        pieces.append(text[start:m.end()].strip())
        start = m.end()
    tail = text[start:].strip()
    if tail:
        pieces.append(tail)
    return pieces


# special tokens a tokenizer adds around a text ([CLS] ... [SEP]; <s> ... </s>), with room
SPECIAL_TOKENS = 4


def surely_fits(text: str, max_tokens: int) -> bool:
    """Does `text` fit the window whatever the tokenizer: no tokenizer makes more tokens of
    a text than it has UTF-8 bytes (a word piece is one character or more, a byte-level BPE
    token one byte or more), special tokens aside. Half of a news archive's paragraphs are
    that short; counting them with the tokenizer was a second tokenization of every
    passage (the model tokenizes it again to encode it)."""
    return len(text.encode("utf-8")) + SPECIAL_TOKENS <= max_tokens


def split_long(text: str, max_tokens: int, count: TokenCounter) -> list[str]:
    """`text` unchanged if it fits the model window, else sentence-bounded pieces that fit.

    A single sentence longer than the window is cut on word boundaries (the model would
    truncate it silently otherwise).
    """
    if surely_fits(text, max_tokens) or count(text) <= max_tokens:
        return [text]
    pieces: list[str] = []
    current = ""
    for sentence in split_sentences(text):
        for part in _hard_wrap(sentence, max_tokens, count):
            joined = f"{current} {part}".strip()
            if current and count(joined) > max_tokens:
                pieces.append(current)
                current = part
            else:
                current = joined
    if current:
        pieces.append(current)
    return pieces


def _hard_wrap(sentence: str, max_tokens: int, count: TokenCounter) -> list[str]:
    if count(sentence) <= max_tokens:
        return [sentence]
    words = sentence.split()
    out: list[str] = []
    step = max(8, len(words) * max_tokens // max(count(sentence), 1) - 4)
    i = 0
    while i < len(words):
        n = min(step, len(words) - i)
        # tokens per word vary: shrink the guess until the piece fits (one word always goes)
        while n > 1 and count(" ".join(words[i:i + n])) > max_tokens:
            n = min(n - 1, n * 9 // 10)
        out.append(" ".join(words[i:i + n]))
        i += n
    return out


def passages_of(article: Article, max_tokens: int = 256,
                count: TokenCounter = approx_tokens) -> list[Passage]:
    """The article's passages, numbered 0.. in reading order, each with its section and
    (for a PDF) the page its paragraph starts on."""
    out: list[Passage] = []
    for paragraph in article.paragraphs:
        for piece in split_long(paragraph.text, max_tokens, count):
            out.append(Passage(article_id=article.article_id, position=len(out), text=piece,
                               section=paragraph.section, page=paragraph.page))
    return out
