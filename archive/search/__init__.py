"""Search: from a question to ranked, sourced hits.

Owns retrieval and fusion (`retrieve`: rrf, tiered, candidates), question understanding
(`query`: "what did X say about Y"), speaker-aware ranking (`speakers`), folding of
near-identical passages (`folding`) and the `Searcher` that ties them together (`searcher`).

May import archive.config, archive.errors, archive.models, archive.storage (only its public
surface: `Backend`, `open_backend`, the compatibility check), archive.embed, archive.text
and archive.quotes (`is_speech_cue`). Never names a storage engine.
"""
from __future__ import annotations

from archive.models import Filters, Hit
from archive.search.query import QueryIntent, parse_query
from archive.search.retrieve import MODES, candidates, rrf, tiered
from archive.search.searcher import (MAX_K, MAX_QUERY_CHARS, Searcher, make_filters, validate,
                                     validate_date)

__all__ = ["MAX_K", "MAX_QUERY_CHARS", "MODES", "Filters", "Hit", "QueryIntent", "Searcher",
           "candidates", "make_filters", "parse_query", "rrf", "tiered", "validate",
           "validate_date"]
