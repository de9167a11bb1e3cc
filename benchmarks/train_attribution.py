"""Train the learned attribution pass of archive.quotes on PolNeAR train only.

Usage:
    python benchmarks/train_attribution.py [--out archive/quotes/data/attribution_model.json]

1. Parse train once (cached like attr_devtools.py: benchmarks/results/attr/train.v2.spacy),
   run the rules and collect every candidate of `archive.quotes.candidates` (a
   noun-phrase head, the token it attaches to, string features, rule status).
2. Label a candidate positive when it heads an annotated Source span: its token lies
   inside the span and its syntactic head does not.
3. Logistic regression (scikit-learn, liblinear, L2) over features seen in at least
   --min-count candidates; 5-fold cross-validation grouped by article gives
   out-of-fold probabilities.
4. The add / veto thresholds are chosen on train with those out-of-fold probabilities,
   running the full extraction and the scorer of eval_attribution.py (named-source F1,
   content F1 as tie-break). Dev is never read here.
5. The model refit on all of train is written as JSON (feature -> weight).
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import attr_devtools  # noqa: E402
import eval_attribution as ev  # noqa: E402

from archive.quotes import MODEL_PATH, AttributionModel, cue_sets, extract_docs, load_nlp  # noqa: E402


def collect(split: str = "train"):
    """(rows, article data): one row per candidate with features and label."""
    if split != "train":
        raise SystemExit("train_attribution.py trains on train only")
    nlp = load_nlp()
    files, docs = attr_devtools.parsed(split, nlp)
    speech_beliefs = cue_sets(None, None)
    rows = []
    articles = []
    for art, ((txt, ann), article) in enumerate(zip(files, docs)):
        text = txt.read_text(encoding="utf-8")
        paras = ev.paragraphs_with_offsets(text)
        golds = ev.parse_ann(ann)
        spans = sorted({g.source for g in golds if g.source})
        cands: list = []
        extract_docs(article, *speech_beliefs, collect=cands)
        for para, c in cands:
            base = paras[para][1]
            off = base + c.mention.idx
            head_off = base + c.mention.head.idx
            label = any(a <= off < b and (c.mention.head is c.mention or not a <= head_off < b)
                        for a, b in spans)
            rows.append((art, para, c.mention.i, c.feats, int(label), bool(c.rule)))
        articles.append((txt, ann, text, paras, golds, article))
    return rows, articles


def vectorize(rows, min_count: int):
    """Sparse binary design matrix over features seen >= min_count times."""
    from scipy.sparse import csr_matrix

    counts = Counter(f for r in rows for f in set(r[3]))
    vocab = {f: k for k, f in enumerate(sorted(f for f, n in counts.items() if n >= min_count))}
    indptr, indices = [0], []
    for r in rows:
        ids = sorted({vocab[f] for f in r[3] if f in vocab})
        indices.extend(ids)
        indptr.append(len(indices))
    X = csr_matrix((np.ones(len(indices), dtype=np.float32), indices, indptr), shape=(len(rows), len(vocab)))
    y = np.array([r[4] for r in rows])
    groups = np.array([r[0] for r in rows])
    return X, y, groups, vocab


def fit(X, y, C: float):
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=C, solver="liblinear", max_iter=1000)
    clf.fit(X, y)
    return clf


def out_of_fold(X, y, groups, C: float, folds: int = 5) -> np.ndarray:
    from sklearn.model_selection import GroupKFold

    oof = np.zeros(len(y))
    for tr, te in GroupKFold(n_splits=folds).split(X, y, groups):
        oof[te] = fit(X[tr], y[tr], C).predict_proba(X[te])[:, 1]
    return oof


class OOFScorer(AttributionModel):
    """Scores candidates with precomputed out-of-fold probabilities."""

    def __init__(self, probs: dict, add: float, veto: float) -> None:
        super().__init__({}, 0.0, add, veto)
        self.probs = probs
        self.art = 0

    def score(self, cand, st) -> float:
        return self.probs[(self.art, st.para, cand.mention.i)]


def run_split(articles, model) -> dict:
    """eval_attribution metrics of the extraction with `model` over parsed articles."""
    speech_beliefs = cue_sets(None, None)
    t = ev.Totals()
    for art, (txt, ann, text, paras, golds, docs) in enumerate(articles):
        if isinstance(model, OOFScorer):
            model.art = art
        attrs = extract_docs(docs, *speech_beliefs, model=model)
        ev.score_article(text, golds, ev.to_preds(paras, attrs), t)
    return {
        "source_strict": ev.prf(t.src_strict, t.src_pred, t.src_gold),
        "source_named": ev.prf(t.named_tp, t.named_pred, t.named_gold),
        "content": ev.prf(t.content_tp, t.content_pred, t.content_gold),
        "speaker_match": round(t.speaker_ok / t.content_tp, 4) if t.content_tp else 0.0,
    }


def short(res: dict) -> str:
    n, c, s = res["source_named"], res["content"], res["source_strict"]
    return (f"named P {n['p']:.3f} R {n['r']:.3f} F1 {n['f1']:.3f} | strict F1 {s['f1']:.3f} | "
            f"content F1 {c['f1']:.3f} | speaker {res['speaker_match']:.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=str(MODEL_PATH))
    ap.add_argument("--min-count", type=int, default=3)
    ap.add_argument("--C", type=float, nargs="+", default=[0.2])
    ap.add_argument("--add", type=float, nargs="+", default=[0.4, 0.45, 0.5])
    ap.add_argument("--veto", type=float, nargs="+", default=[0.2, 0.25, 0.3, 0.35, 0.4])
    ap.add_argument("--prune", type=float, default=0.01,
                    help="drop weights smaller than this in absolute value (file size)")
    args = ap.parse_args()
    from sklearn.metrics import average_precision_score, roc_auc_score

    t0 = time.perf_counter()
    rows, articles = collect("train")
    X, y, groups, vocab = vectorize(rows, args.min_count)
    print(f"{len(rows)} candidates, {int(y.sum())} positive, {len(vocab)} features "
          f"({time.perf_counter() - t0:.0f}s)")
    best_c, best_ap, oof = None, -1.0, None
    for C in args.C:
        o = out_of_fold(X, y, groups, C)
        ap_ = average_precision_score(y, o)
        print(f"C={C}: out-of-fold AUC {roc_auc_score(y, o):.4f} AP {ap_:.4f}")
        if ap_ > best_ap:
            best_c, best_ap, oof = C, ap_, o
    probs = {(r[0], r[1], r[2]): float(p) for r, p in zip(rows, oof)}
    print("rules only (train):", short(run_split(articles, None)))
    # thresholds: add first (no veto), then veto at the best add
    key = lambda res: (res["source_named"]["f1"], res["content"]["f1"])  # noqa: E731
    results = {}
    for add in args.add:
        results[(add, 0.0)] = run_split(articles, OOFScorer(probs, add, 0.0))
        print(f"add {add:.2f} veto 0.00:", short(results[(add, 0.0)]))
    best_add = max((k for k in results), key=lambda k: key(results[k]))[0]
    for veto in args.veto:
        if veto == 0.0:
            continue
        results[(best_add, veto)] = run_split(articles, OOFScorer(probs, best_add, veto))
        print(f"add {best_add:.2f} veto {veto:.2f}:", short(results[(best_add, veto)]))
    add, veto = max(results, key=lambda k: key(results[k]))
    print(f"chosen: C={best_c} add={add} veto={veto}: {short(results[(add, veto)])}")
    clf = fit(X, y, best_c)
    names = sorted(vocab, key=vocab.get)
    weights = {f: round(float(w), 4) for f, w in zip(names, clf.coef_[0]) if abs(w) >= args.prune}
    model = AttributionModel(weights, round(float(clf.intercept_[0]), 4), add, veto, meta={
        "trained_on": "PolNeAR v1.0.0 train (first annotator per article)",
        "script": "benchmarks/train_attribution.py",
        "C": best_c, "min_count": args.min_count, "prune": args.prune, "candidates": len(rows),
        "positives": int(y.sum()), "cv_average_precision": round(best_ap, 4),
        "cv_train_metrics": results[(add, veto)],
    })
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(model.to_json() + "\n", encoding="utf-8")
    print(f"wrote {out} ({len(weights)} weights, {out.stat().st_size // 1024} KiB) "
          f"in {time.perf_counter() - t0:.0f}s")


if __name__ == "__main__":
    main()
