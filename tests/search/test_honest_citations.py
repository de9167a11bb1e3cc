"""Citations a journalist can paste without a correction: quotation marks only around a
speaker's own quoted words, reported speech cited as reported, an attribution the quote
tagger is unsure of kept but never shown as someone's words, and every hit's `direct` and
`confidence` in the --json contract. Real build, real model and tagger, articles written
here."""
from __future__ import annotations

import json

from click.testing import CliRunner

from archive.cli import cli
from archive.search import Searcher, citation
from archive.storage import UserData

HARBOUR = """Harbour town approves a new pier

The harbour master, Ruth Adebayo, said the new pier would open to fishing boats in the spring after two years of delays.

“We have waited eleven years for this pier and the boats cannot wait another winter,” Adebayo said at the council meeting.

The council also voted to repaint the lighthouse and to extend the car park behind the fish market.
"""


def test_a_quote_is_cited_in_marks_and_reported_speech_as_reported(archive_of, embedder):
    config, report = archive_of("honest", {"pier.txt": HARBOUR})
    assert report.people >= 1
    searcher = Searcher(config, embedder)
    own = next(h for h in searcher.search("what did Ruth Adebayo say about the winter", k=5)
               if h.direct)
    assert own.speaker == "Ruth Adebayo" and 0.0 <= own.confidence <= 1.0
    assert f"“{own.quote}”" in citation(own, own.direct)
    reported = next(h for h in searcher.search("when will the pier open to fishing boats",
                                               k=5) if h.direct is False)
    text = citation(reported, reported.direct)
    assert "said that" in text and f"“{reported.quote}" not in text
    notebook = UserData(config.index)
    mark = notebook.add_bookmark(reported.to_json())
    assert mark.direct is False
    assert "said that" in mark.citation() and f"“{reported.quote}" not in mark.citation()
    assert f"“{own.quote}”" in notebook.add_bookmark(own.to_json()).citation()


def test_json_hits_carry_direct_and_confidence(archive_of):
    config, _ = archive_of("honest-json", {"pier.txt": HARBOUR})
    out = CliRunner().invoke(cli, ["search", "--index", config.index, "--json", "-k", "3",
                                   "what did Adebayo say"])
    assert out.exit_code == 0, out.output
    hits = [h for line in out.output.splitlines() if line.startswith("{")
            for h in json.loads(line)["hits"]]
    assert hits and all("direct" in h and "confidence" in h for h in hits)
    quoted = [h for h in hits if h["quote"]]
    assert quoted and all(isinstance(h["confidence"], float) for h in quoted)


def test_an_unsure_attribution_is_kept_but_labels_no_passage(archive_of, embedder,
                                                             monkeypatch):
    monkeypatch.setenv("ARCHIVE_LABEL_CONFIDENCE", "1.01")  # no attribution is ever that sure
    config, report = archive_of("unsure", {"pier.txt": HARBOUR})
    assert report.attributions >= 2 and report.people == 0
    hits = Searcher(config, embedder).search("boats cannot wait another winter", k=3)
    assert hits and all(h.speaker is None and h.quote is None for h in hits)


WALL = """Harbour wall to be rebuilt before winter

The harbour master, Ruth Adebayo, unveiled a plan to rebuild the harbour wall before the winter storms.

Adebayo backed the fishermen's union in its dispute with the port authority over mooring fees.

Adebayo said the work on the wall would start in October and finish by Christmas.
"""


def test_an_action_is_not_shown_as_someones_words(archive_of, embedder):
    """"Adebayo unveiled a plan", "Adebayo backed the union": stored attributions, but not
    her words; a hit on them is not labelled hers (its citation would read "Adebayo said
    that a plan ..."), while her reported speech still is."""
    config, _ = archive_of("actions", {"wall.txt": WALL})
    searcher = Searcher(config, embedder)
    by_text = {}
    for q in ("plan to rebuild the harbour wall", "union dispute over mooring fees",
              "work on the wall would start in October"):
        hit = searcher.search(q, k=1, understand=False)[0]
        by_text[q] = hit
    for q in ("plan to rebuild the harbour wall", "union dispute over mooring fees"):
        hit = by_text[q]
        assert hit.speaker is None and hit.quote is None, hit
        assert not citation(hit, hit.direct).startswith("Ruth Adebayo said")
    said = by_text["work on the wall would start in October"]
    assert (said.speaker, said.direct) == ("Ruth Adebayo", False)
    assert citation(said, said.direct).startswith("Ruth Adebayo said that")
    ids = [h.passage_id for h in by_text.values()]
    stored = [a for atts in searcher.backend.attributions_for(ids).values() for a in atts]
    assert {"unveiled", "backed", "said"} <= {a["cue"] for a in stored}
