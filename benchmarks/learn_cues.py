"""Learn attribution cue lemmas from the PolNeAR *train* annotations.

For every verb with a subject (found as archive.quotes finds it: nsubj, passive agent,
conjunct/participle/xcomp heads) and every noun heading a possessive or "from/by"
phrase, count how often the token lies inside an annotated Cue span whose Source
overlaps the subject. Lemmas with enough occurrences and a high enough precision are
printed as the candidate lexicon (merged by hand into archive/quotes/lexicon.py:
BELIEF_CUES, STANCE_ADJECTIVES, OWNED_NOUNS).

Usage:
    python benchmarks/learn_cues.py [--min-count 4] [--min-precision 0.5]

Train only (dev and test are never used to learn).
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import eval_attribution as ev  # noqa: E402
from attr_devtools import parsed  # noqa: E402

from archive.quotes import find_quotes, load_nlp  # noqa: E402
from archive.quotes.scan import quote_of  # noqa: E402
from archive.quotes.syntax import passive_agent, speaker_tokens, subject_of  # noqa: E402


def gold_spans(path: Path) -> tuple[list[tuple[int, int]], list[tuple[tuple[int, int], tuple[int, int] | None]]]:
    """(cue fragments, [(cue extent, source extent)]) of one annotation file."""
    spans: dict[str, list[tuple[int, int]]] = {}
    events = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("T") and line.count("\t") >= 2:
            tid, mid, _ = line.split("\t", 2)
            spans[tid] = [tuple(map(int, f.split()[-2:])) for f in mid.split(";")]  # type: ignore[misc]
        elif line.startswith("E"):
            args = line.split("\t")[1].split()
            events.append(dict(a.split(":", 1) for a in args if ":" in a))
    frags, pairs = [], []
    for e in events:
        cue = spans.get(e.get("Cue", ""))
        if not cue:
            continue
        src = spans.get(e.get("Source", ""))
        frags.extend(cue)
        pairs.append((cue, (src[0][0], src[-1][1]) if src else None))
    return frags, pairs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--min-count", type=int, default=4)
    ap.add_argument("--min-precision", type=float, default=0.5)
    ap.add_argument("--show", type=int, default=0, help="also list the top lemmas by count")
    args = ap.parse_args()
    nlp = load_nlp()
    files, docs = parsed("train", nlp)
    verbs: Counter = Counter()
    verbs_pos: Counter = Counter()
    nouns: Counter = Counter()
    nouns_pos: Counter = Counter()
    adjs: Counter = Counter()
    adjs_pos: Counter = Counter()
    passives: Counter = Counter()
    passives_pos: Counter = Counter()
    for (txt, ann), article in zip(files, docs):
        text = txt.read_text(encoding="utf-8")
        paras = ev.paragraphs_with_offsets(text)
        _, pairs = gold_spans(ann)

        def is_pos(tok_off: tuple[int, int], src: tuple[int, int] | None) -> bool:
            for cue, gsrc in pairs:
                if any(a <= tok_off[0] < b for a, b in cue):
                    if src is None or gsrc is None:
                        return src is None and gsrc is None
                    return src[0] < gsrc[1] and gsrc[0] < src[1]
            return False

        for (_, base), doc in zip(paras, article):
            quotes = find_quotes(doc.text)
            for tok in doc:
                if quote_of(tok.idx, quotes) is not None or not tok.is_alpha:
                    continue
                lemma = tok.lemma_.lower()
                if tok.dep_ == "acomp" and tok.head.lemma_ == "be":
                    subj = next((c for c in tok.head.children if c.dep_ == "nsubj"), None)
                    if subj is None or quote_of(subj.idx, quotes) is not None:
                        continue
                    st = speaker_tokens(subj, tok.head)
                    src = (base + st[0].idx, base + st[-1].idx + len(st[-1]))
                    adjs[lemma] += 1
                    adjs_pos[lemma] += is_pos((base + tok.idx, 0), src) or is_pos((base + tok.head.idx, 0), src)
                    continue
                if tok.pos_ == "VERB" and any(c.dep_ == "nsubjpass" for c in tok.children):
                    subj = next(c for c in tok.children if c.dep_ == "nsubjpass")
                    if quote_of(subj.idx, quotes) is not None or any(c.dep_ == "agent" for c in tok.children):
                        continue
                    st = speaker_tokens(subj, tok)
                    src = (base + st[0].idx, base + st[-1].idx + len(st[-1]))
                    passives[lemma] += 1
                    passives_pos[lemma] += is_pos((base + tok.idx, 0), src)
                    continue
                if tok.pos_ == "VERB":
                    subj = passive_agent(tok) or subject_of(tok)
                    if subj is None or quote_of(subj.idx, quotes) is not None:
                        continue
                    st = speaker_tokens(subj, tok)
                    src = (base + st[0].idx, base + st[-1].idx + len(st[-1]))
                    verbs[lemma] += 1
                    verbs_pos[lemma] += is_pos((base + tok.idx, 0), src)
                elif tok.pos_ == "NOUN":
                    owner = [c for c in tok.children if c.dep_ == "poss"]
                    owner += [g for c in tok.children if c.dep_ == "prep" and c.lower_ in ("from", "by")
                              for g in c.children if g.dep_ == "pobj"]
                    if not owner:
                        continue
                    st = speaker_tokens(owner[0])
                    src = (base + st[0].idx, base + st[-1].idx + len(st[-1]))
                    nouns[lemma] += 1
                    nouns_pos[lemma] += is_pos((base + tok.idx, 0), src)
    for name, total, pos in (("verbs", verbs, verbs_pos), ("nouns", nouns, nouns_pos),
                              ("adjectives after 'be'", adjs, adjs_pos),
                              ("passive verbs (subject as source)", passives, passives_pos)):
        keep = sorted((lem for lem, n in total.items()
                       if n >= args.min_count and pos[lem] / n >= args.min_precision and re.fullmatch(r"[a-z\-]+", lem)),
                      key=lambda lem: -pos[lem])
        print(f"# {name}: {len(keep)} lemmas (count >= {args.min_count}, precision >= {args.min_precision})")
        print(" ".join(keep))
        print("# with counts: " + " ".join(f"{lem}:{pos[lem]}/{total[lem]}" for lem in keep))
        if args.show:
            print("# most frequent: " + " ".join(f"{lem}:{pos[lem]}/{n}" for lem, n in total.most_common(args.show)))


if __name__ == "__main__":
    main()
