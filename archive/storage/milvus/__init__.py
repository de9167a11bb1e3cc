"""The second storage-and-search backend: Milvus, through pymilvus.

`MilvusBackend` answers every method of `backend.Backend` (plus the browsing methods the
Searcher and the page use) from Milvus alone: dense search on a FLOAT_VECTOR field, keyword
search with Milvus's own BM25 function (a sparse field computed by Milvus from the analysed
text), hybrid search with Milvus `hybrid_search` + `RRFRanker(k)`, metadata filters as
Milvus boolean expressions and scalar lookups with `query`. Attribution ranking, folding and
query understanding stay above the interface and are shared with the local backend.

With a file path as the URI (`index/milvus.db`) pymilvus runs Milvus Lite in-process; with
`http://host:19530` the same code talks to Milvus Standalone or Distributed.

schema: collections, connection, expressions; reader: `MilvusBackend`; sync: mirroring a
published generation into Milvus (see its docstring for the consistency model).
"""
from __future__ import annotations

from archive.storage.milvus.reader import MilvusBackend
from archive.storage.milvus.schema import (ALIASES, ARTICLES, ATTRIBUTION_FIELDS, ATTRIBUTIONS,
                                           BATCH, DUMMY, DUMMY_VECTOR, MAX_PERSONS,
                                           PASSAGE_FIELDS, PASSAGES, PEOPLE, SCHEMA,
                                           SERVER_NPROBE, MilvusUnavailable, chunks, clip,
                                           connect, count_rows, default_uri, filter_expr,
                                           is_lite, keyword_text, lit, lits, query_in,
                                           read_state, scan, write_state)
from archive.storage.milvus.sync import (attribution_row, begin_build, fold_key, passage_row,
                                         signature, sync_generation, write_people)

__all__ = ["ALIASES", "ARTICLES", "ATTRIBUTIONS", "ATTRIBUTION_FIELDS", "BATCH", "DUMMY", "DUMMY_VECTOR", "MAX_PERSONS", "MilvusBackend", "MilvusUnavailable", "PASSAGES", "PASSAGE_FIELDS", "PEOPLE", "SCHEMA", "SERVER_NPROBE", "attribution_row", "begin_build", "chunks", "clip", "connect", "count_rows", "default_uri", "filter_expr", "fold_key", "is_lite", "keyword_text", "lit", "lits", "passage_row", "query_in", "read_state", "scan", "signature", "sync_generation", "write_people", "write_state"]
