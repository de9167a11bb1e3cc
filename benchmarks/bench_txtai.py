"""archive side by side with txtai: build time, hybrid query latency and quality on the seeds.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_txtai.py [--bbc 300]
        [--json benchmarks/results/bench_txtai.json]

Both use the same local model folder (the packaged all-MiniLM-L6-v2; txtai with
method="sentence-transformers", content=True, hybrid=True, i.e. dense + BM25) and rank the
same units: the passages archive makes of the seeds (archive cleans and chunks; txtai gets
archive's passages, as txtai has no article cleaning of its own).

Quality: passage nDCG@10 on benchmarks/seed_queries.json, graded as in eval_search.py
(`grade_of`; every passage containing a judged substring earns its grade; `ndcg` from
archive.metrics). archive is scored twice: its default search (hybrid + "what did X say"
ranking + folding) and plain hybrid (understand=False, fold=False), the like-for-like one.

Speed: build seconds (archive: the whole build from files, attribution off and on; txtai:
indexing the passages), hybrid query latency p50/p95 over the seed queries (each run 5
times after a warm-up). --bbc N repeats build time and latency on N BBC articles (BBC titles
as queries); 0 skips it.
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

from archive.metrics import ndcg  # noqa: E402
from bench_common import save_results  # noqa: E402
from eval_search import grade_of  # noqa: E402

BBC = ROOT.parent / "shared" / "data" / "bbc"
RESULTS = ROOT / "benchmarks" / "results"


def latencies(fn, queries: list[str], repeat: int = 5) -> dict:  # noqa: ANN001
    for q in queries[:2]:
        fn(q)
    times = []
    for _ in range(repeat):
        for q in queries:
            t0 = time.perf_counter()
            fn(q)
            times.append(time.perf_counter() - t0)
    return {"p50_ms": round(float(np.percentile(times, 50)) * 1000, 2),
            "p95_ms": round(float(np.percentile(times, 95)) * 1000, 2), "n": len(times)}


def have_txtai() -> bool:
    """Is txtai installed (the comparison is skipped, saying how to install it, if not)?"""
    try:
        import txtai  # noqa: F401
    except ImportError:
        print("txtai is not installed (pip install --no-deps txtai msgpack): skipped")
        return False
    return True


def copy_bbc(n: int, dest: Path) -> list[Path]:
    """Every k-th BBC article (all five sections in), n of them, copied under `dest`."""
    files = sorted(BBC.glob("*/*.txt"))
    chosen = files[:: max(1, len(files) // n)][:n]
    for f in chosen:
        (dest / f.parent.name).mkdir(parents=True, exist_ok=True)
        shutil.copy(f, dest / f.parent.name / f.name)
    return chosen


def stored_passages(index: Path) -> list[tuple[int, str]]:
    from archive.storage import DB_NAME, IndexDir
    from archive.storage.sqlite import Store

    store = Store(IndexDir(index).require_current() / DB_NAME)
    rows = [(pid, text) for pid, _, text in store.all_passages()]
    store.close()
    return rows


def txtai_index(model_path: str, rows: list[tuple[int, str]]):  # noqa: ANN201
    from txtai import Embeddings

    emb = Embeddings(path=model_path, method="sentence-transformers", content=True,
                     hybrid=True, batch=32, encodebatch=32)
    started = time.perf_counter()
    emb.index([(pid, text, None) for pid, text in rows])
    return emb, time.perf_counter() - started


def quality(search, queries: list[dict], pool: list[str]) -> dict:  # noqa: ANN001
    per = []
    for q in queries:
        texts = search(q["query"])
        grades = [grade_of(t, q["judgements"])[0] for t in texts]
        all_grades = [g for g in (grade_of(t, q["judgements"])[0] for t in pool) if g > 0]
        per.append(ndcg(grades, all_grades, 10))
    return {"passage_ndcg@10": round(float(np.mean(per)), 4),
            "per_query": [round(x, 3) for x in per]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bbc", type=int, default=300, help="BBC articles for the timing run")
    parser.add_argument("--json", default=str(RESULTS / "bench_txtai.json"))
    args = parser.parse_args()
    if not have_txtai():
        return

    from archive.build.pipeline import build
    from archive.config import load_config
    from archive.embed import TorchEmbedder
    from archive.search import Searcher

    work = Path(tempfile.mkdtemp(prefix="bench-txtai-"))
    base = load_config()
    embedder = TorchEmbedder(base.model_path, base.batch_size)
    embedder.encode(["warm up"])
    queries = json.loads((ROOT / "benchmarks" / "seed_queries.json").read_text())["queries"]
    out: dict = {"load_avg_at_start": os.getloadavg()}
    try:
        # -- seeds: quality and latency --------------------------------------------------
        cfg0 = load_config(index=str(work / "seeds0"), attribution=0)
        cfg1 = load_config(index=str(work / "seeds1"), attribution=1)
        t0 = time.perf_counter()
        build([ROOT / "seeds"], cfg0, embedder=embedder)
        t_a0 = time.perf_counter() - t0
        t0 = time.perf_counter()
        build([ROOT / "seeds"], cfg1, embedder=embedder)
        t_a1 = time.perf_counter() - t0
        rows = stored_passages(work / "seeds1")
        pool = [t for _, t in rows]
        tx, t_tx = txtai_index(base.model_path, rows)
        searcher = Searcher(cfg1, embedder=embedder)

        def archive_default(q: str) -> list[str]:
            return [h.text for h in searcher.search(q, k=10)]

        def archive_plain(q: str) -> list[str]:
            return [h.text for h in searcher.search(q, k=10, understand=False, fold=False)]

        def txtai_hybrid(q: str) -> list[str]:
            return [r["text"] for r in tx.search(q, 10)]

        qs = [q["query"] for q in queries]
        out["seeds"] = {
            "passages": len(rows),
            "build_s": {"archive_no_attribution": round(t_a0, 2),
                        "archive_attribution": round(t_a1, 2), "txtai_index": round(t_tx, 2)},
            "quality": {"archive default (hybrid + speaker ranking + folding)":
                        quality(archive_default, queries, pool),
                        "archive plain hybrid": quality(archive_plain, queries, pool),
                        "txtai hybrid": quality(txtai_hybrid, queries, pool)},
            "latency": {"archive default": latencies(archive_default, qs),
                        "archive plain hybrid": latencies(archive_plain, qs),
                        "txtai hybrid": latencies(txtai_hybrid, qs)},
        }
        searcher.close()
        print(json.dumps(out["seeds"], indent=1), flush=True)

        # -- BBC: build time and latency at a larger size ---------------------------------
        if args.bbc:
            files = sorted(BBC.glob("*/*.txt"))
            chosen = copy_bbc(args.bbc, work / "bbc")
            src = work / "bbc"
            cfg = load_config(index=str(work / "bbc-index"), attribution=0)
            t0 = time.perf_counter()
            build([src], cfg, embedder=embedder)
            t_ab = time.perf_counter() - t0
            rows = stored_passages(work / "bbc-index")
            tx, t_txb = txtai_index(base.model_path, rows)
            searcher = Searcher(cfg, embedder=embedder)
            titles = [f.read_text(errors="replace").splitlines()[0] for f in files[1::45]]
            out["bbc"] = {
                "articles": len(chosen), "passages": len(rows),
                "build_s": {"archive_no_attribution": round(t_ab, 2),
                            "txtai_index": round(t_txb, 2)},
                "latency": {"archive plain hybrid": latencies(
                    lambda q: searcher.search(q, k=10, understand=False, fold=False), titles, 3),
                    "archive default": latencies(lambda q: searcher.search(q, k=10), titles, 3),
                    "txtai hybrid": latencies(lambda q: tx.search(q, 10), titles, 3)},
            }
            searcher.close()
            print(json.dumps(out["bbc"], indent=1), flush=True)
        save_results(out, args.json)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
