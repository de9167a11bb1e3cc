"""What a paragraph costs each stage of a build with attribution, and how the int8 models'
batching changes it (the measurements behind ARCHIVE_ONNX_BATCH_SIZE=1 and the tagger's
thread, issue 18).

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_batching.py [--articles 200]
        [--json benchmarks/results/bench_batching.json]

Input: --articles BBC articles (every 5th file, first line the title, the rest paragraphs).
All in one process, one after the other, milliseconds per paragraph:

  stages         spaCy's parse (archive's parse_article), the rules and the learned pass,
                 the quote tagger per article and in one call (one thread each; the tagger
                 reads only the paragraphs with an attribution, as the build does)
  tagger_batch   the tagger at batch sizes 32, 8, 4, 1, in one call and per article
  embed          the int8 embedder: batches of 32 on two threads, one passage per run on two
                 threads, one passage per run on one thread, and two single-threaded runs side
                 by side (the build's default); the mean and least cosine of each to the torch
                 fp32 vectors
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

from bench_common import save_results  # noqa: E402
from bench_txtai import BBC, RESULTS  # noqa: E402


def ms(seconds: float, n: int) -> float:
    return round(seconds / max(n, 1) * 1000, 2)


def timed(fn, *args):  # noqa: ANN001, ANN201
    started = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=200)
    ap.add_argument("--json", default=str(RESULTS / "bench_batching.json"))
    args = ap.parse_args()

    from archive.config import load_config
    from archive.embed import OnnxEmbedder, QuoteTagger, TorchEmbedder
    from archive.quotes import cue_sets, load_model, load_nlp, parse_article, rule_pass

    files = sorted(BBC.glob("*/*.txt"))[1::5][: args.articles]
    arts = [[line.strip() for line in f.read_text(errors="replace").splitlines()[1:]
             if line.strip()] for f in files]
    n = sum(map(len, arts))
    out: dict = {"articles": len(arts), "paragraphs": n, "load_avg_at_start": os.getloadavg()}
    print(f"{len(arts)} articles, {n} paragraphs", flush=True)

    # -- the stages of attribution, one thread each -------------------------------------------
    load_nlp()
    model, cues = load_model(), cue_sets(None, None)
    docs, t_parse = timed(lambda: [parse_article(a) for a in arts])
    ruled, t_rules = timed(lambda: [rule_pass(d, *cues, model=model) for d in docs])
    inputs = [r.tagger_input() for r in ruled]
    texts = [t for ts, _ in inputs for t in ts]
    before = [b for _, bs in inputs for b in bs]
    stages = {"spacy_parse": ms(t_parse, n), "rules_and_learned": ms(t_rules, n),
              "tagged_paragraphs": len(texts)}
    sizes = {}
    for size in (32, 8, 4, 1):
        tagger = QuoteTagger(threads=1, batch_size=size)
        tagger(["warm up"], [""])
        _, one_call = timed(tagger, texts, before)
        _, per_article = timed(lambda: [tagger(ts, bs) for ts, bs in inputs if ts])
        sizes[size] = {"one_call": ms(one_call, len(texts)),
                       "per_article": ms(per_article, len(texts))}
        print(f"tagger batch {size}: {sizes[size]}", flush=True)
    out["stages_ms_per_paragraph"] = stages
    out["tagger_ms_per_tagged_paragraph"] = sizes
    print(f"stages: {stages}", flush=True)

    # -- the int8 embedder ----------------------------------------------------------------
    flat = [p for a in arts for p in a]
    config = load_config()
    fp32 = TorchEmbedder(config.model_path, 32).encode(flat)
    team = OnnxEmbedder(config.model_path, 1, threads=1)  # one run at a time ...
    team._session = team._open(2)  # ... on a session with a team of two threads
    settings = {"batches of 32, two threads": OnnxEmbedder(config.model_path, 32, threads=2),
                "one per run, two threads": team,
                "one per run, one thread": OnnxEmbedder(config.model_path, 1, threads=1),
                "two runs side by side, one thread each (default)":
                    OnnxEmbedder(config.model_path, 1)}
    embed = {}
    for name, emb in settings.items():
        emb.encode(["warm up"])
        vecs, secs = timed(emb.encode, flat)
        cos = np.sum(vecs * fp32, axis=1)
        embed[name] = {"ms": ms(secs, len(flat)),
                       "cosine_to_fp32_mean": round(float(cos.mean()), 5),
                       "cosine_to_fp32_min": round(float(cos.min()), 5)}
        print(f"embed, {name}: {embed[name]}", flush=True)
    out["embed_ms_per_passage"] = embed
    save_results(out, args.json)


if __name__ == "__main__":
    main()
