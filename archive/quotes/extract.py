"""The orchestrator: parse an article, build its index of people, and run the rule
families, the learned pass and the cross-paragraph rules over each paragraph in order.

extract_article / extract_articles / passage_attributions are the part's entry points;
extract_docs and cue_sets are also what the training and development scripts in
benchmarks/ call on cached parses. Imports every other module of archive.quotes.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Sequence

from archive.models import Attribution, Mention
from archive.quotes import rules
from archive.quotes.learned import AttributionModel, learned_pass, load_model
from archive.quotes.mentions import doc_mentions
from archive.quotes.lexicon import BELIEF_CUES, DEFAULT_CUES, MOOD_NOUNS
from archive.quotes.paragraph import ParaState
from archive.quotes.parse import parse_article, parse_articles
from archive.quotes.scan import MIN_QUOTE_WORDS, QuoteSpan, find_quotes
from archive.quotes.people import ArticleIndex, build_index
from archive.quotes.tagged import SETTINGS as TAGGER_SETTINGS
from archive.quotes.tagged import Reading, tagged_pass

if TYPE_CHECKING:  # pragma: no cover - typing only
    from spacy.language import Language
    from spacy.tokens import Doc

# the quote tagger (archive.embed.QuoteTagger): (paragraphs, the paragraph before each) ->
# their readings
Tagger = Callable[[Sequence[str], Sequence[str]], Sequence[Reading]]


def extract_article(paragraphs: list[str], nlp: "Language | None" = None,
                    cues: Iterable[str] | None = None,
                    belief_cues: Iterable[str] | None = None,
                    learned: bool | None = None,
                    progress: Callable[[int], None] | None = None,
                    tagger: Tagger | None = None) -> list[list[Attribution]]:
    """Attributions per paragraph of one article (paragraph-relative offsets).

    `nlp` defaults to the cached `load_nlp()`; `cues` overrides DEFAULT_CUES (speech
    lemmas) and `belief_cues` overrides BELIEF_CUES (non-speech lemmas; pass () to only
    extract speech). `learned` runs the learned classifier pass (archive.quotes.learned);
    by default it runs unless a custom cue list is given (then the lists decide alone).
    `progress` is called with 1 per paragraph parsed (the bulk of the work on a long
    article); it may raise to stop the extraction. `tagger` (archive.embed.QuoteTagger) adds
    the quote tagger's pass (archive.quotes.tagged).
    """
    docs = parse_article(paragraphs, nlp, progress=progress)
    return extract_docs(docs, *cue_sets(cues, belief_cues),
                        model=_model_for(learned, cues, belief_cues), tagger=tagger)


def passage_attributions(passages: list[str], progress: Callable[[int], None] | None = None,
                         tagger: Tagger | None = None) -> list[list[Attribution]]:
    """What the archive stores per passage of one article: extract_article without the
    lead-in records ("Cruz continued:"), whose words are in the next passage and are
    attributed there. `progress` gets 1 per passage parsed (see extract_article); `tagger`
    (archive.embed.QuoteTagger) adds the trained tagger's pass (archive.quotes.tagged)."""
    return passage_analysis(passages, progress, tagger)[0]


def passage_analysis(passages: list[str], progress: Callable[[int], None] | None = None,
                     tagger: Tagger | None = None
                     ) -> tuple[list[list[Attribution]], list[list[Mention]]]:
    """passage_attributions and, from the same parse, the people, organisations and places
    each passage names (archive.quotes.mentions): one spaCy pass for both."""
    ruled, mentions = rule_analysis(passages, progress)
    return stored_attributions(ruled.tagged(tagger)), mentions


def rule_analysis(passages: list[str], progress: Callable[[int], None] | None = None
                  ) -> tuple["RulePass", list[list[Mention]]]:
    """passage_analysis up to the quote tagger: the parse, the rules' attributions (a
    RulePass, finished with the tagger's readings of `tagger_input()`) and the mentions.
    A build runs the tagger on a thread of its own, beside the next article's parse."""
    return docs_analysis(parse_article(passages, progress=progress))


def docs_analysis(docs: list["Doc"]) -> tuple["RulePass", list[list[Mention]]]:
    """rule_analysis of paragraphs parsed already (parse_articles: a build parses in
    processes of their own while the rules read what is parsed)."""
    return (rule_pass(docs, *cue_sets(None, None), model=_model_for(None, None, None)),
            [doc_mentions(d) for d in docs])


def stored_attributions(found: list[list[Attribution]]) -> list[list[Attribution]]:
    """What the archive stores of a paragraph's attributions: those with content."""
    return [[a for a in attrs if a.content_end > a.content_start] for attrs in found]


def extract_articles(articles: Iterable[list[str]], nlp: "Language | None" = None,
                     cues: Iterable[str] | None = None, batch_size: int = 128,
                     n_process: int = 1, belief_cues: Iterable[str] | None = None,
                     learned: bool | None = None) -> Iterator[list[list[Attribution]]]:
    """Like extract_article over many articles, streaming all paragraphs through one
    `nlp.pipe` (better batching; `n_process=2` uses both cores on large archives)."""
    speech_beliefs = cue_sets(cues, belief_cues)
    model = _model_for(learned, cues, belief_cues)
    for docs in parse_articles(articles, nlp, batch_size=batch_size, n_process=n_process):
        yield extract_docs(docs, *speech_beliefs, model=model)


def is_mood(attr: Attribution) -> bool:
    """A manner or mood described, not words said: "adopted a pessimistic tone", "struck a
    conciliatory note" (a short content ending in a MOOD_NOUNS word, outside quotation
    marks, with no verb of its own)."""
    words = re.findall(r"[\w'’-]+", attr.content.lower())
    return (not attr.direct and 0 < len(words) <= 6 and words[-1] in MOOD_NOUNS
            and not any(w in DEFAULT_CUES for w in words))


def cue_sets(cues: Iterable[str] | None, belief_cues: Iterable[str] | None
             ) -> tuple[frozenset[str], frozenset[str]]:
    """(speech, belief) lemma sets; a lemma in both counts as speech."""
    speech = frozenset(cues) if cues is not None else DEFAULT_CUES
    beliefs = frozenset(belief_cues) if belief_cues is not None else BELIEF_CUES
    return speech, beliefs - speech


def _model_for(learned: bool | None, cues: Iterable[str] | None,
               belief_cues: Iterable[str] | None) -> AttributionModel | None:
    """The learned model to use: on by default, off when custom cue lists are passed."""
    if learned is None:
        learned = cues is None and belief_cues is None
    return load_model() if learned else None


def extract_docs(docs: list["Doc"], cues: frozenset[str],
                 beliefs: frozenset[str] = frozenset(), model: AttributionModel | None = None,
                 collect: list | None = None, readings: Sequence[Reading] | None = None,
                 tagger: Tagger | None = None) -> list[list[Attribution]]:
    """Run the rules (and, with `model`, the learned pass) over one article's parsed
    paragraphs, then the quote tagger's pass (archive.quotes.tagged) with `readings` (one per
    paragraph) or `tagger` (which then reads only the paragraphs the pass needs: those with
    an attribution, unless it is to add the ones the rules missed); `collect` receives
    (paragraph, candidate) pairs for training."""
    ruled = rule_pass(docs, cues, beliefs, model, collect)
    if readings is not None:
        return ruled.finish(readings, every=True)
    return ruled.tagged(tagger)


class RulePass:
    """One article's attributions by the rules and the learned pass (`found`, per
    paragraph), waiting for the quote tagger's pass (`finish`)."""

    def __init__(self, docs: list["Doc"], quotes: list[list[QuoteSpan]], index: ArticleIndex,
                 found: list[list[Attribution]]) -> None:
        self.docs, self.quotes, self.index, self.found = docs, quotes, index, found

    def tagger_paragraphs(self) -> list[int]:
        """The paragraphs the tagger's pass reads: those with an attribution (every one when
        the pass adds what the rules missed)."""
        return [i for i, attrs in enumerate(self.found) if attrs or TAGGER_SETTINGS["add"]]

    def tagger_input(self) -> tuple[list[str], list[str]]:
        """(the paragraphs to tag, the paragraph before each), for a Tagger."""
        need = self.tagger_paragraphs()
        return ([self.docs[i].text for i in need],
                [self.docs[i - 1].text if i else "" for i in need])

    def tagged(self, tagger: Tagger | None) -> list[list[Attribution]]:
        """`finish` with `tagger`'s readings of the paragraphs it needs (None: no tagger)."""
        if tagger is None:
            return self.finish(None)
        texts, before = self.tagger_input()
        return self.finish(tagger(texts, before) if texts else [])

    def finish(self, readings: Sequence[Reading] | None, every: bool = False
               ) -> list[list[Attribution]]:
        """The attributions per paragraph after the tagger's pass over `readings` (one per
        paragraph of `tagger_input()`, or of every paragraph with `every`; None: no tagger),
        less moods and quotes inside a nearer speaker's words."""
        out = [list(attrs) for attrs in self.found]
        keys = range(len(self.docs)) if every else self.tagger_paragraphs()
        read: dict[int, Reading] = dict(zip(keys, readings or ()))
        previous: list[Attribution] = []
        last: list[Attribution] = []  # of the last paragraph with attributions (`chain_gap`)
        gap = 0
        for para, (doc, qs) in enumerate(zip(self.docs, self.quotes)):
            if para in read:
                st = ParaState(doc, qs, para, self.index, attrs=out[para])
                tagged_pass(st, self.index, read[para], previous, last)
                out[para] = st.attrs
            out[para] = previous = [a for a in out[para]
                                    if not is_mood(a) and not quoted_by_nearer(a, out[para])]
            if previous or gap >= TAGGER_SETTINGS["chain_gap"]:
                last, gap = previous, 0
            else:
                gap += 1
        return out


def rule_pass(docs: list["Doc"], cues: frozenset[str], beliefs: frozenset[str] = frozenset(),
              model: AttributionModel | None = None, collect: list | None = None) -> RulePass:
    """The rules (and, with `model`, the learned pass) over one article's parsed paragraphs."""
    quotes = [find_quotes(d.text) for d in docs]
    index = build_index(docs, quotes)
    out: list[list[Attribution]] = []
    previous: list[Attribution] = []
    labels = Counter(lab for lab in (rules.transcript_label(d.text) for d in docs) if lab)
    for para, (doc, qs) in enumerate(zip(docs, quotes)):
        nxt = quotes[para + 1] if para + 1 < len(docs) else []
        lead_in = None if para + 1 == len(docs) else "text" if not nxt else "quote" if (
            not docs[para + 1].text[: nxt[0].open_at].strip()
            and nxt[0].words(docs[para + 1].text) >= MIN_QUOTE_WORDS) else None
        attrs = _extract_paragraph(doc, qs, para, index, previous, cues, labels, beliefs,
                                   model, collect, lead_in)
        out.append(attrs)
        previous = attrs
    return RulePass(docs, quotes, index, out)


def quoted_by_nearer(attr: Attribution, attrs: list[Attribution]) -> bool:
    """A direct quote that lies inside another speaker's reported words whose cue stands
    between this attribution's cue and the quote: "Cruz accuses Obama of ... and Trump says
    he's “losing the war”" (the quotation is Trump's, not Cruz's)."""
    return attr.direct and attr.cue_start >= 0 and any(
        o is not attr and o.speaker != attr.speaker and not o.direct
        and o.content_start <= attr.content_start and attr.content_end <= o.content_end
        and attr.cue_end <= o.cue_start < attr.content_start for o in attrs)


def _extract_paragraph(doc: "Doc", quotes: list[QuoteSpan], para: int, index: ArticleIndex,
                       previous: list[Attribution], cues: frozenset[str],
                       labels: Counter, beliefs: frozenset[str] = frozenset(),
                       model: AttributionModel | None = None,
                       collect: list | None = None, lead_in: str | None = None) -> list[Attribution]:
    """All attributions of one parsed paragraph, in text order (`lead_in`: "quote" or
    "text", what opens the next paragraph, see rules.lead_in)."""
    st = ParaState(doc, quotes, para, index)
    signed = rules.signed_quotations(st, index)
    rules.transcript(st, index, labels)
    if not st.attrs:
        rules.headline(st, index)
    if not st.attrs:
        rules.verb_attributions(st, index, cues, beliefs)
        rules.according_to_attributions(st, index)
        rules.noun_attributions(st, index)
        rules.stance_attributions(st, index)
    st.attrs = signed + st.attrs
    if model is not None or collect is not None:
        learned_pass(st, index, model, collect)
    rules.orphan_quotes(st, previous)
    rules.block_quote(st, previous)
    if lead_in:
        rules.lead_in(st, index, lead_in == "quote", cues)
    return st.attrs
