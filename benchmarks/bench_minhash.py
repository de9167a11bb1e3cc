"""Lexical copies among all BBC paragraphs: archive's MinHash LSH (rensa) against datasketch.

    .venv/bin/python benchmarks/bench_minhash.py        # datasketch only if installed

Times `archive.text.dedup.copy_pairs` (eligibility, shingles, signatures, LSH, exact
Jaccard of the candidates) on every BBC paragraph, then, when `datasketch` is importable
(`pip install datasketch`; no longer an archive dependency), the same pipeline with
datasketch's `MinHash.bulk` and `MinHashLSH` at threshold 0.35 (what archive used until
stop 18), and compares the pairs found (both are confirmed by the same exact Jaccard, so
they can differ only in what the LSH proposed).
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.text import dedup  # noqa: E402

BBC = ROOT.parent / "shared" / "data" / "bbc"
RESULTS = ROOT / "benchmarks" / "results"

def paragraphs() -> list[tuple[int, str, str]]:
    out: list[tuple[int, str, str]] = []
    for f in sorted(BBC.glob("*/*.txt")):
        for p in f.read_text(encoding="utf-8", errors="replace").split("\n"):
            if p.strip():
                out.append((len(out), f"{f.parent.name}/{f.stem}", p.strip()))
    return out

def datasketch_pairs(passages, params: dedup.DedupParams) -> dict[tuple[int, int], float]:  # noqa: ANN001
    from datasketch import MinHash, MinHashLSH

    elig = [p for p in passages if dedup.is_eligible(p[2], params)]
    sh = [dedup.shingles(t, params.shingle_size) for _, _, t in elig]
    sigs = MinHash.bulk([[s.encode() for s in x] for x in sh], num_perm=params.num_perm,
                        seed=params.seed)
    lsh = MinHashLSH(threshold=params.jaccard_threshold - 0.15, num_perm=params.num_perm)
    with lsh.insertion_session() as session:
        for i, sig in enumerate(sigs):
            session.insert(i, sig, check_duplication=False)
    found = {}
    for i, sig in enumerate(sigs):
        for j in lsh.query(sig):
            if j > i and elig[i][1] != elig[j][1]:
                if (sim := dedup.jaccard(sh[i], sh[j])) >= params.jaccard_threshold:
                    found[(elig[i][0], elig[j][0])] = sim
    return found

def main() -> None:
    passages = paragraphs()
    params = dedup.DedupParams()
    dedup.copy_pairs(passages[:50])  # imports
    # archive's copies run first, on a cold eligibility memo; datasketch's reuse it
    started = time.perf_counter()
    ours = dedup.copy_pairs(passages)
    result = {"paragraphs": len(passages), "rensa_s": round(time.perf_counter() - started, 2),
              "rensa_pairs": len(ours)}
    try:
        import datasketch  # noqa: F401
    except ImportError:
        print("datasketch is not installed: archive's figures only")
    else:
        started = time.perf_counter()
        theirs = datasketch_pairs(passages, params)
        result.update(datasketch_s=round(time.perf_counter() - started, 2),
                      datasketch_pairs=len(theirs), only_rensa=len(set(ours) - set(theirs)),
                      only_datasketch=len(set(theirs) - set(ours)),
                      jaccard_of_extra=[round(ours[k], 3) for k in set(ours) - set(theirs)])
    print(json.dumps(result, indent=1))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bench_minhash.json").write_text(json.dumps(result, indent=1))

if __name__ == "__main__":
    main()
