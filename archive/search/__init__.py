"""Search: from a question to ranked, sourced hits.

Owns retrieval (`retrieve`: candidates, tiered) and fusion of rankings (`fusion`: rrf,
weighted rrf, normalised scores), question understanding (`understand`: the people a
question names or describes, by alias, surname or role, anywhere in it; `query`: the fixed
forms "what did X say about Y"), speaker-aware ranking (`speakers`), folding of
near-identical passages (`folding`) and the `Searcher` that ties them together (`searcher`);
getting results out (`export`: rows, citations, csv/jsonl/md writers, batch questions).

May import archive.config, archive.errors, archive.models, archive.storage (only its public
surface: `Backend`, `open_backend`, the compatibility check), archive.embed, archive.text
and archive.quotes (`is_speech_cue`). Never names a storage engine.
"""
from __future__ import annotations

from archive.models import Filters, Hit
from archive.search.export import (BATCH_COLUMNS, BATCH_FILTERS, COLUMNS, FORMATS, BadRow,
                                   Question, ResultWriter, answer_batch, citation, export,
                                   one_line, read_batch, read_batch_file, rows, run_batch,
                                   speech_kinds, write_batch)
from archive.search.fusion import FUSIONS, fuse
from archive.search.query import QueryIntent, parse_query
from archive.search.retrieve import MODES, candidates, rrf, tiered
from archive.search.searcher import (MAX_K, MAX_QUERY_CHARS, Answer, Searcher, make_filters,
                                     validate, validate_date)
from archive.search.reading import Understood, describe
from archive.search.understand import understand

__all__ = ["BATCH_COLUMNS", "BATCH_FILTERS", "COLUMNS", "FORMATS", "FUSIONS", "MAX_K",
           "MAX_QUERY_CHARS", "MODES", "Answer", "BadRow", "Filters", "Hit", "QueryIntent",
           "Question", "ResultWriter", "Searcher", "Understood", "answer_batch", "candidates",
           "citation", "describe", "export", "fuse", "make_filters", "one_line", "parse_query",
           "read_batch", "read_batch_file", "rows", "rrf", "run_batch", "speech_kinds", "tiered",
           "understand", "validate", "validate_date", "write_batch"]
