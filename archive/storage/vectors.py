"""Dense vectors in FAISS: the only module that imports faiss.

Every FAISS id is the rowid of its passage in SQLite, through deletes and re-ingests alike.
Four index types (setting `index_type`; `auto` picks by size):

  flat     IndexIDMap2(IndexFlatIP): exact inner product (cosine on unit vectors); the
           default up to `ann_threshold` passages. 1,536 bytes/passage + the id maps.
  ivf-sq8  IndexIVFScalarQuantizer (inner product, 8-bit codes), nlist = round(4·sqrt(n))
           lists trained by k-means on a sample of the vectors; ids stored in the inverted
           lists (add_with_ids / remove_ids natively), direct map = Hashtable for
           reconstruct. 384 bytes of code/passage. `auto` above `ann_threshold`.
  ivf-pq   IndexIVFPQ with dim/4 sub-quantizers of 8 bits (96 bytes/passage at dim 384):
           smallest, lossy (recall and reconstructed vectors are approximate).
  hnsw     IndexHNSWFlat (M=32) wrapped in IndexIDMap2: fast, but no native removal, so a
           removal rebuilds the graph from the stored vectors (fine for append-mostly use).

The approximate types are tuned when (re)built: the smallest nprobe (IVF) or efSearch (HNSW)
whose recall@10 against exact search reaches `TARGET_RECALL` on sample queries (stored
vectors with noise) is written into the index itself (FAISS saves nprobe/efSearch) and
applied at every search. Incremental adds go into the trained index; `adapted()` (called by
the build after adding) retrains when the archive has grown or shrunk more than 4× since
training - detected from nlist, since nlist = 4·sqrt(n_train) - and converts between types
when `auto` crosses the threshold (back to flat only below half the threshold, so an archive
hovering around it does not flap).

Filtered search (an allowed id set) is exact for small sets (their vectors are reconstructed
and scored directly) and uses an ID selector with nprobe/efSearch scaled by the selectivity
for large ones.

Bytes per passage at dimension 384 (serialized index = resident size, measured): flat 1,544
(RSS growth 1,536 at 100k); ivf-sq8 408 + centroids 6,144/sqrt(n) (452 at 20k, ~414 at 1M);
hnsw 1,816; ivf-pq ~120 + centroids (96 code bytes + id + direct map; 286 at 5k).
"""
from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path

import faiss
import numpy as np

from archive.errors import BadRequest, IndexCorrupt
from archive.storage.generations import rebuild_hint

KINDS = ("flat", "ivf-sq8", "ivf-pq", "hnsw")
TARGET_RECALL = 0.95
MIN_ANN = 1_000          # below this many vectors every type is built as flat
RETRAIN_FACTOR = 4.0     # retrain an IVF index when n changed this much since training
BRUTE_FORCE_LIMIT = 20_000  # filtered searches over at most this many ids are exact
TUNE_QUERIES = 300
QUERY_NOISE = 2.0        # |noise| / |vector| of tuning queries: cosine 1/sqrt(1+2²) = 0.45
TUNE_MARGIN = 0.03       # tune to target + margin: real text queries are harder (1M BBC: 0.945 at +0.02)
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80


def faiss_version() -> str:
    return faiss.__version__


def nlist_for(n: int) -> int:
    return max(1, int(round(4 * math.sqrt(max(n, 1)))))


def target_kind(n: int, index_type: str = "auto", ann_threshold: int = 200_000,
                current: str = "flat") -> str:
    """The index type an archive of `n` passages should use."""
    index_type = (index_type or "auto").lower()
    if index_type not in ("auto", *KINDS):
        raise BadRequest(f"unknown index_type {index_type!r}: choose auto, "
                         f"{', '.join(KINDS)}")
    if index_type != "auto":
        return index_type if (index_type == "flat" or n >= MIN_ANN) else "flat"
    if current == "ivf-sq8" and n >= ann_threshold // 2:  # hysteresis
        return "ivf-sq8"
    return "ivf-sq8" if n > ann_threshold else "flat"


def _kind_of(index: faiss.Index) -> str:
    if isinstance(index, faiss.IndexIVFScalarQuantizer):
        return "ivf-sq8"
    if isinstance(index, faiss.IndexIVFPQ):
        return "ivf-pq"
    inner = getattr(index, "index", None)
    if inner is not None and isinstance(faiss.downcast_index(inner), faiss.IndexHNSW):
        return "hnsw"
    return "flat"


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.clip(np.linalg.norm(x, axis=1, keepdims=True), 1e-12, None)


class VectorIndex:
    """Inner-product search (cosine on normalised vectors) keyed by passage rowid."""

    def __init__(self, dimension: int, index: faiss.Index | None = None,
                 kind: str | None = None) -> None:
        self.dimension = dimension
        if index is None:
            index = faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))
        self.index = index
        self.kind = kind or _kind_of(index)
        self.recall: float | None = None  # measured when tuned in this process

    # -- construction -------------------------------------------------------------------
    @classmethod
    def for_size(cls, dimension: int, n: int, config=None) -> "VectorIndex":  # noqa: ANN001
        """An empty index of the type `config` wants for `n` passages. Approximate types need
        training data, so they start as flat and become approximate in `adapted()`."""
        return cls(dimension)

    @classmethod
    def build(cls, kind: str, ids: Sequence[int], vectors: np.ndarray,
              target_recall: float = TARGET_RECALL, seed: int = 1234) -> "VectorIndex":
        """A `kind` index over (ids, vectors), trained and tuned on them."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        ids = np.asarray(ids, dtype=np.int64)
        n, d = vectors.shape if vectors.ndim == 2 else (0, 0)
        if kind not in KINDS:
            raise ValueError(f"unknown index kind {kind!r}")
        if kind == "flat" or n < MIN_ANN:
            out = cls(d or vectors.shape[-1])
            out.add(ids, vectors)
            return out
        rng = np.random.default_rng(seed)
        if kind in ("ivf-sq8", "ivf-pq"):
            nlist = nlist_for(n)
            quantizer = faiss.IndexFlatIP(d)
            if kind == "ivf-sq8":
                index = faiss.IndexIVFScalarQuantizer(
                    quantizer, d, nlist, faiss.ScalarQuantizer.QT_8bit,
                    faiss.METRIC_INNER_PRODUCT)
            else:
                m = next(m for m in (d // 4, d // 8, d // 2, d) if m and d % m == 0)
                index = faiss.IndexIVFPQ(quantizer, d, nlist, m, 8,
                                         faiss.METRIC_INNER_PRODUCT)
            index.own_fields = True
            quantizer.this.disown()
            index.cp.niter = 10
            index.cp.seed = seed
            index.cp.min_points_per_centroid = 1  # small archives: no warning spam
            if kind == "ivf-pq":
                index.pq.cp.min_points_per_centroid = 1
                index.pq.cp.niter = 10
            sample = min(n, nlist * 40 if kind == "ivf-sq8" else max(nlist * 40, 256 * 64))
            train = vectors[np.sort(rng.choice(n, sample, replace=False))] if sample < n else vectors
            index.train(train)
            index.set_direct_map_type(faiss.DirectMap.Hashtable)
            index.add_with_ids(vectors, ids)
            out = cls(d, index, kind)
        else:  # hnsw
            hnsw = faiss.IndexHNSWFlat(d, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            hnsw.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            index = faiss.IndexIDMap2(hnsw)
            index.add_with_ids(vectors, ids)
            out = cls(d, index, kind)
        out.tune(ids, vectors, target_recall, rng)
        return out

    def adapted(self, config=None, *, index_type: str | None = None,  # noqa: ANN001
                ann_threshold: int | None = None) -> "VectorIndex":
        """This index, or a rebuilt one when the configured type for the current size differs
        or an IVF index's training is stale (the archive grew or shrank > 4× since)."""
        index_type = index_type or (getattr(config, "index_type", None) or "auto")
        ann_threshold = ann_threshold or int(getattr(config, "ann_threshold", 200_000))
        n = self.ntotal
        want = target_kind(n, index_type, ann_threshold, self.kind)
        stale = False
        if want == self.kind and self.kind in ("ivf-sq8", "ivf-pq"):
            ratio = (nlist_for(n) / self.nlist) ** 2  # = n / n_train
            stale = ratio > RETRAIN_FACTOR or ratio < 1 / RETRAIN_FACTOR
        if want == self.kind and not stale:
            return self
        ids = self.ids()
        return VectorIndex.build(want, ids, self.reconstruct(ids))

    # -- properties ---------------------------------------------------------------------
    @property
    def ntotal(self) -> int:
        return int(self.index.ntotal)

    @property
    def ivf(self):  # noqa: ANN201
        return self.index if self.kind in ("ivf-sq8", "ivf-pq") else None

    @property
    def hnsw(self):  # noqa: ANN201
        return faiss.downcast_index(self.index.index) if self.kind == "hnsw" else None

    @property
    def nlist(self) -> int:
        return int(self.index.nlist) if self.ivf is not None else 0

    @property
    def nprobe(self) -> int:
        return int(self.index.nprobe) if self.ivf is not None else 0

    @property
    def ef_search(self) -> int:
        return int(self.hnsw.hnsw.efSearch) if self.kind == "hnsw" else 0

    def params(self) -> dict[str, object]:
        """What the manifest records about the index ("faiss_params")."""
        out: dict[str, object] = {"type": self.kind, "ntotal": self.ntotal}
        if self.ivf is not None:
            out.update(nlist=self.nlist, nprobe=self.nprobe,
                       trained_for=int(round((self.nlist / 4) ** 2)))
        if self.kind == "hnsw":
            out.update(M=HNSW_M, efSearch=self.ef_search)
        if self.recall is not None:
            out["recall_at_10"] = round(self.recall, 4)
        return out

    def description(self) -> str:
        """The manifest's "faiss_index"."""
        if self.kind == "ivf-sq8":
            return f"IndexIVFScalarQuantizer(IP,SQ8,nlist={self.nlist},nprobe={self.nprobe})"
        if self.kind == "ivf-pq":
            return (f"IndexIVFPQ(IP,M={self.index.pq.M}x8,nlist={self.nlist},"
                    f"nprobe={self.nprobe})")
        if self.kind == "hnsw":
            return f"IndexIDMap2(IndexHNSWFlat(IP,M={HNSW_M},efSearch={self.ef_search}))"
        return "IndexIDMap2(IndexFlatIP)"

    # -- changes ------------------------------------------------------------------------
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
        keys = np.ascontiguousarray(ids, dtype=np.int64)
        if self.kind == "hnsw":  # HNSW cannot delete: rebuild the graph without them
            have = self.ids()
            keep = have[~np.isin(have, keys)]
            if len(keep) == len(have):
                return 0
            ef = self.ef_search
            vectors = self.reconstruct(keep)
            hnsw = faiss.IndexHNSWFlat(self.dimension, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            hnsw.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            hnsw.hnsw.efSearch = ef
            index = faiss.IndexIDMap2(hnsw)
            index.add_with_ids(vectors, keep)
            self.index = index
            return int(len(have) - len(keep))
        if self.ivf is not None:  # the Hashtable direct map needs an IDSelectorArray
            selector = faiss.IDSelectorArray(len(keys), faiss.swig_ptr(keys))
            return int(self.index.remove_ids(selector))
        return int(self.index.remove_ids(keys))

    # -- reading ------------------------------------------------------------------------
    def reconstruct(self, ids: Sequence[int]) -> np.ndarray:
        """Stored vectors of `ids` (used to reuse embeddings of unchanged text). Exact for
        flat and hnsw; decoded 8-bit codes for ivf-sq8 (cosine ≈ 0.9999); lossy for ivf-pq."""
        if len(ids) == 0:
            return np.zeros((0, self.dimension), dtype=np.float32)
        keys = np.asarray(ids, dtype=np.int64)
        try:
            return self.index.reconstruct_batch(keys).astype(np.float32)
        except RuntimeError:  # index types without batch reconstruction
            return np.vstack([self.index.reconstruct(int(i)) for i in keys]).astype(np.float32)

    def ids(self) -> np.ndarray:
        if self.ivf is not None:
            invlists = self.index.invlists
            parts = [faiss.rev_swig_ptr(invlists.get_ids(i), invlists.list_size(i)).copy()
                     for i in range(self.nlist) if invlists.list_size(i)]
            return np.sort(np.concatenate(parts)).astype(np.int64) if parts else \
                np.zeros(0, dtype=np.int64)
        return faiss.vector_to_array(self.index.id_map).astype(np.int64)

    def _search_params(self, selector=None, scale: float = 1.0):  # noqa: ANN001, ANN202
        if self.ivf is not None:
            nprobe = min(self.nlist, max(1, int(math.ceil(self.nprobe * scale))))
            return faiss.SearchParametersIVF(sel=selector, nprobe=nprobe) if selector else \
                faiss.SearchParametersIVF(nprobe=nprobe)
        if self.kind == "hnsw":
            ef = max(1, int(math.ceil(self.ef_search * scale)))
            return faiss.SearchParametersHNSW(sel=selector, efSearch=ef) if selector else \
                faiss.SearchParametersHNSW(efSearch=ef)
        return faiss.SearchParameters(sel=selector) if selector else None

    def search_batch(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(scores, ids) for many queries, with the tuned nprobe / efSearch."""
        q = np.ascontiguousarray(queries, dtype=np.float32).reshape(-1, self.dimension)
        return self.index.search(q, min(k, self.ntotal), params=self._search_params())

    def search(self, query: np.ndarray, k: int,
               allowed: Sequence[int] | None = None) -> list[tuple[int, float]]:
        """Top-k (id, cosine) for one query vector; `allowed` restricts to those ids."""
        if self.ntotal == 0 or k <= 0 or (allowed is not None and len(allowed) == 0):
            return []
        q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        if allowed is None:
            scores, ids = self.search_batch(q, k)
        else:
            keys = np.unique(np.asarray(allowed, dtype=np.int64))
            k = min(k, len(keys))
            if self.kind != "flat" and len(keys) <= BRUTE_FORCE_LIMIT:
                return self._exact_among(q[0], keys, k)
            selector = faiss.IDSelectorBatch(keys)
            scale = 1.0 if self.kind == "flat" else max(1.0, self.ntotal / len(keys))
            scores, ids = self.index.search(q, min(k, self.ntotal),
                                            params=self._search_params(selector, scale))
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    def _exact_among(self, query: np.ndarray, keys: np.ndarray, k: int) -> list[tuple[int, float]]:
        try:
            stored = self.reconstruct(keys)
        except RuntimeError:  # some allowed ids are not in the index
            keys = keys[np.isin(keys, self.ids())]
            if len(keys) == 0:
                return []
            stored = self.reconstruct(keys)
        scores = stored @ query
        top = np.argsort(-scores, kind="stable")[:k]
        return [(int(keys[i]), float(scores[i])) for i in top]

    # -- tuning ---------------------------------------------------------------------------
    def tune(self, ids: Sequence[int], vectors: np.ndarray, target: float = TARGET_RECALL,
             rng: np.random.Generator | None = None, queries: np.ndarray | None = None,
             k: int = 10) -> float:
        """Set the smallest nprobe / efSearch reaching recall@k >= target against exact
        search over `vectors` (all of the index's vectors; row i has id ids[i]). Default
        queries: stored vectors moved by random noise to cosine 0.45 with where they started -
        about the similarity a short query has to its best passages - and the target is
        raised by TUNE_MARGIN (on BBC news, title queries then measure recall >= 0.95)."""
        if self.kind == "flat":
            self.recall = 1.0
            return 1.0
        rng = rng or np.random.default_rng(0)
        n = len(vectors)
        default_queries = queries is None
        if queries is None:
            picks = rng.choice(n, min(TUNE_QUERIES, n), replace=False)
            noise = rng.normal(size=(len(picks), vectors.shape[1])).astype(np.float32)
            queries = _unit(vectors[picks] + np.float32(QUERY_NOISE) * _unit(noise))
        queries = np.ascontiguousarray(queries, dtype=np.float32)
        truth_ids = np.asarray(ids, dtype=np.int64)[exact_neighbours(vectors, queries, k)]
        if self.ivf is not None:
            ladder = [p for p in (1, 2, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256,
                                  384, 512, 1024) if p <= self.nlist] + [self.nlist]
            setter = lambda v: setattr(self.index, "nprobe", v)  # noqa: E731
        else:
            ladder = [16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 1024]
            setter = lambda v: setattr(self.hnsw.hnsw, "efSearch", v)  # noqa: E731
        best, goal = 0.0, min(1.0, target + (TUNE_MARGIN if default_queries else 0.0))
        if default_queries:
            # The margin must stay below what the compressed vectors can reach at all (SQ8
            # caps recall a little under 1 even scanning every list), or the ladder would
            # climb to an exhaustive scan; never below the target itself.
            setter(ladder[-1])
            ceiling = recall_at(self.search_batch(queries, k)[1], truth_ids)
            goal = max(min(goal, ceiling - 0.01), min(target, ceiling))
        for value in dict.fromkeys(ladder):
            setter(value)
            _, found = self.search_batch(queries, k)
            best = recall_at(found, truth_ids)
            if best >= goal:
                break
        self.recall = best
        return best

    # -- files ----------------------------------------------------------------------------
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
            raise IndexCorrupt(f"vector file '{path}' is missing: "
                               f"{rebuild_hint(path.parent.parent)}")
        try:
            flags = faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY if mmap else 0
            index = faiss.read_index(str(path), flags)
        except RuntimeError as exc:
            detail = (str(exc).splitlines() or ["unreadable"])[0][-160:]
            raise IndexCorrupt(f"vector file '{path}' is damaged ({detail}): "
                               f"{rebuild_hint(path.parent.parent)}") from exc
        return cls(index.d, index)

    def memory_bytes(self) -> int:
        """Serialized size: a close estimate of the resident size of the loaded index."""
        return int(faiss.serialize_index(self.index).nbytes)


def exact_neighbours(vectors: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    """Row numbers of the exact top-k inner-product neighbours of each query."""
    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(np.ascontiguousarray(vectors, dtype=np.float32))
    _, rows = flat.search(np.ascontiguousarray(queries, dtype=np.float32), min(k, len(vectors)))
    return rows


def recall_at(found: np.ndarray, truth: np.ndarray) -> float:
    """Mean share of each query's true top-k ids that the approximate top-k contains."""
    hits = sum(len(set(f[f >= 0].tolist()) & set(t.tolist())) for f, t in zip(found, truth))
    return hits / max(1, truth.size)
