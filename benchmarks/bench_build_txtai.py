"""Build throughput against txtai's `index()` of the same paragraphs, measured back to back
(issue 18: a build with attribution on at >= 1.0x txtai).

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_build_txtai.py [--articles 2225] [--reps 1]
        [--json benchmarks/results/bench_build_txtai.json]

Input: --articles BBC articles (every k-th file, so all five sections are in; 2225 is all of
BBC). Each repetition, one after the other in one process:

  archive_attribution     `build` with attribution on as a new archive gets it (int8 ONNX
                          embedder, spaCy + rules + the quote tagger), the embedder loaded
                          before (spaCy and the tagger are warmed by a build of the seeds)
  txtai_index             txtai Embeddings(method="sentence-transformers", content=True,
                          hybrid=True) `index()` of exactly the passages archive stored, with
                          the same packaged model folder (txtai's own torch fp32 encoder;
                          txtai does no attribution), the Embeddings object made before
  archive_no_attribution  the same build with ARCHIVE_ATTRIBUTION=0

The figure is txtai seconds / archive seconds (>= 1.0: archive keeps up with txtai).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench_common import save_results  # noqa: E402
from bench_txtai import (RESULTS, copy_bbc, have_txtai, stored_passages,  # noqa: E402
                         txtai_index)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=2225)
    ap.add_argument("--reps", type=int, default=1)
    ap.add_argument("--json", default=str(RESULTS / "bench_build_txtai.json"))
    args = ap.parse_args()
    if not have_txtai():
        return

    from archive.build.pipeline import build
    from archive.config import load_config
    from archive.embed import make_embedder

    work = Path(tempfile.mkdtemp(prefix="bench-build-txtai-"))
    src = work / "bbc"
    chosen = copy_bbc(args.articles, src)
    base = load_config(index=str(work / "warm"), attribution=1)
    embedder = make_embedder(base)
    build([ROOT / "seeds"], base, embedder=embedder)  # loads spaCy, the tagger, the model
    out: dict = {"articles": len(chosen), "embedder": type(embedder).__name__,
                 "load_avg_at_start": os.getloadavg(), "reps": []}
    try:
        def seconds_to_build(name: str, attribution: int) -> float:
            cfg = load_config(index=str(work / name), attribution=attribution)
            started = time.perf_counter()
            build([src], cfg, embedder=embedder)
            return round(time.perf_counter() - started, 2)

        for rep in range(args.reps):
            row = {"archive_attribution_s": seconds_to_build(f"attr{rep}", 1)}
            rows = stored_passages(work / f"attr{rep}")
            row["passages"] = len(rows)
            row["txtai_index_s"] = round(txtai_index(base.model_path, rows)[1], 2)
            row["archive_no_attribution_s"] = seconds_to_build(f"plain{rep}", 0)
            row["txtai_over_archive_attribution"] = round(
                row["txtai_index_s"] / row["archive_attribution_s"], 3)
            row["txtai_over_archive_no_attribution"] = round(
                row["txtai_index_s"] / row["archive_no_attribution_s"], 3)
            out["reps"].append(row)
            print(row, flush=True)
        out["median_txtai_over_archive_attribution"] = statistics.median(
            r["txtai_over_archive_attribution"] for r in out["reps"])
        save_results(out, args.json)
        print(f"median txtai / archive with attribution: "
              f"{out['median_txtai_over_archive_attribution']}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
