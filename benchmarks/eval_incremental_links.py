"""Do incremental builds find the near-duplicate links and stories a full build finds?

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/eval_incremental_links.py [--share 0.1]
        [--json benchmarks/results/eval_incremental_links.json]

All of BBC News (2,225 articles; it repeats and rewrites its own paragraphs) is built twice
without attribution: once in one build (every pair of passages compared: MinHash LSH for
copies, cosine for rewrites), once as a build of all but a `--share` of the articles (drawn
with a fixed seed) followed by `archive add` of the rest, whose links with the archive come
from each new passage's FAISS neighbours (archive/build/pipeline.py, update_clusters).
Passages are matched across the two by (article, position). Reported: links of each, the
share of the full build's links the incremental one has (all, and those touching an added
article, by kind), links only the incremental one has, and agreement on story clusters
(pairs of articles in one story).
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.build import build  # noqa: E402
from archive.config import load_config  # noqa: E402
from archive.embed import make_embedder  # noqa: E402
from archive.storage import DB_NAME, IndexDir  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "benchmarks" / "results"


def links_and_stories(index: Path) -> tuple[dict, set, dict]:
    """(article, position) pairs -> kind, the pairs of articles sharing a story, and each
    article's id by its file name."""
    conn = sqlite3.connect(IndexDir(index).require_current() / DB_NAME)
    ids = {Path(path).name: aid for aid, path in conn.execute(
        "SELECT article_id, path FROM articles")}
    where = {pid: (aid, pos) for pid, aid, pos in conn.execute(
        "SELECT id, article_id, position FROM passages")}
    links = {tuple(sorted((where[a], where[b]))): kind
             for a, b, kind in conn.execute("SELECT a, b, kind FROM passage_links")}
    stories: dict[str, list[str]] = {}
    for aid, story in conn.execute("SELECT article_id, story FROM articles"):
        stories.setdefault(story or aid, []).append(aid)
    conn.close()
    pairs = {tuple(sorted(p)) for members in stories.values()
             for p in combinations(members, 2)}
    return links, pairs, ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--share", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", default=str(RESULTS / "eval_incremental_links.json"))
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="eval-links-", dir=RESULTS))
    try:
        files = sorted((DATA / "bbc").glob("*/*.txt"))
        late = set(random.Random(args.seed).sample(files, int(len(files) * args.share)))
        for name, group in (("all", files), ("early", [f for f in files if f not in late]),
                            ("late", sorted(late))):
            (work / name).mkdir()
            for f in group:
                shutil.copy(f, work / name / f"{f.parent.name}-{f.name}")
        config = load_config(index=str(work / "full"), attribution=0)
        embedder = make_embedder(config)
        t0 = time.perf_counter()
        build([work / "all"], config, embedder=embedder)
        full_s = time.perf_counter() - t0
        inc = load_config(index=str(work / "inc"), attribution=0)
        build([work / "early"], inc, embedder=embedder)
        t0 = time.perf_counter()
        build([work / "late"], inc, mirror=False, embedder=embedder)
        add_s = time.perf_counter() - t0
        full, full_pairs, ids = links_and_stories(work / "full")
        incr, incr_pairs, _ = links_and_stories(work / "inc")
        # a file whose text another file already holds is not an article of its own
        added = {ids[n] for n in (f"{f.parent.name}-{f.name}" for f in late) if n in ids}
        touching = {k: v for k, v in full.items() if k[0][0] in added or k[1][0] in added}
        kept = Counter(v for k, v in touching.items() if k in incr)
        out = {"articles": len(files), "added": len(late), "full_build_s": round(full_s, 1),
               "add_s": round(add_s, 1), "full_links": len(full), "incremental_links": len(incr),
               "links_found": round(sum(k in incr for k in full) / max(1, len(full)), 4),
               "links_touching_added": len(touching),
               "touching_found_by_kind": {kind: f"{kept[kind]}/{n}" for kind, n in
                                          Counter(touching.values()).items()},
               "links_only_incremental": len(set(incr) - set(full)),
               "story_pairs_full": len(full_pairs), "story_pairs_incremental": len(incr_pairs),
               "story_pairs_found": round(len(full_pairs & incr_pairs) / max(1, len(full_pairs)),
                                          4),
               "story_pairs_only_incremental": len(incr_pairs - full_pairs)}
        print(json.dumps(out, indent=1))
        Path(args.json).write_text(json.dumps(out, indent=1))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
