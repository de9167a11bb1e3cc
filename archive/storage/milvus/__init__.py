"""The second storage engine: Milvus, through pymilvus.

`MilvusBackend` answers the `archive.storage.Backend` protocol from Milvus alone (all but
`stories`: Milvus keeps no near-duplicate passage links): dense search on a FLOAT_VECTOR
field, keyword search with Milvus's own BM25 function (a sparse field computed by Milvus
from the analysed text), hybrid search with Milvus `hybrid_search` + `RRFRanker(k)`,
metadata filters as Milvus boolean expressions and scalar lookups with `query`. Attribution
ranking, folding and query understanding stay above the interface and are shared with the
local engine.

With a file path as the URI (`index/milvus.db`) pymilvus runs Milvus Lite in-process; with
`http://host:19530` the same code talks to Milvus Standalone or Distributed.

schema: collections, connection, expressions; reader: `MilvusBackend`; sync: mirroring a
published generation into Milvus (see its docstring for the consistency model); writer:
`StreamWriter`, the rows of a distributed build written straight into Milvus.
"""
from __future__ import annotations

from archive.storage.milvus.reader import MilvusBackend
from archive.storage.milvus.schema import (PASSAGES, MilvusUnavailable, connect, default_uri,
                                           filter_expr, keyword_text, lit, read_state, scan)
from archive.storage.milvus.sync import sync_generation
from archive.storage.milvus.writer import StreamWriter

__all__ = ["PASSAGES", "MilvusBackend", "MilvusUnavailable", "StreamWriter", "connect",
           "default_uri", "filter_expr", "keyword_text", "lit", "read_state", "scan",
           "sync_generation"]
