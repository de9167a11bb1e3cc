"""Query terms: the words of a question that carry its topic.

Shared by every keyword retriever (SQLite FTS5, Milvus BM25) and by the page's highlighting,
so a question means the same words wherever it is matched.
"""
from __future__ import annotations

import re

MAX_QUERY_TERMS = 64
# Words that carry no topic in questions people type ("what did Lavrov say about ...").
STOPWORDS = frozenset("""a an and are as at be but by did do does for from had has have he her his
how i in is it its of on or she so that the their them they this to was were what when where which
who whom why will with would you say said says tell told about any anything""".split())


def distinct_words(text: str) -> list[str]:
    """The distinct lower-cased words of `text`, in order (underscores alone are no word)."""
    words = [w.lower() for w in re.findall(r"\w+", text)]
    return list(dict.fromkeys(w for w in words if w.replace("_", "")))


def topic_words(words: list[str]) -> list[str]:
    """`words` without the topic-free ones, unless nothing else is left."""
    return [w for w in words if w not in STOPWORDS] or words


def query_terms(text: str) -> list[str]:
    """The distinct lower-cased words of `text`, topic-free words dropped unless nothing else
    is left; at most MAX_QUERY_TERMS. Empty when the text has no word at all."""
    return topic_words(distinct_words(text)[:MAX_QUERY_TERMS * 4])[:MAX_QUERY_TERMS]
