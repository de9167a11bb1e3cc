"""Encoding one question: torch's whole thread team against one thread, idle and with other
processes busy.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_query_encode.py [--questions 60]
        [--json benchmarks/results/bench_query_encode.json]

The question is encoded with the packaged model through sentence-transformers (torch fp32),
`--questions` different questions per setting, with torch's default team (one thread per
core) and with one thread (what `TorchEmbedder.encode_query` now uses: QUERY_THREADS), first
on an idle machine, then with 1 and 2 other processes spinning (as on a laptop running
other work). Reported: p50 / p95 milliseconds of each.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from archive.config import load_config  # noqa: E402
from archive.embed import TorchEmbedder  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"


def timed(model, questions: list[str], threads: int) -> dict:  # noqa: ANN001
    import torch

    team = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        out = []
        for q in questions:
            t0 = time.perf_counter()
            model.encode([q], batch_size=1, normalize_embeddings=True, show_progress_bar=False)
            out.append((time.perf_counter() - t0) * 1000)
    finally:
        torch.set_num_threads(team)
    return {"p50_ms": round(float(np.percentile(out, 50)), 1),
            "p95_ms": round(float(np.percentile(out, 95)), 1)}


def main() -> None:
    import torch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=60)
    parser.add_argument("--json", default=str(RESULTS / "bench_query_encode.json"))
    args = parser.parse_args()
    config = load_config()
    model = TorchEmbedder(config.model_path).model
    team = torch.get_num_threads()
    results = {"team": team, "runs": []}
    for busy in (0, 1, 2):
        spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
                    for _ in range(busy)]
        try:
            time.sleep(1.0)
            for threads in (team, 1):
                questions = [f"what did the minister say about item {busy}-{threads}-{i} of "
                             "the budget" for i in range(args.questions)]
                timed(model, questions[:3], threads)  # warm up
                run = {"busy_processes": busy, "threads": threads,
                       **timed(model, questions, threads)}
                results["runs"].append(run)
                print(json.dumps(run), flush=True)
        finally:
            for s in spinners:
                s.kill()
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
