"""Ray Data embedding on a local Ray with 2 workers vs one process: throughput ratio.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_ray.py [--passages 2000] \
        [--json benchmarks/results/bench_ray.json]

Passages: real BBC News paragraphs (../shared/data/bbc), the first N in file order.
Single process: archive.embed.TorchEmbedder.encode (torch with its default intra-op threads, i.e.
both cores). Ray: archive.embed.ray_data.RayEmbedder(workers=2), each worker one CPU (Ray sets
OMP_NUM_THREADS=1), the model loaded once per worker. Each encode is one Ray Data execution
that starts its actor pool (and loads the model in each worker): "end to end" includes that,
"steady" is (N - 64) / (time(N) - time(64)), the per-passage rate once workers are up.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

BBC = ROOT.parent / "shared" / "data" / "bbc"
SMALL = 64


def paragraphs(n: int) -> list[str]:
    out: list[str] = []
    for path in sorted(BBC.glob("*/*.txt")):
        body = path.read_bytes().decode("utf-8", errors="replace").partition("\n")[2]
        out.extend(" ".join(p.split()) for p in body.split("\n\n") if len(p.split()) >= 5)
        if len(out) >= n:
            break
    return out[:n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", default=str(ROOT / "benchmarks" / "results" / "bench_ray.json"))
    args = parser.parse_args()
    import ray

    from archive.config import load_config
    from archive.embed import TorchEmbedder
    from archive.embed.ray_data import RayEmbedder

    texts = paragraphs(args.passages)
    config = load_config()
    embedder = TorchEmbedder(config.model_path, config.batch_size)
    embedder.encode(texts[:16])  # load the model before timing
    out = {"passages": len(texts), "workers": args.workers, "cpus": os.cpu_count(),
           "load_average_at_start": os.getloadavg(),
           "mean_chars": round(float(np.mean([len(t) for t in texts])), 1)}
    t = time.perf_counter()
    single = embedder.encode(texts)
    out["single_process_seconds"] = round(time.perf_counter() - t, 2)

    t0 = time.perf_counter()
    ray.init(num_cpus=args.workers, include_dashboard=False, log_to_driver=False,
             configure_logging=False)
    out["ray_init_seconds"] = round(time.perf_counter() - t0, 2)
    ray_embedder = RayEmbedder(config, workers=args.workers, local=embedder)
    # every encode is one Ray Data execution: it starts the actor pool and loads the model
    # in each worker; a small run measures that fixed cost, the difference the steady rate
    t = time.perf_counter()
    ray_embedder.encode(texts[:SMALL])
    small = time.perf_counter() - t
    t = time.perf_counter()
    distributed = ray_embedder.encode(texts)
    full = time.perf_counter() - t
    ray.shutdown()
    rate = (len(texts) - SMALL) / max(full - small, 1e-9)
    out["ray_seconds_small_run"] = round(small, 2)
    out["ray_seconds"] = round(full, 2)
    out["single_passages_per_second"] = round(len(texts) / out["single_process_seconds"], 1)
    out["ray_passages_per_second_end_to_end"] = round(len(texts) / full, 1)
    out["ray_passages_per_second_steady"] = round(rate, 1)
    out["throughput_ratio_ray_over_single_end_to_end"] = round(
        out["single_process_seconds"] / full, 3)
    out["throughput_ratio_ray_over_single_steady"] = round(
        rate / out["single_passages_per_second"], 3)
    cosine = (single * distributed).sum(axis=1)
    out["min_cosine_ray_vs_single"] = round(float(cosine.min()), 7)
    out["load_average_at_end"] = os.getloadavg()
    Path(args.json).write_text(json.dumps(out, indent=1))
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
