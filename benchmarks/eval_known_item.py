"""Known-item search on BBC, PolNeAR train and Reuters: is an article found from its headline,
or from a sentence of it?

    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 .venv/bin/python benchmarks/eval_known_item.py \
        [--queries 300] [--corpora bbc,polnear,reuters] [--variants "archive,plain rrf"] \
        [--reuters-articles 2000] [--haystack DIR] [--reuters-index DIR] [--rebuild] \
        [--json benchmarks/results/eval_known_item.json] [--seed 0]

A development-set evaluation for choosing how hybrid search fuses the dense and keyword
rankings (`Config.fusion`, `Config.fusion_weight`, archive/search/fusion.py), and for checking
that query understanding ("what did X say", "X on Y", a bare name) does not hurt plain
searches. Per corpus, `--queries` articles are sampled (seed `--seed`); each gives two
queries: its headline, and one sentence from the middle of the article (the longest sentence
of 8+ words of the middle paragraph, or of the nearest paragraph that has one) "lightly
paraphrased" by dropping about a quarter of its words at random (seeded; at least 5 words
remain). The relevant passages are the article's: a hit counts when its `article_id` is the
target's, or when one of its folded copies (`also_in`) is.

Each query is run under every variant (k=10, hybrid) with one Searcher per index, switching
`searcher.config`; the query's vectors (and those of a topic read from it) are encoded once,
by two untimed searches, and cached for every variant, so milliseconds per query compare the
variants without the encoding:
    archive        search(q) as the product runs it: understand=True, the config's fusion
    plain rrf      understand=False, reciprocal rank fusion (the old plain hybrid search)
    plain txtai    understand=False, txtai's fusion: 0.5 cosine + 0.5 BM25 / max BM25
    rrf; wrrf, minmax, zscore, dbsf at dense weight 0.3 ... 0.7; txtai 0.5   (understand=True)
Reported per (corpus, query type, variant): success@1, success@5, MRR over the top 10 (0 when
the article is not in it), the number of queries and milliseconds per query; then the same
over every query. Queries whose article the index does not hold are left out and counted.

Indexes: BBC and PolNeAR train are searched in the haystack of benchmarks/eval_speakers.py
(PolNeAR train+dev and all of BBC, benchmarks/results/speaker-haystack), which this script
never builds: it waits for it. Reuters-21578 gets its own index: `--reuters-articles` stories
with a title and a body, sampled with the seed, are converted to
benchmarks/results/reuters-sample.jsonl and built into benchmarks/results/reuters-index when
missing (or with --rebuild). The PolNeAR test split is never read.
"""
from __future__ import annotations

import argparse
import html
import json
import os
import random
import re
import sys
import time
from collections import defaultdict
from dataclasses import replace
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_common import save_results

from archive.build import current_manifest
from archive.build.pipeline import build
from archive.config import Config, load_config
from archive.embed import make_embedder
from archive.search.fusion import FUSIONS
from archive.search.searcher import Searcher

DATA = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "benchmarks" / "results"
HAYSTACK = RESULTS / "speaker-haystack"
REUTERS_INDEX = RESULTS / "reuters-index"
REUTERS_JSONL = RESULTS / "reuters-sample.jsonl"
CORPORA = ("bbc", "polnear", "reuters")
QUERY_TYPES = ("headline", "sentence")
WEIGHTS = (0.3, 0.4, 0.5, 0.6, 0.7)
K = 10
WAIT_SECONDS = 60

SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[.!?][\"'”’)])\s+")
RECORD = re.compile(r"<REUTERS\b([^>]*)>(.*?)</REUTERS>", re.DOTALL)
NEWID = re.compile(r'\bNEWID="(\d+)"')
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def tag(name: str, text: str) -> str | None:
    """The content of the first <name>...</name> in an SGML record, or None."""
    m = re.search(rf"<{name}>(.*?)</{name}>", text, re.DOTALL)
    return m.group(1) if m else None


Variant = tuple  # (fusion, dense weight, understand, speaker boost, short topic); None: config


def all_variants() -> dict[str, Variant]:
    """name -> (fusion, dense weight, understand, speaker boost, short topic words); None:
    the config's own."""
    out: dict[str, Variant] = {
        "archive": (None, None, True, None, None), "plain rrf": ("rrf", 0.5, False, None, None),
        "plain txtai": ("txtai", 0.5, False, None, None), "rrf": ("rrf", 0.5, True, None, None)}
    for fusion in ("wrrf", "minmax", "zscore", "dbsf"):
        for w in WEIGHTS:
            out[f"{fusion} {w}"] = (fusion, w, True, None, None)
    out["txtai 0.5"] = ("txtai", 0.5, True, None, None)
    return out


def parse_variant(name: str) -> Variant | None:
    """A variant written as "FUSION WEIGHT [bBOOST] [tWORDS] [plain]", e.g. "minmax 0.4 b0.5
    t3": dense weight 0.4, speaker boost 0.5, strict tiers up to 3 topic words."""
    words = name.split()
    if len(words) < 2 or words[0] not in FUSIONS:
        return None
    try:
        weight = float(words[1])
        boost = next((float(w[1:]) for w in words[2:] if w.startswith("b")), None)
        short = next((int(w[1:]) for w in words[2:] if w.startswith("t")), None)
    except ValueError:
        return None
    return (words[0], weight, "plain" not in words[2:], boost, short)


def pick_variants(spec: str | None) -> dict[str, Variant]:
    variants = all_variants()
    if not spec:
        return variants
    names = [n.strip() for n in spec.split(",") if n.strip()]
    picked = {n: variants.get(n) or parse_variant(n) for n in names}
    unknown = [n for n, v in picked.items() if v is None]
    if unknown:
        raise SystemExit(f"unknown variant(s) {unknown}: choose from {', '.join(variants)} "
                         "or write FUSION WEIGHT [bBOOST] [plain]")
    return picked


# -- queries -------------------------------------------------------------------------------
def norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", (text or "").lower()))


def sentences(paragraph: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(paragraph) if s.strip()]


def middle_sentence(paragraphs: list[str]) -> str | None:
    """The longest sentence of 8+ words of the middle paragraph, or of the nearest
    paragraph to the middle that has one (the earlier of two equally near)."""
    mid = len(paragraphs) // 2
    for i in sorted(range(len(paragraphs)), key=lambda i: (abs(i - mid), i)):
        long = [s for s in sentences(paragraphs[i]) if len(s.split()) >= 8]
        if long:
            return max(long, key=lambda s: len(s.split()))
    return None


def paraphrase(sentence: str, rng: random.Random, share: float = 0.25,
               keep_at_least: int = 5) -> str:
    """The sentence with about `share` of its words dropped at random, at least
    `keep_at_least` words kept."""
    words = sentence.split()
    drop = max(0, min(round(len(words) * share), len(words) - keep_at_least))
    gone = set(rng.sample(range(len(words)), drop))
    return " ".join(w for i, w in enumerate(words) if i not in gone)


def make_queries(corpus: str, articles: list[dict], seed: int) -> list[dict]:
    """A headline query per article, and a paraphrased middle sentence where it has one."""
    out = []
    for a in articles:
        base = {"corpus": corpus, "key": a["key"], "title": a["title"]}
        out.append({**base, "type": "headline", "query": a["title"]})
        sentence = middle_sentence(a["paragraphs"])
        if sentence:
            rng = random.Random(f"{seed}:{corpus}:{a['key']}")
            out.append({**base, "type": "sentence", "query": paraphrase(sentence, rng)})
    return out


# -- corpora -------------------------------------------------------------------------------
def file_key(path: str | Path) -> str:
    """How an article file is named in every index: its last three path parts
    (bbc/business/001.txt, train/text/NAME.txt)."""
    return "/".join(Path(path).parts[-3:])


def read_article(path: Path) -> dict | None:
    """Title (first line) and paragraphs (blank-line separated) of a .txt article; None
    when the file is not valid UTF-8 or has no title or body."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    title, _, body = text.strip().partition("\n")
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", body) if p.strip()]
    if not title.strip() or not paragraphs:
        return None
    return {"key": file_key(path), "title": title.strip(), "paragraphs": paragraphs}


def file_articles(corpus: str, n: int, seed: int) -> list[dict]:
    """`n` readable articles of BBC or PolNeAR train, sampled with the seed."""
    if corpus == "bbc":
        files = sorted((DATA / "bbc").glob("*/*.txt"))
    else:  # PolNeAR train only: dev is in the haystack too, test is never read
        files = sorted((DATA / "polnear" / "train" / "text").glob("*.txt"))
    articles = [a for a in (read_article(f) for f in files) if a]
    return random.Random(seed).sample(articles, min(n, len(articles)))


def reuters_paragraphs(body: str) -> list[str]:
    """Wire paragraphs (a line indented opens one) without the closing "Reuter" line."""
    paragraphs: list[list[str]] = []
    for line in body.split("\n"):
        if not paragraphs or (line[:1].isspace() and paragraphs[-1]):
            paragraphs.append([])
        if line.strip():
            paragraphs[-1].append(line.strip())
    out = [" ".join(" ".join(p).split()) for p in paragraphs if p]
    while out and out[-1].lower() in {"reuter", "reuters"}:
        out.pop()
    return out


def parse_reuters(attributes: str, raw: str) -> dict | None:
    """One <REUTERS> record as a JSONL story, or None without a title or a body."""
    def clean(text: str) -> str:
        return CONTROL.sub("", html.unescape(text))
    title, body, stamp = tag("TITLE", raw), tag("BODY", raw), tag("DATE", raw)
    if title is None or body is None:
        return None
    title = " ".join(clean(title).split())
    paragraphs = reuters_paragraphs(clean(body))
    if not title or not paragraphs:
        return None
    try:
        date = datetime.strptime(stamp.split()[0], "%d-%b-%Y").date().isoformat() \
            if stamp else None
    except (ValueError, IndexError):
        date = None
    newid = NEWID.search(attributes)
    return {"id": newid.group(1) if newid else "", "title": title,
            "text": "\n\n".join(paragraphs), "date": date, "outlet": "Reuters"}


def reuters_sample(n: int, seed: int, path: Path) -> list[dict]:
    """`n` Reuters stories with a title and a body, sampled with the seed (in id order),
    written to `path` as JSONL, one story per line."""
    records = []
    for sgm in sorted((DATA / "reuters").glob("reut2-*.sgm")):
        raw = sgm.read_bytes().decode("latin-1")
        records += [r for r in (parse_reuters(a, body) for a, body in RECORD.findall(raw)) if r]
    sample = random.Random(seed).sample(records, min(n, len(records)))
    sample.sort(key=lambda r: int(r["id"] or 0))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in sample),
                    encoding="utf-8")
    print(f"reuters: {len(records)} stories with a title and a body; {len(sample)} written "
          f"to {path}")
    return sample


def reuters_articles(records: list[dict], n: int, seed: int) -> list[dict]:
    articles = [{"key": f"reuters:{r['id']}", "title": r["title"],
                 "paragraphs": r["text"].split("\n\n")} for r in records]
    return random.Random(seed).sample(articles, min(n, len(articles)))


# -- indexes and relevance -----------------------------------------------------------------
def wait_for(index: Path) -> None:
    """Wait until another process has published the index (its CURRENT pointer)."""
    while not (index / "CURRENT").exists():
        print(f"waiting for {index}/CURRENT (another process is building it); "
              f"next look in {WAIT_SECONDS} s", flush=True)
        time.sleep(WAIT_SECONDS)


def build_reuters(args: argparse.Namespace, records: list[dict], embedder) -> dict:
    """Build the Reuters index from the JSONL sample when missing or with --rebuild."""
    index = Path(args.reuters_index)
    if not args.rebuild and (index / "CURRENT").exists():
        return {}
    started = time.perf_counter()
    report = build([REUTERS_JSONL], load_config(index=str(index)), full=args.rebuild,
                   embedder=embedder)
    seconds = round(time.perf_counter() - started, 1)
    print(f"reuters index: {report.articles} articles, {report.passages} passages in "
          f"{seconds} s ({len(report.skipped)} skipped)", flush=True)
    return {"build_seconds": seconds, "skipped": len(report.skipped)}


def article_maps(store, records: list[dict] | None) -> tuple[dict, dict, int]:
    """(key -> article ids, normalised title -> article ids, stale rows) of an index.
    A file's key is `file_key` of its path; a JSONL record's ("path#line") is its story id,
    and a stored title that differs from the sample's line counts as stale."""
    by_key: dict[str, set[str]] = defaultdict(set)
    by_title: dict[str, set[str]] = defaultdict(set)
    stale = 0
    articles = {r["article_id"]: r for r in store.fetch(store.passage_ids()).values()}
    for article_id, row in articles.items():
        path, title = row["path"] or "", row["title"] or ""
        by_title[norm(title)].add(article_id)
        _, hash_, line = path.rpartition("#")
        if records is not None and hash_ and line.isdigit():
            record = records[int(line) - 1] if 0 < int(line) <= len(records) else None
            if record is None or norm(record["title"]) != norm(title):
                stale += 1
                continue
            by_key[f"reuters:{record['id']}"].add(article_id)
        else:
            by_key[file_key(path)].add(article_id)
    return by_key, by_title, stale


def map_targets(queries: list[dict], by_key: dict, by_title: dict) -> dict:
    """Give each query its target article ids (by key, else by title: a repeated article is
    stored once, under its first path); counts of what was mapped how."""
    counts = {"by_path": 0, "by_title": 0, "unmapped": 0, "unmapped_articles": []}
    for q in queries:
        ids = by_key.get(q["key"]) or by_title.get(norm(q["title"])) or set()
        how = "by_path" if q["key"] in by_key else "by_title" if ids else "unmapped"
        q["targets"] = ids
        if q["type"] == "headline":
            counts[how] += 1
            if not ids:
                counts["unmapped_articles"].append(q["key"])
    return counts


def first_relevant(hits, targets: set[str]) -> int | None:
    """Rank (from 1) of the first hit from the target article, itself or a folded copy."""
    for h in hits:
        if h.article_id in targets or any(c.get("article_id") in targets for c in h.also_in):
            return h.rank
    return None


# -- running -------------------------------------------------------------------------------
def evaluate(searcher: Searcher, base: Config, queries: list[dict], variants: dict,
             timing: dict) -> None:
    """Run every query under every variant; each query gets "ranks" (one per variant, None
    when its article is not in the top K); seconds go to timing[(corpus, type, variant)].
    Two untimed searches (understand off, on) first encode the query and any topic read
    from it (Searcher caches the vectors), so no variant's time includes the encoding."""
    started = time.perf_counter()
    for i, q in enumerate(queries, start=1):
        searcher.config = base  # untimed: encode the query (and a topic read from it)
        for understand in (False, True):
            searcher.search(q["query"], k=K, understand=understand)
        ranks = []
        for name, (fusion, weight, understand, boost, short) in variants.items():
            searcher.config = base if fusion is None else replace(
                base, fusion=fusion, fusion_weight=weight,
                speaker_boost=base.speaker_boost if boost is None else boost,
                speaker_short_topic=base.speaker_short_topic if short is None else short)
            t0 = time.perf_counter()
            hits = searcher.search(q["query"], k=K, understand=understand)
            timing[(q["corpus"], q["type"], name)] += time.perf_counter() - t0
            ranks.append(first_relevant(hits, q["targets"]))
        q["ranks"] = ranks
        if i % 50 == 0 or i == len(queries):
            print(f"  {i}/{len(queries)} queries, {time.perf_counter() - started:.0f} s",
                  file=sys.stderr, flush=True)
    searcher.config = base


def metrics(ranks: list[int | None], seconds: float | None = None) -> dict:
    n = len(ranks) or 1
    out = {"success@1": round(sum(r == 1 for r in ranks) / n, 4),
           "success@5": round(sum(r is not None and r <= 5 for r in ranks) / n, 4),
           "mrr": round(sum(1 / r for r in ranks if r) / n, 4), "queries": len(ranks)}
    if seconds is not None:
        out["ms_per_query"] = round(1000 * seconds / n, 1)
    return out


def run_index(config: Config, embedder, per_corpus: dict[str, list[dict]],
              records: list[dict] | None, variants: dict, seed: int) -> tuple[list, dict]:
    """Map and run the queries of the corpora searched in one index; (queries, info)."""
    searcher = Searcher(config, embedder=embedder)
    store = searcher.backend.store
    by_key, by_title, stale = article_maps(store, records)
    if stale:
        raise SystemExit(f"{config.index} was built from another Reuters sample ({stale} "
                         "stored titles differ from reuters-sample.jsonl): run with --rebuild")
    info = {"index": config.index, "articles": store.count("articles"),
            "passages": store.count("passages"), "corpora": {}}
    queries = []
    for corpus, articles in per_corpus.items():
        qs = make_queries(corpus, articles, seed)
        mapping = map_targets(qs, by_key, by_title)
        info["corpora"][corpus] = {"sampled_articles": len(articles), **mapping, **{
            f"{t}_queries": sum(q["type"] == t and bool(q["targets"]) for q in qs)
            for t in QUERY_TYPES}}
        print(f"{corpus}: {len(articles)} articles sampled, {mapping['by_path']} found by "
              f"path, {mapping['by_title']} by title, {mapping['unmapped']} not in the index",
              flush=True)
        queries += [q for q in qs if q["targets"]]
    searcher.search("warm up the model", k=K)  # model load is not a query's time
    timing: dict = defaultdict(float)
    evaluate(searcher, config, queries, variants, timing)
    info["timing"] = timing
    searcher.close()
    return queries, info


def summarise(queries: list[dict], variants: dict, timing: dict) -> tuple[dict, dict]:
    """results[corpus][type][variant] and total[variant] (over every query)."""
    results: dict = defaultdict(dict)
    groups: dict = defaultdict(list)
    for q in queries:
        groups[(q["corpus"], q["type"])].append(q["ranks"])
    for (corpus, qtype), ranks in sorted(groups.items()):
        results[corpus][qtype] = {
            name: metrics([r[i] for r in ranks], timing.get((corpus, qtype, name), 0.0))
            for i, name in enumerate(variants)}
    total = {}
    for i, name in enumerate(variants):
        seconds = sum(s for (_, _, v), s in timing.items() if v == name)
        total[name] = metrics([q["ranks"][i] for q in queries], seconds)
    return dict(results), total


def print_table(heading: str, rows: dict) -> None:
    n = next(iter(rows.values()))["queries"] if rows else 0
    print(f"\n{heading} ({n} queries)")
    print(f"  {'variant':<14} {'success@1':>9} {'success@5':>9} {'MRR':>6} {'ms/query':>9}")
    for name, m in rows.items():
        print(f"  {name:<14} {m['success@1']:>9.3f} {m['success@5']:>9.3f} {m['mrr']:>6.3f} "
              f"{m.get('ms_per_query', 0):>9.1f}")


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--queries", type=int, default=300, help="articles sampled per corpus")
    p.add_argument("--reuters-articles", type=int, default=2000,
                   help="Reuters stories converted and indexed")
    p.add_argument("--corpora", default=",".join(CORPORA), help="comma-separated subset")
    p.add_argument("--variants", default=None,
                   help="comma-separated subset of variant names (default: all)")
    p.add_argument("--haystack", default=str(HAYSTACK), help="index of BBC + PolNeAR")
    p.add_argument("--reuters-index", default=str(REUTERS_INDEX))
    p.add_argument("--rebuild", action="store_true", help="rebuild the Reuters index")
    p.add_argument("--json", default=str(RESULTS / "eval_known_item.json"))
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    args.corpora = [c.strip() for c in args.corpora.split(",") if c.strip()]
    if unknown := [c for c in args.corpora if c not in CORPORA]:
        raise SystemExit(f"unknown corpus {unknown}: choose from {', '.join(CORPORA)}")
    return args


def embedder_for(index: str):  # noqa: ANN201 - archive.embed.Embedder
    """The configured embedder; with the default backend ("auto"), the one `index` was
    built with (int8 for an index not built yet)."""
    return make_embedder(load_config(), current_manifest(load_config(index=str(index))))


def run_all(args: argparse.Namespace, variants: dict, out: dict) -> list[dict]:
    """Every requested corpus in its index; the queries with their ranks."""
    queries: list[dict] = []
    timing: dict = {}
    haystack = {c: file_articles(c, args.queries, args.seed)
                for c in ("bbc", "polnear") if c in args.corpora}
    if haystack:
        wait_for(Path(args.haystack))
        embedder = embedder_for(args.haystack)
        qs, info = run_index(load_config(index=args.haystack), embedder, haystack, None,
                             variants, args.seed)
        queries += qs
        timing.update(info.pop("timing"))
        out["indexes"]["haystack"] = info
    if "reuters" in args.corpora:
        records = reuters_sample(args.reuters_articles, args.seed, REUTERS_JSONL)
        built = build_reuters(args, records, embedder_for(args.reuters_index))
        embedder = embedder_for(args.reuters_index)
        articles = reuters_articles(records, args.queries, args.seed)
        qs, info = run_index(load_config(index=args.reuters_index), embedder,
                             {"reuters": articles}, records, variants, args.seed)
        queries += qs
        timing.update(info.pop("timing"))
        out["indexes"]["reuters"] = {**info, "stories_in_sample": len(records), **built}
    out["results"], out["total"] = summarise(queries, variants, timing)
    return queries


def main() -> None:
    args = parse_args()
    variants = pick_variants(args.variants)
    base = load_config()
    out: dict = {"seed": args.seed, "queries_per_corpus": args.queries, "k": K,
                 "config_fusion": base.fusion, "config_fusion_weight": base.fusion_weight,
                 "config_speaker_boost": base.speaker_boost,
                 "variants": {n: {"fusion": f or base.fusion,
                                  "weight": base.fusion_weight if w is None else w,
                                  "understand": u,
                                  "speaker_boost": base.speaker_boost if b is None else b,
                                  "speaker_short_topic": base.speaker_short_topic if t is None
                                  else t}
                              for n, (f, w, u, b, t) in variants.items()},
                 "load_avg_at_start": os.getloadavg(), "indexes": {}}
    started = time.perf_counter()
    queries = run_all(args, variants, out)
    out["seconds"] = round(time.perf_counter() - started, 1)
    for corpus, by_type in out["results"].items():
        for qtype, rows in by_type.items():
            print_table(f"{corpus} / {qtype}", rows)
    print_table("total, every corpus and query type", out["total"])
    out["variant_order"] = list(variants)
    out["per_query"] = [{"corpus": q["corpus"], "type": q["type"], "article": q["key"],
                         "query": q["query"], "ranks": q["ranks"]} for q in queries]
    save_results(out, args.json)
    print(f"\nwritten to {args.json} in {out['seconds']} s")


if __name__ == "__main__":
    main()
