"""Text: from files to clean articles and passages, and the pure text analyses on them.

Owns reading files (`ingest`: .txt, .html, .jsonl, .csv), cleaning an article (`clean`:
boilerplate, outlet, sections), its date (`dates`: python-dateutil, day/month order by the
outlet's convention), cutting passages to the model's token limit (`chunk`),
near-duplicate passages and story clusters (`dedup`), grouping the names of one person
(`names`, with the given names of `given_names`) and the topic words of a question
(`terms`). Every function works on plain data.
May import `archive.models` only: never storage, search, build, quotes, embed or app.
"""
from archive.text import dedup
from archive.text.chunk import approx_tokens, passages_of, split_long, split_sentences
from archive.text.clean import (block_paragraphs, clean_article, one_paragraph_per_line,
                                oversized_paragraph)
from archive.text.dates import DateReading, normalize_date, outlet_order, parse_date, read_date
from archive.text.dedup import (DedupParams, PairLink, UnionFind, find_passage_pairs,
                                judge_pair, passage_clusters, story_clusters, update_links)
from archive.text.given_names import FEMALE_NAMES, MALE_NAMES, from_given_name, gender_of
from archive.text.ingest import COMPRESSED, SUPPORTED, Skipped, iter_files, read_all, read_path
from archive.text.names import (group_names, is_person, mention_people, resolve_person,
                                speaker_types)
from archive.text.terms import STOPWORDS, distinct_words, query_terms, topic_words

__all__ = [
    "FEMALE_NAMES", "MALE_NAMES", "STOPWORDS", "SUPPORTED", "COMPRESSED", "block_paragraphs",
    "DedupParams",
    "PairLink", "Skipped", "from_given_name", "gender_of",
    "UnionFind", "one_paragraph_per_line",
    "approx_tokens", "clean_article", "dedup", "distinct_words", "find_passage_pairs",
    "group_names", "is_person", "iter_files", "judge_pair", "mention_people", "normalize_date",
    "oversized_paragraph", "outlet_order", "parse_date", "read_date", "DateReading",
    "passage_clusters", "passages_of", "query_terms",
    "read_all", "read_path", "resolve_person", "speaker_types", "split_long",
    "split_sentences", "story_clusters", "topic_words", "update_links",
]
