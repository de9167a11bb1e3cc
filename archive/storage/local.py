"""The local engine: one published generation, SQLite opened read-only plus the FAISS file
beside it. Dense search runs in FAISS, everything else in SQLite (`Store`)."""
from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from archive.config import Config
from archive.errors import BadRequest, IndexCorrupt, NotSupported
from archive.models import Filters
from archive.storage.generations import DB_NAME, VECTORS_NAME, IndexDir, rebuild_hint
from archive.storage.interface import Ranked, story_view
from archive.storage.keywords import KEYWORDS_NAME
from archive.storage.manifest import check_manifest
from archive.storage.sqlite import Store, passage_hash
from archive.storage.vectors import VectorIndex


class LocalBackend:
    """A `Backend` over one generation folder; it never changes once published."""

    groups = False  # folding happens in Python, after retrieval
    fuses_hybrid = False  # the Searcher fuses dense and keyword ranks
    distributed_build = False  # the local build writes the generation
    stores_mentions = True  # the mentions table (archive.storage.mentions)

    def __init__(self, generation: Path, expected: dict[str, object] | None = None) -> None:
        self.generation = generation
        self.store = Store(generation / DB_NAME, readonly=True)
        self._manifest = self.store.manifest()
        self._aliases: dict[str, str] | None = None
        check_manifest(self._manifest, expected, generation)
        self.vectors = VectorIndex.load(generation / VECTORS_NAME)
        count = self.store.count("passages")
        keywords = self.store.keywords
        if keywords is not None and keywords.count() != count:
            raise IndexCorrupt(f"keyword index '{keywords.path}' holds {keywords.count()} "
                               f"passages but the database has {count}: "
                               f"{rebuild_hint(generation.parent)}")
        if self.vectors.ntotal != count:
            raise IndexCorrupt(f"'{generation / VECTORS_NAME}' holds {self.vectors.ntotal} "
                               f"vectors but the database has {count} passages: "
                               f"{rebuild_hint(generation.parent)}")
        if self.vectors.dimension != self._manifest.get("dimension"):
            raise IndexCorrupt(f"'{generation / VECTORS_NAME}' has dimension "
                               f"{self.vectors.dimension}, the manifest says "
                               f"{self._manifest.get('dimension')}: "
                               f"{rebuild_hint(generation.parent)}")

    @classmethod
    def open(cls, config: Config, expected: dict[str, object] | None = None) -> LocalBackend:
        return cls(IndexDir(config.index_dir).require_current(), expected)

    @classmethod
    def exists(cls, config: Config) -> bool:
        """A published generation, or a damaged pointer (opening it then says what is
        wrong and how to rebuild, rather than "there is no archive")."""
        index = IndexDir(config.index_dir)
        return index.current() is not None or index.pointer_problem() is not None

    @classmethod
    def mirror(cls, config: Config, generation: Path) -> None:
        """Nothing to do: the published generation is the archive."""

    @classmethod
    def stream_writer(cls, config: Config):  # noqa: ANN206
        raise BadRequest("the distributed build writes to Milvus: add --backend milvus "
                         "(with --ray alone the local build embeds on Ray)")

    def refresh(self) -> bool:
        """A generation is immutable: current while the pointer still names it."""
        return IndexDir(self.generation.parent).require_current() == self.generation

    def manifest(self) -> dict[str, object]:
        return dict(self._manifest)

    def close(self) -> None:
        self.store.close()

    # -- retrieval ---------------------------------------------------------------------------
    def dense(self, vector: np.ndarray, k: int, filters: Filters, group: bool = False) -> Ranked:
        allowed = self.store.filtered_ids(filters) if filters.active() else None
        return self.vectors.search(vector, k, allowed)

    def keyword(self, text: str, k: int, filters: Filters, group: bool = False) -> Ranked:
        return self.store.keyword_search(text, k, filters)

    def hybrid(self, vector: np.ndarray, text: str, n: int, filters: Filters,
               rrf_k: int = 60, group: bool = False) -> Ranked:
        raise NotSupported("the local engine does not fuse dense and keyword ranks itself "
                           "(fuses_hybrid is False): fuse dense() and keyword()")

    def filtered_ids(self, filters: Filters) -> list[int]:
        return self.store.filtered_ids(filters)

    def undated_count(self, filters: Filters) -> int:
        return self.store.undated_count(filters)

    # -- lookups and browsing: SQLite answers in the protocol's shapes ------------------------
    def fetch(self, ids: Sequence[int]) -> dict[int, dict]:
        return self.store.fetch(ids)

    def find_passages(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], dict]:
        wanted, ids = set(keys), {}
        for article_id in sorted({a for a, _ in wanted}):
            for p in self.store.article_passages(article_id):
                key = (article_id, passage_hash(p["text"]))
                if key in wanted:
                    ids.setdefault(key, p["id"])
        rows = self.store.fetch(list(ids.values()))
        return {key: rows[pid] for key, pid in ids.items() if pid in rows}

    def attributions_for(self, ids: Sequence[int]) -> dict[int, list[dict]]:
        return self.store.attributions_for(ids)

    def passages_quoting(self, people: Sequence[str]) -> list[int]:
        return self.store.passages_quoting(people) if people else []

    def quotes_of(self, people: Sequence[str]) -> list[tuple[int, bool, str | None]]:
        return self.store.quotes_of(people) if people else []

    def unsure_quotes(self, speakers: Sequence[str], min_confidence: float
                      ) -> list[tuple[int, bool, str | None]]:
        return self.store.unsure_quotes(speakers, min_confidence) if speakers else []

    def cluster_members(self, clusters: Sequence[int]) -> dict[int, list[dict]]:
        return self.store.cluster_members(clusters)

    def aliases(self) -> dict[str, str]:
        if self._aliases is None:
            self._aliases = self.store.aliases()
        return self._aliases

    def neighbours(self, passage_id: int, before: int = 1, after: int = 1) -> list[dict]:
        return self.store.neighbours(passage_id, before, after)

    def article(self, article_id: str) -> dict | None:
        return self.store.article(article_id)

    def article_passages(self, article_id: str) -> list[dict]:
        return self.store.article_passages(article_id)

    def story(self, article_ids: Sequence[str]) -> list[dict]:
        articles, passages = self.store.story_rows(list(article_ids))
        return story_view(articles, passages)

    def people(self) -> list[dict]:
        return self.store.people()

    def quotes_by(self, person: str) -> list[dict]:
        return self.store.quotes_by(person)

    def mentioned(self) -> list[dict]:
        return self.store.mentioned()

    def mentions_in(self, ids: Sequence[int]) -> dict[int, list[dict]]:
        return self.store.mentions_in(ids)

    def places_near(self, people: Sequence[str]) -> dict[str, dict[str, int]]:
        return self.store.places_near(people)

    def outlets(self) -> list[tuple[str, int]]:
        return self.store.outlets()

    def date_range(self) -> tuple[str | None, str | None]:
        return self.store.date_range()

    def count(self, table: str = "passages") -> int:
        return self.store.count(table)

    # -- statistics ----------------------------------------------------------------------------
    def stats(self) -> dict[str, object]:
        gen, store, manifest = self.generation, self.store, self._manifest
        size = sum(p.stat().st_size for p in (gen / DB_NAME, gen / VECTORS_NAME) if p.exists())
        size += sum(f.stat().st_size for f in (gen / KEYWORDS_NAME).glob("*") if f.is_file())
        return {
            "index": str(gen.parent), "generation": gen.name,
            "articles": store.count("articles"), "passages": store.count("passages"),
            "attributions": store.count("attributions"), "people": store.count("people"),
            "story_clusters": len(store.stories()),
            "model": manifest.get("model"), "dimension": manifest.get("dimension"),
            "built_at": manifest.get("built_at"), "bytes_on_disk": size,
            "versions": manifest.get("versions", {}),
        }

    def stories(self) -> list[dict]:
        links = self.store.links()
        fetched = self.store.fetch(sorted({x for a, b, _, _ in links for x in (a, b)}))
        out = []
        for row in self.store.stories():
            members = json.loads(row["members"])
            ids = {m["article_id"] for m in members}
            shared = [sim for a, b, _, sim in links
                      if fetched.get(a, {}).get("article_id") in ids
                      and fetched.get(b, {}).get("article_id") in ids]
            out.append({"story": row["story"], "members": members,
                        "shared_passages": len(shared),
                        "mean_similarity": round(sum(shared) / len(shared), 4)
                        if shared else None})
        return out
