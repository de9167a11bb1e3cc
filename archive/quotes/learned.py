"""The learned pass: a logistic regression over candidate sources (benchmarks/train_attribution.py).

The rules (archive.quotes.rules) are precise but miss the long tail of PolNeAR
attributions ("Sanders made it clear that ...", "a chorus of Democrats urging ...",
"Breitbart reported"). This pass generates a candidate for every noun-phrase head of a
paragraph (names, nouns, pronouns), links it to the word it attaches to (its verb, noun
or preposition head: the cue), describes the pair with sparse string features (path, cue
lemma, the cue's complements, lexicon membership, quotes, whether a rule already made it
a source) and scores it with a logistic regression trained on PolNeAR train. Confident
candidates the rules missed become attributions; rule attributions whose source the
model finds very unlikely are vetoed. The model is a JSON file of feature weights
(MODEL_PATH), so scoring is a dictionary lookup per feature: deterministic and cheap.

Candidate API, used by the training and development scripts in benchmarks/:
`candidates(st)` lists a paragraph's Candidates with their features
(`candidate_features`); `AttributionModel.score(cand, st)` is the hook a training-time
scorer overrides. Imports archive.models and the lower layers of archive.quotes (never
the rules).
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from archive.models import Attribution
from archive.quotes.content import object_content, verb_content
from archive.quotes.cues import cue_lemma, is_speech_cue
from archive.quotes.lexicon import (BELIEF_CUES, CANDIDATE_POS, CANDIDATE_SKIP_DEPS, CANDIDATE_SKIP_WORDS,
                                    DEFAULT_CUES, DOCUMENT_NOUNS, OWNED_NOUNS, PERSON_ORG_ENTITIES,
                                    STANCE_ADJECTIVES)
from archive.quotes.paragraph import ParaState, emit
from archive.quotes.scan import MIN_QUOTE_WORDS, quote_of
from archive.quotes.people import ArticleIndex
from archive.quotes.speakers import analyse_speaker, register
from archive.quotes.syntax import is_cue, span_of, token_lemma

if TYPE_CHECKING:  # pragma: no cover - typing only
    from spacy.tokens import Token

MODEL_PATH = Path(__file__).resolve().parent / "data" / "attribution_model.json"


@dataclass
class Candidate:
    """A possible source (noun-phrase head), the token it attaches to and its features."""

    mention: "Token"
    cue: "Token | None"
    top: "Token"  # the child of `cue` on the way from the mention (mention or preposition)
    path: str
    feats: list[str]
    rule: list[Attribution]  # rule attributions whose source this mention heads
    prob: float = 0.0


class AttributionModel:
    """Logistic regression over string features, loaded from JSON.

    `add_threshold`: a candidate the rules did not produce becomes an attribution at or
    above this probability; `veto_threshold`: a rule attribution whose source scores
    below it is dropped."""

    def __init__(self, weights: dict[str, float], bias: float, add_threshold: float,
                 veto_threshold: float, meta: dict | None = None) -> None:
        self.weights = weights
        self.bias = bias
        self.add_threshold = add_threshold
        self.veto_threshold = veto_threshold
        self.meta = meta or {}

    @classmethod
    def load(cls, path: "str | Path" = MODEL_PATH) -> "AttributionModel":
        """Read a model file written by benchmarks/train_attribution.py."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls({k: float(v) for k, v in data["weights"].items()}, float(data["bias"]),
                   float(data["add_threshold"]), float(data["veto_threshold"]), data.get("meta"))

    def to_json(self) -> str:
        """The model file's text (weights sorted for stable diffs)."""
        return json.dumps({"bias": self.bias, "add_threshold": self.add_threshold,
                           "veto_threshold": self.veto_threshold, "meta": self.meta,
                           "weights": dict(sorted(self.weights.items()))}, indent=0, sort_keys=False)

    def prob(self, feats: Iterable[str]) -> float:
        """P(the candidate is an annotated source)."""
        # fsum is exactly rounded, so the probability does not depend on the order a set
        # iterates in (string hashing is randomised per process)
        z = self.bias + math.fsum(self.weights.get(f, 0.0) for f in set(feats))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def score(self, cand: Candidate, st: ParaState) -> float:
        """Probability for a candidate (hook for training-time out-of-fold scorers)."""
        return self.prob(cand.feats)


@lru_cache(maxsize=1)
def load_model() -> AttributionModel | None:
    """The shipped model (MODEL_PATH: archive/quotes/data/attribution_model.json), or None
    if absent."""
    return AttributionModel.load(MODEL_PATH) if MODEL_PATH.exists() else None


def _cue_of(m: "Token") -> tuple["Token | None", "Token", str]:
    """(cue token, its child on the path, path label) for a candidate head."""
    head = m.head
    if head is m:
        return None, m, "root"
    if m.dep_ == "pobj" and head.pos_ == "ADP":
        if head.head is head:
            return None, head, "pobj:" + head.lower_
        label = "agent" if head.dep_ == "agent" else "pobj:" + head.lower_
        return head.head, head, label
    return head, m, m.dep_


def _lexicon(lemma: str, cue: "Token") -> str:
    """Which hand-written or learned cue list a lemma belongs to."""
    if cue.pos_ in ("NOUN", "PROPN"):
        return "noun_cue" if lemma in OWNED_NOUNS else "doc_noun" if lemma in DOCUMENT_NOUNS else "noun"
    if lemma in DEFAULT_CUES:
        return "speech"
    if lemma in BELIEF_CUES:
        return "belief"
    if lemma in STANCE_ADJECTIVES:
        return "stance"
    return "other"


def _bucket(n: int) -> str:
    return "1" if n <= 1 else "2" if n == 2 else "3-5" if n <= 5 else "6-10" if n <= 10 else "11+"


def candidate_features(m: "Token", cue: "Token | None", top: "Token", path: str,
                       st: ParaState, rule: list[Attribution]) -> list[str]:
    """Sparse string features of a (mention, cue) pair: the mention in its sentence, the
    cue (lemma, lexicon, position) and the cue's other children (its complements)."""
    f, named, in_q, sent_q = _mention_features(m, path, st, rule)
    if cue is None:
        f.append("nocue")
        return f
    cl = token_lemma(cue)
    lex = _lexicon(cl, cue)
    f += ["l=" + cl, "pl=" + path + "|" + cl, "cpos=" + cue.pos_, "ctag=" + cue.tag_,
          "cdep=" + cue.dep_, "p|cdep=" + path + "|" + cue.dep_, "lex=" + lex,
          "p|lex=" + path + "|" + lex, f"cq={int(quote_of(cue.idx, st.quotes) is not None)}",
          "ord=" + ("b" if m.i < cue.i else "a"), "dist=" + _bucket(abs(m.i - cue.i)),
          f"named|lex={int(named)}|{lex}", f"mq|lex={int(in_q)}|{lex}", f"sq|lex={int(sent_q)}|{lex}"]
    if rule:
        f += ["rule|lex=" + lex, "rule|pl=" + path + "|" + cl]
    f.append(f"named|pl={int(named)}|{path}|{cl}")
    left = m.left_edge.i
    f.append("mprev=" + (m.doc[left - 1].lower_ if left > st.sent_of(m).start else "<s>"))
    cinc = any(a.content_start <= cue.idx < a.content_end for a in st.attrs if a not in rule)
    f.append(f"cinc={int(cinc)}")
    return f + _complement_features(cue, top, path, cl, lex, named)


def _mention_features(m: "Token", path: str, st: ParaState, rule: list[Attribution]
                      ) -> tuple[list[str], bool, bool, bool]:
    """(features of the mention alone, named, inside a quotation, sentence has a quotation)."""
    text = st.text
    ent = m.ent_type_ or "-"
    named = m.pos_ == "PROPN" or ent in PERSON_ORG_ENTITIES
    mword = m.lower_ if m.pos_ == "PRON" else m.lemma_.lower() if m.pos_ == "NOUN" else m.pos_
    f = ["p=" + path, "m=" + mword, "mpos=" + m.pos_, "ent=" + ent, "mtag=" + m.tag_,
         f"named={int(named)}", f"named|p={int(named)}|{path}"]
    sent = st.sent_of(m)
    in_q = quote_of(m.idx, st.quotes) is not None
    sent_q = any(q.open_at < sent.end_char and q.end >= sent.start_char for q in st.quotes
                 if q.words(text) >= MIN_QUOTE_WORDS)
    f += [f"mq={int(in_q)}", f"sq={int(sent_q)}", f"para0={int(st.para == 0)}",
          f"sent0={int(sent.start == 0)}", "len=" + _bucket(len(list(m.subtree)))]
    in_content = any(a.content_start <= m.idx < a.content_end for a in st.attrs if a not in rule)
    f.append(f"inc={int(in_content)}")
    if rule:
        f += ["rule", "rule|p=" + path, "rulecue=" + cue_lemma(rule[0].cue),
              f"ruledir={int(any(a.direct for a in rule))}"]
    else:
        f.append("norule|p=" + path)
    return f, named, in_q, sent_q


def _complement_features(cue: "Token", top: "Token", path: str, cl: str, lex: str,
                         named: bool) -> list[str]:
    """Features of the cue's children other than the mention's branch (`top`): negation,
    auxiliaries, prepositions, complements and their lexicon, then the cue's own head."""
    f: list[str] = []
    comps = []
    for c in cue.children:
        if c is top or c.is_punct:
            continue
        if c.dep_ == "neg":
            f.append("neg")
        if c.dep_ in ("mark", "aux") and c.i < cue.i:
            f.append(c.dep_ + "=" + c.lower_)
        if c.dep_ == "prep":
            f += ["prep=" + c.lower_, "l|prep=" + cl + "|" + c.lower_]
            pobj = next((g for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
            if pobj is not None:  # "launched into a lament", "railed against"
                pl = token_lemma(pobj)
                f += ["pobjl=" + c.lower_ + "|" + pl, "pobjlex=" + _lexicon(pl, pobj)]
        elif c.dep_ in ("ccomp", "xcomp", "dobj", "acomp", "attr", "oprd", "dative", "advcl",
                        "agent", "parataxis", "acl", "relcl"):
            comps.append(c.dep_)
            f += ["ch=" + c.dep_, "l|ch=" + cl + "|" + c.dep_, "p|ch=" + path + "|" + c.dep_]
            if c.dep_ in ("xcomp", "dobj", "acomp", "attr", "oprd", "ccomp"):
                f += [c.dep_ + "l=" + token_lemma(c), "l|" + c.dep_ + "l=" + cl + "|" + token_lemma(c)]
            if c.dep_ in ("ccomp", "acl", "relcl") and any(g.dep_ == "mark" and g.lower_ == "that"
                                                           for g in c.children):
                f += ["that", "l|that=" + cl]
        if c.dep_ in ("xcomp", "advcl", "ccomp", "conj", "dobj"):
            clex = _lexicon(token_lemma(c), c)
            if clex not in ("other", "noun"):  # "seemed to recognize", "spent ... railing"
                f += ["chlex=" + c.dep_ + "|" + clex, f"named|chlex={int(named)}|{clex}"]
    if not comps:
        f += ["nocomp", "lex|nocomp=" + lex]
    f.append("sig=" + path + "|" + cl + "|" + ",".join(sorted(set(comps))))
    if cue.head is not cue:
        f += ["hl=" + token_lemma(cue.head), "cdep|hl=" + cue.dep_ + "|" + token_lemma(cue.head),
              "hlex=" + _lexicon(token_lemma(cue.head), cue.head)]
    nxt = cue.nbor(1).lower_ if cue.i + 1 < len(cue.doc) else "<end>"
    f.append("next=" + nxt)
    return f


def candidates(st: ParaState) -> list[Candidate]:
    """Every noun-phrase head of the paragraph with its cue, features and rule status."""
    out = []
    by_src: dict[int, list[Attribution]] = {}
    for a in st.attrs:
        if a.speaker_start < 0:
            continue
        for t in st.doc.char_span(a.speaker_start, a.speaker_end, alignment_mode="expand") or []:
            if not (a.speaker_start <= t.head.idx < a.speaker_end) or t.head is t:
                by_src.setdefault(t.i, []).append(a)
    for m in st.doc:
        if m.pos_ not in CANDIDATE_POS or m.dep_ in CANDIDATE_SKIP_DEPS:
            continue
        if m.lower_ in CANDIDATE_SKIP_WORDS and m.i not in by_src:
            continue
        cue, top, path = _cue_of(m)
        rule = by_src.get(m.i, [])
        out.append(Candidate(m, cue, top, path, candidate_features(m, cue, top, path, st, rule), rule))
    return out


def _run_tokens(toks: list["Token"]) -> list["Token"]:
    """The longest contiguous run of tokens, trimmed of edge punctuation and connectives."""
    toks = sorted(toks, key=lambda t: t.i)
    runs: list[list["Token"]] = []
    for t in toks:
        if runs and t.i == runs[-1][-1].i + 1:
            runs[-1].append(t)
        else:
            runs.append([t])
    best = max(runs, key=len) if runs else []
    while best and (best[0].is_punct or best[0].dep_ in ("prep", "mark", "cc", "aux", "neg")
                    and best[0].lower_ in ("that", "to", "of", "about", "for", "on", "and", "but", "as")):
        best.pop(0)
    while best and (best[-1].is_punct and best[-1].text not in "”\"’" or best[-1].dep_ == "cc"):
        best.pop()
    return best


def _learned_content(c: Candidate, st: ParaState, speech: bool
                     ) -> tuple[list[tuple[int, int]], bool]:
    """Content of a classifier-added attribution: the cue's clause, quotation or
    complement, else the rest of its phrase or sentence."""
    cue = c.cue
    if cue is None:
        return [], False
    outer = quote_of(cue.idx, st.quotes)
    if cue.pos_ in ("VERB", "AUX"):
        spans, direct = verb_content(cue, st, outer is None)
        if outer is not None:
            q = st.quotes[outer]
            spans = [s for s in spans if not direct and q.start <= s[0] and s[1] <= q.end]
        if spans:
            return spans, direct and speech
        obj = object_content(cue, st, outer)
        if obj:
            return [obj], False
    skip = {t.i for t in c.top.subtree} | {cue.i}
    toks = [t for t in cue.subtree if t.i not in skip]
    if len([t for t in toks if not t.is_punct]) < 2:
        toks = [t for t in cue.sent if t.i not in skip and t.i not in {x.i for x in cue.subtree}]
    best = _run_tokens(toks)
    if len([t for t in best if not t.is_punct]) < 2:
        return [], False
    if any(quote_of(t.idx, st.quotes) != outer for t in (best[0], best[-1])) and outer is not None:
        return [], False
    return [span_of(best)], False


def learned_pass(st: ParaState, index: ArticleIndex, model: "AttributionModel | None",
                 collect: list | None = None) -> None:
    """Score the paragraph's candidates; add confident new sources, veto unlikely rule ones.

    With `collect`, (paragraph, candidate) pairs are appended for training."""
    cands = candidates(st)
    if collect is not None:
        collect.extend((st.para, c) for c in cands)
    if model is None:
        return
    for c in cands:
        c.prob = model.score(c, st)
    # nested attributions, inside a quotation ("“... Kerry said that ...,” Pence said") or
    # speech relayed by "according to" ("Sherman said ..., according to his department")
    # are kept: PolNeAR cannot annotate them (one attribution per token), but they are
    # the speaker's own words for the archive
    def nested(a: Attribution) -> bool:
        return a.cue_start >= 0 and (quote_of(a.cue_start, st.quotes) is not None or any(
            b.content_start <= a.cue_start < b.content_end and cue_lemma(b.cue) == "according to"
            for b in st.attrs if b is not a) and is_speech_cue(a.cue))

    vetoed = {id(a) for c in cands if c.rule and c.prob < model.veto_threshold for a in c.rule
              if not nested(a) and id(a) not in st.no_veto}
    if vetoed:
        st.attrs = [a for a in st.attrs if id(a) not in vetoed]
    for c in cands:
        if c.rule or c.prob < model.add_threshold or c.cue is None:
            continue
        m = c.mention
        if any(a.speaker_start <= m.idx < a.speaker_end or a.content_start <= m.idx < a.content_end
               for a in st.attrs):
            continue
        speech = is_cue(c.cue, DEFAULT_CUES)
        content, direct = _learned_content(c, st, speech)
        if not content or any(a0 <= x < a1 for a0, a1 in content for a in st.attrs
                              for x in (a.speaker_start, a.cue_start) if x >= 0) or any(
                a0 < a.content_end and a.content_start < a1 for a0, a1 in content for a in st.attrs):
            continue  # one attribution per token: no other's source, cue or content inside
        spk = analyse_speaker(m, index, st.para, c.cue)
        if spk.text.endswith(("'s", "’s")):
            spk.text, spk.end = spk.text[:-2], spk.end - 2
        if quote_of(m.idx, st.quotes) is None:
            register(spk, index, st.para)
        cue_span = (c.cue.idx, c.cue.idx + len(c.cue.text))
        for span in content:
            emit(st, spk, c.cue.text, cue_span, span, direct)
