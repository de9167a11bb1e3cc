"""Build throughput of the whole pipeline against raw model.encode, int8 against fp32, and the
cost of a no-change rebuild and of adding one article.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_build.py [--limit 600] [--no-onnx]
        [--json benchmarks/results/bench_build.json]

Input: --limit BBC articles (/work/shared/data/bbc, every k-th file so all five sections are
in), copied to a temporary folder. All timings come from this one process, one after the
other, so ratios compare like with like on a shared machine:

  pipeline_ratio_no_attribution  raw encode seconds / build seconds with ARCHIVE_ATTRIBUTION=0
                                 (read, clean, chunk, embed, SQLite + FTS5, FAISS, dedup,
                                 publish): the share of embedding throughput the pipeline keeps
  pipeline_ratio_attribution     the same with attribution on (spaCy quotes and speakers)
  raw encode                     SentenceTransformer.encode(passages, batch_size=32,
                                 normalize_embeddings=True) on exactly the passages the build
                                 stored, model already loaded (the build gets a loaded model too)
  int8_over_fp32_build           fp32 build seconds / onnx-int8 build seconds (attribution off)
  int8_over_fp32_encode          the same for raw encode; with the cosine of int8 vs fp32 vectors
  noop_rebuild_over_full         `archive build` again with nothing changed / the full build
  add_one_over_full              `archive add` of one new article / the full build (in process,
                                 model loaded; the CLI figure includes start-up and model load)
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402
from bench_common import save_results  # noqa: E402

BBC = ROOT.parent / "shared" / "data" / "bbc"
RESULTS = ROOT / "benchmarks" / "results"


def timed(fn):  # noqa: ANN001, ANN201
    started = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - started


def passages_of_index(index: Path) -> list[str]:
    from archive.storage.generations import DB_NAME, IndexDir
    from archive.storage.sqlite import Store

    store = Store(IndexDir(index).require_current() / DB_NAME)
    texts = [t for _, _, t in store.all_passages()]
    store.close()
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=600, help="BBC articles (max 2225)")
    parser.add_argument("--no-onnx", action="store_true")
    parser.add_argument("--json", default=str(RESULTS / "bench_build.json"))
    args = parser.parse_args()

    from archive.build import build
    from archive.config import load_config
    from archive.embed import TorchEmbedder, make_embedder

    files = sorted(BBC.glob("*/*.txt"))
    step = max(1, len(files) // args.limit)
    chosen = files[::step][: args.limit]
    extra = next(f for f in files if f not in set(chosen))
    work = Path(tempfile.mkdtemp(prefix="bench-build-"))
    src = work / "in"
    for f in chosen:
        dst = src / f.parent.name / f.name
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(f, dst)
    out: dict = {"articles": len(chosen), "load_avg_at_start": os.getloadavg(),
                 "cpus": os.cpu_count()}
    base = load_config()
    torch_emb = TorchEmbedder(base.model_path, base.batch_size)
    torch_emb.encode(["warm up the model"])

    def cfg(name: str, **kw):  # noqa: ANN001, ANN202
        return load_config(index=str(work / name), **kw)

    try:
        # 1. full build, attribution off (the pure embedding pipeline)
        r0, t_build0 = timed(lambda: build([src], cfg("a0", attribution=0), embedder=torch_emb))
        texts = passages_of_index(work / "a0")
        out["passages"] = len(texts)
        # 2. raw encode of the same passages
        model = torch_emb.model
        raw32, t_raw = timed(lambda: model.encode(texts, batch_size=32, normalize_embeddings=True,
                                                   convert_to_numpy=True, show_progress_bar=False))
        # 3. full build with attribution
        r1, t_build1 = timed(lambda: build([src], cfg("a1", attribution=1), embedder=torch_emb))
        # 4. rebuild, nothing changed
        r2, t_noop = timed(lambda: build([src], cfg("a1", attribution=1), embedder=torch_emb))
        assert r2.unchanged
        # 5. add one article (in process), then the same through the CLI on a copy
        shutil.copytree(work / "a1", work / "a1cli")
        r3, t_add = timed(lambda: build([extra], cfg("a1", attribution=1), mirror=False,
                                        embedder=torch_emb))
        env = dict(os.environ, ARCHIVE_INDEX=str(work / "a1cli"), HF_HUB_OFFLINE="1")
        cli = [sys.executable, "-m", "archive", "add", str(extra), "--json"]
        _, t_add_cli = timed(lambda: subprocess.run(cli, env=env, check=True,
                                                     capture_output=True))
        out.update({
            "build_no_attribution_s": round(t_build0, 2),
            "raw_encode_s": round(t_raw, 2),
            "raw_encode_passages_per_s": round(len(texts) / t_raw, 1),
            "build_no_attribution_passages_per_s": round(len(texts) / t_build0, 1),
            "pipeline_ratio_no_attribution": round(t_raw / t_build0, 3),
            "build_attribution_s": round(t_build1, 2),
            "pipeline_ratio_attribution": round(t_raw / t_build1, 3),
            "noop_rebuild_s": round(t_noop, 3),
            "noop_rebuild_over_full": round(t_noop / t_build1, 4),
            "add_one_article_s": round(t_add, 2),
            "add_one_over_full": round(t_add / t_build1, 4),
            "add_one_passages": r3.embedded_passages,
            "add_one_cli_s": round(t_add_cli, 2),
            "add_one_cli_over_full": round(t_add_cli / t_build1, 4),
        })
        print(json.dumps(out, indent=1), flush=True)
        if not args.no_onnx:
            onnx_emb = make_embedder(load_config(embedding_backend="onnx-int8"))
            onnx_emb.encode(["warm up the model"])  # export (cached) and load
            r4, t_build8 = timed(lambda: build([src], cfg("o0", attribution=0,
                                                           embedding_backend="onnx-int8"),
                                               embedder=onnx_emb))
            raw8, t_raw8 = timed(lambda: onnx_emb.encode(texts))
            cos = (raw8 * raw32).sum(axis=1)
            out.update({
                "int8_build_no_attribution_s": round(t_build8, 2),
                "int8_over_fp32_build": round(t_build0 / t_build8, 3),
                "int8_raw_encode_s": round(t_raw8, 2),
                "int8_over_fp32_encode": round(t_raw / t_raw8, 3),
                "int8_pipeline_ratio_no_attribution": round(t_raw8 / t_build8, 3),
                "int8_vs_fp32_cosine": {"mean": round(float(cos.mean()), 5),
                                        "p1": round(float(np.percentile(cos, 1)), 5),
                                        "min": round(float(cos.min()), 5)},
            })
        save_results(out, args.json)
        print(json.dumps(out, indent=1))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
