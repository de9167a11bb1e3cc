"""A build of many articles parses them in spaCy's worker processes while the rules read
what is parsed (archive.build.attribution): it must store exactly what a build parsing on
its own thread stores."""
from __future__ import annotations

import pytest

from archive.build import attribution, build
from archive.config import load_config
from archive.quotes import parse_articles
from archive.storage import DB_NAME, IndexDir
from archive.storage.sqlite import Store

TOWNS = ["Glenbay", "Portmore", "Ashford", "Kilrush", "Dunmore", "Belcastle", "Rathmore",
         "Corran", "Ballyline", "Eastwick", "Northam", "Southby", "Westerly", "Highcliff",
         "Lowmoor", "Brackton", "Fernhill", "Stonebridge"]
PEOPLE = [("Anna", "Kowalski", "she"), ("Tomas", "Berg", "he"), ("Maria", "Lindqvist", "she"),
          ("Kofi", "Mensah", "he"), ("Siobhan", "Keane", "she"), ("Pieter", "Jansen", "he")]


def story(i: int, town: str) -> str:
    first, last, pronoun = PEOPLE[i % len(PEOPLE)]
    other = PEOPLE[(i + 1) % len(PEOPLE)]
    return "\n\n".join([
        f"{town} council delays the harbour vote",
        f"Mayor {first} {last} said on Monday that {town} would not sell the old harbour "
        f"before the spring, after a meeting with {other[0]} {other[1]} of the port board.",
        f"\u201cWe owe the fishermen of {town} a proper hearing,\u201d {pronoun} said. "
        f"{other[1]} told reporters the board would wait for the council.",
        f"According to the port board, {i + 3} buyers have asked about the site.",
    ])


def stored(config) -> list[tuple]:
    store = Store(IndexDir(config.index_dir).require_current() / DB_NAME, readonly=True)
    try:
        return sorted((tuple(r) for r in store.db.execute(
            "SELECT a.article_id, p.position, a.speaker, a.speaker_text, a.person, "
            "a.content_start, a.content_end, a.direct, round(a.confidence, 4) "
            "FROM attributions a JOIN passages p ON p.rowid = a.passage_id")), key=repr)
    finally:
        store.close()


@pytest.mark.skipif(attribution.PARSE_PROCESSES < 2, reason="one core: no worker processes")
@pytest.mark.parametrize("quote_tagger", [1, 0])
def test_parsing_in_worker_processes_stores_what_one_thread_stores(tmp_path, embedder,
                                                                     monkeypatch, quote_tagger):
    src = tmp_path / "src"
    src.mkdir()
    for i, town in enumerate(TOWNS):
        (src / f"{i:02d}-{town.lower()}.txt").write_text(story(i, town), encoding="utf-8")
    assert len(TOWNS) >= attribution.PARSE_MIN_ARTICLES  # the worker processes are used

    streams = []

    def counted(texts, n_process):  # noqa: ANN001, ANN202 - the build's own call, recorded
        streams.append((len(texts), n_process))
        return parse_articles(texts, n_process=n_process)
    monkeypatch.setattr(attribution, "parse_articles", counted)
    parsed_apart = load_config(index=str(tmp_path / "apart"), quote_tagger=quote_tagger)
    build([src], parsed_apart, embedder=embedder)
    assert streams == [(len(TOWNS), attribution.PARSE_PROCESSES)]
    monkeypatch.setattr(attribution, "PARSE_MIN_ARTICLES", 10**9)  # one thread parses all
    parsed_here = load_config(index=str(tmp_path / "here"), quote_tagger=quote_tagger)
    build([src], parsed_here, embedder=embedder)

    apart, here = stored(parsed_apart), stored(parsed_here)
    assert here and apart == here
    speakers = {row[4] for row in here}
    assert {"Anna Kowalski", "Kofi Mensah"} <= speakers
