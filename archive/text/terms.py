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


def query_terms(text: str) -> list[str]:
    """The distinct lower-cased words of `text`, topic-free words dropped unless nothing else
    is left; at most MAX_QUERY_TERMS. Empty when the text has no word at all."""
    words = [w.lower() for w in re.findall(r"\w+", text)]
    words = list(dict.fromkeys(w for w in words if w.replace("_", "")))[:MAX_QUERY_TERMS * 4]
    content = [w for w in words if w not in STOPWORDS] or words
    return content[:MAX_QUERY_TERMS]
