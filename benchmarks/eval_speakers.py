""""What did NAME say" retrieval on PolNeAR dev, in a haystack of PolNeAR train+dev and BBC.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/eval_speakers.py [--rebuild] [--json OUT]
        [--limit N] [--variants plain,speech_noun,role] [--show-queries] [--queries-only]

Queries are generated from the PolNeAR dev annotations: for every annotated named source
(pronoun sources resolved to the previous named source of the article, as in
eval_attribution.py), the query "what did <full name> say"; its relevant passages are the
dev paragraphs holding a fragment of a Content span attributed to that person. People who
share a surname are told apart by given name (`same_name`: "Jennifer Roberts" is not "John
G. Roberts Jr.", "Bill Clinton" not "Hillary Clinton"; "Bill de Blasio" is "De Blasio"),
in the questions and in judging a hit's speaker. Until stop 32 one surname was one person
and a Content annotated in pieces took in every paragraph between its first and last piece
(17 paragraphs of Obama's speech were "what did Eric Garner say"); stop 32's notes give
both figures. The haystack is every
PolNeAR train+dev article plus all of BBC (about 3,150 articles), built once into
benchmarks/results/speaker-haystack/ (reused unless --rebuild).

Reported, for archive (attribution-aware ranking) and the baseline (the same hybrid search
without attribution): nDCG@10 (binary relevance) and speaker precision@5, the share of the
top 5 hits whose attributed speaker is NAME (hits with no attribution count as misses);
also speaker P@min(5,R), judged on the top R for a person with R < 5 relevant passages, and
P@5 over the people with at least 5, and the attainable P@5: the mean of min(5, passages the
index attributes to anyone with NAME's surname)/5, a ceiling no ranking can pass because most
dev names are quoted in fewer than 5 passages of the whole haystack. misattributed@5 is the
share of the top-5 hits labelled as NAME's words (a hit whose speaker is NAME and that shows a
quote) whose quote the annotators attribute to another named source: the hit's quote is
matched against the annotated Content spans of its PolNeAR article (one holds the other, or
the annotation holds the quote's first six words); a hit whose matching annotations have no
named source (pronouns the annotation leaves unresolved), or none, or that is a BBC article,
is not judged ("judged@5" counts those that are); annotated sources are taken as written,
never resolved (the resolution of eval_attribution.py guesses "she" -> the previous named
source, which was wrong for a third of the hits it flagged). Relevant passages are dev paragraphs only, so for people
quoted all over train (Clinton, Trump, Obama) nDCG@10 is near 0 although every top hit is
their own words: read nDCG with speaker precision.

Two variants of the question (benchmarks/speaker_queries.py, where the rules are) keep each
person and their relevant passages and only reword the question: "speech_noun", a speech
noun and a topic from the person's own dev Content spans ("Cole's reaction to Tax
Foundation", "Lindsey Graham warning about climate change"; the surname alone for every
other person, so the short form must be linked), and "role", the speaker described by a
role taken from the annotated Source spans of train and dev that name them ("what did the
Republican presidential nominee say", "what did Apple's chief executive say"; a role
attached to two people is dropped, so the role set holds fewer people). Each variant is
scored like the plain set, for both systems, beside the plain figures of the same people,
so the two compare like with like: out["variants"][VARIANT] holds "generated" (questions
made) and, per system, the plain set's keys plus "plain_same_people" (the plain means over
the variant's people). The plain set stays at the top level of the JSON, as before; every
per-query row records its question. --limit N keeps the first N names of the plain set and
the variants of those people.

    --variants plain,speech_noun,role   which sets to run (default: all three)
    --show-queries                      print the generated questions
    --queries-only                      generate and print them, then exit (no index)

The test split is never read.
"""
from __future__ import annotations

import argparse
import functools
import json
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from eval_attribution import (NAME_SUFFIXES, article_files, is_name, parse_ann,
                              resolved_gold_sources, surname)
from speaker_queries import role_queries, speech_noun_queries

from archive.build.pipeline import build
from archive.config import load_config
from archive.metrics import ndcg, precision_at
from archive.quotes import load_nlp
from archive.search.searcher import Searcher

DATA = ROOT.parent / "shared" / "data"
INDEX = ROOT / "benchmarks" / "results" / "speaker-haystack"
VARIANTS = ("plain", "speech_noun", "role")
GOLDS: dict[str, dict] = {}  # the annotated quotes, read once
NICKNAMER: dict[str, object] = {}  # the nicknames package's table, loaded once
SYSTEMS = (("archive (attribution-aware)", True), ("baseline (hybrid, no attribution)", False))
TITLE = re.compile(r"^(mr|mrs|ms|dr|sen|rep|gov|president|senator|secretary)\.?\s+", re.IGNORECASE)


def norm(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return " ".join(re.findall(r"\w+", text.lower()))


def person_of(source: str, nlp) -> str | None:
    """The person named in an annotated source span ("Apple's chief executive, Tim Cook,"
    → "Tim Cook"), by spaCy's PERSON entities; None for organisations and descriptions."""
    people = [e.text.strip(" ,") for e in nlp(source).ents if e.label_ == "PERSON"]
    people = [TITLE.sub("", p).removesuffix("'s").removesuffix("’s") for p in people]
    return max(people, key=len) if people else None


# words of a surname that are no given name ("Bill de Blasio", "Osama bin Laden")
PARTICLES = frozenset(
    "de da di du del della der den van von bin ibn al el la le st ter ten".split())


def name_words(name: str) -> list[str]:
    """A name's words in lower case, without a leading title or a suffix ("Sen. John G.
    Roberts Jr." -> john, g, roberts)."""
    words = [w.strip(".,").lower() for w in TITLE.sub("", name).split()]
    return [w for w in words if w and w not in NAME_SUFFIXES] or words


@functools.lru_cache(maxsize=None)
def _nick(first: str) -> frozenset[str]:
    from nicknames import NickNamer

    namer = NICKNAMER.setdefault("namer", NickNamer())
    return frozenset({first} | namer.nicknames_of(first) | namer.canonicals_of(first))


def same_first(a: str, b: str) -> bool:
    """Two given names of one person: the same, an initial of the other ("J." / "John"), or
    a nickname of it ("Bernie" / "Bernard")."""
    if a == b:
        return True
    if min(len(a), len(b)) == 1:
        return a[0] == b[0]
    return b in _nick(a) or a in _nick(b)


def same_name(a: str, b: str) -> bool:
    """Can two written names be one person? The same surname, and one name the end of the
    other ("Roberts", "De Blasio" / "Bill de Blasio", "Guajardo Villarreal" / "Ildefonso
    Guajardo Villarreal") or given names that can be one (`same_first`): "Jennifer
    Roberts" is not "John G. Roberts Jr.", "Bill Clinton" not "Hillary Clinton"."""
    if surname(a) != surname(b):
        return False
    wa, wb = name_words(a), name_words(b)
    short, full = sorted((wa, wb), key=len)
    if full[len(full) - len(short):] == short:
        return True
    return wa[0] not in PARTICLES and wb[0] not in PARTICLES and same_first(wa[0], wb[0])


def full_names(names: list[str]) -> dict[str, str]:
    """Each name of two or more words written in dev -> the most frequent of the same
    person's (`same_name`), one with a given name first. Until stop 32 every person of one
    surname was merged into the most frequent, so Bill Clinton's words counted as Hillary
    Clinton's."""
    counts = Counter(n for n in names if len(n.split()) >= 2)
    best: dict[str, str] = {}
    # a surname of two words ("De Blasio") is no full name to ask by while one is written
    for name in sorted(counts, key=lambda n: (name_words(n)[0] in PARTICLES, -counts[n])):
        known = next((c for c in dict.fromkeys(best.values()) if same_name(c, name)), None)
        best[name] = known or name
    return best


def canonical_of(person: str, best: dict[str, str]) -> str | None:
    """A dev source's person under its canonical full name; a name dev never wrote in full
    (a surname alone) only when it can be one person alone ("Roberts", with Jennifer
    Roberts and John G. Roberts Jr. in dev, is dropped)."""
    if person in best:
        return best[person]
    found = {c for c in best.values() if same_name(c, person)}
    return found.pop() if len(found) == 1 else None


def make_queries(limit: int | None, nlp=None) -> list[dict]:
    """[{name, relevant: [(article stem, content words)]}] from PolNeAR dev: per person (a
    shorter name in an article is the longest that article gives that person), the annotated
    Content spans, their fragments joined by newlines (until stop 32 the text from the first
    fragment to the last, which for a Content annotated in pieces across an article took in
    every paragraph between them)."""
    nlp = load_nlp() if nlp is None else nlp
    per_article: dict[str, list[tuple[str, str]]] = {}
    for text_path, ann_path in article_files("dev"):
        text = text_path.read_text(encoding="utf-8")
        golds = parse_ann(ann_path)
        sources = resolved_gold_sources(text, golds)
        pairs = []
        for g, src in zip(golds, sources):
            person = person_of(src, nlp) if src and g.content else None
            if person:
                pairs.append((person, "\n".join(text[a:b] for a, b in g.content)))
        fulls: dict[str, str] = {}  # the longest name the article writes of each person
        for person, _ in sorted(pairs, key=lambda pair: -len(pair[0].split())):
            if not any(same_name(person, full) for full in fulls.values()):
                fulls[person] = person
        per_article[text_path.stem] = [
            (next((f for f in fulls if same_name(f, p)), p), c) for p, c in pairs]
    best = full_names([p for pairs in per_article.values() for p, _ in pairs])
    relevant: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for stem, pairs in per_article.items():
        for person, content in pairs:
            name = canonical_of(person, best)
            if name:
                relevant[name].append((stem, content))
    queries = [{"name": n, "relevant": r} for n, r in sorted(relevant.items())]
    return queries[:limit] if limit else queries


def haystack_paths() -> list[Path]:
    return [DATA / "polnear" / "train" / "text", DATA / "polnear" / "dev" / "text", DATA / "bbc"]


def relevant_ids(searcher: Searcher, query: dict, by_stem: dict[str, list[tuple[int, str]]]) -> set[int]:
    """The haystack passages of the query's articles holding one of its Content fragments:
    the fragment's first eight words, or the whole passage inside the fragment. A fragment of
    fewer than three words locates nothing (an annotation of the word "as" as Eric Garner's
    words made every passage with "as" in it relevant, until stop 32)."""
    ids = set()
    for stem, content in query["relevant"]:
        for part in (norm(p) for p in content.split("\n")):
            if len(part.split()) < 3:
                continue
            probe = " ".join(part.split()[:8])
            for pid, text in by_stem.get(stem, []):
                t = norm(text)
                if probe and (probe in t or (len(t) > 40 and t in part)):
                    ids.add(pid)
    return ids


def same_person(name: str, speaker: str | None) -> bool:
    """A hit's speaker is the asked person (`same_name`; a speaker known by surname alone
    matches). Until stop 32 the surname alone decided, so Larry King's words counted for
    Charlie King."""
    return bool(speaker) and same_name(name, speaker)


def question_of(query: dict) -> str:
    """The question asked: a variant's own, else the plain "what did NAME say"."""
    return query.get("question") or f"what did {query['name']} say"


def haystack_tables(searcher: Searcher) -> tuple[dict, dict]:
    """The haystack's passages by article stem, and the passages attributed to anyone of
    each surname, read once for every set and system."""
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
    return by_stem, by_surname


def gold_quotes() -> dict[str, list[tuple[str, str]]]:
    """Per PolNeAR article (train and dev: the haystack holds both), each annotated Content
    (normalised words, see norm) with its Source span as annotated (a pronoun stays a
    pronoun: the issue judges only named sources, so no guessed resolution enters)."""
    out: dict[str, list[tuple[str, str]]] = {}
    for split in ("train", "dev"):
        for text_path, ann_path in article_files(split):
            text = text_path.read_text(encoding="utf-8")
            golds = parse_ann(ann_path)
            out[text_path.stem] = [
                (norm(" ".join(text[a:b] for a, b in g.content)), g.source_text.strip())
                for g in golds if g.content]
    return out


def same_words(quote: str, gold: str) -> bool:
    """The hit's quote and an annotated Content are the same words: one holds the other, or
    the gold holds the quote's first six words (a quote continued past the annotation)."""
    probe = " ".join(quote.split()[:6])
    return bool(quote and gold) and (quote in gold or (len(gold) > 20 and gold in quote)
                                     or (len(probe) > 15 and probe in gold))


def misattributed(name: str, hits: list, golds: dict[str, list[tuple[str, str]]]
                  ) -> tuple[int, int, int]:
    """(labelled, judged, wrong) over the top 5: hits labelled as NAME's words; those whose
    quote is the words of an annotated Content of its PolNeAR article (same_words) with a
    named source; and of those, the ones where no such annotated source is NAME."""
    labelled = judged = wrong = 0
    for h in hits[:5]:
        if not h.quote or not same_person(name, h.speaker):
            continue
        labelled += 1
        quote = norm(h.quote)
        over = [src for gold, src in golds.get(Path(h.path or "").stem, [])
                if same_words(quote, gold)]
        named = [src for src in over if is_name(src)]
        if not named:
            continue
        judged += 1
        wrong += not any(same_person(name, src) or surname(name) in src.lower() for src in named)
    return labelled, judged, wrong


def run(searcher: Searcher, queries: list[dict], understand: bool,
        tables: tuple[dict, dict] | None = None) -> dict:
    by_stem, by_surname = tables or haystack_tables(searcher)
    golds = GOLDS.setdefault("all", gold_quotes())
    rows = []
    for q in queries:
        rel = relevant_ids(searcher, q, by_stem)
        if not rel:
            continue
        question = question_of(q)
        hits = searcher.search(question, k=10, understand=understand)
        flags = [h.passage_id in rel for h in hits]
        # a hit's speaker is judged against whom the question names: a speech-noun question
        # that writes the surname alone ("Blair's reaction to ...") is answered by any
        # person of that surname, since it cannot say which
        asked = q.get("written") or q["name"]
        spk = [same_person(asked, h.speaker) for h in hits]
        # how many passages of the whole haystack the index attributes to NAME (any
        # person with NAME's surname: the loosest reading of the metric): speaker P@5 can
        # only reach min(5, that)/5 for this query, whatever the ranking does
        quoted = len(by_surname.get(surname(q["name"]), ()))
        labelled, judged, wrong = misattributed(asked, hits, golds)
        rows.append({"name": q["name"], "question": question, "relevant": len(rel),
                     "labelled@5": labelled, "judged@5": judged, "misattributed@5": wrong,
                     "attainable_p@5": min(5, quoted) / 5,
                     "ndcg@10": ndcg([float(f) for f in flags], [1.0] * len(rel), 10),
                     "speaker_p@5": precision_at(spk, 5),
                     # the same with a reachable ceiling: a person with R < 5 relevant
                     # passages is judged on the top R (R-precision capped at 5)
                     "speaker_rp@5": precision_at(spk, min(5, len(rel)))})
    return summarize(rows)


def summarize(rows: list[dict]) -> dict:
    """The set's means over its per-query rows (the rows kept under "per_query")."""
    n = len(rows) or 1
    return {"queries": len(rows),
            "ndcg@10": round(sum(r["ndcg@10"] for r in rows) / n, 4),
            "speaker_p@5": round(sum(r["speaker_p@5"] for r in rows) / n, 4),
            "attainable_p@5": round(sum(r["attainable_p@5"] for r in rows) / n, 4),
            "speaker_rp@5": round(sum(r["speaker_rp@5"] for r in rows) / n, 4),
            # of the top-5 hits labelled as NAME's words, the share whose quote the
            # annotators attribute to another named source (micro-averaged)
            "misattributed@5": round(sum(r.get("misattributed@5", 0) for r in rows)
                                     / max(1, sum(r.get("labelled@5", 0) for r in rows)), 4),
            "labelled@5": sum(r.get("labelled@5", 0) for r in rows),
            "judged@5": sum(r.get("judged@5", 0) for r in rows),
            "speaker_p@5_with_5_or_more_relevant": round(
                sum(r["speaker_p@5"] for r in rows if r["relevant"] >= 5)
                / max(1, sum(r["relevant"] >= 5 for r in rows)), 4),
            "per_query": rows}


def metrics_text(res: dict) -> str:
    return (f"queries {res['queries']:>4}  nDCG@10 {res['ndcg@10']:.3f}  "
            f"speaker P@5 {res['speaker_p@5']:.3f}  speaker P@min(5,R) {res['speaker_rp@5']:.3f}  "
            f"P@5 where R>=5 {res['speaker_p@5_with_5_or_more_relevant']:.3f}  "
            f"misattributed@5 {res.get('misattributed@5', 0):.3f} "
            f"(of {res.get('labelled@5', 0)} labelled, {res.get('judged@5', 0)} judged)  "
            f"(P@5 attainable with these attributions {res['attainable_p@5']:.3f})")


def query_sets(queries: list[dict], variants: list[str], nlp) -> dict[str, list[dict]]:
    """The chosen sets, each a list of queries with the plain set's names and passages."""
    makers = {"plain": lambda qs, _: qs, "speech_noun": speech_noun_queries, "role": role_queries}
    return {v: makers[v](queries, nlp) for v in variants}


def show_queries(sets: dict[str, list[dict]]) -> None:
    for variant, queries in sets.items():
        print(f"== {variant}: {len(queries)} questions")
        for q in queries:
            print(f"  {q['name']:<28} {question_of(q)}")


def run_variants(searcher: Searcher, sets: dict[str, list[dict]], tables: tuple[dict, dict],
                 plain: dict[str, dict], out: dict) -> None:
    """Score every variant for both systems, beside the plain figures of the same people
    (`plain`: per system, the plain set's results, or None when it was not run)."""
    variants = [v for v in sets if v != "plain"]
    needed = {q["name"] for v in variants for q in sets[v]}
    for label, understand in SYSTEMS:
        res = plain.get(label) or run(searcher, make_plain(sets, needed), understand, tables)
        plain_rows = {r["name"]: r for r in res["per_query"]}
        for variant in variants:
            vres = run(searcher, sets[variant], understand, tables)
            same = summarize([plain_rows[r["name"]] for r in vres["per_query"]
                              if r["name"] in plain_rows])
            vres["plain_same_people"] = {k: v for k, v in same.items() if k != "per_query"}
            entry = out.setdefault("variants", {}).setdefault(variant, {})
            entry["generated"] = len(sets[variant])
            entry[label] = vres
            print(f"{variant:<12} {label:<36} {metrics_text(vres)}")
            print(f"{'':<12} {'(plain, the same people)':<36} "
                  f"{metrics_text(vres['plain_same_people'])}")


def make_plain(sets: dict[str, list[dict]], names: set[str]) -> list[dict]:
    """The plain questions of these people (from any set: they share name and passages)."""
    seen: dict[str, dict] = {}
    for queries in sets.values():
        for q in queries:
            if q["name"] in names:
                seen.setdefault(q["name"], {"name": q["name"], "relevant": q["relevant"]})
    return [seen[n] for n in sorted(seen)]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="rebuild the haystack index")
    parser.add_argument("--index", default=str(INDEX))
    parser.add_argument("--limit", type=int, default=None, help="at most N names")
    parser.add_argument("--json", help="write results here")
    parser.add_argument("--variants", default=",".join(VARIANTS),
                        help="comma-separated sets to run, of: " + ", ".join(VARIANTS))
    parser.add_argument("--show-queries", action="store_true", help="print the generated questions")
    parser.add_argument("--queries-only", action="store_true",
                        help="generate and print the questions, then exit (needs no index)")
    args = parser.parse_args()
    args.variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    unknown = sorted(set(args.variants) - set(VARIANTS))
    if unknown or not args.variants:
        parser.error(f"--variants: unknown {', '.join(unknown) or '(none given)'}; "
                     f"choose from {', '.join(VARIANTS)}")
    args.variants = [v for v in VARIANTS if v in args.variants]
    return args


def main() -> None:
    args = parse_args()
    if args.queries_only:
        nlp = load_nlp()
        show_queries(query_sets(make_queries(args.limit, nlp), args.variants, nlp))
        return
    config = load_config(index=args.index)
    out: dict = {}
    if args.rebuild or not (Path(args.index) / "CURRENT").exists():
        started = time.perf_counter()
        report = build(haystack_paths(), config, full=args.rebuild)
        out["haystack_build_seconds"] = round(time.perf_counter() - started, 1)
        print(f"haystack: {report.articles} articles, {report.passages} passages, "
              f"{report.attributions} attributions in {out['haystack_build_seconds']} s")
        copies = [s for s in report.skipped if s["reason"].startswith("same article as")]
        if copies:
            print(f"  {len(copies)} files skipped as copies of another")
        for skip in report.skipped:  # an article the build could not take is a changed set
            if skip not in copies:
                print(f"  skipped {skip['path']}: {skip['reason']}")
    nlp = load_nlp()
    sets = query_sets(make_queries(args.limit, nlp), args.variants, nlp)
    if args.show_queries:
        show_queries(sets)
    searcher = Searcher(config)
    tables = haystack_tables(searcher)
    plain: dict[str, dict] = {}
    if "plain" in sets:
        for label, understand in SYSTEMS:
            res = run(searcher, sets["plain"], understand, tables)
            out[label] = plain[label] = res
            print(f"{label:<36} {metrics_text(res)}")
    if set(sets) - {"plain"}:
        run_variants(searcher, sets, tables, plain, out)
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
