"""Pipeline throughput as a share of the bare encoder, measured back to back.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_pipeline_ratio.py [--articles 100] [--reps 3]
        [--backend torch|onnx-int8]

On a shared machine the load changes from minute to minute, so one long build timed against
one long raw encode taken at another moment gives a noisy ratio. Here each repetition runs a
full build (read, clean, chunk with token counting, embed, SQLite + FTS5, FAISS,
near-duplicate links, publish; attribution off, model already loaded) and then, straight after,
the bare `SentenceTransformer.encode(batch_size=32, normalize_embeddings=True)` on exactly
the passages that build stored, repeats included (odd repetitions encode first, on the
previous build's passages: the same texts). The build embeds a repeated passage once, so
each run also reports the ratio with the bare time scaled to the distinct passages. The
ratio raw seconds / build seconds is reported per repetition and as the median (goal from
issue 5: >= 0.9). bench_build.py measures the rest (attribution on, int8, rebuild and add
ratios). With --backend onnx-int8 (the default for new archives) the build embeds with the
int8 model and the bare encode is that model's own `encode` (ONNX Runtime, length-sorted
batches of 32).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from archive.build import build  # noqa: E402
from archive.config import load_config  # noqa: E402
from archive.embed import make_embedder  # noqa: E402
from archive.storage.generations import DB_NAME, IndexDir  # noqa: E402
from archive.storage.sqlite import Store  # noqa: E402

BBC = ROOT.parent / "shared" / "data" / "bbc"


def timed(bare, texts: list[str]) -> float:  # noqa: ANN001
    started = time.perf_counter()
    bare(texts)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--backend", default="torch", choices=("torch", "onnx-int8"))
    parser.add_argument("--json", default=str(ROOT / "benchmarks" / "results" /
                                              "bench_pipeline_ratio.json"))
    args = parser.parse_args()
    files = sorted(BBC.glob("*/*.txt"))
    chosen = files[:: max(1, len(files) // args.articles)][: args.articles]
    src = Path(tempfile.mkdtemp(prefix="ratio-"))
    for f in chosen:
        (src / f"{f.parent.name}_{f.name}").write_bytes(f.read_bytes())
    embedder = make_embedder(load_config(embedding_backend=args.backend))
    embedder.encode(["warm up"])
    if args.backend == "onnx-int8":
        bare = embedder.encode
    else:
        def bare(texts: list[str]) -> None:
            embedder.model.encode(texts, batch_size=32, normalize_embeddings=True)
    runs, texts = [], []
    for rep in range(args.reps):
        # odd repetitions encode first: a machine that slows as it stays busy (heat, a
        # neighbour's load) would otherwise always handicap the second of the two
        config = load_config(index=str(Path(tempfile.mkdtemp()) / "index"), attribution=0)
        if rep % 2:
            raw_s = timed(bare, texts)
        started = time.perf_counter()
        report = build([src], config, embedder=embedder)
        build_s = time.perf_counter() - started
        store = Store(IndexDir(config.index_dir).require_current() / DB_NAME)
        texts = [t for _, _, t in store.all_passages()]
        store.close()
        if rep % 2 == 0:
            raw_s = timed(bare, texts)
        # the build embeds a repeated passage once (build/embedding.py); the bare encode
        # runs every stored passage, repeats included. `ratio_distinct` scales the bare time
        # to the distinct passages: the build's overhead beside the model, repeats aside
        share = len(set(texts)) / max(1, len(texts))
        runs.append({"build_s": round(build_s, 2), "raw_encode_s": round(raw_s, 2),
                     "ratio": round(raw_s / build_s, 3), "passages": report.passages,
                     "distinct_passages": len(set(texts)),
                     "ratio_distinct": round(raw_s * share / build_s, 3),
                     "encoded_first": bool(rep % 2)})
        print(f"rep {rep}: build {build_s:.1f} s, raw encode {raw_s:.1f} s, "
              f"ratio {raw_s / build_s:.3f} ({report.passages} passages, "
              f"{len(set(texts))} distinct: {raw_s * share / build_s:.3f} of the bare encode "
              f"scaled to them{', encoded first' if rep % 2 else ''})")
    result = {"articles": len(chosen), "backend": args.backend, "runs": runs,
              "median_ratio": statistics.median(r["ratio"] for r in runs),
              "median_ratio_distinct": statistics.median(r["ratio_distinct"] for r in runs),
              "load_avg": os.getloadavg()}
    print(f"median pipeline / raw encode: {result['median_ratio']:.3f}")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
