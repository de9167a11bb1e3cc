"""Incremental work that does not grow with the archive: adding 20 articles to a
100k-passage archive, against building the same 20 articles into an empty archive.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_incremental.py [--passages 100000]
        [--articles 20] [--repeat 3] [--json benchmarks/results/bench_incremental.json]

The large archive is bench_query.py's: the distinct paragraphs of BBC, PolNeAR and Reuters
(vectors cached by `bench_query.py --prepare`), with the attributions and people of
eval_speakers.py's haystack copied onto passages of the same text, published as a
generation. It is then given its near-duplicate links and story clusters by one real
`archive add` of a first batch (untimed), so that every timed add meets an archive in the
state a build leaves. The 20 articles are BBC files from ../shared/data/bbc (their text is
in the archive already, as wire copy repeated by another outlet would be). Both the add and
the small build run in this process with one loaded embedder and a warmed spaCy and quote
tagger (model loading is the same in both and is not what the issue measures); each is
repeated --repeat times (the add into a fresh copy of the large archive) and the medians
are compared. Reported: seconds of each, their ratio, and the add's stages.
"""
from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_query import (DATA, RESULTS, SPEAKER_HAYSTACK, attach_attributions,  # noqa: E402
                         corpus_vectors, read_corpus, write_index)

from archive.build import build  # noqa: E402
from archive.config import load_config  # noqa: E402
from archive.embed import make_embedder  # noqa: E402
from archive.storage import IndexDir  # noqa: E402


def batch(files: list[Path], folder: Path) -> Path:
    folder.mkdir(parents=True)
    for f in files:
        shutil.copy(f, folder / f"{f.parent.name}-{f.name}")
    return folder


def timed(fn, *args, **kwargs) -> tuple[float, object]:  # noqa: ANN001
    started = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - started, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="print where the first add "
                        "spends its time (cProfile, top 30 by cumulative time)")
    parser.add_argument("--json", default=str(RESULTS / "bench_incremental.json"))
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-inc-", dir=RESULTS))
    try:
        articles, _ = read_corpus()
        base = corpus_vectors(articles)
        config = load_config(index=str(work / "large"))
        embedder = make_embedder(config)
        t0 = time.perf_counter()
        info = write_index(work / "large", articles, base, args.passages, "auto", embedder)
        attach_attributions(info["generation"], IndexDir(SPEAKER_HAYSTACK).current())
        files = sorted((DATA / "bbc" / "politics").glob("*.txt"))
        first = batch(files[-5:], work / "first")
        build([first], config, mirror=False, embedder=embedder)  # links, stories, people
        prepared = time.perf_counter() - t0
        adds, alones, reports = [], [], []
        for r in range(args.repeat):
            picked = files[r * args.articles:(r + 1) * args.articles]
            src = batch(picked, work / f"batch{r}")
            large = work / f"large{r}"
            shutil.copytree(work / "large", large, ignore=shutil.ignore_patterns("build.lock"))
            profiler = cProfile.Profile() if args.profile and r == 0 else None
            if profiler:
                profiler.enable()
            seconds, report = timed(build, [src], load_config(index=str(large)), mirror=False,
                                    embedder=embedder)
            if profiler:
                profiler.disable()
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
            adds.append(seconds)
            reports.append(report.to_json() if hasattr(report, "to_json") else vars(report))
            seconds, _ = timed(build, [src], load_config(index=str(work / f"alone{r}")),
                               embedder=embedder)
            alones.append(seconds)
            shutil.rmtree(large)
            print(f"repeat {r}: add {adds[-1]:.1f} s, alone {alones[-1]:.1f} s", flush=True)
        add_s, alone_s = statistics.median(adds), statistics.median(alones)
        out = {"passages": args.passages, "articles": args.articles, "repeat": args.repeat,
               "prepare_s": round(prepared, 1), "add_s": [round(x, 2) for x in adds],
               "alone_s": [round(x, 2) for x in alones], "add_median_s": round(add_s, 2),
               "alone_median_s": round(alone_s, 2), "ratio": round(add_s / alone_s, 2),
               "reports": reports}
        print(json.dumps({k: v for k, v in out.items() if k != "reports"}))
        Path(args.json).write_text(json.dumps(out, indent=1, default=str))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
