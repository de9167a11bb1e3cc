"""The second storage-and-search backend: Milvus, through pymilvus.

`MilvusBackend` answers every method of `backend.Backend` (plus the browsing methods the
Searcher and the page use) from Milvus alone: dense search on a FLOAT_VECTOR field, keyword
search with Milvus's own BM25 function (a sparse field computed by Milvus from the analysed
text), hybrid search with Milvus `hybrid_search` + `RRFRanker(k)`, metadata filters as
Milvus boolean expressions and scalar lookups with `query`. Attribution ranking, folding and
query understanding stay above the interface and are shared with the local backend.

With a file path as the URI (`index/milvus.db`) pymilvus runs Milvus Lite in-process; with
`http://host:19530` the same code talks to Milvus Standalone or Distributed.

Writing (`sync_generation`). The build pipeline is shared: it still writes its local
generation (SQLite catalogue + FAISS), which is also what incremental builds diff against.
After a generation is published it is mirrored into Milvus by a diff:
    base  = the generation Milvus last finished syncing (its folder when it still exists,
            else the row signatures stored in Milvus itself),
    added/changed rows are upserted, removed rows deleted, people/aliases rewritten.
Consistency model (Milvus has no multi-row transactions and no generations):
  1. rows left over by a build that died (build_id > committed) are deleted;
  2. new and changed articles, passages and attributions are upserted with build_id = B,
     in batches; readers only see rows with build_id <= committed, so new rows stay
     invisible, but a changed row replaces its old version at once (a brief window where
     such a row is hidden);
  3. the manifest row is rewritten with committed = B: every new row becomes visible at once;
  4. removed rows are deleted and people/aliases are rewritten (visible as applied);
  5. the manifest records the generation as fully synced.
A build killed between steps leaves Milvus answering from the previous committed rows (plus
whatever step 4 had already applied); the next build repeats the diff from the last fully
synced generation, so it converges. Reads use Strong consistency.
"""
from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np

from archive.errors import ArchiveError, IndexCorrupt, IndexMismatch, IndexNotFound
from archive.models import Filters
from archive.storage.sqlite import chunks
from archive.text.terms import query_terms

PASSAGES, ARTICLES, ATTRIBUTIONS = "passages", "articles", "attributions"
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
SCHEMA = 3  # 2: `fold` for group-by folding; 3: speaker types. Older databases are rebuilt
# BM25 analyzer: Milvus Standalone/Distributed stem English words; Milvus Lite (pure Python)
# applies the standard tokenizer and lowercasing and ignores the stemmer filter.
ANALYZER = {"tokenizer": "standard", "filter": ["lowercase",
                                                {"type": "stemmer", "language": "english"}]}
PASSAGE_FIELDS = ["id", "article_id", "position", "section", "text", "cluster", "title",
                  "outlet", "date"]
ARTICLE_FIELDS = ["article_id", "title", "date", "outlet", "url", "path", "byline", "note",
                  "n_passages", "story"]
ATTRIBUTION_FIELDS = ["id", "passage_id", "article_id", "speaker", "speaker_text", "person",
                      "role", "cue", "content", "content_start", "content_end", "direct",
                      "speaker_type"]



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
        from pymilvus import MilvusClient
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
    parts = [f"build_id <= {int(committed)}"]
    if f.date_from:
        parts.append(f"(date is not null and date >= {lit(f.date_from)})")
    if f.date_to:
        parts.append(f"(date is not null and date <= {lit(f.date_to)})")
    if f.outlets:
        parts.append(f"outlet in {lits(f.outlets)}")
    if f.article_ids:
        parts.append(f"article_id in {lits(f.article_ids)}")
    if f.speakers and speaker_ids is not None:
        parts.append(f"id in {lits(sorted(speaker_ids))}")
    elif f.speakers:
        parts.append(f"array_contains_any(persons, {lits(f.speakers)})")
    return " and ".join(parts)


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
    from pymilvus import DataType, Function, FunctionType

    def dummy(schema) -> None:  # noqa: ANN001
        schema.add_field(DUMMY, DataType.FLOAT_VECTOR, dim=2)

    def make(name: str, schema, index) -> None:  # noqa: ANN001
        if not client.has_collection(name):
            client.create_collection(name, schema=schema, index_params=index,
                                     consistency_level="Strong")

    def dummy_index():  # noqa: ANN202
        ip = client.prepare_index_params()
        ip.add_index(DUMMY, index_type="FLAT", metric_type="L2")
        return ip

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
    # group-by key for folding: the near-duplicate cluster, or -id for a passage in none
    # (Milvus groups nulls together, so a singleton needs a key of its own)
    s.add_field("fold", DataType.INT64)
    s.add_field("persons", DataType.ARRAY, element_type=DataType.VARCHAR,
                max_capacity=MAX_PERSONS, max_length=256)
    s.add_field("sig", DataType.VARCHAR, max_length=64)
    s.add_field("build_id", DataType.INT64)
    s.add_function(Function(name="text_bm25", function_type=FunctionType.BM25,
                            input_field_names=["text"], output_field_names=["sparse"]))
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
    make(PASSAGES, s, ip)

    s = client.create_schema(auto_id=False)
    s.add_field("article_id", DataType.VARCHAR, max_length=64, is_primary=True)
    for name in ("title", "url", "path", "byline", "note"):
        s.add_field(name, DataType.VARCHAR, max_length=MAX_SHORT, nullable=True)
    s.add_field("date", DataType.VARCHAR, max_length=32, nullable=True)
    s.add_field("outlet", DataType.VARCHAR, max_length=256, nullable=True)
    s.add_field("story", DataType.VARCHAR, max_length=64, nullable=True)
    s.add_field("n_passages", DataType.INT64)
    s.add_field("sig", DataType.VARCHAR, max_length=64)
    s.add_field("build_id", DataType.INT64)
    dummy(s)
    make(ARTICLES, s, dummy_index())

    s = client.create_schema(auto_id=False)
    s.add_field("key", DataType.INT64, is_primary=True)  # passage_id * 1000 + ordinal
    s.add_field("id", DataType.INT64)  # the attribution's id in the build's catalogue
    s.add_field("passage_id", DataType.INT64)
    s.add_field("article_id", DataType.VARCHAR, max_length=64)
    for name in ("speaker", "speaker_text", "person", "role", "cue"):
        s.add_field(name, DataType.VARCHAR, max_length=MAX_SHORT, nullable=True)
    s.add_field("content", DataType.VARCHAR, max_length=MAX_TEXT, nullable=True)
    s.add_field("content_start", DataType.INT64, nullable=True)
    s.add_field("content_end", DataType.INT64, nullable=True)
    s.add_field("direct", DataType.INT64)
    s.add_field("speaker_type", DataType.VARCHAR, max_length=32, nullable=True)
    s.add_field("build_id", DataType.INT64)
    dummy(s)
    make(ATTRIBUTIONS, s, dummy_index())

    s = client.create_schema(auto_id=False)
    s.add_field("name", DataType.VARCHAR, max_length=MAX_SHORT, is_primary=True)
    s.add_field("aliases", DataType.JSON)
    s.add_field("roles", DataType.JSON)
    s.add_field("quotes", DataType.INT64)
    s.add_field("articles", DataType.INT64)
    s.add_field("type", DataType.VARCHAR, max_length=32, nullable=True)
    dummy(s)
    make(PEOPLE, s, dummy_index())

    s = client.create_schema(auto_id=False)
    s.add_field("alias", DataType.VARCHAR, max_length=MAX_SHORT, is_primary=True)
    s.add_field("name", DataType.VARCHAR, max_length=MAX_SHORT)
    dummy(s)
    make(ALIASES, s, dummy_index())

    s = client.create_schema(auto_id=False)
    s.add_field("key", DataType.VARCHAR, max_length=64, is_primary=True)
    s.add_field("value", DataType.JSON)
    dummy(s)
    make(MANIFEST, s, dummy_index())
    for name in (PASSAGES, ARTICLES, ATTRIBUTIONS, PEOPLE, ALIASES, MANIFEST):
        client.load_collection(name)


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


# -- reading ----------------------------------------------------------------------------------
class MilvusBackend:
    """One Milvus database as a `Backend`: every read sees rows with build_id <= committed."""

    kind = "milvus"

    def __init__(self, uri: str, expected: dict[str, object] | None = None) -> None:
        from archive.storage.local import check_manifest

        self.uri = uri
        self.generation = None
        if is_lite(uri) and not Path(uri).exists():
            raise IndexNotFound(f"no Milvus archive at '{uri}': build one with "
                                f"'archive build seeds/ --backend milvus --milvus-uri {uri}'")
        self.client = connect(uri)
        if not self.client.has_collection(MANIFEST):
            raise IndexNotFound(f"no archive in Milvus at '{uri}': build one with "
                                f"'archive build seeds/ --backend milvus --milvus-uri {uri}'")
        for name in (PASSAGES, ARTICLES, ATTRIBUTIONS, PEOPLE, ALIASES, MANIFEST):
            self.client.load_collection(name)
        self._aliases: dict[str, str] | None = None
        self.refresh()
        check_manifest(self._manifest, expected, Path(uri))

    # a build commits by rewriting one manifest row; readers pick it up on their next query
    def refresh(self) -> None:
        state = read_state(self.client)
        if state.get("committed") is None:
            raise IndexNotFound(f"the archive in Milvus at '{self.uri}' has no completed "
                                "build yet: run 'archive build --backend milvus'")
        if state.get("committed") != getattr(self, "committed", None):
            self._aliases = None
        self.committed = int(state["committed"])
        self.generation = state.get("generation")
        self._manifest = dict(state.get("manifest") or {})

    @property
    def visible(self) -> str:
        return f"build_id <= {self.committed}"

    def expr(self, filters: Filters) -> str:
        ids = None
        if filters.speakers:
            own = self.passages_quoting(filters.speakers)
            ids = own if len(own) <= MAX_ID_FILTER else None
        return filter_expr(filters, self.committed, ids)

    def manifest(self) -> dict[str, object]:
        return dict(self._manifest)

    # Group-by folding: with group=True Milvus returns the best passage of each near-duplicate
    # cluster (group_by_field="fold", group_size=1), so the k results are k distinct stories
    # rather than k copies of one wire story; the Searcher then lists the other copies of each
    # kept passage as `also_in` (cluster_members), exactly as for the local backend.
    groups = True

    @staticmethod
    def _group(group: bool) -> dict:
        return {"group_by_field": "fold", "group_size": 1} if group else {}

    def dense(self, vector: np.ndarray, k: int, filters: Filters,
              group: bool = False) -> list[tuple[int, float]]:
        res = self.client.search(
            PASSAGES, data=[np.asarray(vector, dtype=np.float32).tolist()], anns_field="dense",
            limit=int(k), filter=self.expr(filters), output_fields=["id"],
            search_params={"metric_type": "IP", "params": {"nprobe": SERVER_NPROBE}},
            **self._group(group))
        return [(int(h["id"]), float(h["distance"])) for h in res[0]]

    def keyword(self, text: str, k: int, filters: Filters,
                group: bool = False) -> list[tuple[int, float]]:
        words = keyword_text(text)
        if not words:
            return []
        res = self.client.search(
            PASSAGES, data=[words], anns_field="sparse", limit=int(k),
            filter=self.expr(filters), output_fields=["id"],
            search_params={"metric_type": "BM25"}, **self._group(group))
        # Milvus ranks best first; Lite reports BM25 as a negative distance, Milvus as positive
        return [(int(h["id"]), abs(float(h["distance"]))) for h in res[0]]

    def hybrid(self, vector: np.ndarray, text: str, n: int, filters: Filters,
               rrf_k: int = 60, group: bool = False) -> list[tuple[int, float]]:
        """Dense + BM25 fused inside Milvus: hybrid_search with RRFRanker(rrf_k)."""
        from pymilvus import AnnSearchRequest, RRFRanker

        expr = self.expr(filters)
        requests = [AnnSearchRequest(
            data=[np.asarray(vector, dtype=np.float32).tolist()], anns_field="dense",
            param={"metric_type": "IP", "params": {"nprobe": SERVER_NPROBE}}, limit=int(n),
            expr=expr)]
        words = keyword_text(text)
        if words:
            requests.append(AnnSearchRequest(data=[words], anns_field="sparse",
                                             param={"metric_type": "BM25"}, limit=int(n),
                                             expr=expr))
        res = self.client.hybrid_search(PASSAGES, requests, RRFRanker(int(rrf_k)),
                                        limit=int(n), output_fields=["id"],
                                        **self._group(group))
        return [(int(h["id"]), float(h["distance"])) for h in res[0]]

    def fetch(self, ids: Sequence[int]) -> dict[int, dict]:
        rows = query_in(self.client, PASSAGES, "id", [int(i) for i in ids], PASSAGE_FIELDS,
                        self.visible)
        articles = self._articles({r["article_id"] for r in rows})
        out: dict[int, dict] = {}
        for r in rows:
            a = articles.get(r["article_id"], {})
            out[int(r["id"])] = {
                "id": int(r["id"]), "article_id": r["article_id"], "position": r["position"],
                "section": r.get("section"), "text": r["text"], "cluster": r.get("cluster"),
                "title": r.get("title"), "outlet": r.get("outlet"), "date": r.get("date"),
                "url": a.get("url"), "path": a.get("path"), "byline": a.get("byline"),
                "story": a.get("story")}
        return out

    def _articles(self, article_ids: Iterable[str]) -> dict[str, dict]:
        rows = query_in(self.client, ARTICLES, "article_id", sorted(article_ids),
                        ARTICLE_FIELDS, self.visible)
        return {r["article_id"]: {k: r.get(k) for k in ARTICLE_FIELDS} for r in rows}

    def attributions_for(self, ids: Sequence[int]) -> dict[int, list[dict]]:
        rows = query_in(self.client, ATTRIBUTIONS, "passage_id", [int(i) for i in ids],
                        ATTRIBUTION_FIELDS, self.visible)
        rows.sort(key=lambda r: (r["passage_id"], r.get("content_start") or 0, r["id"]))
        out: dict[int, list[dict]] = {}
        for r in rows:
            out.setdefault(int(r["passage_id"]), []).append(
                {k: r.get(k) for k in ATTRIBUTION_FIELDS})
        return out

    def passages_quoting(self, people: Sequence[str]) -> list[int]:
        if not people:
            return []
        seen: dict[int, None] = {}
        for r in scan(self.client, ATTRIBUTIONS, f"person in {lits(people)} and {self.visible}",
                      ["passage_id"]):
            seen.setdefault(int(r["passage_id"]), None)
        return sorted(seen)

    def cluster_members(self, clusters: Sequence[int]) -> dict[int, list[dict]]:
        rows = query_in(self.client, PASSAGES, "cluster", [int(c) for c in clusters],
                        ["id", "cluster", "text", "article_id", "title", "outlet", "date"],
                        self.visible)
        out: dict[int, list[dict]] = {}
        for r in sorted(rows, key=lambda r: r["id"]):
            out.setdefault(int(r["cluster"]), []).append(
                {k: r.get(k) for k in ("id", "cluster", "text", "article_id", "title",
                                       "outlet", "date")})
        return out

    def aliases(self) -> dict[str, str]:
        if self._aliases is None:
            self._aliases = {r["alias"]: r["name"]
                             for r in scan(self.client, ALIASES, "alias != \"\"",
                                           ["alias", "name"])}
        return self._aliases

    def filtered_ids(self, filters: Filters) -> list[int]:
        return sorted(int(r["id"]) for r in scan(self.client, PASSAGES, self.expr(filters),
                                                 ["id"]))

    # -- browsing (same shapes as the local Store) --------------------------------------
    def neighbours(self, passage_id: int, before: int = 1, after: int = 1) -> list[dict]:
        rows = self.client.query(PASSAGES, filter=f"id == {int(passage_id)} and {self.visible}",
                                 output_fields=["article_id", "position"])
        if not rows:
            return []
        aid, pos = rows[0]["article_id"], int(rows[0]["position"])
        near = self.client.query(
            PASSAGES, filter=f"article_id == {lit(aid)} and position >= {pos - int(before)} "
                             f"and position <= {pos + int(after)} and {self.visible}",
            output_fields=["id", "position", "section", "text"])
        return [{k: r.get(k) for k in ("id", "position", "section", "text")}
                for r in sorted(near, key=lambda r: r["position"])]

    def article(self, article_id: str) -> dict | None:
        return self._articles([article_id]).get(article_id)

    def article_passages(self, article_id: str) -> list[dict]:
        rows = scan(self.client, PASSAGES, f"article_id == {lit(article_id)} and {self.visible}",
                    ["id", "position", "section", "text"])
        return [{k: r.get(k) for k in ("id", "position", "section", "text")}
                for r in sorted(rows, key=lambda r: r["position"])]

    def people(self) -> list[dict]:
        rows = [{"name": r["name"], "aliases": list(r["aliases"]), "roles": list(r["roles"]),
                 "quotes": r["quotes"], "articles": r["articles"], "type": r.get("type")}
                for r in scan(self.client, PEOPLE, "name != \"\"",
                              ["name", "aliases", "roles", "quotes", "articles", "type"])]
        return sorted(rows, key=lambda r: (-r["quotes"], r["name"]))

    def quotes_by(self, person: str) -> list[dict]:
        atts = [{k: r.get(k) for k in ATTRIBUTION_FIELDS} for r in scan(
            self.client, ATTRIBUTIONS, f"person == {lit(person)} and {self.visible}",
            ATTRIBUTION_FIELDS)]
        rows = self.fetch(sorted({a["passage_id"] for a in atts}))
        out = []
        for a in atts:
            p = rows.get(a["passage_id"])
            if p is None:
                continue
            out.append({**a, "title": p["title"], "outlet": p["outlet"], "date": p["date"],
                        "passage": p["text"], "_pos": p["position"]})
        out.sort(key=lambda r: (r["date"] is not None, r["date"] or "", r["article_id"],
                                r["_pos"]))
        for r in out:
            del r["_pos"]
        return out

    def outlets(self) -> list[tuple[str, int]]:
        from collections import Counter

        counts = Counter(r["outlet"] for r in scan(
            self.client, ARTICLES, f"outlet is not null and outlet != \"\" and {self.visible}",
            ["outlet"]))
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))

    def date_range(self) -> tuple[str | None, str | None]:
        dates = [r["date"] for r in scan(self.client, ARTICLES,
                                         f"date is not null and {self.visible}", ["date"])]
        return (min(dates), max(dates)) if dates else (None, None)

    def count(self, table: str = "passages") -> int:
        if table in (PEOPLE,):
            expr = "name != \"\""
        elif table in (PASSAGES, ARTICLES, ATTRIBUTIONS):
            expr = self.visible
        else:
            raise ValueError(f"unknown table {table}")
        return count_rows(self.client, table, expr)

    def close(self) -> None:
        try:
            self.client.close()
        except Exception:  # noqa: BLE001 - closing twice or a gone server is not an error
            pass


def read_state(client) -> dict:  # noqa: ANN001
    if not client.has_collection(MANIFEST):
        return {}
    rows = client.query(MANIFEST, filter='key == "state"', output_fields=["value"])
    return dict(rows[0]["value"]) if rows else {}


def write_state(client, state: dict) -> None:  # noqa: ANN001
    client.upsert(MANIFEST, [{"key": "state", "value": state, DUMMY: DUMMY_VECTOR}])
    client.flush(MANIFEST)


# -- writing: mirror a published local generation into Milvus ---------------------------------
def begin_build(client, uri: str, state: dict, manifest: dict) -> tuple[dict, int]:  # noqa: ANN001
    """Ready Milvus for a build writing vectors described by `manifest`: collections of
    another schema, model, dimension or embedding backend are dropped (their vectors cannot
    be mixed), the collections are created if missing, and rows of a build that died before
    committing are deleted. Returns the state to build on and the new build's id."""
    old = state.get("manifest") or {}
    if client.has_collection(PASSAGES) and (
            state.get("schema", 1) != SCHEMA
            or any(old.get(k) != manifest.get(k)
                   for k in ("model", "dimension", "embedding_backend"))):
        for name in (PASSAGES, ARTICLES, ATTRIBUTIONS, PEOPLE, ALIASES, MANIFEST):
            if client.has_collection(name):
                client.drop_collection(name)
        state = {}
    create_collections(client, int(manifest["dimension"]), is_lite(uri))
    build_id = int(state.get("committed") or 0) + 1
    for name in (PASSAGES, ARTICLES, ATTRIBUTIONS):
        client.delete(name, filter=f"build_id >= {build_id}")
    return state, build_id


def count_rows(client, collection: str, expr: str) -> int:  # noqa: ANN001
    rows = client.query(collection, filter=expr, output_fields=["count(*)"])
    return int(rows[0]["count(*)"]) if rows else 0


def signature(*values: object) -> str:
    return hashlib.sha1(json.dumps(values, ensure_ascii=False, default=str).encode()
                        ).hexdigest()


def catalogue(gen: Path) -> tuple[dict[int, str], dict[str, str], dict]:
    """(passage id → signature, article id → signature, manifest) of a local generation."""
    from archive.storage.generations import DB_NAME
    from archive.storage.sqlite import Store

    store = Store(gen / DB_NAME, readonly=True)
    try:
        return passage_sigs(store), article_sigs(store), store.manifest()
    finally:
        store.close()


def passage_sigs(store) -> dict[int, str]:  # noqa: ANN001
    atts: dict[int, list] = {}
    for r in store.db.execute(
            "SELECT passage_id, speaker, speaker_text, person, role, cue, content, "
            "content_start, content_end, direct, speaker_type FROM attributions "
            "ORDER BY passage_id, id"):
        atts.setdefault(r[0], []).append(r[1:])
    out = {}
    for r in store.db.execute(
            "SELECT p.id, p.article_id, p.position, p.section, p.text, p.cluster, a.title, "
            "a.outlet, a.date FROM passages p JOIN articles a ON a.article_id = p.article_id"):
        out[int(r[0])] = signature(*r[1:], atts.get(r[0], []))
    return out


def article_sigs(store) -> dict[str, str]:  # noqa: ANN001
    return {r[0]: signature(*r[1:]) for r in store.db.execute(
        "SELECT article_id, title, date, outlet, url, path, byline, note, n_passages, story "
        "FROM articles")}


def milvus_sigs(client, committed: int | None) -> tuple[dict[int, str], dict[str, str]]:  # noqa: ANN001
    """Signatures of what Milvus holds (used when the last synced generation is gone)."""
    expr = f"build_id <= {int(committed)}" if committed is not None else "build_id >= 0"
    return ({int(r["id"]): r["sig"] for r in scan(client, PASSAGES, expr, ["id", "sig"])},
            {r["article_id"]: r["sig"] for r in scan(client, ARTICLES, expr,
                                                     ["article_id", "sig"])})


def sync_generation(config, gen: Path, progress=None) -> dict[str, int]:  # noqa: ANN001
    """Make Milvus hold exactly the published generation `gen`; returns what it changed."""
    from archive.storage.generations import DB_NAME, VECTORS_NAME
    from archive.storage.sqlite import Store
    from archive.storage.vectors import VectorIndex

    uri = default_uri(config)
    client = connect(uri)
    try:
        new_p, new_a, manifest = catalogue(gen)
        state = read_state(client)
        if state.get("generation") == gen.name and state.get("synced"):
            return {"upserted": 0, "deleted": 0}
        # 1. (in begin_build) rows of a build that died before committing
        state, build_id = begin_build(client, uri, state, manifest)
        committed = state.get("committed")
        # diff base: the last fully synced generation (a build that died after its commit
        # recorded the generation it started from as "base")
        base_name = state.get("generation") if state.get("synced") else state.get("base")
        base_gen = gen.parent / str(base_name or "")
        if base_name and (base_gen / DB_NAME).exists():
            old_p, old_a, _ = catalogue(base_gen)
        elif committed is not None:
            old_p, old_a = milvus_sigs(client, committed)
        else:
            old_p, old_a = {}, {}
        upsert_p = [i for i, s in new_p.items() if old_p.get(i) != s]
        delete_p = [i for i in old_p if i not in new_p]
        upsert_a = [a for a, s in new_a.items() if old_a.get(a) != s]
        delete_a = [a for a in old_a if a not in new_a]

        store = Store(gen / DB_NAME, readonly=True)
        vectors = VectorIndex.load(gen / VECTORS_NAME) if upsert_p else None
        try:
            # 2. new and changed rows, invisible to readers until the commit below
            for chunk in chunks(sorted(upsert_a), BATCH):
                client.upsert(ARTICLES, article_rows(store, chunk, new_a, build_id))
            for chunk in chunks(sorted(upsert_p), BATCH):
                passages, atts = passage_rows(store, vectors, chunk, new_p, build_id)
                client.delete(ATTRIBUTIONS, filter=f"passage_id in {lits(chunk)}")
                client.upsert(PASSAGES, passages)
                if atts:
                    client.insert(ATTRIBUTIONS, atts)
                if progress:
                    progress(len(chunk))
            for name in (ARTICLES, PASSAGES, ATTRIBUTIONS):
                client.flush(name)
            # 3. commit: every row written above becomes visible together
            write_state(client, {"committed": build_id, "generation": gen.name,
                                 "synced": False, "manifest": manifest, "base": base_name,
                                 "schema": SCHEMA})
            # 4. removed rows, people and aliases
            for chunk in chunks(delete_p, 1000):
                client.delete(ATTRIBUTIONS, filter=f"passage_id in {lits(chunk)}")
                client.delete(PASSAGES, filter=f"id in {lits(chunk)}")
            for chunk in chunks(delete_a, 1000):
                client.delete(ARTICLES, filter=f"article_id in {lits(chunk)}")
            write_people(client, store.people(), store.aliases())
        finally:
            store.close()
        for name in (ARTICLES, PASSAGES, ATTRIBUTIONS, PEOPLE, ALIASES):
            client.flush(name)
        # 5. fully synced: the next build diffs against this generation
        write_state(client, {"committed": build_id, "generation": gen.name, "synced": True,
                             "manifest": manifest, "schema": SCHEMA})
        return {"upserted": len(upsert_p), "deleted": len(delete_p),
                "articles_upserted": len(upsert_a), "articles_deleted": len(delete_a)}
    finally:
        client.close()


def fold_key(passage_id: int, cluster: int | None) -> int:
    """The group-by key: a passage's cluster, or a key of its own (-id) when it has none."""
    return -int(passage_id) if cluster is None else int(cluster)


def article_rows(store, ids: Sequence[str], sigs: dict[str, str], build_id: int) -> list[dict]:  # noqa: ANN001
    marks = ",".join("?" * len(ids))
    rows = []
    for r in store.db.query(f"SELECT * FROM articles WHERE article_id IN ({marks})", list(ids)):
        rows.append({"article_id": r["article_id"], "title": clip(r["title"]),
                     "url": clip(r["url"]), "path": clip(r["path"]), "byline": clip(r["byline"]),
                     "note": clip(r["note"]), "date": clip(r["date"], 32),
                     "outlet": clip(r["outlet"], 256), "story": clip(r["story"], 64),
                     "n_passages": int(r["n_passages"] or 0), "sig": sigs[r["article_id"]],
                     "build_id": build_id, DUMMY: DUMMY_VECTOR})
    return rows


def passage_rows(store, vectors, ids: Sequence[int], sigs: dict[int, str],  # noqa: ANN001
                 build_id: int) -> tuple[list[dict], list[dict]]:
    marks = ",".join("?" * len(ids))
    atts: dict[int, list[dict]] = {}
    for r in store.db.query(f"SELECT * FROM attributions WHERE passage_id IN ({marks}) "
                            "ORDER BY passage_id, id", list(ids)):
        atts.setdefault(r["passage_id"], []).append(r)
    found = vectors.reconstruct(list(ids))
    vec = {pid: found[i] for i, pid in enumerate(ids)}
    passages, attributions = [], []
    for r in store.db.query(
            f"SELECT p.id, p.article_id, p.position, p.section, p.text, p.cluster, a.title, "
            f"a.outlet, a.date FROM passages p JOIN articles a ON a.article_id = p.article_id "
            f"WHERE p.id IN ({marks})", list(ids)):
        pid = int(r["id"])
        mine = atts.get(pid, [])
        persons = list(dict.fromkeys(a["person"] for a in mine if a["person"]))[:MAX_PERSONS]
        passages.append(passage_row(pid, r, vec[pid], persons, sigs[pid], build_id))
        attributions.extend(attribution_row(pid, n, a, build_id, int(a["id"]))
                            for n, a in enumerate(mine))
    return passages, attributions


def passage_row(pid: int, r: dict, vector, persons: Sequence[str], sig: str,  # noqa: ANN001
                build_id: int) -> dict:
    """A passages-collection row from `r` (article_id, position, section, text, cluster,
    title, outlet, date) and its vector."""
    cluster = r.get("cluster")
    return {"id": pid, "text": clip(r["text"], MAX_TEXT),
            "dense": np.asarray(vector, dtype=np.float32).tolist(),
            "article_id": r["article_id"], "position": int(r["position"]),
            "section": clip(r.get("section")), "title": clip(r.get("title")),
            "outlet": clip(r.get("outlet"), 256), "date": clip(r.get("date"), 32),
            "cluster": None if cluster is None else int(cluster),
            "fold": fold_key(pid, cluster),
            "persons": [clip(p, 256) for p in list(persons)[:MAX_PERSONS]], "sig": sig,
            "build_id": build_id}


def attribution_row(pid: int, n: int, a: dict, build_id: int, ident: int) -> dict:
    """The n-th attribution of passage `pid` as an attributions-collection row."""
    return {"key": pid * 1000 + n, "id": ident, "passage_id": pid,
            "article_id": a["article_id"],
            **{k: clip(a.get(k)) for k in ("speaker", "speaker_text", "person", "role", "cue")},
            "content": clip(a.get("content"), MAX_TEXT), "content_start": a.get("content_start"),
            "content_end": a.get("content_end"), "direct": int(a.get("direct") or 0),
            "speaker_type": clip(a.get("speaker_type"), 32),
            "build_id": build_id, DUMMY: DUMMY_VECTOR}


def write_people(client, people: list[dict], aliases: dict[str, str]) -> None:  # noqa: ANN001
    """People and aliases are small: rewritten whole on every build."""
    old_people = {r["name"] for r in scan(client, PEOPLE, 'name != ""', ["name"])}
    old_aliases = {r["alias"] for r in scan(client, ALIASES, 'alias != ""', ["alias"])}
    for chunk in chunks(people, BATCH):
        client.upsert(PEOPLE, [{"name": clip(p["name"]), "aliases": p["aliases"],
                                "roles": p["roles"], "quotes": int(p["quotes"]),
                                "articles": int(p["articles"]),
                                "type": clip(p.get("type"), 32), DUMMY: DUMMY_VECTOR}
                               for p in chunk])
    for chunk in chunks(sorted(aliases.items()), BATCH):
        client.upsert(ALIASES, [{"alias": clip(a), "name": clip(n), DUMMY: DUMMY_VECTOR}
                                for a, n in chunk])
    gone = sorted(old_people - {p["name"] for p in people})
    for chunk in chunks(gone, 1000):
        client.delete(PEOPLE, filter=f"name in {lits(chunk)}")
    gone = sorted(old_aliases - set(aliases))
    for chunk in chunks(gone, 1000):
        client.delete(ALIASES, filter=f"alias in {lits(chunk)}")


def check_available() -> None:
    """Raise MilvusUnavailable with the install hint when pymilvus is missing."""
    try:
        import pymilvus  # noqa: F401
    except ImportError as exc:
        raise MilvusUnavailable("the Milvus backend needs pymilvus: pip install "
                                "'archive[scale]'") from exc


__all__ = ["MilvusBackend", "MilvusUnavailable", "sync_generation", "default_uri",
           "IndexCorrupt", "IndexMismatch"]
