"""Who said what: rule-based quote and speech attribution over spaCy parses, with a
learned pass for the long tail.

Why hand-written: textacy's `direct_quotations` only finds quoted text next to a speech
verb inside one sentence; it has no indirect speech ("X said Russia was..."), no
"according to X", no multi-paragraph quotes and no resolution of "she said" / "the
minister said" to a name. The Gender Gap Tracker's rules do these things but are not a
package. This part combines both ideas on top of spaCy's sentences, entities and
dependency parse:

1. quote marks are paired by a small scanner (curly, straight and guillemets, plus the
   news convention that a quote running over paragraphs is left unclosed): scan;
2. every speech verb (a configurable lemma list) outside quotes with a subject yields
   an attribution: its content is the adjacent quotation (direct) or its clausal
   complement (indirect): rules.verbs, content;
3. "according to X", transcript labels ("PENCE: ...") and orphan quotations (no cue in
   the sentence; continued from an earlier sentence or paragraph) are added:
   rules.according_to, rules.labels, rules.orphans, rules.lead_ins;
4. non-speech attribution (PolNeAR style): belief/intention/finding verbs (BELIEF_CUES,
   never `direct`; tell them apart with `is_speech_cue`), object and prepositional
   content ("called Trump a fascist", "called for a ban", "accused X of Y", "a poll
   showed Clinton ahead"), passive agents ("was reported by MSNBC"), nested
   attributions inside quotations, headline labels ("Poll: ...") and embedded tweets;
5. speakers are cleaned (titles and roles split off) and pronouns / role nouns are
   resolved against the people already seen in the article: speakers;
6. PolNeAR-style stance attributions learned from its train split
   (benchmarks/learn_cues.py): extra stance/action verbs ("rejected", "distanced
   herself from"), stance adjectives ("was critical of"), owned noun cues with a
   that-clause ("Trump's assertion that ..."), "As X reported, ..." and inserted cues
   ("It was impossible, Gabuyev said, so ..."): lexicon, rules.stance, rules.nouns;
7. each passage's named people, organisations and places (spaCy's entities of the same
   parse: `passage_analysis`, mentions) are returned beside its attributions;
   each attribution carries `speaker_type` ("person", "organization", "place", "group"
   or None, from spaCy's PERSON / ORG / GPE / NORP labels; read it with speaker_type());
8. a learned pass (logistic regression trained on PolNeAR train by
   benchmarks/train_attribution.py, shipped as archive/quotes/data/attribution_model.json)
   scores every noun-phrase head as a possible source of the word it attaches to: it
   adds the long tail the rules skip ("Sanders made it clear that ...", "Breitbart
   reported the meeting") and vetoes rule attributions it finds very unlikely. Pass
   `learned=False` for the rules alone: learned.
9. with the trained quote tagger (archive.embed.QuoteTagger, passed in as `tagger`: this
   part never imports a model runtime), its reading of each paragraph gives every
   attribution a confidence, indirect contents the annotators' boundaries, and the
   attributions the rules missed: tagged. Manner and mood ("adopted a pessimistic tone")
   are never attributions (extract.is_mood).
10. a description the article never attaches to a name ("The Republican nominee said")
   is resolved by a build, which knows the roles its other articles give the article's
   quoted people: descriptions (`resolve_descriptions`).

Offsets are character offsets into each paragraph string.

Layers, each importing only those above it: lexicon (word lists), scan (quotation
marks), parse (spaCy, lazily) and syntax (dependency helpers); people (the people of an
article, pronoun and role resolution) and speakers (speaker phrases); paragraph (the per-paragraph state and `emit`) and content
(what a cue says); rules/ (one module per rule family) and learned (the learned pass);
extract (the orchestrator). cues reads stored cues without spaCy. The part imports
archive.models only; spaCy is imported when a parse is first made, never on import.

The names below are the public surface. The training and development scripts in
benchmarks/ also use extract_docs, cue_sets and the candidate API (candidates,
candidate_features, Candidate, AttributionModel.score).
"""
from archive.quotes.cues import cue_lemma, is_speech_cue
from archive.quotes.descriptions import (described_holders, description_words,
                                         resolve_descriptions)
from archive.quotes.extract import (RulePass, cue_sets, docs_analysis, extract_article,
                                    extract_articles, extract_docs, passage_analysis,
                                    passage_attributions, rule_analysis, rule_pass,
                                    stored_attributions)
from archive.quotes.learned import (MODEL_PATH, AttributionModel, Candidate, candidate_features,
                                    candidates, load_model)
from archive.quotes.lexicon import BELIEF_CUES, DEFAULT_CUES
from archive.quotes.mentions import MENTION_TYPES, doc_mentions
from archive.quotes.parse import MODEL_NAME, load_nlp, parse_article, parse_articles
from archive.quotes.rules import transcript_label
from archive.quotes.scan import QuoteSpan, find_quotes
from archive.quotes.people import guess_gender_from_first_name
from archive.quotes.speakers import SPEAKER_TYPES, speaker_type
from archive.quotes.titles import clean_name, split_title
from archive.quotes.tagged import TagSpan, spans

__all__ = [
    # extraction
    "extract_article", "extract_articles", "passage_attributions", "DEFAULT_CUES", "BELIEF_CUES",
    # what each passage names (people, organisations, places), from the same parse
    "passage_analysis", "doc_mentions", "MENTION_TYPES",
    # the same in two steps (a build tags on a thread of its own): the rules, then the tagger
    "rule_analysis", "rule_pass", "RulePass", "stored_attributions",
    # ... and the rules over paragraphs parsed elsewhere (a build parses in processes)
    "docs_analysis",
    # descriptions ("The Republican nominee") resolved with the roles the archive knows
    "resolve_descriptions", "described_holders", "description_words",
    # reading stored attributions
    "cue_lemma", "is_speech_cue", "speaker_type", "SPEAKER_TYPES",
    # building blocks
    "MODEL_NAME", "load_nlp", "parse_article", "parse_articles", "QuoteSpan", "find_quotes",
    "clean_name", "split_title", "guess_gender_from_first_name", "transcript_label",
    # the quote tagger's pass: decoding a reading into spans
    "TagSpan", "spans",
    # the learned pass and its training API
    "MODEL_PATH", "AttributionModel", "load_model", "Candidate", "candidates",
    "candidate_features", "extract_docs", "cue_sets",
]
