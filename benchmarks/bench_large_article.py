"""Build cost of ONE large article of ordinary paragraphs, by stage, at growing sizes.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_large_article.py --sizes 1,2,4,8
    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_large_article.py --sizes 0.25,0.5,1 --embed all
    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_large_article.py --sizes 1 --profile

The article is real BBC paragraphs (../shared/data/bbc, in file order, cycled when a size
needs more than the corpus holds) written as one .txt file of SIZE MB (1 MB = 1,000,000
bytes). Each size goes through the build's own stages, in a fresh empty catalogue, timed
one by one: read (text.read_all), clean (text.clean_article), chunk (build.stages.chunk with
the model's tokenizer), attribution (build.stages.attribute_passages: spaCy + rules),
embedding, store (SQLite + FTS5 rows, FAISS add), dedup/clusters (build.pipeline.
update_clusters: MinHash LSH + cosine links, passage and story clusters) and people
(build.stages.group_people).

Embedding is linear (a fixed cost per passage, batched by length) and dominates at large
sizes; on a 2-core machine embedding 8 MB (~13,000 passages) takes most of an hour. With
`--embed sample` (the default) the real model embeds a sample of `--sample` passages of the
article and the embedding time is that rate times the passage count (reported as
`embedding_s`, with `embedding_measured: false`); the later stages then get deterministic
vectors derived from each passage's text (identical texts, identical vectors), so dedup
does the same amount of work. `--embed all` embeds every passage with the real model.

Reported per size: seconds per stage, total, passages, attributions, and the ratios of the
largest size over the smallest (total and per stage). The issue's target: 8 MB / 1 MB <= 10.
`--profile` writes a cProfile of the attribution and dedup stages of each size under
benchmarks/results/.
"""
from __future__ import annotations

import argparse
import cProfile
import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench_common import save_results  # noqa: E402

from archive.build.pipeline import update_clusters  # noqa: E402
from archive.build.stages import attribute_passages, chunk, group_people  # noqa: E402
from archive.config import load_config  # noqa: E402
from archive.embed import make_embedder  # noqa: E402
from archive.storage.sqlite import Store  # noqa: E402
from archive.storage.vectors import VectorIndex  # noqa: E402
from archive.text import clean_article, read_all  # noqa: E402

BBC = ROOT.parent / "shared" / "data" / "bbc"
MB = 1_000_000


def bbc_paragraphs() -> list[str]:
    """Every body paragraph of the BBC corpus (the title line of each file left out)."""
    out = []
    for f in sorted(BBC.glob("*/*.txt")):
        text = f.read_text(encoding="utf-8", errors="replace")
        out += [p.strip() for p in text.split("\n\n")[1:] if p.strip()]
    return out


def write_article(folder: Path, size: float, paragraphs: list[str]) -> Path:
    """One .txt article of `size` MB: a title line, then paragraphs separated by blank lines."""
    target, parts, total, i = int(size * MB), ["A very long article"], 0, 0
    while total < target:
        p = paragraphs[i % len(paragraphs)]
        parts.append(p)
        total += len(p.encode("utf-8")) + 2
        i += 1
    path = folder / f"large-{size:g}mb.txt"
    path.write_text("\n\n".join(parts), encoding="utf-8")
    return path


def text_vectors(texts: list[str], dimension: int) -> np.ndarray:
    """Deterministic unit vectors seeded by each text (stand-ins for the model's)."""
    out = np.zeros((len(texts), dimension), dtype=np.float32)
    for i, t in enumerate(texts):
        seed = int.from_bytes(hashlib.blake2b(t.encode(), digest_size=8).digest(), "little")
        v = np.random.default_rng(seed).standard_normal(dimension).astype(np.float32)
        out[i] = v / np.linalg.norm(v)
    return out


class Timer:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def run(self, stage: str, fn, *args, profile: cProfile.Profile | None = None):  # noqa: ANN001
        started = time.perf_counter()
        if profile is not None:
            result = profile.runcall(fn, *args)
        else:
            result = fn(*args)
        self.seconds[stage] = round(time.perf_counter() - started, 3)
        return result


def one_size(path: Path, embedder, args, work: Path) -> dict:  # noqa: ANN001
    """Every stage of the build on the article at `path`; seconds per stage."""
    t = Timer()
    prof = cProfile.Profile() if args.profile else None
    # read past the build's default per-article cap (5 MB): measuring big articles is the point
    items = t.run("read", lambda: list(read_all([path], 100 * MB)))
    article = t.run("clean", clean_article, items[0])
    passages = t.run("chunk", chunk, article, embedder, load_config().max_tokens)
    texts = [p.text for p in passages]
    t.run("attribution", attribute_passages, passages, profile=prof)
    if args.embed == "all":
        vectors = t.run("embedding", embedder.encode, texts)
        measured = True
    else:
        rng = np.random.default_rng(0)
        sample = [texts[i] for i in rng.choice(len(texts), min(args.sample, len(texts)),
                                               replace=False)]
        t.run("embedding", embedder.encode, sample)
        t.seconds["embedding"] = round(t.seconds["embedding"] * len(texts) / len(sample), 3)
        vectors = text_vectors(texts, embedder.dimension)
        measured = False
    store = Store(work / f"{path.stem}.db", readonly=False)
    index = VectorIndex(embedder.dimension)

    def stored() -> list[int]:
        ids = store.add_article(article, passages)
        index.add(ids, vectors)
        return ids
    ids = t.run("store", stored)
    t.run("dedup_clusters", update_clusters, store, index, ids, profile=prof)
    t.run("people", group_people, store)
    store.close()
    if prof is not None:
        prof.dump_stats(str(ROOT / "benchmarks" / "results" / f"large_{path.stem}.prof"))
    return {"bytes": path.stat().st_size, "passages": len(passages),
            "attributions": sum(len(p.attributions) for p in passages),
            "embedding_measured": measured, "seconds": t.seconds,
            "total_s": round(sum(t.seconds.values()), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,2,4,8", help="MB per article, comma-separated")
    parser.add_argument("--embed", choices=("sample", "all"), default="sample")
    parser.add_argument("--sample", type=int, default=512)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--json", default=str(ROOT / "benchmarks" / "results" /
                                              "bench_large_article.json"))
    args = parser.parse_args()
    sizes = [float(s) for s in args.sizes.split(",")]
    work = Path(tempfile.mkdtemp(prefix="large-article-"))
    paragraphs = bbc_paragraphs()
    embedder = make_embedder(load_config())
    embedder.encode(["warm up the model"])
    attribute_passages(chunk(clean_article(next(iter(read_all(
        [write_article(work, 0.001, paragraphs)])))), embedder, 256))  # spaCy loaded
    out = {"load_avg_at_start": os.getloadavg(), "embed": args.embed, "sizes": {}}
    for size in sizes:
        row = one_size(write_article(work, size, paragraphs), embedder, args, work)
        out["sizes"][f"{size:g}"] = row
        print(f"{size:g} MB: {row['passages']} passages, {row['attributions']} attributions, "
              f"total {row['total_s']:.1f} s  " +
              "  ".join(f"{k} {v:.1f}" for k, v in row["seconds"].items()), flush=True)
    if len(sizes) > 1:
        small, large = out["sizes"][f"{sizes[0]:g}"], out["sizes"][f"{sizes[-1]:g}"]
        out["ratio"] = {"sizes": f"{sizes[-1]:g} MB / {sizes[0]:g} MB",
                        "total": round(large["total_s"] / small["total_s"], 2),
                        **{k: round(large["seconds"][k] / max(small["seconds"][k], 1e-3), 2)
                           for k in large["seconds"]}}
        print("ratio", out["ratio"])
    save_results(out, args.json)


if __name__ == "__main__":
    main()
