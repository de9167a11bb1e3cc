"""Milvus collections, connection and expressions: what the reader and the sync writer share.

Collections mirror the SQLite tables (passages with a dense vector and a BM25 sparse field
computed by Milvus, articles, attributions, people, aliases, manifest); `filter_expr` turns
`Filters` into a Milvus boolean expression in which no user text can change the expression.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from archive.errors import ArchiveError, NotSupported
from archive.models import Filters
from archive.storage.sqlite import chunks
from archive.text.terms import query_terms

PASSAGES, ARTICLES, ATTRIBUTIONS = "passages", "articles", "attributions"
UNDATED = '(date is null or date == "")'
MAX_ID_FILTER = 10_000  # speaker filters with at most this many passages become `id in [...]`
PEOPLE, ALIASES, MANIFEST = "people", "aliases", "manifest"
DUMMY = "_v"  # Milvus wants a vector field in every collection; small ones get a 2-d dummy
DUMMY_VECTOR = [1.0, 0.0]
BATCH = 500
SERVER_NLIST = 1024  # IVF lists per sealed segment (~1M rows) on Milvus Standalone/Distributed
SERVER_NPROBE = 32
MAX_TEXT = 65_535
MAX_SHORT = 4_096
MAX_PERSONS = 64
SCHEMA = 5  # 2: `fold` for group-by folding; 3: speaker types; 4: PDF pages; 5: confidence. Older
# databases are rebuilt
# BM25 analyzer: Milvus Standalone/Distributed stem English words; Milvus Lite (pure Python)
# applies the standard tokenizer and lowercasing and ignores the stemmer filter.
ANALYZER = {"tokenizer": "standard", "filter": ["lowercase",
                                                {"type": "stemmer", "language": "english"}]}
PASSAGE_FIELDS = ["id", "article_id", "position", "section", "text", "cluster", "title",
                  "outlet", "date", "page"]
ARTICLE_FIELDS = ["article_id", "title", "date", "outlet", "url", "path", "byline", "note",
                  "n_passages", "story"]
ATTRIBUTION_FIELDS = ["id", "passage_id", "article_id", "speaker", "speaker_text", "person",
                      "role", "cue", "content", "content_start", "content_end", "direct",
                      "speaker_type", "confidence"]




def quiet() -> None:
    """pymilvus logs every failed RPC and iterator detail at import-configured levels; the
    backend turns errors into exceptions itself."""
    for name in ("pymilvus", "pymilvus.client.iterator.query_iterator", "pymilvus.decorators",
                 "grpc._server"):  # Milvus Lite serves in-process; AllocTimestamp is absent
        logging.getLogger(name).setLevel(logging.CRITICAL)


class MilvusUnavailable(ArchiveError):
    """pymilvus (or Milvus Lite) is not installed, or the server cannot be reached."""


def default_uri(config) -> str:  # noqa: ANN001 - Config
    """The configured Milvus URI; empty means Milvus Lite in `<index>/milvus.db`."""
    return config.milvus_uri or str(Path(config.index_dir) / "milvus.db")


def is_lite(uri: str) -> bool:
    return not uri.startswith(("http://", "https://", "tcp://", "unix:"))


def connect(uri: str):  # noqa: ANN201 - MilvusClient
    try:
        from pymilvus import MilvusClient  # lazy: pymilvus loads when Milvus is used
    except ImportError as exc:
        raise MilvusUnavailable("the Milvus backend needs pymilvus: pip install "
                                "'archive[scale]' (or \"pymilvus[milvus-lite]\")") from exc
    quiet()
    if is_lite(uri):
        Path(uri).parent.mkdir(parents=True, exist_ok=True)
    try:
        return MilvusClient(uri=uri)
    except Exception as exc:  # noqa: BLE001 - connection errors come in many types
        hint = (" (Milvus Lite lets one process open a .db at a time: for a build beside a "
                "running app, serve it with 'milvus-lite server' or use a Milvus server URI)"
                if is_lite(uri) and "lock" in str(exc).lower() else "")
        raise MilvusUnavailable(f"cannot reach Milvus at '{uri}': {exc}{hint}") from exc


# -- expressions ------------------------------------------------------------------------------
def lit(value: object) -> str:
    """A Milvus expression literal. Strings are double-quoted with C escapes, so no user text
    can change the expression."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    s = "".join(ch for ch in str(value) if ch >= " " or ch in "\n\r\t")
    s = (s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
         .replace("\r", "\\r").replace("\t", "\\t"))
    return f'"{s}"'


def lits(values: Iterable[object]) -> str:
    return "[" + ", ".join(lit(v) for v in values) + "]"


def filter_expr(f: Filters, committed: int, speaker_ids: Sequence[int] | None = None) -> str:
    """The boolean expression for `f` over the passages collection, visible rows only.

    speaker_ids: the passages quoting `f.speakers`, when known and few; a primary-key `in`
    is much cheaper than array_contains_any over every row (Milvus Lite has no ARRAY index:
    7-20 s vs 0.15 s per filtered search at 100k passages)."""
    if f.mentions:
        raise NotSupported("the Milvus engine does not store the names passages mention: "
                           "filter by mentioned names on the local engine "
                           "(ARCHIVE_BACKEND=local), or filter by speaker")
    parts = [f"build_id <= {int(committed)}"]
    if f.dated():  # articles without a date only with include_undated
        span = (f"(date is not null and date >= {lit(f.date_from or '0000-00-00')} and "
                f"date <= {lit(f.date_to or '9999-12-31')})")
        parts.append(f"({UNDATED} or {span})" if f.include_undated else span)
    if f.outlets:
        parts.append(f"outlet in {lits(f.outlets)}")
    if f.article_ids:
        parts.append(f"article_id in {lits(f.article_ids)}")
    if f.speakers and speaker_ids is not None:
        parts.append(f"id in {lits(sorted(speaker_ids))}")
    elif f.speakers:
        parts.append(f"array_contains_any(persons, {lits(f.speakers)})")
    return " and ".join(parts)


def undated_expr(f: Filters, committed: int, speaker_ids: Sequence[int] | None = None) -> str:
    """The passages `f` allows but for its date range that have no date (what the range
    leaves out); `Backend.undated_count` counts them."""
    return f"{filter_expr(replace(f, date_from=None, date_to=None), committed, speaker_ids)} " \
           f"and {UNDATED}"


def keyword_text(text: str) -> str:
    """The words BM25 should see: the same query terms as the local FTS query."""
    return " ".join(query_terms(text))


def clip(value: object, limit: int = MAX_SHORT) -> str | None:
    """A VARCHAR value within Milvus's byte limit (None stays None)."""
    if value is None:
        return None
    s = str(value)
    raw = s.encode("utf-8")
    return s if len(raw) <= limit else raw[:limit].decode("utf-8", "ignore")


# -- schema -----------------------------------------------------------------------------------
def create_collections(client, dimension: int, lite: bool) -> None:  # noqa: ANN001
    """Create the collections that are missing (Strong consistency) and load them all."""
    wanted = [(PASSAGES, passages_schema(client, dimension), passages_index(client, lite))]
    wanted += [(name, schema, dummy_index(client)) for name, schema in catalogue_schemas(client)]
    for name, schema, index in wanted:
        if not client.has_collection(name):
            client.create_collection(name, schema=schema, index_params=index,
                                     consistency_level="Strong")
    for name in (PASSAGES, ARTICLES, ATTRIBUTIONS, PEOPLE, ALIASES, MANIFEST):
        client.load_collection(name)


def passages_schema(client, dimension: int):  # noqa: ANN001, ANN201
    """Passages: text with its BM25 sparse vector (computed by Milvus), the dense vector,
    the article's metadata for filters, the fold key, quoted persons and the build id."""
    from pymilvus import DataType, Function, FunctionType  # lazy: see connect()

    s = client.create_schema(auto_id=False)
    s.add_field("id", DataType.INT64, is_primary=True)
    s.add_field("text", DataType.VARCHAR, max_length=MAX_TEXT, enable_analyzer=True,
                analyzer_params=ANALYZER)
    s.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    s.add_field("dense", DataType.FLOAT_VECTOR, dim=int(dimension))
    s.add_field("article_id", DataType.VARCHAR, max_length=64)
    s.add_field("position", DataType.INT64)
    s.add_field("section", DataType.VARCHAR, max_length=MAX_SHORT, nullable=True)
    s.add_field("title", DataType.VARCHAR, max_length=MAX_SHORT, nullable=True)
    s.add_field("outlet", DataType.VARCHAR, max_length=256, nullable=True)
    s.add_field("date", DataType.VARCHAR, max_length=32, nullable=True)
    s.add_field("cluster", DataType.INT64, nullable=True)
    s.add_field("page", DataType.INT64, nullable=True)  # the PDF page; null for other sources
    # group-by key for folding: the near-duplicate cluster, or -id for a passage in none
    # (Milvus groups nulls together, so a singleton needs a key of its own)
    s.add_field("fold", DataType.INT64)
    s.add_field("persons", DataType.ARRAY, element_type=DataType.VARCHAR,
                max_capacity=MAX_PERSONS, max_length=256)
    s.add_field("sig", DataType.VARCHAR, max_length=64)
    s.add_field("build_id", DataType.INT64)
    s.add_function(Function(name="text_bm25", function_type=FunctionType.BM25,
                            input_field_names=["text"], output_field_names=["sparse"]))
    return s


def passages_index(client, lite: bool):  # noqa: ANN001, ANN201
    ip = client.prepare_index_params()
    if lite:
        ip.add_index("dense", index_type="FLAT", metric_type="IP")
    else:  # 8-bit IVF per sealed segment on a server: docs/scale-out.md has the arithmetic
        ip.add_index("dense", index_type="IVF_SQ8", metric_type="IP",
                     params={"nlist": SERVER_NLIST})
    ip.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
    if not lite:
        for field in ("article_id", "outlet", "date", "cluster", "fold", "persons", "build_id"):
            ip.add_index(field, index_type="INVERTED")
    return ip


def catalogue_schemas(client) -> list[tuple[str, object]]:  # noqa: ANN001
    """(name, schema) of the collections beside passages: articles, attributions, people,
    aliases and the manifest, each with the small dummy vector Milvus requires."""
    from pymilvus import DataType  # lazy: see connect()

    def schema(*fields: tuple) -> object:
        s = client.create_schema(auto_id=False)
        for name, kind, options in fields:
            s.add_field(name, kind, **options)
        s.add_field(DUMMY, DataType.FLOAT_VECTOR, dim=2)
        return s

    short = {"max_length": MAX_SHORT, "nullable": True}
    varchar, int64, json = DataType.VARCHAR, DataType.INT64, DataType.JSON
    articles = schema(
        ("article_id", varchar, {"max_length": 64, "is_primary": True}),
        *((name, varchar, short) for name in ("title", "url", "path", "byline", "note")),
        ("date", varchar, {"max_length": 32, "nullable": True}),
        ("outlet", varchar, {"max_length": 256, "nullable": True}),
        ("story", varchar, {"max_length": 64, "nullable": True}),
        ("n_passages", int64, {}), ("sig", varchar, {"max_length": 64}), ("build_id", int64, {}))
    attributions = schema(
        ("key", int64, {"is_primary": True}),  # passage_id * 1000 + ordinal
        ("id", int64, {}),  # the attribution's id in the build's catalogue
        ("passage_id", int64, {}), ("article_id", varchar, {"max_length": 64}),
        *((name, varchar, short) for name in ("speaker", "speaker_text", "person", "role", "cue")),
        ("content", varchar, {"max_length": MAX_TEXT, "nullable": True}),
        ("content_start", int64, {"nullable": True}), ("content_end", int64, {"nullable": True}),
        ("direct", int64, {}), ("speaker_type", varchar, {"max_length": 32, "nullable": True}),
        ("confidence", DataType.DOUBLE, {"nullable": True}),  # archive.quotes.tagged
        ("build_id", int64, {}))
    people = schema(
        ("name", varchar, {"max_length": MAX_SHORT, "is_primary": True}),
        ("aliases", json, {}), ("roles", json, {}), ("quotes", int64, {}),
        ("articles", int64, {}), ("type", varchar, {"max_length": 32, "nullable": True}))
    aliases = schema(("alias", varchar, {"max_length": MAX_SHORT, "is_primary": True}),
                     ("name", varchar, {"max_length": MAX_SHORT}))
    manifest = schema(("key", varchar, {"max_length": 64, "is_primary": True}),
                      ("value", json, {}))
    return [(ARTICLES, articles), (ATTRIBUTIONS, attributions), (PEOPLE, people),
            (ALIASES, aliases), (MANIFEST, manifest)]


def dummy_index(client):  # noqa: ANN001, ANN201
    ip = client.prepare_index_params()
    ip.add_index(DUMMY, index_type="FLAT", metric_type="L2")
    return ip


def scan(client, collection: str, expr: str, fields: list[str],  # noqa: ANN001
         batch: int = 2000) -> Iterator[dict]:
    """Every row matching `expr` (a query iterator: no result-window limit)."""
    it = client.query_iterator(collection, batch_size=batch, filter=expr, output_fields=fields)
    try:
        while True:
            rows = it.next()
            if not rows:
                return
            yield from rows
    finally:
        it.close()


def query_in(client, collection: str, field: str, values: Sequence,  # noqa: ANN001
             fields: list[str], extra: str = "") -> list[dict]:
    """Rows whose `field` is one of `values`, in chunks that keep expressions small."""
    out: list[dict] = []
    for chunk in chunks(list(values), 1000):
        expr = f"{field} in {lits(chunk)}" + (f" and {extra}" if extra else "")
        out.extend(client.query(collection, filter=expr, output_fields=fields))
    return out


def read_state(client) -> dict:  # noqa: ANN001
    if not client.has_collection(MANIFEST):
        return {}
    rows = client.query(MANIFEST, filter='key == "state"', output_fields=["value"])
    return dict(rows[0]["value"]) if rows else {}


def write_state(client, state: dict) -> None:  # noqa: ANN001
    client.upsert(MANIFEST, [{"key": "state", "value": state, DUMMY: DUMMY_VECTOR}])
    client.flush(MANIFEST)


def count_rows(client, collection: str, expr: str) -> int:  # noqa: ANN001
    rows = client.query(collection, filter=expr, output_fields=["count(*)"])
    return int(rows[0]["count(*)"]) if rows else 0
