"""FAISS index types: ids are rowids for every type, removal, filters, save/load, tuned recall.

Real FAISS on clustered random vectors and on real embeddings of the seed passages; no mocks.
"""
from __future__ import annotations

import numpy as np
import pytest

from archive.storage import vectors as V
from archive.storage.vectors import VectorIndex, exact_neighbours, recall_at

DIM = 384
N = 3000


def clustered(rng: np.random.Generator, centers: np.ndarray, n: int,
              noise: float = 0.5) -> np.ndarray:
    x = centers[rng.integers(0, len(centers), n)] + rng.normal(size=(n, centers.shape[1])) * noise
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(7)
    centers = rng.normal(size=(150, DIM))
    vectors = clustered(rng, centers, N)
    ids = np.arange(N, dtype=np.int64) * 7 + 5  # sparse rowids, as after deletions
    queries = clustered(rng, centers, 100)  # independent of the stored vectors
    return ids, vectors, queries


@pytest.fixture(scope="module")
def indexes(data):
    ids, vectors, _ = data
    return {kind: VectorIndex.build(kind, ids, vectors) for kind in ("flat", "ivf-sq8", "hnsw")}


@pytest.fixture(scope="module")
def pq_index():
    """IVF-PQ trains slowly (96 sub-quantizers): one small index for its own checks."""
    rng = np.random.default_rng(3)
    centers = rng.normal(size=(40, DIM))
    vectors = clustered(rng, centers, 1200)
    ids = np.arange(1200, dtype=np.int64) * 3 + 1
    return ids, vectors, VectorIndex.build("ivf-pq", ids, vectors)


KINDS = ("flat", "ivf-sq8", "hnsw")


@pytest.mark.parametrize("kind", KINDS)
def test_ids_are_rowids(indexes, data, kind):
    ids, vectors, _ = data
    index = indexes[kind]
    assert index.kind == kind
    assert index.ntotal == N
    assert sorted(index.ids().tolist()) == sorted(ids.tolist())
    for row in (0, 17, N - 1):
        hits = index.search(vectors[row], 5)
        assert hits[0][0] == ids[row]
        assert hits[0][1] == pytest.approx(1.0, abs=0.01)
    got = index.reconstruct(ids[[3, 99]])
    assert np.allclose((got * vectors[[3, 99]]).sum(axis=1), 1.0, atol=0.005)


def test_pq_ids_remove_and_roundtrip(pq_index, tmp_path):
    ids, vectors, index = pq_index
    assert index.kind == "ivf-pq" and index.nprobe >= 1
    assert sorted(index.ids().tolist()) == sorted(ids.tolist())
    assert index.search(vectors[10], 5)[0][0] == ids[10]
    assert index.remove(ids[:50]) == 50
    assert not set(ids[:50].tolist()) & {i for i, _ in index.search(vectors[0], 20)}
    index.save(tmp_path / "pq.faiss")
    again = VectorIndex.load(tmp_path / "pq.faiss")
    assert again.kind == "ivf-pq" and again.nprobe == index.nprobe
    assert again.search(vectors[60], 10) == index.search(vectors[60], 10)


@pytest.mark.parametrize("kind", KINDS)
def test_remove(data, kind):
    ids, vectors, _ = data
    index = VectorIndex.build(kind, ids[:1500], vectors[:1500])
    gone = ids[100:400]
    assert index.remove(gone.tolist()) == len(gone)
    assert index.ntotal == 1200
    assert index.remove([int(gone[0])]) == 0  # already removed
    assert not set(gone.tolist()) & set(index.ids().tolist())
    for row in (0, 150, 1499):
        found = {i for i, _ in index.search(vectors[row], 10)}
        assert not found & set(gone.tolist())
        if not 100 <= row < 400:
            assert ids[row] in found
    index.add(gone[:10].tolist(), vectors[100:110])  # re-adding works after removal
    assert index.search(vectors[105], 1)[0][0] == ids[105]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("size", [40, 2500])  # exact path (small set) and selector path
def test_filters(indexes, data, kind, size, monkeypatch):
    ids, vectors, queries = data
    index = indexes[kind]
    if size > 100:
        monkeypatch.setattr(V, "BRUTE_FORCE_LIMIT", 100)  # force the ID-selector search
    rng = np.random.default_rng(size)
    rows = np.sort(rng.choice(N, size, replace=False))
    allowed = ids[rows].tolist()
    recalls = []
    for q in queries[:20]:
        hits = index.search(q, 10, allowed)
        assert len(hits) == 10
        assert {i for i, _ in hits} <= set(allowed)
        truth = ids[rows][np.argsort(-(vectors[rows] @ q))[:10]]
        recalls.append(len({i for i, _ in hits} & set(truth.tolist())) / 10)
    assert np.mean(recalls) >= (1.0 if kind == "flat" or size <= 100 else 0.9)
    assert index.search(queries[0], 10, []) == []


@pytest.mark.parametrize("kind", KINDS)
def test_save_load_roundtrip(indexes, data, kind, tmp_path):
    _, _, queries = data
    index = indexes[kind]
    path = tmp_path / "vectors.faiss"
    index.save(path)
    loaded = VectorIndex.load(path)
    assert loaded.kind == kind
    assert loaded.nprobe == index.nprobe and loaded.ef_search == index.ef_search
    assert loaded.description() == index.description()
    for q in queries[:5]:
        assert loaded.search(q, 10) == index.search(q, 10)


@pytest.mark.parametrize("kind", ["ivf-sq8", "hnsw"])
def test_ann_recall_vs_exact(indexes, data, kind):
    ids, vectors, queries = data
    index = indexes[kind]
    truth = ids[exact_neighbours(vectors, queries, 10)]
    _, found = index.search_batch(queries, 10)
    assert recall_at(found, truth) >= 0.95
    params = index.params()
    assert params["type"] == kind and params["recall_at_10"] >= 0.95
    if kind == "ivf-sq8":
        assert params["nlist"] == round(4 * np.sqrt(N)) and 1 <= params["nprobe"] <= params["nlist"]


def test_auto_type_by_size_and_retrain(data):
    ids, vectors, _ = data
    small = VectorIndex(DIM)
    small.add(ids[:1200], vectors[:1200])
    assert small.adapted(index_type="auto", ann_threshold=5000) is small  # below: exact
    ivf = small.adapted(index_type="auto", ann_threshold=1100)  # above: ivf-sq8
    assert ivf.kind == "ivf-sq8" and ivf.ntotal == 1200 and ivf.nlist == round(4 * 1200 ** 0.5)
    assert ivf.adapted(index_type="auto", ann_threshold=1100) is ivf  # no change, no rebuild
    assert ivf.adapted(index_type="auto", ann_threshold=2000) is ivf  # hysteresis (> 1000)
    ivf.add(ids[1200:], vectors[1200:])  # 2.5x the training size: kept
    assert ivf.adapted(index_type="ivf-sq8") is ivf
    ivf.add(np.arange(N) * 7 + 6, vectors)  # 5x the training size: retrained
    retrained = ivf.adapted(index_type="ivf-sq8")
    assert retrained is not ivf and retrained.nlist == round(4 * (2 * N) ** 0.5)
    assert retrained.ntotal == 2 * N
    assert VectorIndex.build("flat", ids, vectors).adapted(index_type="flat").kind == "flat"
    assert V.target_kind(500, "hnsw") == "flat"  # too small to be worth approximating
    with pytest.raises(ValueError):
        V.target_kind(10, "nonsense")


def test_memory_per_passage(indexes):
    per = {k: i.memory_bytes() / i.ntotal for k, i in indexes.items()}
    assert per["ivf-sq8"] < per["flat"] / 2  # 8-bit codes instead of float32
    assert per["flat"] >= DIM * 4


def test_real_vectors_with_ivf(embedder):
    """Real embeddings of the seed passages, tiled to 2,000 vectors, each copy moved by
    noise (cosine ~0.7 to its original) so copies are distinct neighbours, not ties."""
    from archive.text.chunk import passages_of
    from tests.conftest import seed_articles

    texts = [p.text for article in seed_articles()
             for p in passages_of(article, 256, embedder.count_tokens)]
    base = embedder.encode(texts)
    rng = np.random.default_rng(1)
    reps = -(-2000 // len(base))
    tiled = np.vstack([base] * reps)[:2000] + rng.normal(size=(2000, DIM)).astype(np.float32) * 0.05
    tiled /= np.linalg.norm(tiled, axis=1, keepdims=True)
    ids = np.arange(2000, dtype=np.int64) + 1
    index = VectorIndex.build("ivf-sq8", ids, tiled)
    queries = embedder.encode(["what did Lavrov say", "NATO expansion", "sanctions on Russia",
                               "Ukraine border troops", "diplomatic talks in Geneva"])
    truth = ids[exact_neighbours(tiled, queries, 10)]
    assert recall_at(index.search_batch(queries, 10)[1], truth) >= 0.9
