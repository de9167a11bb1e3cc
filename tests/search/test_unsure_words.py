"""A person's probable words: an attribution the build kept below ARCHIVE_LABEL_CONFIDENCE
("... she added", the "she" resolved to them, unsurely) ranks its passage after the person's
labelled words and before passages that only mention them, with the reason "possibly NAME's
words", and never labels it as theirs. Real build and model; the stored confidence of one
attribution is set in the test so that the case does not hang on the tagger's score."""
from __future__ import annotations

import sqlite3
from contextlib import closing

from archive.search import Searcher
from archive.search.speakers import UNSURE_CONFIDENCE

PIER = """Harbour master warns the council about winter storms

The harbour master, Ruth Adebayo, said the new pier would open to fishing boats in the spring.

“The boats cannot wait another winter for a safe mooring,” Adebayo said at the council meeting.

The council thanked Ruth Adebayo for eleven years of service at the harbour office.

“Nobody ever asked the fishermen what kind of pier they wanted,” she added.
"""


def _unsure(searcher: Searcher, text_start: str, confidence: float) -> int:
    """Make the attribution of the passage starting with `text_start` an unsure one by
    Ruth Adebayo: the speaker kept, no person, this confidence. Returns the passage id."""
    store = searcher.backend.store
    pid = next(p for p, _, text in store.all_passages() if text.startswith(text_start))
    assert store.attributions_for([pid]).get(pid), "the build found no attribution there"
    with closing(sqlite3.connect(store.path)) as db, db:  # the searcher's own is read-only
        db.execute("UPDATE attributions SET speaker = 'Ruth Adebayo', person = NULL, "
                   "confidence = ? WHERE passage_id = ?", [confidence, pid])
    return pid


def test_probable_words_rank_between_own_words_and_mentions(archive_of, embedder):
    config, report = archive_of("unsure-rank", {"pier.txt": PIER})
    assert report.people >= 1
    pid = _unsure(Searcher(config, embedder), "“Nobody ever asked", UNSURE_CONFIDENCE + 0.1)
    hits = Searcher(config, embedder).search("what did Ruth Adebayo say", k=5)
    ids = [h.passage_id for h in hits]
    probable = hits[ids.index(pid)]
    assert probable.speaker is None and probable.quote is None  # never labelled as hers
    assert probable.reason == "possibly Ruth Adebayo's words"
    own = [i for i, h in enumerate(hits) if h.reason in ("own words", "reported")]
    mention = next(i for i, h in enumerate(hits) if h.text.startswith("The council thanked"))
    assert own and max(own) < ids.index(pid) < mention


def test_below_the_floor_an_attribution_is_no_evidence(archive_of, embedder):
    config, _ = archive_of("unsure-floor", {"pier.txt": PIER})
    pid = _unsure(Searcher(config, embedder), "“Nobody ever asked", UNSURE_CONFIDENCE - 0.2)
    hits = Searcher(config, embedder).search("what did Ruth Adebayo say", k=5)
    assert all(h.reason is None or not h.reason.startswith("possibly") for h in hits)
    ids = [h.passage_id for h in hits]
    mention = next(i for i, h in enumerate(hits) if h.text.startswith("The council thanked"))
    assert pid not in ids or ids.index(pid) > mention


FERRY = """Ferry company adds a winter crossing

“We will run a second crossing every evening from November,” said Tomas Lindqvist, the ferry company's director.
"""


def test_a_name_nobody_is_labelled_as_still_finds_their_probable_words(archive_of, embedder):
    """A speaker whose every attribution the build kept below the label threshold is no known
    person: "what did NAME say" falls back to passages naming them, and to the words given to
    their name although the passage does not name them ("... she added")."""
    config, _ = archive_of("unsure-unknown", {"pier.txt": PIER, "ferry.txt": FERRY})
    searcher = Searcher(config, embedder)
    pid = _unsure(searcher, "“Nobody ever asked", UNSURE_CONFIDENCE + 0.1)
    with closing(sqlite3.connect(searcher.backend.store.path)) as db, db:  # as a build
        db.execute("UPDATE attributions SET person = NULL, confidence = 0.6 "  # grouping
                   "WHERE speaker = 'Ruth Adebayo'")  # leaves a speaker never labelled
        db.execute("DELETE FROM aliases WHERE name = 'Ruth Adebayo'")
        db.execute("DELETE FROM people WHERE name = 'Ruth Adebayo'")
    answer = Searcher(config, embedder).ask("what did Ruth Adebayo say", k=5)
    assert answer.understood.mode == "mentions"
    hit = next(h for h in answer.hits if h.passage_id == pid)
    assert hit.speaker is None and hit.reason == "possibly Ruth Adebayo's words"


def test_possibly_is_said_only_of_a_name_ranking_reads_as_the_persons():
    """The reason names the same probable words ranking finds: an unsure quote given to a
    name of the person (alias or own name) is "possibly" theirs; one given to a bare surname
    that is another person's alias only mentions them."""
    from archive.search.searcher import names_of, ranking_reason

    aliases = {"Ruth Adebayo": "Ruth Adebayo", "R. Adebayo": "Ruth Adebayo",
               "Adebayo": "Tunde Adebayo", "Tunde Adebayo": "Tunde Adebayo"}
    names = names_of(["Ruth Adebayo"], aliases)
    assert names["Ruth Adebayo"][0] == ["R. Adebayo", "Ruth Adebayo"]

    def unsure(speaker: str) -> dict:
        return {"speaker": speaker, "person": None, "confidence": UNSURE_CONFIDENCE + 0.1}

    text = "Adebayo said the pier would open in spring."
    assert ranking_reason(None, names, text, [unsure("R. Adebayo")]) == (
        "possibly Ruth Adebayo's words")
    assert ranking_reason(None, names, text, [unsure("Adebayo")]) == "mentions Ruth Adebayo"
