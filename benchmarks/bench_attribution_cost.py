"""What attribution costs a build: the same articles built back to back in one process, with
the model loaded once, attribution off, on with the rules alone, and on with the quote tagger.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_attribution_cost.py [--section politics]
        [--limit N] [--repeat 1] [--json benchmarks/results/bench_attribution_cost.json]

Input: the BBC articles of one section (/work/shared/data/bbc/SECTION, 417 for politics),
copied to a temporary folder. Each configuration builds a fresh index of all of them
(`archive.build.build`, the same call `archive build` makes); with --repeat N each is built N
times in turn and the fastest kept. Reported: seconds per build, and each attribution build
over the build without attribution (the issue's "cost" ratio), with the passages and
attributions stored and the people found.
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
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from archive.build import build  # noqa: E402
from archive.config import load_config  # noqa: E402
from archive.embed import make_embedder  # noqa: E402

BBC = Path("/work/shared/data/bbc")
CONFIGS = (("no attribution", {"attribution": 0}),
           ("rules", {"attribution": 1, "quote_tagger": 0}),
           ("rules + quote tagger", {"attribution": 1, "quote_tagger": 1}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--section", default="politics")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    files = sorted((BBC / args.section).glob("*.txt"))[: args.limit or None]
    embedder = make_embedder(load_config())
    embedder.encode(["warm up the model"])
    out: dict = {"articles": len(files), "section": args.section, "runs": {}}
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        for f in files:
            shutil.copy(f, src / f.name)
        best: dict[str, float] = {}
        for round_ in range(args.repeat):
            for name, settings in CONFIGS:
                index = Path(tmp) / f"index-{round_}-{len(best)}-{name.replace(' ', '-')}"
                config = load_config(index=str(index), **settings)
                start = time.perf_counter()
                report = build([src], config, embedder=embedder)
                seconds = time.perf_counter() - start
                best[name] = min(best.get(name, seconds), seconds)
                out["runs"][name] = {"seconds": round(best[name], 2), "passages": report.passages,
                                     "attributions": report.attributions,
                                     "people": report.people}
                shutil.rmtree(index, ignore_errors=True)
                print(f"{name:<22} {seconds:7.1f} s  {report.passages} passages, "
                      f"{report.attributions} attributions, {report.people} people", flush=True)
    base = best["no attribution"]
    out["cost_over_no_attribution"] = {n: round(best[n] / base, 3) for n in best}
    print("cost over a build without attribution: " + ", ".join(
        f"{n} {r:.2f}x" for n, r in out["cost_over_no_attribution"].items()))
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
