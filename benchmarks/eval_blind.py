"""Questions written blind over BBC politics, searched in the full haystack.

    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 .venv/bin/python benchmarks/eval_blind.py \
        [--questions benchmarks/blind_questions_bbc.json] [--haystack DIR] [--json OUT] \
        [--show-misses]

The questions (benchmarks/blind_questions_bbc.json, 90 of them) were written in stop 29 by a
helper that read only the 417 BBC politics articles of ../shared/data/bbc/politics, never
archive's code, query sets or benchmarks, as a journalist would type them: a speaker inside
a longer question ("NAME's reaction to Y", "TITLE NAME on X"), a speaker described by role
("the Chancellor's comments on ..."), topic questions (some led by a place or organisation),
misremembered quotes, what an organisation said, and "what did NAME say" for eight names
that occur nowhere in the collection. Each answerable question names its article and the
paragraphs that answer it (paragraph 0 is the title line; blank-line separated), and the
speaker for speaker questions. Nothing in archive was chosen on them before they were run:
they are a development set for question understanding, reported beside the two plain
hybrid baselines.

The index is benchmarks/eval_speakers.py's haystack (PolNeAR train+dev and all of BBC, about
28,500 passages), so every question competes with the whole collection, not only its article.
A hit is relevant when it comes from the question's article (or a folded copy of it) and its
text overlaps one of the answering paragraphs (one holds the other, after normalising
spaces). Reported per class and variant: success@1, success@5, MRR over the top 10; for
speaker questions also speaker@1, the share whose first hit is labelled with the asked-for
speaker (same surname). Unknown-speaker questions are scored on honesty: "honest" when the
answer links nobody (`understood.speaker` empty) and the top hit is not labelled as anyone's
words; "labelled@1" counts a first hit labelled with some other person's words. A name the
writer found nowhere in their section but that the haystack quotes elsewhere (its bare name
reads as a speaker) is set aside and counted.

A second set, `benchmarks/blind_questions_bbc_business.json` (70 questions over BBC
business, written the same way by another helper), runs with `--questions`; so does a third,
`benchmarks/blind_questions_bbc_enttech.json` (80 questions over BBC entertainment and tech,
stop 33, by a helper that read only those articles; it left out articles with a duplicate
in the collection).

Variants: archive (search as the product runs it), plain rrf and plain txtai (understanding
off, reciprocal rank fusion / txtai's normalised fusion), as in eval_known_item.py.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_common import save_results  # noqa: E402
from eval_known_item import (DATA, HAYSTACK, K, article_maps, embedder_for,  # noqa: E402
                             metrics, norm)

from archive.config import load_config  # noqa: E402
from archive.search.searcher import Searcher  # noqa: E402

QUESTIONS = ROOT / "benchmarks" / "blind_questions_bbc.json"
VARIANTS = {"archive": (None, None, True), "plain rrf": ("rrf", 0.5, False),
            "plain txtai": ("txtai", 0.5, False)}
CLASSES = ("speaker_long", "role", "org_said", "topic", "quote_hunt", "unknown_speaker")


def paragraphs_of(article: str) -> list[str]:
    """The article's paragraphs as the question writer numbered them (0: the title line)."""
    text = (DATA / "bbc" / article).read_text(encoding="utf-8", errors="replace")
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def relevant(hit_text: str, answers: list[str]) -> bool:
    t = norm(hit_text)
    return bool(t) and any(t in a or a in t for a in answers)


def rank_of(hits, q: dict, targets: set[str]) -> int | None:
    """Rank (from 1) of the first hit from the question's article holding an answer."""
    for h in hits:
        copies = [h.article_id] + [c.get("article_id") for c in h.also_in]
        if any(a in targets for a in copies) and relevant(h.text, q["answers"]):
            return h.rank
    return None


def same_person(label: str | None, name: str | None) -> bool:
    """Does a hit's speaker label name the asked-for person (same last word)?"""
    if not label or not name:
        return False
    return norm(label).split()[-1:] == norm(name).split()[-1:]


def load_questions(path: Path, by_key: dict) -> list[dict]:
    qs = json.loads(path.read_text(encoding="utf-8"))
    for q in qs:
        q["targets"], q["answers"] = set(), []
        if q.get("article"):
            paras = paragraphs_of(q["article"])
            q["answers"] = [norm(paras[i]) for i in q["paragraphs"] if i < len(paras)]
            q["targets"] = by_key.get(f"bbc/{q['article']}", set())
    return qs


def run(searcher: Searcher, qs: list[dict]) -> dict:
    """Every question under every variant: ranks, speaker@1, honesty."""
    base = searcher.config
    for q in qs:
        if q["class"] == "unknown_speaker":  # quoted somewhere in the haystack after all?
            q["quoted_elsewhere"] = searcher.understand(q["speaker"]).mode == "speaker"
        q["runs"] = {}
        for name, (fusion, weight, understand) in VARIANTS.items():
            searcher.config = base if fusion is None else replace(
                base, fusion=fusion, fusion_weight=weight)
            answer = searcher.ask(q["question"], k=K, understand=understand)
            hits = answer.hits
            top = hits[0] if hits else None
            q["runs"][name] = {
                "rank": rank_of(hits, q, q["targets"]) if q["targets"] else None,
                "speaker@1": bool(top and top.quote and q.get("speaker")
                                  and same_person(top.speaker, q["speaker"])),
                "labelled@1": bool(top and top.quote and top.speaker),
                "linked": answer.understood.speaker,
                "mode": answer.understood.mode,
                "note": answer.understood.to_json()["note"] if understand else None,
                "top": None if top is None else {"speaker": top.speaker,
                                                 "text": top.text[:160]}}
    searcher.config = base
    return summarise(qs)


def summarise(qs: list[dict]) -> dict:
    out: dict = defaultdict(dict)
    for cls in CLASSES:
        group = [q for q in qs if q["class"] == cls]
        for name in VARIANTS:
            runs = [q["runs"][name] for q in group]
            if cls == "unknown_speaker":
                # a name the question writer found nowhere in their section may be quoted
                # elsewhere in the haystack (Carly Fiorina in BBC tech): answering it is right
                runs = [r for q, r in zip(group, runs) if not q.get("quoted_elsewhere")]
                n = len(runs) or 1
                out[cls][name] = {
                    "honest": round(sum(not r["linked"] and not r["labelled@1"] for r in runs)
                                    / n, 4),
                    "labelled@1": round(sum(r["labelled@1"] for r in runs) / n, 4),
                    "queries": len(runs),
                    "quoted_elsewhere": sum(bool(q.get("quoted_elsewhere")) for q in group)}
                continue
            scored = [r for q, r in zip(group, runs) if q["targets"]]
            out[cls][name] = metrics([r["rank"] for r in scored])
            named = [r for q, r in zip(group, runs) if q["targets"] and q.get("speaker")]
            if cls in ("speaker_long", "role", "org_said") and named:  # a set may name none
                out[cls][name]["speaker@1"] = round(
                    sum(r["speaker@1"] for r in named) / len(named), 4)
    answerable = [q for q in qs if q["targets"]]
    out["all answerable"] = {name: metrics([q["runs"][name]["rank"] for q in answerable])
                             for name in VARIANTS}
    return dict(out)


def print_table(res: dict) -> None:
    print(f"{'class':<16} {'variant':<12} {'s@1':>6} {'s@5':>6} {'MRR':>6} {'spk@1':>6}  n")
    for cls, rows in res.items():
        for name, m in rows.items():
            if "honest" in m:
                print(f"{cls:<16} {name:<12} honest {m['honest']:.3f}  another's words at "
                      f"1: {m['labelled@1']:.3f}  n={m['queries']} (set aside, quoted in the "
                      f"haystack: {m['quoted_elsewhere']})")
                continue
            spk = f"{m['speaker@1']:.3f}" if "speaker@1" in m else ""
            print(f"{cls:<16} {name:<12} {m['success@1']:>6.3f} {m['success@5']:>6.3f} "
                  f"{m['mrr']:>6.3f} {spk:>6}  {m['queries']}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--questions", default=str(QUESTIONS))
    ap.add_argument("--haystack", default=str(HAYSTACK))
    ap.add_argument("--json", default=None)
    ap.add_argument("--show-misses", action="store_true",
                    help="print each question archive misses at rank 1, with how it was read")
    args = ap.parse_args()
    started = time.perf_counter()
    searcher = Searcher(load_config(index=args.haystack), embedder=embedder_for(args.haystack))
    by_key, _, _ = article_maps(searcher.backend.store, None)
    qs = load_questions(Path(args.questions), by_key)
    unmapped = [q["id"] for q in qs if q.get("article") and not q["targets"]]
    if unmapped:
        print(f"questions whose article is not in the index (left out): {unmapped}")
    res = run(searcher, qs)
    print_table(res)
    if args.show_misses:
        for q in qs:
            r = q["runs"]["archive"]
            if r["rank"] != 1 and q["targets"] or q["class"] == "unknown_speaker":
                print(f"\n[{q['id']} {q['class']}] {q['question']}  (want {q.get('speaker')}, "
                      f"{q['article']} {q['paragraphs']})\n  rank {r['rank']} | mode "
                      f"{r['mode']} linked {r['linked']} | {r['note']}\n  top: {r['top']}")
    if args.json:
        save_results({"questions": len(qs), "results": res, "seconds":
                      round(time.perf_counter() - started, 1),
                      "per_question": [{k: v for k, v in q.items()
                                        if k not in ("targets", "answers")} for q in qs]},
                     args.json)


if __name__ == "__main__":
    main()
