"""The storage-and-search interface, and its local implementation (FAISS + SQLite).

Search, attribution ranking and folding talk only to `Backend`; a second implementation
(Milvus) can sit behind the same methods without touching them.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from archive.errors import IndexCorrupt, IndexMismatch
from archive.storage.generations import DB_NAME, VECTORS_NAME
from archive.storage.sqlite import Store
from archive.models import Filters
from archive.storage.vectors import VectorIndex

FORMAT_VERSION = 1


class Backend(Protocol):
    """What search needs from a storage engine."""

    def manifest(self) -> dict[str, object]: ...
    def dense(self, vector: np.ndarray, k: int, filters: Filters) -> list[tuple[int, float]]: ...
    def keyword(self, text: str, k: int, filters: Filters) -> list[tuple[int, float]]: ...
    def fetch(self, ids: Sequence[int]) -> dict[int, dict]: ...
    def attributions_for(self, ids: Sequence[int]) -> dict[int, list[dict]]: ...
    def passages_quoting(self, people: Sequence[str]) -> list[int]: ...
    def cluster_members(self, clusters: Sequence[int]) -> dict[int, list[dict]]: ...
    def aliases(self) -> dict[str, str]: ...
    def filtered_ids(self, filters: Filters) -> list[int]: ...
    # Optional (issue 8): a backend that fuses dense + keyword itself defines
    #   hybrid(vector, text, n, filters, rrf_k) -> list[tuple[int, float]]
    # and search.Searcher.candidates uses it for mode "hybrid" instead of fusing in Python.


class LocalBackend:
    """One published generation: SQLite opened read-only plus the FAISS file beside it."""

    def __init__(self, generation: Path, expected: dict[str, object] | None = None) -> None:
        self.generation = generation
        self.store = Store(generation / DB_NAME, readonly=True)
        self._manifest = self.store.manifest()
        self._aliases: dict[str, str] | None = None
        check_manifest(self._manifest, expected, generation)
        self.vectors = VectorIndex.load(generation / VECTORS_NAME)
        count = self.store.count("passages")
        if self.vectors.ntotal != count:
            raise IndexCorrupt(f"'{generation / VECTORS_NAME}' holds {self.vectors.ntotal} "
                               f"vectors but the database has {count} passages: rebuild with "
                               "'archive build --full'")
        if self.vectors.dimension != self._manifest.get("dimension"):
            raise IndexCorrupt(f"'{generation / VECTORS_NAME}' has dimension "
                               f"{self.vectors.dimension}, the manifest says "
                               f"{self._manifest.get('dimension')}: rebuild with "
                               "'archive build --full'")

    def manifest(self) -> dict[str, object]:
        return dict(self._manifest)

    def dense(self, vector: np.ndarray, k: int, filters: Filters) -> list[tuple[int, float]]:
        allowed = self.store.filtered_ids(filters) if filters.active() else None
        return self.vectors.search(vector, k, allowed)

    def keyword(self, text: str, k: int, filters: Filters) -> list[tuple[int, float]]:
        return self.store.keyword_search(text, k, filters)

    def fetch(self, ids: Sequence[int]) -> dict[int, dict]:
        return self.store.fetch(ids)

    def attributions_for(self, ids: Sequence[int]) -> dict[int, list[dict]]:
        return self.store.attributions_for(ids)

    def passages_quoting(self, people: Sequence[str]) -> list[int]:
        return self.store.passages_quoting(people) if people else []

    def cluster_members(self, clusters: Sequence[int]) -> dict[int, list[dict]]:
        return self.store.cluster_members(clusters)

    def aliases(self) -> dict[str, str]:
        if self._aliases is None:
            self._aliases = self.store.aliases()
        return self._aliases

    def filtered_ids(self, filters: Filters) -> list[int]:
        return self.store.filtered_ids(filters)

    # -- issue 8: browsing through the backend (same shapes as Store), so the Searcher
    # -- never reaches into `.store` and MilvusBackend can answer the same calls ----------
    def neighbours(self, passage_id: int, before: int = 1, after: int = 1) -> list[dict]:
        return self.store.neighbours(passage_id, before, after)

    def article(self, article_id: str) -> dict | None:
        return self.store.article(article_id)

    def article_passages(self, article_id: str) -> list[dict]:
        return self.store.article_passages(article_id)

    def people(self) -> list[dict]:
        return self.store.people()

    def quotes_by(self, person: str) -> list[dict]:
        return self.store.quotes_by(person)

    def outlets(self) -> list[tuple[str, int]]:
        return self.store.outlets()

    def date_range(self) -> tuple[str | None, str | None]:
        return self.store.date_range()

    def count(self, table: str = "passages") -> int:
        return self.store.count(table)
    # -- end issue 8 ------------------------------------------------------------------------

    def close(self) -> None:
        self.store.close()


def check_manifest(found: dict[str, object], expected: dict[str, object] | None,
                   generation: Path) -> None:
    """Refuse an index built for another model, dimension, normalisation or format."""
    if not found:
        raise IndexCorrupt(f"'{generation / DB_NAME}' has no manifest: rebuild with "
                           "'archive build --full'")
    if found.get("format") != FORMAT_VERSION:
        raise IndexMismatch(f"index format {found.get('format')} is not {FORMAT_VERSION}: "
                            "rebuild with 'archive build --full'")
    compare_manifest(found, expected)


def compare_manifest(found: dict[str, object], expected: dict[str, object] | None) -> None:
    """Refuse vectors of another model, dimension, normalisation or embedding backend; each
    message says how to migrate. Used when opening an index and before each query."""
    for key in ("model", "dimension", "normalized", "embedding_backend"):
        if not expected or key not in expected:
            continue
        value = found.get(key, "torch-fp32" if key == "embedding_backend" else None)
        if key == "embedding_backend" and value != expected[key]:
            raise IndexMismatch(
                f"the index was built with embedding_backend={value!r} but "
                f"{expected[key]!r} is in use, and fp32 and int8 vectors never share an index: "
                "rebuild with 'archive build --full', or set ARCHIVE_EMBEDDING_BACKEND to the "
                "backend the index was built with")
        if value != expected[key]:
            raise IndexMismatch(
                f"the index was built with {key}={value!r} but {expected[key]!r} is in use: "
                "migrate it with 'archive build --reembed' (or rebuild with --full), or set "
                "ARCHIVE_MODEL to the model the index was built with")
