""""What did NAME say" retrieval on PolNeAR dev, in a haystack of PolNeAR train+dev and BBC.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/eval_speakers.py [--rebuild] [--json OUT]

Queries are generated from the PolNeAR dev annotations: for every annotated named source
(pronoun sources resolved to the previous named source of the article, as in
eval_attribution.py), the query "what did <full name> say"; its relevant passages are the
dev paragraphs holding a Content span attributed to that person. The haystack is every
PolNeAR train+dev article plus all of BBC (about 3,150 articles), built once into
benchmarks/results/speaker-haystack/ (reused unless --rebuild).

Reported, for archive (attribution-aware ranking) and the baseline (the same hybrid search
without attribution): nDCG@10 (binary relevance) and speaker precision@5, the share of the
top 5 hits whose attributed speaker is NAME (hits with no attribution count as misses);
also speaker P@min(5,R), judged on the top R for a person with R < 5 relevant passages, and
P@5 over the people with at least 5, and the attainable P@5: the mean of min(5, passages the
index attributes to anyone with NAME's surname)/5, a ceiling no ranking can pass because most
dev names are quoted in fewer than 5 passages of the whole haystack. Relevant passages are dev paragraphs only, so for people
quoted all over train (Clinton, Trump, Obama) nDCG@10 is near 0 although every top hit is
their own words: read nDCG with speaker precision.
The test split is never read.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from eval_attribution import (article_files, parse_ann,  # noqa: E402
                              resolved_gold_sources, surname)

from archive.build.pipeline import build  # noqa: E402
from archive.config import load_config  # noqa: E402
from archive.metrics import ndcg, precision_at  # noqa: E402
from archive.quotes import load_nlp  # noqa: E402
from archive.search.searcher import Searcher  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
INDEX = ROOT / "benchmarks" / "results" / "speaker-haystack"
TITLE = re.compile(r"^(mr|mrs|ms|dr|sen|rep|gov|president|senator|secretary)\.?\s+", re.I)


def norm(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return " ".join(re.findall(r"\w+", text.lower()))


def person_of(source: str, nlp) -> str | None:
    """The person named in an annotated source span ("Apple's chief executive, Tim Cook,"
    → "Tim Cook"), by spaCy's PERSON entities; None for organisations and descriptions."""
    people = [e.text.strip(" ,") for e in nlp(source).ents if e.label_ == "PERSON"]
    people = [TITLE.sub("", p).removesuffix("'s").removesuffix("’s") for p in people]
    return max(people, key=len) if people else None


def full_names(names: list[str]) -> dict[str, str]:
    """Surname → the most frequent multi-word name with that surname across dev."""
    counts = Counter(n for n in names if len(n.split()) >= 2)
    best: dict[str, str] = {}
    for name, _ in counts.most_common():
        best.setdefault(surname(name), name)
    return best


def make_queries(limit: int | None) -> list[dict]:
    """[{name, relevant: [(article stem, content words)]}] from PolNeAR dev."""
    nlp = load_nlp()
    per_article: dict[str, list[tuple[str, str]]] = {}
    for text_path, ann_path in article_files("dev"):
        text = text_path.read_text(encoding="utf-8")
        golds = parse_ann(ann_path)
        sources = resolved_gold_sources(text, golds)
        pairs = []
        for g, src in zip(golds, sources):
            person = person_of(src, nlp) if src and g.content else None
            if person:
                a, b = g.content[0][0], g.content[-1][1]
                pairs.append((person, text[a:b]))
        per_article[text_path.stem] = pairs
    canonical = full_names([p for pairs in per_article.values() for p, _ in pairs])
    relevant: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for stem, pairs in per_article.items():
        for person, content in pairs:
            name = canonical.get(surname(person))
            if name:
                relevant[name].append((stem, content))
    queries = [{"name": n, "relevant": r} for n, r in sorted(relevant.items())]
    return queries[:limit] if limit else queries


def haystack_paths() -> list[Path]:
    return [DATA / "polnear" / "train" / "text", DATA / "polnear" / "dev" / "text", DATA / "bbc"]


def relevant_ids(searcher: Searcher, query: dict, by_stem: dict[str, list[tuple[int, str]]]) -> set[int]:
    ids = set()
    for stem, content in query["relevant"]:
        words = norm(content).split()
        probe = " ".join(words[:8])
        for pid, text in by_stem.get(stem, []):
            t = norm(text)
            if probe and (probe in t or (len(t) > 40 and t in norm(content))):
                ids.add(pid)
    return ids


def same_person(name: str, speaker: str | None) -> bool:
    if not speaker:
        return False
    return surname(speaker) == surname(name)


def run(searcher: Searcher, queries: list[dict], understand: bool) -> dict:
    store = searcher.backend.store
    by_stem: dict[str, list[tuple[int, str]]] = defaultdict(list)
    paths = {pid: row["path"] for pid, row in store.fetch(store.passage_ids()).items()}
    for pid, _, text in store.all_passages():
        by_stem[Path(paths[pid]).stem].append((pid, text))
    by_surname: dict[str, set[int]] = defaultdict(set)
    for pid, atts in store.attributions_for(store.passage_ids()).items():
        for a in atts:
            if a.get("person") or a.get("speaker"):
                by_surname[surname(a.get("person") or a.get("speaker"))].add(pid)
    rows = []
    for q in queries:
        rel = relevant_ids(searcher, q, by_stem)
        if not rel:
            continue
        hits = searcher.search(f"what did {q['name']} say", k=10, understand=understand)
        flags = [h.passage_id in rel for h in hits]
        spk = [same_person(q["name"], h.speaker) for h in hits]
        # how many passages of the whole haystack the index attributes to NAME (any
        # person with NAME's surname: the loosest reading of the metric): speaker P@5 can
        # only reach min(5, that)/5 for this query, whatever the ranking does
        quoted = len(by_surname.get(surname(q["name"]), ()))
        rows.append({"name": q["name"], "relevant": len(rel),
                     "attainable_p@5": min(5, quoted) / 5,
                     "ndcg@10": ndcg([float(f) for f in flags], [1.0] * len(rel), 10),
                     "speaker_p@5": precision_at(spk, 5),
                     # the same with a reachable ceiling: a person with R < 5 relevant
                     # passages is judged on the top R (R-precision capped at 5)
                     "speaker_rp@5": precision_at(spk, min(5, len(rel)))})
    n = len(rows) or 1
    return {"queries": len(rows),
            "ndcg@10": round(sum(r["ndcg@10"] for r in rows) / n, 4),
            "speaker_p@5": round(sum(r["speaker_p@5"] for r in rows) / n, 4),
            "attainable_p@5": round(sum(r["attainable_p@5"] for r in rows) / n, 4),
            "speaker_rp@5": round(sum(r["speaker_rp@5"] for r in rows) / n, 4),
            "speaker_p@5_with_5_or_more_relevant": round(
                sum(r["speaker_p@5"] for r in rows if r["relevant"] >= 5)
                / max(1, sum(r["relevant"] >= 5 for r in rows)), 4),
            "per_query": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="rebuild the haystack index")
    parser.add_argument("--index", default=str(INDEX))
    parser.add_argument("--limit", type=int, default=None, help="at most N names")
    parser.add_argument("--json", help="write results here")
    args = parser.parse_args()
    config = load_config(index=args.index)
    out: dict = {}
    if args.rebuild or not (Path(args.index) / "CURRENT").exists():
        started = time.perf_counter()
        report = build(haystack_paths(), config, full=args.rebuild)
        out["haystack_build_seconds"] = round(time.perf_counter() - started, 1)
        print(f"haystack: {report.articles} articles, {report.passages} passages, "
              f"{report.attributions} attributions in {out['haystack_build_seconds']} s")
    queries = make_queries(args.limit)
    searcher = Searcher(config)
    for label, understand in (("archive (attribution-aware)", True),
                              ("baseline (hybrid, no attribution)", False)):
        res = run(searcher, queries, understand)
        out[label] = res
        print(f"{label:<36} queries {res['queries']:>4}  nDCG@10 {res['ndcg@10']:.3f}  "
              f"speaker P@5 {res['speaker_p@5']:.3f}  speaker P@min(5,R) {res['speaker_rp@5']:.3f}  "
              f"P@5 where R>=5 {res['speaker_p@5_with_5_or_more_relevant']:.3f}  "
              f"(P@5 attainable with these attributions {res['attainable_p@5']:.3f})")
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
