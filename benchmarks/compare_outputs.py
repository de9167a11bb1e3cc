"""Snapshot the CLI's JSON outputs, and compare two snapshots: a re-layout must not change them.

    python benchmarks/compare_outputs.py snapshot OUT_DIR [--bbc-per-topic 40]
    python benchmarks/compare_outputs.py compare BEFORE_DIR AFTER_DIR

`snapshot` builds two indexes with the installed `archive` command (the seeds, and the first
N articles of each BBC topic from ../shared/data/bbc), then saves `archive build --json`,
`archive search --json` for every query in every mode (the seed queries plus title and
topic questions over BBC: at least 30 per index), `archive speakers --json`,
`archive duplicates --json` and `archive stats --json`. Timings, paths of temporary
folders and build timestamps are removed, so two snapshots of the same behaviour are equal.
`compare` reports every difference and exits 1 when there is one.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BBC = ROOT.parent / "shared" / "data" / "bbc"
MODES = ("hybrid", "dense", "keyword")
# Keys whose values change from run to run (timings, clocks, temporary folders).
TEMP = re.compile(r"/tmp/tmp\w+/")  # the snapshot's temporary folder, named in skip reasons
VOLATILE = {"seconds", "built_at", "index", "generation", "bytes_on_disk", "path"}

# Extra questions over the seeds, so that each index is asked at least 30 questions.
SEED_QUESTIONS = [
    "what did Ryabkov say", "Wendy Sherman on the talks", "Stoltenberg NATO-Russia Council",
    "Michael Carpenter drumbeats of war", "what did Grushko say", "OSCE meeting in Vienna",
    "Russian troops near the Ukrainian border", "security guarantees NATO expansion",
    "sanctions if Russia invades", "Kremlin spokesman Peskov", "what did Blinken say",
    "Poland OSCE chairmanship", "diplomacy at a dead end", "written answer to demands",
    "de-escalate tensions", "military exercises in Europe", "arms control proposals",
    "Geneva talks", "what did the US ambassador say", "Zbigniew Rau",
]
BBC_QUESTIONS = [
    "what did Gordon Brown say about the economy", "what did Tony Blair say",
    "Michael Howard on immigration", "what did the chancellor say about taxes",
    "quotes from Charles Clarke", "mobile phone sales", "oil prices rise",
    "the Oscars nominations", "rugby world cup injury", "broadband in the UK",
    "interest rates Bank of England", "Wenger said", "election campaign promises",
    "video games console launch", "film box office record",
]


def archive(*args: str) -> str:
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    done = subprocess.run([sys.executable, "-m", "archive", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"archive {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def scrub(value: object) -> object:
    """Drop volatile keys; round floats so last-bit noise of BLAS does not count."""
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    if isinstance(value, float):
        return round(value, 5)
    if isinstance(value, str):
        return TEMP.sub("<tmp>/", value)
    return value


def json_lines(text: str) -> list[object]:
    return [scrub(json.loads(line)) for line in text.splitlines() if line.strip()]


def bbc_corpus(folder: Path, per_topic: int) -> None:
    for topic in sorted(p for p in BBC.iterdir() if p.is_dir()):
        (folder / topic.name).mkdir(parents=True)
        for path in sorted(topic.glob("*.txt"))[:per_topic]:
            shutil.copy(path, folder / topic.name / path.name)


def bbc_queries(folder: Path) -> list[str]:
    titles = [p.read_text(encoding="utf-8", errors="replace").splitlines()[0].strip()
              for p in sorted(folder.rglob("*.txt"))[::12]]
    return BBC_QUESTIONS + [t for t in titles if t][:20]


def snapshot_index(name: str, corpus: Path, queries: list[str], index: Path,
                   out: dict) -> None:
    out[name] = {"build": json_lines(archive("build", str(corpus), "--index", str(index),
                                             "--json"))}
    for mode in MODES:
        out[name][f"search-{mode}"] = json_lines(
            archive("search", *queries, "--index", str(index), "--mode", mode, "--json"))
    out[name]["speakers"] = json_lines(archive("speakers", "--index", str(index), "--json"))
    out[name]["duplicates"] = json_lines(archive("duplicates", "--index", str(index), "--json"))
    out[name]["stats"] = json_lines(archive("stats", "--index", str(index), "--json"))
    out[name]["rebuild"] = json_lines(archive("build", str(corpus), "--index", str(index),
                                              "--json"))


def snapshot(target: Path, per_topic: int) -> None:
    seed_queries = [q["query"] for q in json.loads(
        (ROOT / "benchmarks" / "seed_queries.json").read_text())["queries"]] + SEED_QUESTIONS
    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus = work / "seeds"
        shutil.copytree(ROOT / "seeds", corpus)
        snapshot_index("seeds", corpus, seed_queries, work / "seed-index", out)
        bbc = work / "bbc"
        bbc_corpus(bbc, per_topic)
        snapshot_index("bbc", bbc, bbc_queries(bbc), work / "bbc-index", out)
    target.mkdir(parents=True, exist_ok=True)
    for name, parts in out.items():
        for part, value in parts.items():
            (target / f"{name}-{part}.json").write_text(
                json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True))
    print(f"saved {sum(len(p) for p in out.values())} outputs to {target} "
          f"({len(seed_queries)} seed queries; {len(out['bbc']['search-hybrid'])} BBC queries)")


def only_old_keys(old: object, new: object) -> object:
    """`new` without the keys `old` does not have: the JSON contract may be extended."""
    if isinstance(old, dict) and isinstance(new, dict):
        return {k: only_old_keys(old[k], v) for k, v in new.items() if k in old}
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [only_old_keys(o, n) for o, n in zip(old, new)]
    return new


def same(old: object, new: object, extended: bool) -> bool:
    old, new = scrub(old), scrub(new)
    return old == (only_old_keys(old, new) if extended else new)


def compare(before: Path, after: Path, extended: bool = False) -> int:
    names = sorted({p.name for p in before.glob("*.json")} | {p.name for p in after.glob("*.json")})
    differ = 0
    for name in names:
        a, b = before / name, after / name
        if not a.exists() or not b.exists():
            print(f"{name}: only in {'after' if not a.exists() else 'before'}")
            differ += 1
        elif not same(json.loads(a.read_text()), json.loads(b.read_text()), extended):
            print(f"{name}: differs")
            differ += 1
        else:
            print(f"{name}: same")
    print(f"{len(names) - differ} of {len(names)} outputs match")
    return 1 if differ else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    snap = sub.add_parser("snapshot")
    snap.add_argument("out", type=Path)
    snap.add_argument("--bbc-per-topic", type=int, default=40)
    comp = sub.add_parser("compare")
    comp.add_argument("before", type=Path)
    comp.add_argument("after", type=Path)
    comp.add_argument("--extended", action="store_true",
                      help="ignore keys that only AFTER has (the contract may be extended)")
    args = parser.parse_args()
    if args.command == "snapshot":
        snapshot(args.out, args.bbc_per_topic)
    else:
        raise SystemExit(compare(args.before, args.after, args.extended))


if __name__ == "__main__":
    main()
