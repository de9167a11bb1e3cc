"""Evaluate archive.quotes.extract_article on PolNeAR (brat standoff attributions).

Usage:
    python benchmarks/eval_attribution.py --split dev [--limit N] [--json out.json] [--rules-only]
        [--no-tagger]

--rules-only skips the learned classifier pass of archive.quotes; --no-tagger skips the quote
tagger's pass (archive.quotes.tagged with the shipped archive.embed.QuoteTagger), which runs by
default as it does in a build.

Only the train and dev splits are allowed: test is held out.

Metrics (all micro-averaged over the split):

- Source strict: a predicted speaker span equals a gold Source span exactly.
- Source lenient: spans overlap and their last words agree (so "Lavrov" vs "Russian
  Foreign Minister Sergey Lavrov" or "Pence" vs "Mike Pence (R-IN)" count), or the
  predicted name's last word lies inside the gold span.
- Predicted source spans are de-duplicated like the gold ones (gold Source spans are a
  set): one speaker phrase cueing two verbs ("X said ... and added ...") is one source
  prediction, not one true and one false positive. (Before this fix the duplicate
  counted against precision while the gold side could never have it; content, speaker
  match and all recall denominators are unchanged.)
- Source named: the lenient score restricted to spans containing a capitalised word
  that is not a pronoun/determiner (gold and predicted filtered alike).
- Source speech cues: recall counted only over gold attributions whose cue contains a
  speech verb of DEFAULT_CUES, "according to" or a colon (PolNeAR also annotates
  beliefs, polls "showing", "calling for", ...). Precision is over all predictions
  against all gold sources, so this is an upper-bound-ish view of the speech subset.
- Content speech cues (since stop 27): content recall over the gold attributions with a
  speech cue (as for source speech cues), precision over all predictions.
- Content: a gold Content (discontinuous fragments joined) matches a predicted content
  when they share at least 50% of the tokens of each (predictions with the same cue,
  and quote continuations across paragraphs, are joined first, as PolNeAR annotates a
  multi-part quote as one attribution).
- Shown precision: of the attributions that would label a passage as a named person's words
  (a resolved person speaker, confidence at least the threshold; ARCHIVE_LABEL_CONFIDENCE in
  a build; a direct quote, or reported content with a speech cue: since stop 27 "X unveiled
  a plan" labels nothing, as in archive.search), the share that an annotated attribution
  holding at least half of its words attributes to the same person (sources resolved as
  for speaker match; one whose only matching annotations have a speech verb as Source span,
  an annotation slip, is not judged). Reported per threshold.
- Speaker match: over gold attributions whose Content was matched, the share whose
  predicted speaker agrees with the annotated Source. Annotated pronoun sources ("he",
  "she", "who", ...) and definite role descriptions ("The Republican nominee") are
  replaced by the nearest preceding annotated Source that names someone (`gives_name`: it
  ends in a capitalised name, or begins with one before a comma, "Robert Egge, executive
  director of the Alzheimer's Impact Movement, whose advocates ..."; until stop 26 only the
  first form counted, so a "he said" after such a source went to the name before it); then
  the last capitalised word (surname) of both sides is compared case-insensitively,
  or the predicted surname may appear anywhere in the annotated source ("Huma Abedin,
  vice chairwoman for Clinton's campaign,"). Unnamed sources ("officials") compare the
  last word of the span. A prediction with no resolved speaker compares its speaker_text.

Extraction runs article by article; then, as a build of the split would, descriptions the
article never attaches to a name ("The Republican nominee said") are resolved with the roles
all the split's articles write for their speakers (archive.quotes.resolve_descriptions; off
with --no-descriptions, the figures before stop 30).

One annotation file per article is used: the first in sorted order when several
annotators worked on it.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive.models import Attribution  # noqa: E402
from archive.quotes import (DEFAULT_CUES, extract_article, is_speech_cue, load_nlp,  # noqa: E402
                            resolve_descriptions)
from archive.text import one_paragraph_per_line  # noqa: E402
from archive.text.names import misspelt_surname  # noqa: E402

DATA = Path("/work/shared/data/polnear")
PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "him", "her", "them", "his", "who"}
STOP_CAPS = {"the", "a", "an", "he", "she", "they", "it", "we", "i", "his", "her", "their",
             "its", "our", "this", "that", "these", "those", "some", "many", "one"}
NAME_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
WORD = re.compile(r"[\w’'\-\.]+")


@dataclass
class Gold:
    """One annotated attribution: file-offset spans of source and content."""

    source: tuple[int, int] | None
    source_text: str
    content: list[tuple[int, int]]
    cue: str = ""
    speech: bool = False  # cue is a speech verb (DEFAULT_CUES), "according to" or ":"


@dataclass
class Pred:
    """Predicted attributions sharing a cue, in file offsets."""

    source: tuple[int, int] | None
    speaker: str | None
    speaker_text: str
    content: list[tuple[int, int]] = field(default_factory=list)


def parse_ann(path: Path) -> list[Gold]:
    """Read brat T/E lines into Gold records."""
    spans: dict[str, tuple[list[tuple[int, int]], str]] = {}
    events: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("T") and line.count("\t") >= 2:
            # (a line without tabs continues the text of a span that contains a newline)
            tid, mid, text = (line.split("\t") + ["", ""])[:3]
            frags = [tuple(map(int, f.split()[-2:])) for f in mid.split(";")]
            spans[tid] = ([(a, b) for a, b in frags], text)
        elif line.startswith("E"):
            args = line.split("\t")[1].split()
            events.append(dict(a.split(":", 1) for a in args if ":" in a))
    out = []
    for ev in events:
        if "Content" not in ev or ev["Content"] not in spans:
            continue
        src = spans.get(ev.get("Source", ""))
        source = (src[0][0][0], src[0][-1][1]) if src else None
        cue = spans.get(ev.get("Cue", ""), ([], ""))[1]
        out.append(Gold(source, src[1] if src else "", spans[ev["Content"]][0], cue))
    return out


def mark_speech(golds: list[Gold], nlp) -> None:
    """Flag gold attributions whose cue contains a speech verb of DEFAULT_CUES."""
    for g, doc in zip(golds, nlp.pipe(g.cue for g in golds)):
        low = g.cue.lower()
        g.speech = (":" in low or "according" in low
                    or any(t.lemma_.lower() in DEFAULT_CUES or t.lower_ in DEFAULT_CUES for t in doc))


def paragraphs_with_offsets(text: str) -> list[tuple[str, int]]:
    """The paragraphs an archive build makes of the text, with their file offsets (whitespace
    trimmed): blank-line separated blocks, each line its own paragraph in a block written one
    paragraph per line (archive.text.one_paragraph_per_line; before stop 26 every block was one
    paragraph here and in a build)."""
    out = []
    for m in re.finditer(r"(?:[^\n]|\n(?!\s*\n))+", text):
        lines = [x for x in re.finditer(r"[^\n]+", m.group(0)) if x.group(0).strip()]
        if not lines:
            continue
        pieces = ([(x.group(0), m.start() + x.start()) for x in lines]
                  if one_paragraph_per_line([x.group(0).strip() for x in lines])
                  else [(m.group(0), m.start())])
        for piece, at in pieces:
            out.append((piece.strip(), at + len(piece) - len(piece.lstrip())))
    return out


def to_preds(paras: list[tuple[str, int]], attrs: list[list[Attribution]]) -> list[Pred]:
    """Group paragraph attributions by cue and convert offsets to file offsets."""
    preds: list[Pred] = []
    by_key: dict[tuple[int, int], Pred] = {}
    for (_, base), plist in zip(paras, attrs):
        for a in plist:
            content = (base + a.content_start, base + a.content_end)
            if a.cue_start < 0 and preds and preds[-1].speaker == a.speaker:
                preds[-1].content.append(content)  # continuation of the previous quote
                continue
            key = (base + a.cue_start, base + a.speaker_start)
            if a.cue_start >= 0 and key in by_key:
                by_key[key].content.append(content)
                continue
            src = (base + a.speaker_start, base + a.speaker_end) if a.speaker_start >= 0 else None
            pred = Pred(src, a.speaker, a.speaker_text, [content])
            preds.append(pred)
            by_key[key] = pred
    return preds


def tokens(text: str, spans: list[tuple[int, int]]) -> set[int]:
    """Start offsets of word tokens inside the spans."""
    out: set[int] = set()
    for a, b in spans:
        out.update(a + m.start() for m in WORD.finditer(text[a:b]))
    return out


def last_word(s: str) -> str:
    """Last word of a name-ish string, lower-cased, without possessive or parenthesis."""
    s = re.sub(r"\([^)]*\)", "", s)
    words = [w for w in re.findall(r"[A-Za-z][\w\-]*", s) if w.lower() not in {"s", "jr", "sr"}]
    return words[-1].lower() if words else ""


def surname(s: str) -> str:
    """Last capitalised word (a surname for names), else the last word; a name suffix is no
    surname ("John G. Roberts Jr." -> "roberts", "Vann R. Newkirk II" -> "newkirk"; until
    stop 27 they were "jr" and "ii", so those people never matched themselves)."""
    s = re.sub(r"\([^)]*\)", "", s)
    caps = [w for w in re.findall(r"[A-Z][\w\-]*", s)
            if w.lower() not in STOP_CAPS and w.lower() not in NAME_SUFFIXES]
    return caps[-1].lower() if caps else last_word(s)


def is_named(s: str) -> bool:
    """Contains a capitalised word that is not a pronoun/determiner."""
    return any(w[0].isupper() and w.lower() not in STOP_CAPS for w in re.findall(r"[A-Za-z]+", s))


def is_description(s: str) -> bool:
    """A definite role description such as "The Republican presidential nominee"."""
    words = re.findall(r"[A-Za-z][\w\-]*", s)
    return len(words) >= 2 and words[0].lower() == "the" and words[-1].islower()


def is_name(s: str) -> bool:
    """A proper name as source: ends with a capitalised word ("Sergey Lavrov", "Trump")."""
    words = re.findall(r"[A-Za-z][\w\-]*", re.sub(r"\([^)]*\)", "", s))
    return bool(words) and words[-1][0].isupper() and words[-1].lower() not in STOP_CAPS


def gives_name(s: str) -> bool:
    """A source phrase that names someone: a proper name (`is_name`), or one before a comma
    followed by an apposition or relative clause ("Christopher Preble, vice president for
    defense ... at the Cato Institute, a libertarian policy group")."""
    return is_name(s) or is_name(s.split(",", 1)[0])


def lenient(text: str, g: tuple[int, int], p: Pred) -> bool:
    """Overlap plus agreeing last word (or predicted name's surname inside gold)."""
    a, b = p.source  # type: ignore[misc]
    if a >= g[1] or g[0] >= b:
        return False
    if last_word(text[a:b]) == last_word(text[g[0]:g[1]]):
        return True
    return bool(p.speaker) and surname(p.speaker) in text[g[0]:g[1]].lower()


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    """Precision, recall, F1."""
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4), "tp": tp, "pred": n_pred, "gold": n_gold}


def match_sources(text: str, golds: list[tuple[int, int]], preds: list[Pred], strict: bool) -> int:
    """Greedy one-to-one matching of source spans; returns true positives."""
    used: set[int] = set()
    tp = 0
    for g in golds:
        for k, p in enumerate(preds):
            if k in used or p.source is None:
                continue
            if (p.source == g) if strict else lenient(text, g, p):
                used.add(k)
                tp += 1
                break
    return tp


def resolved_gold_sources(text: str, golds: list[Gold]) -> list[str]:
    """Annotated source text per gold, pronouns replaced by the previous named source."""
    order = sorted(range(len(golds)), key=lambda i: golds[i].source or (10**9, 0))
    out = [""] * len(golds)
    last_named = ""
    for i in order:
        g = golds[i]
        s = g.source_text.strip()
        if (s.lower() in PRONOUNS or is_description(s)) and last_named:
            out[i] = last_named
        else:
            out[i] = s
            if gives_name(s):
                last_named = s
    return out


@dataclass
class Totals:
    """Running counts over articles."""

    src_gold: int = 0
    src_pred: int = 0
    src_strict: int = 0
    src_lenient: int = 0
    named_gold: int = 0
    named_pred: int = 0
    named_tp: int = 0
    content_gold: int = 0
    content_pred: int = 0
    content_tp: int = 0
    speaker_ok: int = 0
    speech_gold: int = 0
    speech_tp: int = 0
    content_speech_gold: int = 0
    content_speech_tp: int = 0
    name_matched: int = 0
    name_ok: int = 0
    paragraphs: int = 0
    seconds: float = 0.0
    errors: list[dict] = field(default_factory=list)


def score_article(text: str, golds: list[Gold], preds: list[Pred], t: Totals) -> None:
    """Add one article's matches to the totals."""
    gsrc = sorted({g.source for g in golds if g.source})
    psrc = list({p.source: p for p in reversed([p for p in preds if p.source])}.values())[::-1]
    t.src_gold += len(gsrc)
    t.src_pred += len(psrc)
    t.src_strict += match_sources(text, gsrc, psrc, strict=True)
    t.src_lenient += match_sources(text, gsrc, psrc, strict=False)
    gnamed = [g for g in gsrc if is_named(text[g[0]:g[1]])]
    pnamed = [p for p in psrc if is_named(p.speaker_text)]
    t.named_gold += len(gnamed)
    t.named_pred += len(pnamed)
    t.named_tp += match_sources(text, gnamed, pnamed, strict=False)
    gspeech = sorted({g.source for g in golds if g.source and g.speech})
    t.speech_gold += len(gspeech)
    t.speech_tp += match_sources(text, gspeech, psrc, strict=False)
    t.content_gold += len(golds)
    t.content_speech_gold += sum(g.speech for g in golds)
    t.content_pred += len(preds)
    resolved = resolved_gold_sources(text, golds)
    used: set[int] = set()
    for g, gsource in zip(golds, resolved):
        gt = tokens(text, g.content)
        for k, p in enumerate(preds):
            pt = tokens(text, p.content)
            inter = len(gt & pt)
            if k in used or not gt or not pt or inter < 0.5 * len(gt) or inter < 0.5 * len(pt):
                continue
            used.add(k)
            t.content_tp += 1
            t.content_speech_tp += g.speech
            ok = speaker_agrees(gsource, p)
            t.speaker_ok += ok
            if gives_name(g.source_text):
                t.name_matched += 1
                t.name_ok += ok
            if not ok and len(t.errors) < 200:
                t.errors.append({"gold": gsource, "pred": p.speaker, "pred_text": p.speaker_text})
            break


# a Source span that is a speech verb: an annotation slip, never judged
CUE_AS_SOURCE = {"said", "says", "say", "told", "tells", "added", "wrote", "writes", "asked",
                 "noted", "stated", "explained"}
SHOWN_THRESHOLDS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95)


def shown_precision(text: str, golds: list[Gold], paras: list[tuple[str, int]],
                    attrs: list[list[Attribution]], counts: dict[float, list[int]]) -> None:
    """What a journalist sees: every attribution that labels a passage as a named person's
    words (a resolved person speaker) is right when an annotated attribution whose content
    holds at least half of its words has a source that agrees with it (pronoun and role
    sources resolved as for speaker match). `counts[t]` gets [right, shown] over the
    attributions of confidence >= t (an attribution without a confidence always counts).
    An attribution whose only matching annotations have a cue word as their Source span (an
    annotation slip: Source "said") is not judged."""
    resolved = resolved_gold_sources(text, golds)
    for (_, base), plist in zip(paras, attrs):
        for a in plist:
            if not a.speaker or getattr(a, "speaker_type", None) != "person":
                continue
            if not a.direct and not is_speech_cue(a.cue or ""):
                continue  # labels nothing (archive.search.speakers.labelled, since stop 27)
            pt = tokens(text, [(base + a.content_start, base + a.content_end)])
            if not pt:
                continue
            pred = Pred(None, a.speaker, a.speaker_text)
            over = [gs for g, gs in zip(golds, resolved)
                    if len(pt & tokens(text, g.content)) >= 0.5 * len(pt)]
            if over and all(gs.strip().lower() in CUE_AS_SOURCE for gs in over):
                continue
            ok = any(speaker_agrees(gs, pred) for gs in over)
            conf = a.confidence if a.confidence is not None else 1.0
            for t, c in counts.items():
                if conf >= t:
                    c[0] += ok
                    c[1] += 1


def speaker_agrees(gold_source: str, p: Pred) -> bool:
    """Surname comparison of the annotated source and the predicted speaker."""
    if not gold_source:
        return False
    pred = p.speaker or p.speaker_text
    if is_named(gold_source):
        gold_words = {w.lower() for w in re.findall(r"[A-Za-z][\w\-]*", gold_source)}
        return (surname(gold_source) == surname(pred) or surname(pred) in gold_words
                or respelt(gold_source, p))
    return last_word(gold_source) == last_word(p.speaker_text)


def respelt(gold_source: str, p: Pred) -> bool:
    """The annotated name misspells the speaker's surname: the speaker is the article's full
    name that a misspelt mention was resolved to ("McLenney", and "she" after it, resolved to
    Tyresha McClenney by archive.quotes.people.ArticleIndex.expand; since stop 33). Counted
    as the same person, as a misspelling is (archive.text.names.misspelt_surname)."""
    return bool(p.speaker) and misspelt_surname(surname(gold_source), surname(p.speaker))


def article_files(split: str) -> list[tuple[Path, Path]]:
    """(text, annotation) pairs, first annotator in sorted order per article."""
    root = DATA / split
    chosen: dict[str, Path] = {}
    for ann in sorted((root / "attributions").glob("*.ann")):
        name = ann.stem.rsplit("_", 1)[0]
        chosen.setdefault(name, ann)
    return [(root / "text" / f"{n}.txt", a) for n, a in sorted(chosen.items())
            if (root / "text" / f"{n}.txt").exists()]


def describe(articles) -> int:  # noqa: ANN001
    """Descriptions ("The Republican nominee said") resolved as a build of these articles
    resolves them (archive.build.attribution.resolve_described): with every role the
    articles write for each speaker."""
    articles = [[a for para in attrs for a in para] for attrs in articles]
    roles: dict[str, set[str]] = {}
    for attrs in articles:
        for a in attrs:
            if a.speaker and a.role and a.speaker_type == "person":
                roles.setdefault(a.speaker, set()).add(a.role)
    return resolve_descriptions(articles, roles)


def evaluate(split: str, limit: int | None = None, learned: bool = True,
             tagger=None, descriptions: bool = True) -> dict:
    """Run extraction over a split and return the metrics dictionary (`descriptions`: as a
    build of the split, which resolves descriptions with the roles of all its articles)."""
    if split == "test":
        raise SystemExit("The test split is held out: evaluate on train or dev.")
    nlp = load_nlp()
    t = Totals()
    shown = {th: [0, 0] for th in SHOWN_THRESHOLDS}
    files = article_files(split)[: limit or None]
    extracted = []
    for txt, ann in files:
        text = txt.read_text(encoding="utf-8")
        paras = paragraphs_with_offsets(text)
        start = time.perf_counter()
        attrs = extract_article([p for p, _ in paras], nlp=nlp, learned=learned, tagger=tagger)
        t.seconds += time.perf_counter() - start
        t.paragraphs += len(paras)
        extracted.append((txt, ann, text, paras, attrs))
    if descriptions:
        describe(attrs for *_, attrs in extracted)
    for txt, ann, text, paras, attrs in extracted:
        golds = parse_ann(ann)
        mark_speech(golds, nlp)
        score_article(text, golds, to_preds(paras, attrs), t)
        shown_precision(text, golds, paras, attrs, shown)
    return {
        "split": split,
        "articles": len(files),
        "source_strict": prf(t.src_strict, t.src_pred, t.src_gold),
        "source_lenient": prf(t.src_lenient, t.src_pred, t.src_gold),
        "source_named": prf(t.named_tp, t.named_pred, t.named_gold),
        "source_speech_cues": prf(t.speech_tp, t.src_pred, t.speech_gold),
        "content": prf(t.content_tp, t.content_pred, t.content_gold),
        # recall over the annotated contents whose cue is a speech verb, "according to" or a
        # colon (PolNeAR also annotates "unleashed a flurry of tweets", "sent a letter");
        # precision over every prediction, as for source_speech_cues
        "content_speech_cues": prf(t.content_speech_tp, t.content_pred, t.content_speech_gold),
        "speaker_match_named_gold": round(t.name_ok / t.name_matched, 4) if t.name_matched else 0.0,
        "speaker_match": round(t.speaker_ok / t.content_tp, 4) if t.content_tp else 0.0,
        "speaker_matched": t.speaker_ok,
        "paragraphs": t.paragraphs,
        "paragraphs_per_second": round(t.paragraphs / t.seconds, 1) if t.seconds else 0.0,
        "tagger": tagger.version if tagger is not None else None,
        # of the attributions that label a passage as a named person's words (confidence
        # >= ARCHIVE_LABEL_CONFIDENCE), the share the annotators attribute to that person
        "shown_precision": {str(th): {"precision": round(c[0] / c[1], 4) if c[1] else 0.0,
                                      "shown": c[1]} for th, c in shown.items()},
        "speaker_errors_sample": t.errors[:40],
    }


def print_table(res: dict) -> None:
    """Human-readable summary."""
    print(f"PolNeAR {res['split']}: {res['articles']} articles, {res['paragraphs']} paragraphs")
    print(f"{'metric':<20}{'P':>8}{'R':>8}{'F1':>8}{'tp':>7}{'pred':>7}{'gold':>7}")
    for key in ("source_strict", "source_lenient", "source_named", "source_speech_cues", "content",
                "content_speech_cues"):
        m = res[key]
        print(f"{key:<20}{m['p']:>8.3f}{m['r']:>8.3f}{m['f1']:>8.3f}{m['tp']:>7}{m['pred']:>7}{m['gold']:>7}")
    print(f"speaker match (of matched contents): {res['speaker_match']:.3f}"
          f" ({res['speaker_matched']}/{res['content']['tp']});"
          f" gold source a proper name: {res['speaker_match_named_gold']:.3f}")
    print(f"speed: {res['paragraphs_per_second']} paragraphs/second (spaCy + rules"
          f"{' + quote tagger' if res['tagger'] else ''}, 1 process)")
    print("shown precision (labels a passage) by least confidence: " + ", ".join(
        f"{th}: {v['precision']:.3f} ({v['shown']})" for th, v in res["shown_precision"].items()))


def main(argv: list[str] | None = None) -> None:
    """CLI entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", default="dev", choices=["train", "dev"])
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--json", dest="json_path", default=None)
    ap.add_argument("--rules-only", action="store_true", help="skip the learned classifier pass")
    ap.add_argument("--no-tagger", action="store_true",
                    help="without the quote tagger's pass (the rules and the learned pass)")
    ap.add_argument("--no-descriptions", action="store_true",
                    help="leave descriptions ('The Republican nominee') unresolved, as "
                         "extraction of one article alone does")
    args = ap.parse_args(argv)
    tagger = None
    if not args.no_tagger:
        from archive.embed import QuoteTagger
        tagger = QuoteTagger()
    res = evaluate(args.split, args.limit, learned=not args.rules_only, tagger=tagger,
                   descriptions=not args.no_descriptions)
    print_table(res)
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(res, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
