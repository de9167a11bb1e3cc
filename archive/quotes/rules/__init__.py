"""The rule families of attribution, one module each, all working on a ParaState
(archive.quotes.paragraph) and adding attributions with `emit`.

- verbs: speech and belief verbs with a subject or passive agent (direct, indirect,
  object and nested attributions);
- according_to: "according to X";
- nouns: owned noun cues ("Trump's claim that ...");
- stance: stance adjectives ("was critical of");
- labels: transcript turns, headline labels and embedded tweets;
- signatures: quotations signed by a dash and a name;
- lead_ins: "Cruz continued:" and the block quotation after a speech verb's colon;
- orphans: quotations without a cue, given to a neighbouring attribution.

The order in which they run is archive.quotes.extract's. Rules import the lower layers
of archive.quotes (lexicon, scan, syntax, speakers, paragraph, content), never each
other, the learned pass or the orchestrator.
"""
from archive.quotes.rules.according_to import according_to_attributions
from archive.quotes.rules.labels import headline, transcript, transcript_label
from archive.quotes.rules.lead_ins import block_quote, lead_in
from archive.quotes.rules.nouns import noun_attributions
from archive.quotes.rules.orphans import orphan_quotes
from archive.quotes.rules.signatures import signed_quotations
from archive.quotes.rules.stance import stance_attributions
from archive.quotes.rules.verbs import verb_attributions

__all__ = ["according_to_attributions", "block_quote", "headline", "lead_in", "noun_attributions",
           "orphan_quotes", "signed_quotations", "stance_attributions", "transcript",
           "transcript_label", "verb_attributions"]
