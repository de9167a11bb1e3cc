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
    specials = count("")
    parts = [wrapped for sentence in split_sentences(text)
             for wrapped in _hard_wrap(sentence, max_tokens, count)]
    out: list[str] = []
    for group in _greedy(parts, max_tokens, specials):
        piece = " ".join(p for p, _ in group)
        if len(group) == 1 or count(piece) <= max_tokens:
            out.append(piece)
        else:  # the tokenizer's counts do not add up (byte-level BPE): count the joins
            out.extend(_exact_greedy([p for p, _ in group], max_tokens, count))
    return out


def _greedy(parts: list[tuple[str, int]], max_tokens: int, specials: int
            ) -> list[list[tuple[str, int]]]:
    """Consecutive parts grouped while their token counts, special tokens counted once,
    fit. A word-piece tokenizer splits at spaces before anything else, so the count of
    parts joined by a space is the sum of theirs: counting every longer and longer join,
    as this did before, tokenized a long paragraph once per sentence."""
    groups: list[list[tuple[str, int]]] = []
    size = 0
    for part, n in parts:
        if groups and size + n - specials <= max_tokens:
            groups[-1].append((part, n))
            size += n - specials
        else:
            groups.append([(part, n)])
            size = n
    return groups


def _exact_greedy(parts: list[str], max_tokens: int, count: TokenCounter) -> list[str]:
    pieces: list[str] = []
    current = ""
    for part in parts:
        joined = f"{current} {part}".strip()
        if current and count(joined) > max_tokens:
            pieces.append(current)
            current = part
        else:
            current = joined
    if current:
        pieces.append(current)
    return pieces


def _hard_wrap(sentence: str, max_tokens: int, count: TokenCounter) -> list[tuple[str, int]]:
    """The sentence, or word-bounded pieces of it that fit, each with its token count."""
    whole = count(sentence)
    if whole <= max_tokens:
        return [(sentence, whole)]
    words = sentence.split()
    out: list[tuple[str, int]] = []
    step = max(8, len(words) * max_tokens // max(whole, 1) - 4)
    i = 0
    while i < len(words):
        n = min(step, len(words) - i)
        # tokens per word vary: shrink the guess until the piece fits (one word always goes)
        while True:
            piece = " ".join(words[i:i + n])
            size = count(piece)
            if n == 1 or size <= max_tokens:
                break
            n = min(n - 1, n * 9 // 10)
        out.append((piece, size))
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
