"""Hybrid query latency, ANN recall and memory at 10k, 100k and 1M passages.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_query.py [--sizes 10000,100000,1000000]
        [--types auto] [--queries 100] [--json benchmarks/results/bench_query.json]

Corpus: every paragraph of BBC News (2,225 articles) and PolNeAR (train + dev), embedded once
with the packaged model (torch fp32) and cached in benchmarks/results/corpus_*.npy. A size
above the number of unique paragraphs repeats them under new ids (copy k of article A is
article "A~k"), each repeated vector moved by Gaussian noise (cosine ~0.9 to the original,
then renormalised) so an approximate index is not handed exact duplicates. Each size is
written straight through archive.store.Store (SQLite + FTS5) and archive.vectors.VectorIndex
as a published generation with a manifest, and opened with archive.search.Searcher, so the
latency is the real search path (hybrid: query encode + FAISS + BM25 + fusion + fetch +
folding). The index type is the one `auto` picks for the size (or --types).

Reported per size: p50/p95 hybrid latency; the same over "one bare encode + one bare FAISS
search" (the floor); recall@10 of the index against exact search, on real text queries
(BBC titles + the seed queries); RSS growth when the generation is opened; bytes per
passage on disk (FAISS file, SQLite file) and in the FAISS index.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "benchmarks" / "results"
NOISE = 0.025  # per dimension: |noise| ~ 0.49, cosine ~ 0.9 to the original vector


def rss_bytes() -> int:
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def read_corpus() -> tuple[list[dict], list[str]]:
    """Articles as {id, title, paragraphs} and title queries (every 20th BBC title)."""
    articles, titles = [], []
    files = sorted((DATA / "bbc").glob("*/*.txt"))
    files += sorted((DATA / "polnear").glob("*/text/*.txt"))
    for i, f in enumerate(files):
        raw = f.read_bytes().decode("utf-8", errors="replace")
        blocks = [b.strip() for b in raw.replace("\r\n", "\n").split("\n\n") if b.strip()]
        if len(blocks) < 2:
            continue
        title, paras = blocks[0].splitlines()[0].strip(), []
        first = blocks[0].splitlines()[1:]  # BBC: title line then text in the same block
        if first:
            paras.append(" ".join(x.strip() for x in first if x.strip()))
        paras += [" ".join(b.split()) for b in blocks[1:]]
        paras = [p for p in paras if len(p) > 20]
        if not paras:
            continue
        articles.append({"id": f"{f.parent.parent.name}-{f.stem}" if "polnear" in str(f)
                         else f"bbc-{f.parent.name}-{f.stem}", "title": title,
                         "paragraphs": paras, "outlet": "BBC" if "bbc" in str(f) else "PolNeAR"})
        if "bbc" in str(f) and i % 20 == 0:
            titles.append(title)
    return articles, titles


def reuse_vectors(articles: list[dict], npz: Path) -> tuple[list[dict], np.ndarray]:
    """Keep only paragraphs whose vector is in `npz` (keys = archive.store.passage_hash of
    the text, vecs = their vectors: e.g. another benchmark's cache); no embedding at all."""
    from archive.storage.sqlite import passage_hash

    data = np.load(npz)
    row = {k: i for i, k in enumerate(data["keys"].tolist())}
    kept, rows = [], []
    for a in articles:
        paras = [p for p in a["paragraphs"] if passage_hash(p) in row]
        if paras:
            kept.append({**a, "paragraphs": paras})
            rows += [row[passage_hash(p)] for p in paras]
    return kept, np.ascontiguousarray(data["vecs"][rows], dtype=np.float32)


def corpus_vectors(articles: list[dict]) -> np.ndarray:
    from archive.config import load_config
    from archive.embed import TorchEmbedder

    texts = [p for a in articles for p in a["paragraphs"]]
    cache = RESULTS / f"corpus_{len(texts)}.npy"
    if cache.exists():
        return np.load(cache)
    config = load_config()
    started = time.perf_counter()
    vectors = TorchEmbedder(config.model_path, 64).encode(texts)
    print(f"embedded {len(texts)} paragraphs in {time.perf_counter() - started:.0f} s")
    RESULTS.mkdir(parents=True, exist_ok=True)
    np.save(cache, vectors)
    return vectors


def tiled(base: np.ndarray, n: int, seed: int = 0) -> np.ndarray:
    out = np.empty((n, base.shape[1]), dtype=np.float32)
    rng = np.random.default_rng(seed)
    u = len(base)
    for start in range(0, n, u):
        part = base[: min(u, n - start)]
        if start:
            part = part + rng.normal(scale=NOISE, size=part.shape).astype(np.float32)
            part /= np.linalg.norm(part, axis=1, keepdims=True)
        out[start:start + len(part)] = part
    return out


def write_index(folder: Path, articles: list[dict], vectors: np.ndarray, n: int,
                index_type: str, embedder) -> dict:
    """A published generation of n passages: SQLite (+FTS5) through Store, FAISS through
    VectorIndex, a manifest like the build's."""
    from archive.config import load_config
    from archive.storage import DB_NAME, FORMAT_VERSION, VECTORS_NAME, IndexDir
    from archive.storage.sqlite import Store, passage_hash
    from archive.storage.vectors import VectorIndex, target_kind

    index_dir = IndexDir(folder)
    gen = index_dir.new_generation()
    store = Store(gen / DB_NAME, readonly=False)
    started = time.perf_counter()
    conn = store.db.conn
    pid, copy = 0, 0
    while pid < n:
        art_rows, p_rows, f_rows = [], [], []
        for a in articles:
            if pid >= n:
                break
            aid = a["id"] if copy == 0 else f"{a['id']}~{copy}"
            paras = a["paragraphs"][: n - pid]
            art_rows.append((aid, a["title"], f"20{(copy % 20):02d}-01-{1 + pid % 28:02d}",
                             a["outlet"], None, None, None, None, len(paras), None))
            for pos, text in enumerate(paras):
                pid += 1
                p_rows.append((pid, aid, pos, None, text, passage_hash(text)))
                f_rows.append((pid, text, a["title"]))
        conn.executemany("INSERT INTO articles VALUES (?,?,?,?,?,?,?,?,?,?)", art_rows)
        conn.executemany("INSERT INTO passages (id, article_id, position, section, text, hash)"
                         " VALUES (?,?,?,?,?,?)", p_rows)
        conn.executemany("INSERT INTO passages_fts (rowid, text, title) VALUES (?,?,?)", f_rows)
        conn.commit()
        copy += 1
    sqlite_s = time.perf_counter() - started
    config = load_config(index_type=index_type)
    kind = target_kind(n, config.index_type, config.ann_threshold)
    started = time.perf_counter()
    ids = np.arange(1, n + 1, dtype=np.int64)
    vec = VectorIndex.build(kind, ids, vectors[:n])
    faiss_s = time.perf_counter() - started
    store.write_manifest({
        "format": FORMAT_VERSION, "model": embedder.name, "model_path": embedder.model_path,
        "dimension": vec.dimension, "normalized": True, "metric": "inner_product",
        "faiss_index": vec.description(), "faiss_params": vec.params(),
        "embedding_backend": embedder.backend, "articles": store.count("articles"),
        "passages": store.count("passages"), "synthetic": True})
    started = time.perf_counter()
    store.finish()
    store.close()
    finish_s = time.perf_counter() - started
    vec.save(gen / VECTORS_NAME)
    (gen / ".published").touch()
    index_dir.publish(gen)
    return {"kind": kind, "description": vec.description(), "params": vec.params(),
            "write_sqlite_s": round(sqlite_s, 1), "fts_optimize_s": round(finish_s, 1),
            "faiss_build_s": round(faiss_s, 1), "faiss_index_bytes": vec.memory_bytes(),
            "generation": gen}


def percentile(xs: list[float], p: float) -> float:
    return float(np.percentile(np.asarray(xs), p))


def run_size(n: int, index_type: str, articles, base, queries, embedder, keep: bool) -> dict:
    from archive.config import load_config
    from archive.storage import DB_NAME, VECTORS_NAME
    from archive.search import Searcher
    from archive.storage.vectors import exact_neighbours, recall_at

    vectors = tiled(base, n) if n > len(base) else base[:n]
    folder = Path(tempfile.mkdtemp(prefix=f"bench-q{n}-", dir=RESULTS if keep else None))
    try:
        info = write_index(folder / "index", articles, vectors, n, index_type, embedder)
        gen = info.pop("generation")
        out = {"passages": n, **info,
               "faiss_bytes_per_passage_disk": round((gen / VECTORS_NAME).stat().st_size / n, 1),
               "sqlite_bytes_per_passage_disk": round((gen / DB_NAME).stat().st_size / n, 1),
               "faiss_bytes_per_passage_index": round(info["faiss_index_bytes"] / n, 1)}
        gc.collect()
        searcher = Searcher(load_config(index=str(folder / "index")), embedder=embedder)
        before = rss_bytes()
        backend = searcher.backend  # opens SQLite and loads the FAISS file
        out["rss_delta_open_bytes"] = rss_bytes() - before
        out["rss_delta_per_passage"] = round(out["rss_delta_open_bytes"] / n, 1)
        for q in queries[:3]:  # warm up (page cache, first-query costs)
            searcher.search(q, k=10)
        hybrid, dense_only, bare = [], [], []
        qvecs = []
        for q in queries:
            t0 = time.perf_counter()
            searcher.search(q, k=10)
            hybrid.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            v = embedder.encode_query(q)
            backend.vectors.search(v, 10)
            bare.append(time.perf_counter() - t0)
            qvecs.append(v)
            t0 = time.perf_counter()
            searcher.search(q, k=10, mode="dense", understand=False, fold=False)
            dense_only.append(time.perf_counter() - t0)
        qvecs = np.vstack(qvecs)
        truth = exact_neighbours(vectors, qvecs, 10) + 1  # ids are rows + 1
        found = backend.vectors.search_batch(qvecs, 10)[1]
        out.update({
            "queries": len(queries),
            "hybrid_p50_ms": round(percentile(hybrid, 50) * 1000, 1),
            "hybrid_p95_ms": round(percentile(hybrid, 95) * 1000, 1),
            "dense_path_p50_ms": round(percentile(dense_only, 50) * 1000, 1),
            "bare_encode_plus_faiss_p50_ms": round(percentile(bare, 50) * 1000, 1),
            "bare_encode_plus_faiss_p95_ms": round(percentile(bare, 95) * 1000, 1),
            "hybrid_over_bare_p50": round(percentile(hybrid, 50) / percentile(bare, 50), 2),
            "recall_at_10_vs_exact": round(recall_at(found, truth), 4),
        })
        searcher.close()
        return out
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--types", default="auto", help="index_type per run, comma-separated "
                        "(auto, flat, ivf-sq8, ivf-pq, hnsw); each is run at every size")
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--keep", action="store_true", help="keep the indexes under results/")
    parser.add_argument("--prepare", action="store_true", help="only embed and cache the corpus")
    parser.add_argument("--reuse", help="an .npz of precomputed paragraph vectors (keys = "
                        "passage hashes, vecs) to use instead of embedding the corpus")
    parser.add_argument("--json", default=str(RESULTS / "bench_query.json"))
    args = parser.parse_args()

    articles, titles = read_corpus()
    if args.reuse:
        articles, base = reuse_vectors(articles, Path(args.reuse))
    else:
        base = corpus_vectors(articles)
    print(f"corpus: {len(articles)} articles, {len(base)} unique paragraphs")
    if args.prepare:
        return
    from archive.config import load_config
    from archive.embed import make_embedder

    seed_queries = [q["query"] for q in json.loads(
        (ROOT / "benchmarks" / "seed_queries.json").read_text())["queries"]]
    queries = (seed_queries + titles)[: args.queries]
    embedder = make_embedder(load_config())
    embedder.encode_query("warm up")
    results = {"machine": {"cpus": os.cpu_count(), "load_avg_at_start": os.getloadavg()},
               "unique_paragraphs": len(base), "noise_per_dim": NOISE, "runs": [],
               "corpus": args.reuse or "BBC + PolNeAR, embedded here"}
    for index_type in args.types.split(","):
        for n in [int(s) for s in args.sizes.split(",")]:
            started = time.perf_counter()
            r = run_size(n, index_type, articles, base, queries, embedder, args.keep)
            r["index_type_setting"] = index_type
            r["seconds"] = round(time.perf_counter() - started, 1)
            results["runs"].append(r)
            print(json.dumps(r), flush=True)
            Path(args.json).parent.mkdir(parents=True, exist_ok=True)
            Path(args.json).write_text(json.dumps(results, indent=1))
    print(f"\n{'passages':>9} {'type':>8} {'p50 ms':>7} {'p95 ms':>7} {'bare p50':>8} "
          f"{'ratio':>5} {'recall':>6} {'RSS B/p':>8} {'faiss B/p':>9} {'db B/p':>7}")
    for r in results["runs"]:
        print(f"{r['passages']:>9} {r['kind']:>8} {r['hybrid_p50_ms']:>7} {r['hybrid_p95_ms']:>7}"
              f" {r['bare_encode_plus_faiss_p50_ms']:>8} {r['hybrid_over_bare_p50']:>5} "
              f"{r['recall_at_10_vs_exact']:>6} {r['rss_delta_per_passage']:>8} "
              f"{r['faiss_bytes_per_passage_disk']:>9} {r['sqlite_bytes_per_passage_disk']:>7}")


if __name__ == "__main__":
    main()
