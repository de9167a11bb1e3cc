"""Audit the people grouping of the "what did NAME say" haystack: every speaker name as
written whose person (the canonical name the grouping gives it) has another given name, by
more than an initial, a nickname or a transliteration key ("Dean Baker" labelled as "Dan
Backer", "Patty Murray" as "Patrick Murray"), with the number of labelled attributions.

    python benchmarks/eval_speakers.py [--rebuild]      # the haystack, once
    python benchmarks/audit_grouped_names.py [--judged benchmarks/audits/grouped_given_names_stop32.tsv]
                                             [--out FILE.tsv] [--groups-out FILE.json]
                                             [--changes-from FILE.json]

The grouping is run again with the current code on the haystack's stored speaker names
(what `archive build` groups: confident attributions, their names as written and types), so
a change to archive.text.names is audited without rebuilding. With --judged, pairs already
judged by reading (verdict R: one person, W: two) are counted: W pairs still grouped are
wrong labels left, R pairs no longer grouped are right labels lost; pairs not judged are
listed for reading. --groups-out keeps the whole grouping (every name as written, its
person); --changes-from lists every name whose person differs from such a file's (run this
script on an earlier commit with --groups-out first), with its attributions.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive.config import Config  # noqa: E402
from archive.storage import IndexDir  # noqa: E402
from archive.storage.sqlite import Store  # noqa: E402
from archive.text.given_names import nickname_of  # noqa: E402
from archive.text.names import group_names, speaker_types, split_name  # noqa: E402
from archive.text.spelling import fold, translit  # noqa: E402

HAYSTACK = ROOT / "benchmarks" / "results" / "speaker-haystack"


def given_names_differ(written: str, person: str) -> bool:
    """Does `written` carry another given name than `person`, beyond an initial, a
    nickname or one transliteration key?"""
    a, b = split_name(written), split_name(person)
    if a is None or b is None or not a.first or not b.first:
        return False
    x, y = a.first[0].rstrip("."), b.first[0].rstrip(".")
    if len(x) == 1 or len(y) == 1 or x == y or translit(x) == translit(y):
        return False
    return not nickname_of(fold(x), fold(y))


def grouping(rows: list[tuple]) -> dict[str, str]:
    """Each speaker name as written -> its person, as a build groups them."""
    return group_names([(s, r) for s, r, _, _ in rows],
                       speaker_types((s, t) for s, _, _, t in rows))


def audit(aliases: dict[str, str], counts: Counter) -> list[tuple[str, str, int]]:
    """(speaker as written, person, attributions) of every grouped pair whose given names
    differ."""
    return sorted((s, p, counts[s]) for s, p in aliases.items()
                  if s != p and given_names_differ(s, p))


def changes(before: dict[str, str], after: dict[str, str], counts: Counter) -> None:
    """Print every name whose person changed, with its attributions."""
    changed = sorted(s for s in after if s in before and before[s] != after[s])
    print(f"{len(changed)} names over {sum(counts[s] for s in changed)} attributions have "
          "another person:")
    for s in changed:
        print(f"  {s}\t{before[s]}\t->\t{after[s]}\t{counts[s]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--index", type=Path, default=HAYSTACK)
    ap.add_argument("--judged", type=Path,
                    default=ROOT / "benchmarks" / "audits" / "grouped_given_names_stop32.tsv")
    ap.add_argument("--out", type=Path, help="write the pairs found (TSV)")
    ap.add_argument("--groups-out", type=Path, help="write the whole grouping (JSON)")
    ap.add_argument("--changes-from", type=Path, help="a grouping written by --groups-out")
    args = ap.parse_args()
    store = Store(IndexDir(args.index).current() / "archive.db")
    rows = store.speaker_rows(None, Config().label_confidence)
    aliases, counts = grouping(rows), Counter(s for s, _, _, _ in rows)
    if args.groups_out:
        args.groups_out.write_text(json.dumps(aliases, ensure_ascii=False, indent=0))
    if args.changes_from:
        changes(json.loads(args.changes_from.read_text()), aliases, counts)
    found = audit(aliases, counts)
    judged = {}
    if args.judged and args.judged.exists():
        with open(args.judged, encoding="utf-8") as f:
            judged = {(r["speaker as written"], r["person it was labelled as"]): r
                      for r in csv.DictReader(f, delimiter="\t")}
    pairs = {(s, p): n for s, p, n in found}
    by_verdict = Counter()
    for (s, p), r in judged.items():
        kept = (s, p) in pairs or (p, s) in pairs
        by_verdict[r["verdict"], kept] += int(r["attributions"])
    print(f"{len(rows)} labelled attributions; {len(found)} pairs over "
          f"{sum(pairs.values())} attributions whose given names differ")
    if judged:
        print(f"judged two people (W), still one: {by_verdict['W', True]} attributions; "
              f"now apart: {by_verdict['W', False]}")
        print(f"judged one person (R), still one: {by_verdict['R', True]} attributions; "
              f"now apart: {by_verdict['R', False]}")
    for s, p, n in found:
        if (s, p) not in judged and (p, s) not in judged:
            print(f"not judged: {s!r} -> {p!r} ({n})")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write("speaker as written\tperson it was labelled as\tattributions\n")
            f.writelines(f"{s}\t{p}\t{n}\n" for s, p, n in found)


if __name__ == "__main__":
    main()
