"""Milvus Lite vs FAISS + SQLite on the same ~100k passages: build (write) time, hybrid search
latency p50/p95, and retrieval quality on the seed queries.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_milvus.py [--passages 100000] \
        [--queries 60] [--json benchmarks/results/bench_milvus.json]

Corpus: the five seeds built normally (attribution, folding), plus a haystack of BBC News
paragraphs (../shared/data/bbc) with their real all-MiniLM-L6-v2 vectors from the cache
benchmarks/results/bbc_paragraph_vectors.npz (made by eval_dedup.py; ~9.5k paragraphs),
tiled to the target size: copy c > 0 of a paragraph gets a marker word and its vector plus
small Gaussian noise (sigma 0.01 per dimension, renormalised; cosine to the original ~0.98).
No embedding happens here: "build" times are the backends' write paths.

  local  build = add the haystack to a copy of the seed generation (SQLite rows + FTS5 +
                 FAISS flat) and save it, as `archive build` writes a generation;
  milvus build = `milvus_backend.sync_generation` of that generation into a new Milvus Lite
                 database (the path `archive build --backend milvus` takes).
Latency: Searcher.candidates(mode="hybrid", n=100) with precomputed query vectors (so the
model is out of the timing), and end-to-end Searcher.search(k=10) including the query encode.
Quality: eval_search.evaluate on benchmarks/seed_queries.json (judged passages are all in
the seeds; the haystack is taken as non-relevant).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from archive.build import build  # noqa: E402
from archive.storage.sqlite import copy_database  # noqa: E402
from archive.config import load_config  # noqa: E402
from archive.storage import DB_NAME, VECTORS_NAME, IndexDir  # noqa: E402
from archive.models import Article, Passage  # noqa: E402
from archive.search import Searcher  # noqa: E402
from archive.models import Filters  # noqa: E402
from archive.storage.sqlite import Store  # noqa: E402

BBC = ROOT.parent / "shared" / "data" / "bbc"
CACHE = ROOT / "benchmarks" / "results" / "bbc_paragraph_vectors.npz"


def haystack(target: int, seed: int = 0):
    """[(Article, [Passage], vectors)] of BBC paragraphs with cached vectors, tiled to target."""
    import hashlib

    data = np.load(CACHE)
    known = dict(zip(data["keys"].tolist(), data["vecs"]))
    articles = []
    for path in sorted(BBC.glob("*/*.txt")):
        text = path.read_bytes().decode("utf-8", errors="replace")
        title, _, body = text.partition("\n")
        paras = [" ".join(p.split()) for p in body.split("\n\n") if p.strip()]
        paras = [p for p in paras if hashlib.sha1(p.encode()).hexdigest() in known]
        if paras:
            articles.append((f"{path.parent.name}/{path.stem}", title.strip(), paras))
    base = sum(len(p) for _, _, p in articles)
    rng = np.random.default_rng(seed)
    out, total, copy = [], 0, 0
    while total < target:
        for key, title, paras in articles:
            if total >= target:
                break
            paras = paras[: target - total]
            vecs = np.stack([known[hashlib.sha1(p.encode()).hexdigest()] for p in paras])
            if copy:
                vecs = vecs + rng.normal(0, 0.01, vecs.shape).astype(np.float32)
                vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
                paras = [f"{p} copy{copy}" for p in paras]
            aid = hashlib.sha1(f"{key}#{copy}".encode()).hexdigest()[:16]
            art = Article(article_id=aid, title=title, paragraphs=[], path=f"bbc/{key}.txt",
                          date=f"2005-{1 + copy % 12:02d}-{1 + len(out) % 28:02d}",
                          outlet="BBC News")
            out.append((art, [Passage(aid, i, p) for i, p in enumerate(paras)], vecs))
            total += len(paras)
        copy += 1
    return out, base


def build_local(seed_gen: Path, index: Path, corpus) -> float:
    """A new generation: the seeds plus the haystack, written as archive's build writes."""
    from archive.storage.vectors import VectorIndex

    index_dir = IndexDir(index)
    started = time.perf_counter()
    gen = index_dir.new_generation()
    copy_database(seed_gen / DB_NAME, gen / DB_NAME)
    vectors = VectorIndex.load(seed_gen / VECTORS_NAME)
    store = Store(gen / DB_NAME, readonly=False)
    for art, passages, vecs in corpus:
        ids = store.add_article(art, passages)
        vectors.add(ids, vecs)
    manifest = store.manifest()
    manifest.update(articles=store.count("articles"), passages=store.count("passages"))
    store.write_manifest(manifest)
    store.finish()
    store.close()
    vectors.save(gen / VECTORS_NAME)
    (gen / ".published").touch()
    index_dir.publish(gen)
    return time.perf_counter() - started


def percentile(xs: list[float], p: float) -> float:
    return float(np.percentile(np.asarray(xs) * 1000, p))


def latency(searcher: Searcher, queries: list[str], vectors: dict[str, np.ndarray]) -> dict:
    backend = searcher.backend
    searcher.encode = lambda text, backend: vectors[text]  # model out of the timing
    retrieval = []
    for q in queries:
        t = time.perf_counter()
        searcher.candidates(backend, q, "hybrid", 100, Filters())
        retrieval.append(time.perf_counter() - t)
    filtered = []
    f = Filters(outlets=("BBC News", "CNN"), date_from="2005-01-01")
    for q in queries:
        t = time.perf_counter()
        searcher.candidates(backend, q, "hybrid", 100, f)
        filtered.append(time.perf_counter() - t)
    del searcher.encode
    e2e = []
    for q in queries:
        t = time.perf_counter()
        searcher.search(q, k=10)
        e2e.append(time.perf_counter() - t)
    return {name: {"p50_ms": round(percentile(xs, 50), 1), "p95_ms": round(percentile(xs, 95), 1)}
            for name, xs in (("hybrid_candidates_n100", retrieval),
                             ("hybrid_candidates_n100_filtered", filtered),
                             ("search_k10_end_to_end", e2e))}


def quality(searcher: Searcher, seed_texts: list[dict]) -> dict:
    import eval_search

    eval_search.iter_passages = lambda s: iter(seed_texts)  # judged passages: the seeds
    queries = json.loads((ROOT / "benchmarks" / "seed_queries.json").read_text())["queries"]
    out = {}
    for name in ("archive (hybrid + attribution + folding)", "dense only",
                 "keyword (BM25) only"):
        r = eval_search.evaluate(searcher, queries, eval_search.CONFIGS[name])
        out[name] = {k: r[k] for k in ("passage_ndcg@10", "unit_ndcg@10",
                                       "speaker_own_words_at_1")}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=100_000, help="haystack size")
    parser.add_argument("--queries", type=int, default=60, help="latency queries")
    parser.add_argument("--json", default=str(ROOT / "benchmarks" / "results" /
                                              "bench_milvus.json"))
    parser.add_argument("--keep", help="keep the built indexes in this folder")
    args = parser.parse_args()
    work = Path(args.keep or tempfile.mkdtemp(prefix="bench-milvus-"))
    out: dict = {"haystack_passages": args.passages, "cpus": os.cpu_count(),
                 "load_average_at_start": os.getloadavg()}

    from archive.embed import make_embedder

    seed_config = load_config(index=str(work / "seed"))
    embedder = make_embedder(seed_config)
    t = time.perf_counter()
    build([ROOT / "seeds"], seed_config, embedder=embedder)
    out["seed_build_seconds"] = round(time.perf_counter() - t, 1)
    seed_gen = IndexDir(seed_config.index_dir).require_current()
    store = Store(seed_gen / DB_NAME, readonly=True)
    seed_texts = [{"id": pid, "text": text} for pid, _, text in store.all_passages()]
    store.close()

    corpus, base = haystack(args.passages)
    out["bbc_paragraphs_with_cached_vectors"] = base
    local = load_config(index=str(work / "local"))
    local_s = build_local(seed_gen, local.index_dir, corpus)
    gen = IndexDir(local.index_dir).require_current()
    out["local_build_seconds"] = round(local_s, 1)
    out["local_bytes_on_disk"] = sum(p.stat().st_size for p in gen.iterdir() if p.is_file())
    print(f"local build (SQLite + FTS5 + FAISS flat): {local_s:.1f} s", flush=True)

    from archive.storage.milvus import sync_generation

    milvus = load_config(index=str(work / "local"), backend="milvus",
                         milvus_uri=str(work / "milvus.db"))
    t = time.perf_counter()
    sync_generation(milvus, gen)
    milvus_s = time.perf_counter() - t
    out["milvus_build_seconds"] = round(milvus_s, 1)
    out["milvus_bytes_on_disk"] = sum(p.stat().st_size for p in (work / "milvus.db").rglob("*")
                                      if p.is_file()) if (work / "milvus.db").is_dir() else (
        (work / "milvus.db").stat().st_size)
    print(f"milvus lite build (sync_generation): {milvus_s:.1f} s", flush=True)

    seed_queries = [q["query"] for q in json.loads(
        (ROOT / "benchmarks" / "seed_queries.json").read_text())["queries"]]
    titles = [art.title for art, _, _ in corpus[:: max(1, len(corpus) // args.queries)]]
    queries = (seed_queries + titles)[: args.queries]
    vectors = dict(zip(queries, embedder.encode(queries)))
    for name, config in (("local", local), ("milvus", milvus)):
        searcher = Searcher(config, embedder=embedder)
        searcher.search("warm up", k=10)
        out[name] = {"latency": latency(searcher, queries, vectors),
                     "quality": quality(searcher, seed_texts), "counts": searcher.counts()}
        print(name, json.dumps(out[name]), flush=True)
        searcher.close()
    # agreement of the two backends' hybrid top 10
    a_s, b_s = Searcher(local, embedder=embedder), Searcher(milvus, embedder=embedder)
    overlap = []
    for q in queries:
        a = {h.passage_id for h in a_s.search(q, k=10, understand=False, fold=False)}
        b = {h.passage_id for h in b_s.search(q, k=10, understand=False, fold=False)}
        overlap.append(len(a & b) / max(len(a | b), 1))
    out["hybrid_top10_jaccard_local_vs_milvus"] = round(float(np.mean(overlap)), 3)
    out["load_average_at_end"] = os.getloadavg()
    Path(args.json).write_text(json.dumps(out, indent=1))
    print(json.dumps(out, indent=1))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
