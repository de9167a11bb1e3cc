"""People grouping that does not grow with the archive: regrouping after adding 1% of an
archive's articles, against regrouping every name of it (what every build did before).

    .venv/bin/python benchmarks/bench_people.py [--index benchmarks/results/speaker-haystack-16b]
        [--share 0.01] [--repeat 3] [--json benchmarks/results/bench_people.json]

The archive is eval_speakers.py's haystack (PolNeAR train+dev and all of BBC, attributed
with the quote tagger). Each repetition copies its database, takes out a random --share of
its articles (with their passages, attributions and mentions, read back from the store),
regroups the rest, puts the articles back as a build adds them, and times the grouping a
build then runs (`archive.build.people.group_people`: only the names the added articles
touch and the names their surnames join). The same state is then regrouped from scratch
(every speaker and mentioned name, as an archive made before this is on its first build),
timed, and the two catalogues compared row by row (aliases, people, each attribution's and
each mention's person): they must be equal. Reported: seconds of each (medians), their
ratio, and how many names each regrouped.
"""
from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.build.people import group_people  # noqa: E402
from archive.models import Article, Attribution, Mention, Paragraph, Passage  # noqa: E402
from archive.storage.sqlite import Store  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
ATTRIBUTION_FIELDS = ("speaker", "speaker_text", "cue", "content", "content_start",
                      "content_end", "direct", "role", "speaker_type", "confidence")
CATALOGUE = {"aliases": "SELECT alias, name FROM aliases ORDER BY alias",
             "people": "SELECT * FROM people ORDER BY name",
             "attributions": "SELECT id, person FROM attributions ORDER BY id",
             "mentions": "SELECT rowid, person FROM mentions ORDER BY rowid"}


def read_back(store: Store, article_id: str) -> tuple[Article, list[Passage]]:
    """An article of the store as a build would add it: passages, attributions, mentions."""
    row = store.db.execute("SELECT title, path, date, url, outlet FROM articles "
                           "WHERE article_id = ?", [article_id]).fetchone()
    rows = store.article_passages(article_id)
    ids = [r["id"] for r in rows]
    attributions, mentions = store.attributions_for(ids), store.mentions_in(ids)
    passages = [Passage(article_id, r["position"], r["text"], r.get("section"),
                        [Attribution(**{k: a[k] for k in ATTRIBUTION_FIELDS})
                         for a in attributions.get(r["id"], [])],
                        [Mention(m["name"], m["type"], m["start"], m["end"])
                         for m in mentions.get(r["id"], [])]) for r in rows]
    title, path, date, url, outlet = row
    return Article(article_id, title, [Paragraph(p.text) for p in passages], path or "",
                   date, url, outlet), passages


def catalogue(store: Store) -> dict[str, list]:
    return {k: store.db.execute(sql).fetchall() for k, sql in CATALOGUE.items()}


def regroup_all(store: Store) -> float:
    store.forget_grouping()  # a full regroup reads every name
    started = time.perf_counter()
    group_people(store, LABEL_CONFIDENCE)
    return time.perf_counter() - started


LABEL_CONFIDENCE = 0.85  # the default ARCHIVE_LABEL_CONFIDENCE


def one_run(db: Path, share: float, seed: int, work: Path) -> dict:
    copy = work / f"run{seed}" / "archive.db"
    copy.parent.mkdir(parents=True)
    with sqlite3.connect(db) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    store = Store(copy, readonly=False)  # (indexes the keywords of an older copy: untimed)
    try:
        articles = sorted(store.article_ids())
        picked = random.Random(seed).sample(articles, max(1, round(share * len(articles))))
        taken = [read_back(store, a) for a in picked]
        store.delete_articles(picked)
        regroup_all(store)  # the archive before the build: grouped, grouping kept
        for art, passages in taken:
            store.add_article(art, passages)
        speakers, mentioned = store.changed_names()
        for kind, names in (("speakers", speakers), ("mentions", mentioned)):
            store.note_names(kind, names)  # put back what was read for the count
        started = time.perf_counter()
        group_people(store, LABEL_CONFIDENCE)
        incremental = time.perf_counter() - started
        regrouped = catalogue(store)
        full = regroup_all(store)
        same = catalogue(store) == regrouped
        names = store.all_names()
        return {"articles": len(articles), "added": len(picked), "incremental_s": incremental,
                "full_s": full, "same_catalogue": same,
                "touched_speakers": len(speakers), "touched_mentions": len(mentioned),
                "all_speakers": len(names[0]), "all_mentions": len(names[1])}
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=RESULTS / "speaker-haystack-16b")
    parser.add_argument("--share", type=float, default=0.01)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, default=RESULTS / "bench_people.json")
    args = parser.parse_args()
    generation = args.index / (args.index / "CURRENT").read_text().strip()
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(args.repeat):
            runs.append(one_run(generation / "archive.db", args.share, seed, Path(tmp)))
            print(json.dumps(runs[-1]), flush=True)
    inc = statistics.median(r["incremental_s"] for r in runs)
    full = statistics.median(r["full_s"] for r in runs)
    out = {"index": str(args.index), "share": args.share, "runs": runs,
           "incremental_s": round(inc, 3), "full_s": round(full, 3),
           "ratio": round(inc / full, 3), "same_catalogue": all(r["same_catalogue"] for r in runs)}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(out, indent=1))
    print(json.dumps({k: v for k, v in out.items() if k != "runs"}))


if __name__ == "__main__":
    main()
