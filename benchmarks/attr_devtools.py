"""Development helper for attribution rules: parse a PolNeAR split once, then re-run
only the rules (seconds instead of minutes) and list misses.

Usage:
    python benchmarks/attr_devtools.py --split train [--fn out.txt] [--fp out.txt] [--rules-only]
    python benchmarks/attr_devtools.py --split dev --timing   # seconds per 1,000 paragraphs
    python benchmarks/attr_devtools.py --split train-heldout --tagger archive/embed/data/quote_tagger \
        [--variants bounds,add,continue]   # the quote tagger's pass, each step switched off in turn

The learned pass (archive/quotes/data/attribution_model.json) runs unless --rules-only.

The spaCy parses are cached under benchmarks/results/attr/<split>.v3.spacy (git-ignored).
Metrics are those of eval_attribution.py (same scoring code). Only train and dev.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import eval_attribution as ev  # noqa: E402

from archive.quotes import cue_sets, extract_docs, load_model, load_nlp, parse_article  # noqa: E402

CACHE = Path(__file__).resolve().parent / "results" / "attr"


def files_of(split: str) -> list:
    """The split's (text, annotation) pairs; "train-heldout" is every 10th train article, the
    ones benchmarks/train_quote_tagger.py keeps out of the tagger's training (the tagger
    pass's settings are chosen on them)."""
    if split == "train-heldout":
        return [f for i, f in enumerate(ev.article_files("train")) if i % 10 == 9]
    return ev.article_files(split)


def parsed(split: str, nlp) -> tuple[list, list]:
    """(files, docs per article), from the cache when present."""
    from spacy.tokens import DocBin

    files = files_of(split)
    path = CACHE / f"{split}.v3.spacy"  # v3: paragraphs as a build makes them (stop 26)
    texts = [[p for p, _ in ev.paragraphs_with_offsets(t.read_text(encoding="utf-8"))] for t, _ in files]
    if path.exists():
        docs = list(DocBin().from_bytes(path.read_bytes()).get_docs(nlp.vocab))
    else:
        docs = [d for ps in texts for d in parse_article(ps, nlp)]  # as the archive parses
        CACHE.mkdir(parents=True, exist_ok=True)
        path.write_bytes(DocBin(docs=docs, store_user_data=False).to_bytes())
    out, k = [], 0
    for ps in texts:
        out.append(docs[k : k + len(ps)])
        k += len(ps)
    return files, out


def readings_of(split: str, folder: str | None, files: list) -> list | None:
    """The quote tagger's readings of every paragraph, per article (None without a tagger)."""
    if not folder:
        return None
    from archive.embed import QuoteTagger
    tagger = QuoteTagger(folder)
    texts = [[p for p, _ in ev.paragraphs_with_offsets(t.read_text(encoding="utf-8"))]
             for t, _ in files]
    start = time.perf_counter()
    out = [tagger(ps) for ps in texts]  # one article at a time, as a build reads them
    print(f"tagger: {sum(map(len, texts))} paragraphs in {time.perf_counter() - start:.1f}s")
    return out


def run(split: str, fn_path: str | None, fp_path: str | None, learned: bool = True,
        readings: list | None = None, descriptions: bool = True) -> dict:
    nlp = load_nlp()
    files, docs = parsed(split, nlp)
    speech_beliefs = cue_sets(None, None)
    model = load_model() if learned else None
    t = ev.Totals()
    fns, fps = [], []
    shown = {th: [0, 0] for th in ev.SHOWN_THRESHOLDS}
    start = time.perf_counter()
    found = [extract_docs(article, *speech_beliefs, model=model,
                          readings=readings[n] if readings is not None else None)
             for n, article in enumerate(docs)]
    if descriptions:
        ev.describe(found)  # as a build of the split resolves them
    for (txt, ann), attrs in zip(files, found):
        text = txt.read_text(encoding="utf-8")
        paras = ev.paragraphs_with_offsets(text)
        golds = ev.parse_ann(ann)
        preds = ev.to_preds(paras, attrs)
        ev.score_article(text, golds, preds, t)
        ev.shown_precision(text, golds, paras, attrs, shown)
        # named-source misses and false alarms
        gsrc = sorted({g.source for g in golds if g.source})
        psrc = list({p.source: p for p in reversed([p for p in preds if p.source])}.values())[::-1]
        gnamed = [g for g in gsrc if ev.is_named(text[g[0]:g[1]])]
        pnamed = [p for p in psrc if ev.is_named(p.speaker_text)]
        used_g, used_p = set(), set()
        for gi, g in enumerate(gnamed):
            for k, p in enumerate(pnamed):
                if k not in used_p and ev.lenient(text, g, p):
                    used_p.add(k)
                    used_g.add(gi)
                    break
        cues = {g.source: g for g in golds if g.source}
        for gi, g in enumerate(gnamed):
            if gi in used_g:
                continue
            gold = cues[g]
            a = max(0, min([g[0]] + [c[0] for c in gold.content]) - 0)
            b = max([g[1]] + [c[1] for c in gold.content])
            ctx = text[max(0, a - 60):min(len(text), b + 20)].replace("\n", " ")
            fns.append(f"{txt.stem}\t[{text[g[0]:g[1]]}]\tcue=[{gold.cue}]\t{ctx}")
        for k, p in enumerate(pnamed):
            if k in used_p:
                continue
            a, b = p.source
            content = " | ".join(text[c0:c1] for c0, c1 in p.content)[:200]
            fps.append(f"{txt.stem}\t[{p.speaker_text}]->{p.speaker}\t{content}")
    secs = time.perf_counter() - start
    res = {
        "source_strict": ev.prf(t.src_strict, t.src_pred, t.src_gold),
        "source_named": ev.prf(t.named_tp, t.named_pred, t.named_gold),
        "content": ev.prf(t.content_tp, t.content_pred, t.content_gold),
        "speaker_match": round(t.speaker_ok / t.content_tp, 4) if t.content_tp else 0.0,
        "speaker_match_named_gold": (round(t.name_ok / t.name_matched, 4)
                                     if t.name_matched else 0.0),
        "seconds": round(secs, 1),
        "shown_precision": {th: (round(c[0] / c[1], 4) if c[1] else 0.0, c[1])
                            for th, c in shown.items()},
    }
    if fn_path:
        Path(fn_path).write_text("\n".join(fns), encoding="utf-8")
    if fp_path:
        Path(fp_path).write_text("\n".join(fps), encoding="utf-8")
    Path(CACHE / f"speaker_errors_{split}.json").write_text(json.dumps(t.errors, indent=1))
    return res


def timing(split: str, n: int = 1000, repeats: int = 3) -> None:
    """Extraction seconds per 1,000 paragraphs: spaCy parse of the first `n` paragraphs,
    then rules only and rules + learned pass on those parses (best of `repeats`)."""
    nlp = load_nlp()
    files, _ = parsed(split, nlp)
    articles, total = [], 0
    for txt, _ in files:
        paras = [p for p, _ in ev.paragraphs_with_offsets(txt.read_text(encoding="utf-8"))]
        articles.append(paras[: n - total])
        total += len(articles[-1])
        if total >= n:
            break
    start = time.perf_counter()
    docs = [parse_article(a, nlp) for a in articles]
    parse = time.perf_counter() - start
    speech_beliefs = cue_sets(None, None)
    model = load_model()
    best = {}
    for name, m in (("rules", None), ("learned", model), ("rules", None), ("learned", model)) * repeats:
        start = time.perf_counter()
        for d in docs:
            extract_docs(d, *speech_beliefs, model=m)
        best[name] = min(best.get(name, 1e9), time.perf_counter() - start)
    per = 1000 / total
    before, after = parse + best["rules"], parse + best["learned"]
    print(f"{total} {split} paragraphs, seconds per 1,000: spaCy parse {parse * per:.2f}, "
          f"rules {best['rules'] * per:.2f}, rules + learned {best['learned'] * per:.2f}")
    print(f"extraction (parse + attribution) before {before * per:.2f}s, after {after * per:.2f}s, "
          f"ratio {after / before:.3f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="train", choices=["train", "dev", "train-heldout"])
    ap.add_argument("--fn", default=None)
    ap.add_argument("--fp", default=None)
    ap.add_argument("--rules-only", action="store_true", help="skip the learned pass")
    ap.add_argument("--timing", action="store_true", help="seconds per 1,000 paragraphs")
    ap.add_argument("--tagger", default=None, help="a quote tagger folder (the tagger pass)")
    ap.add_argument("--variants", default="",
                    help="comma-separated tagger-pass variants, each run after the full pass: "
                         "a step switched off (bounds, add, continue) or a setting "
                         "(confidence=min|content, add_content=0.6, resolved_factor=1.0)")
    ap.add_argument("--no-descriptions", action="store_true",
                    help="leave descriptions unresolved (extraction of one article alone)")
    args = ap.parse_args()
    if args.timing:
        timing(args.split)
        return
    files = files_of(args.split)
    readings = readings_of(args.split, args.tagger, files)
    runs = [("rules" if readings is None else "rules + tagger", None)]
    runs += [(f"with {v}", v) for v in args.variants.split(",") if v]
    from archive.quotes import tagged
    for name, change in runs:
        saved = dict(tagged.SETTINGS)
        # "bounds" switches a step off; "confidence=min", "far_factor=1.0" set one; joined
        # with "+", several at once ("add=1+add_sources=named")
        for one in change.split("+") if change else []:
            key, _, value = one.partition("=")
            tagged.SETTINGS[key] = (False if not value else value
                                    if key in ("confidence", "add_sources") else float(value))
        res = run(args.split, args.fn, args.fp, learned=not args.rules_only, readings=readings,
                  descriptions=not args.no_descriptions)
        tagged.SETTINGS.update(saved)
        print(f"== {name}")
        for k in ("source_strict", "source_named", "content"):
            m = res[k]
            print(f"{k:<15} P {m['p']:.3f} R {m['r']:.3f} F1 {m['f1']:.3f}  "
                  f"({m['tp']}/{m['pred']}/{m['gold']})")
        print(f"speaker_match {res['speaker_match']:.3f} (gold source a proper name: "
              f"{res['speaker_match_named_gold']:.3f})  extraction {res['seconds']}s")
        print("shown precision by confidence threshold: " + ", ".join(
            f"{th}: {p:.3f} ({n})" for th, (p, n) in res["shown_precision"].items()))


if __name__ == "__main__":
    main()
