"""Write archive/text/data/given_name_genders.tsv.gz: the given names whose bearers are
almost all women or almost all men, from the nomquamgender package's name table (MIT; 721k
names with p(woman) and counts from 36 sources, Van Buskirk et al. 2022).

    pip install nomquamgender==0.1.4   # the `data` extra: pip install -e .[data]
    python benchmarks/make_given_name_genders.py [--threshold 0.05] [--min-count 50]
                                                 [--known-count 200]

Kept: alphabetic ASCII names seen at least --min-count times with p(woman) <= threshold (m)
or >= 1 - threshold (f), and the other names seen at least --known-count times (u: a given
name people bear, of no one gender; "Dan", "Kim", "Jean"), which tell two known given names
("Dean" / "Dan") from a typo of one ("Rence" / "Reince") when names are grouped. 0.05 is stricter than the package's own default (0.1): a wrong
gender makes "she said" skip the speaker, so only near-certain names are kept (not tuned
on any evaluation). The table is read without importing the package (its module imports
pandas at import time); archive.text.given_names loads the written file, not the package.
"""
from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
from pathlib import Path

OUT = (Path(__file__).resolve().parents[1] / "archive" / "text" / "data"
       / "given_name_genders.tsv.gz")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threshold", type=float, default=0.05)
    ap.add_argument("--min-count", type=int, default=50)
    ap.add_argument("--known-count", type=int, default=200)
    args = ap.parse_args()
    spec = importlib.util.find_spec("nomquamgender")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("nomquamgender is not installed: pip install nomquamgender==0.1.4")
    folder = Path(list(spec.submodule_search_locations)[0])
    table = json.loads((folder / "name_data.json").read_text(encoding="utf-8"))
    rows = []
    for name, (_sources, count, p_woman, *_rest) in sorted(table.items()):
        if not (name.isalpha() and name.isascii()) or count < args.min_count:
            continue
        if p_woman <= args.threshold:
            rows.append(f"{name}\tm")
        elif p_woman >= 1 - args.threshold:
            rows.append(f"{name}\tf")
        elif count >= args.known_count:
            rows.append(f"{name}\tu")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
        f.write(("\n".join(rows) + "\n").encode("utf-8"))  # mtime 0: the same bytes each run
    print(f"{len(rows)} names -> {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
