"""`MilvusBackend`: the `Backend` interface answered from Milvus alone."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from archive.config import Config
from archive.errors import IndexNotFound, NotSupported
from archive.models import Filters
from archive.storage.interface import Ranked, story_view
from archive.storage.manifest import check_manifest
from archive.storage.milvus.sync import sync_generation
from archive.storage.milvus.writer import StreamWriter
from archive.storage.milvus.schema import (
    ALIASES,
    ARTICLE_FIELDS,
    ARTICLES,
    ATTRIBUTION_FIELDS,
    ATTRIBUTIONS,
    MANIFEST,
    MAX_ID_FILTER,
    PASSAGE_FIELDS,
    PASSAGES,
    PEOPLE,
    SERVER_NPROBE,
    connect,
    count_rows,
    default_uri,
    filter_expr,
    is_lite,
    keyword_text,
    lit,
    lits,
    query_in,
    read_state,
    scan,
    undated_expr,
)

MENTIONS_MISSING = ("the Milvus engine does not store the names passages mention: read "
                    "mentions from the local engine (ARCHIVE_BACKEND=local) over an index "
                    "made by 'archive build'")
from archive.storage.sqlite import passage_hash


class MilvusBackend:
    """One Milvus database as a `Backend`: every read sees rows with build_id <= committed."""

    # Group-by folding: with group=True Milvus returns the best passage of each near-duplicate
    # cluster (group_by_field="fold", group_size=1), so the k results are k distinct stories
    # rather than k copies of one wire story; the Searcher then lists the other copies of each
    # kept passage as `also_in` (cluster_members), exactly as for the local backend.
    groups = True
    fuses_hybrid = True  # hybrid_search with RRFRanker
    distributed_build = True  # the Ray build writes its rows straight into Milvus
    stores_mentions = False  # no collection for mentioned names: see `mentioned`

    def __init__(self, uri: str, expected: dict[str, object] | None = None) -> None:
        self.uri = uri
        self.generation: str | None = None
        self.committed: int | None = None
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

    @classmethod
    def open(cls, config: Config, expected: dict[str, object] | None = None) -> MilvusBackend:
        return cls(default_uri(config), expected)

    @classmethod
    def exists(cls, config: Config) -> bool:
        """A Milvus Lite file exists; a server is asked only when opened."""
        uri = default_uri(config)
        return not is_lite(uri) or Path(uri).exists()

    @classmethod
    def mirror(cls, config: Config, generation: Path) -> None:
        """Upsert and delete the diff between `generation` and what Milvus last synced."""
        sync_generation(config, generation)

    @classmethod
    def stream_writer(cls, config: Config) -> StreamWriter:
        return StreamWriter(default_uri(config))

    # a build commits by rewriting one manifest row; readers pick it up on their next query
    def refresh(self) -> bool:
        """Read the committed build id: one Milvus database follows every build."""
        state = read_state(self.client)
        if state.get("committed") is None:
            raise IndexNotFound(f"the archive in Milvus at '{self.uri}' has no completed "
                                "build yet: run 'archive build --backend milvus'")
        if state.get("committed") != self.committed:
            self._aliases = None
        self.committed = int(state["committed"])
        self.generation = state.get("generation")
        self._manifest = dict(state.get("manifest") or {})
        return True

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

    @staticmethod
    def _group(group: bool) -> dict:
        return {"group_by_field": "fold", "group_size": 1} if group else {}

    def dense(self, vector: np.ndarray, k: int, filters: Filters,
              group: bool = False) -> Ranked:
        res = self.client.search(
            PASSAGES, data=[np.asarray(vector, dtype=np.float32).tolist()], anns_field="dense",
            limit=int(k), filter=self.expr(filters), output_fields=["id"],
            search_params={"metric_type": "IP", "params": {"nprobe": SERVER_NPROBE}},
            **self._group(group))
        return [(int(h["id"]), float(h["distance"])) for h in res[0]]

    def keyword(self, text: str, k: int, filters: Filters,
                group: bool = False) -> Ranked:
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
               rrf_k: int = 60, group: bool = False) -> Ranked:
        """Dense + BM25 fused inside Milvus: hybrid_search with RRFRanker(rrf_k)."""
        from pymilvus import AnnSearchRequest, RRFRanker  # lazy: pymilvus loads in connect()

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
                "page": r.get("page"), "title": r.get("title"), "outlet": r.get("outlet"), "date": r.get("date"),
                "url": a.get("url"), "path": a.get("path"), "byline": a.get("byline"),
                "story": a.get("story")}
        return out

    def find_passages(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], dict]:
        """The passages of the keys' articles, matched by the hash of their text (Milvus
        keeps the text, not the hash)."""
        wanted = set(keys)
        rows = query_in(self.client, PASSAGES, "article_id", sorted({a for a, _ in wanted}),
                        ["id", "article_id", "text"], self.visible)
        ids: dict[tuple[str, str], int] = {}
        for r in sorted(rows, key=lambda r: int(r["id"])):
            key = (r["article_id"], passage_hash(r["text"]))
            if key in wanted:
                ids.setdefault(key, int(r["id"]))
        fetched = self.fetch(list(ids.values()))
        return {key: fetched[pid] for key, pid in ids.items() if pid in fetched}

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

    def quotes_of(self, people: Sequence[str]) -> list[tuple[int, bool, str | None]]:
        if not people:
            return []
        rows = sorted(scan(self.client, ATTRIBUTIONS, f"person in {lits(people)} and "
                           f"{self.visible}", ["passage_id", "direct", "cue", "id"]),
                      key=lambda r: (int(r["passage_id"]), int(r["id"])))
        return [(int(r["passage_id"]), bool(r["direct"]), r.get("cue")) for r in rows]

    def unsure_quotes(self, speakers: Sequence[str], min_confidence: float
                      ) -> list[tuple[int, bool, str | None]]:
        if not speakers:
            return []
        rows = sorted((r for r in scan(
            self.client, ATTRIBUTIONS, f"speaker in {lits(speakers)} and {self.visible}",
            ["passage_id", "direct", "cue", "id", "person", "confidence"])
            if not r.get("person") and (r.get("confidence") or 0.0) >= min_confidence),
            key=lambda r: (int(r["passage_id"]), int(r["id"])))
        return [(int(r["passage_id"]), bool(r["direct"]), r.get("cue")) for r in rows]

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

    def undated_count(self, filters: Filters) -> int:
        if not filters.dated() or filters.include_undated:
            return 0
        ids = None
        if filters.speakers:
            own = self.passages_quoting(filters.speakers)
            ids = own if len(own) <= MAX_ID_FILTER else None
        return count_rows(self.client, PASSAGES, undated_expr(filters, self.committed, ids))

    def mentioned(self) -> list[dict]:
        raise NotSupported(MENTIONS_MISSING)

    def mentions_in(self, ids: Sequence[int]) -> dict[int, list[dict]]:
        raise NotSupported(MENTIONS_MISSING)

    def places_near(self, people: Sequence[str]) -> dict[str, dict[str, int]]:
        return {}  # no mentions kept: questions read roles without a country check

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

    def story(self, article_ids: Sequence[str]) -> list[dict]:
        articles = self._articles(article_ids)
        stories = sorted({a["story"] for a in articles.values() if a.get("story")})
        for r in query_in(self.client, ARTICLES, "story", stories, ARTICLE_FIELDS, self.visible):
            articles.setdefault(r["article_id"], {k: r.get(k) for k in ARTICLE_FIELDS})
        passages = query_in(self.client, PASSAGES, "article_id", sorted(articles),
                            ["id", "article_id", "position", "section", "text", "cluster",
                             "page"], self.visible)
        return story_view(list(articles.values()), passages)

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

    # -- statistics ----------------------------------------------------------------------------
    def stats(self) -> dict[str, object]:
        """The local engine's keys; the location is the URI, the size that of a Milvus Lite
        database (None for a server)."""
        manifest = self._manifest
        stories = Counter(r["story"] for r in scan(
            self.client, ARTICLES, f"story is not null and {self.visible}", ["story"]))
        return {
            "index": self.uri, "generation": self.generation,
            "articles": self.count(ARTICLES), "passages": self.count(PASSAGES),
            "attributions": self.count(ATTRIBUTIONS), "people": self.count(PEOPLE),
            "story_clusters": sum(1 for n in stories.values() if n > 1),
            "model": manifest.get("model"), "dimension": manifest.get("dimension"),
            "built_at": manifest.get("built_at"), "bytes_on_disk": lite_size(self.uri),
            "versions": manifest.get("versions", {}),
        }

    def stories(self) -> list[dict]:
        raise NotSupported("the Milvus engine keeps no near-duplicate passage links, so it "
                           "cannot measure story clusters: run 'archive duplicates' on the "
                           "local engine (ARCHIVE_BACKEND=local) over an index made by "
                           "'archive build'")

    def close(self) -> None:
        try:
            self.client.close()
        except Exception:  # noqa: BLE001 - closing twice or a gone server is not an error
            pass


def lite_size(uri: str) -> int | None:
    """Bytes of a Milvus Lite database (a file, or a folder of files); None for a server."""
    path = Path(uri)
    if not is_lite(uri) or not path.exists():
        return None
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files)
