"""Dense vectors in FAISS: the only module that imports faiss.

An `IndexIDMap2` over an inner-product index, filled with `add_with_ids(rowids)`, so every
FAISS id is the rowid of its passage in SQLite, through deletes and re-ingests alike.
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import faiss
import numpy as np

from .errors import IndexCorrupt


def faiss_version() -> str:
    return faiss.__version__


class VectorIndex:
    """Exact inner-product search (cosine on normalised vectors) keyed by passage rowid."""

    def __init__(self, dimension: int, index: faiss.Index | None = None) -> None:
        self.dimension = dimension
        self.index = index if index is not None else faiss.IndexIDMap2(
            faiss.IndexFlatIP(dimension))

    @property
    def ntotal(self) -> int:
        return int(self.index.ntotal)

    def add(self, ids: Sequence[int], vectors: np.ndarray) -> None:
        if len(ids) == 0:
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.shape != (len(ids), self.dimension):
            raise ValueError(f"vectors of shape {vectors.shape} for {len(ids)} ids of "
                             f"dimension {self.dimension}")
        self.index.add_with_ids(vectors, np.asarray(ids, dtype=np.int64))

    def remove(self, ids: Sequence[int]) -> int:
        if len(ids) == 0:
            return 0
        return int(self.index.remove_ids(np.asarray(ids, dtype=np.int64)))

    def reconstruct(self, ids: Sequence[int]) -> np.ndarray:
        """Stored vectors of `ids` (used to reuse embeddings of unchanged text)."""
        if len(ids) == 0:
            return np.zeros((0, self.dimension), dtype=np.float32)
        keys = np.asarray(ids, dtype=np.int64)
        try:
            return self.index.reconstruct_batch(keys).astype(np.float32)
        except RuntimeError:  # index types without batch reconstruction
            return np.vstack([self.index.reconstruct(int(i)) for i in keys]).astype(np.float32)

    def ids(self) -> np.ndarray:
        return faiss.vector_to_array(self.index.id_map).astype(np.int64)

    def search(self, query: np.ndarray, k: int,
               allowed: Sequence[int] | None = None) -> list[tuple[int, float]]:
        """Top-k (id, cosine) for one query vector; `allowed` restricts to those ids."""
        if self.ntotal == 0 or k <= 0 or (allowed is not None and len(allowed) == 0):
            return []
        q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        params = None
        if allowed is not None:
            selector = faiss.IDSelectorBatch(np.asarray(allowed, dtype=np.int64))
            params = faiss.SearchParameters(sel=selector)
            k = min(k, len(allowed))
        scores, ids = self.index.search(q, min(k, self.ntotal), params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    def save(self, path: str | Path) -> None:
        """Write to a temporary file, fsync, then rename: never a half-written file."""
        path = Path(path)
        tmp = path.with_suffix(path.suffix + ".tmp")
        faiss.write_index(self.index, str(tmp))
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: str | Path, mmap: bool = False) -> "VectorIndex":
        path = Path(path)
        if not path.exists():
            raise IndexCorrupt(f"vector file '{path}' is missing: rebuild with "
                               "'archive build --full'")
        try:
            flags = faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY if mmap else 0
            index = faiss.read_index(str(path), flags)
        except RuntimeError as exc:
            raise IndexCorrupt(f"vector file '{path}' is damaged ({str(exc).splitlines()[0]}):"
                               " rebuild with 'archive build --full'") from exc
        return cls(index.d, index)
