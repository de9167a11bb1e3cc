"""Mentions: the people, organisations and places each passage names, found from the parse
attribution already makes, stored beside the attributions, merged through the speakers'
alias grouping, offered as a filter and counted on people (issue 17)."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from archive.build import build
from archive.cli import cli
from archive.config import load_config
from archive.quotes import passage_analysis, passage_attributions
from archive.search import Searcher, make_filters
from archive.storage import DB_NAME, IndexDir
from archive.storage.sqlite import Store
from archive.text import mention_people

STORY = [
    "Ferry talks end without a deal",
    "Harbour Minister Anna Kowalski said on Tuesday that the ferry to Portmore would keep "
    "running, after talks with the Harbour Authority in Glenbay.",
    "Kowalski met Tomas Berg of the Harbour Authority. \u201cWe will not cut the crossing,\u201d "
    "she said.",
    "Berg told reporters that Glenbay and Portmore would share the costs.",
]


@pytest.fixture(scope="module")
def ferry(tmp_path_factory, embedder):
    root = tmp_path_factory.mktemp("mentions")
    (root / "src").mkdir()
    (root / "src" / "ferry.txt").write_text("\n\n".join(STORY), encoding="utf-8")
    config = load_config(index=str(root / "index"))
    report = build([root / "src"], config, embedder=embedder)
    searcher = Searcher(config, embedder=embedder)
    yield config, searcher, report
    searcher.close()


def rows(config, sql: str) -> list[tuple]:
    store = Store(IndexDir(config.index_dir).require_current() / DB_NAME, readonly=True)
    try:
        return [tuple(r) for r in store.db.execute(sql)]
    finally:
        store.close()


def test_one_parse_gives_the_same_attributions_and_the_names():
    texts = STORY[1:]
    found, named = passage_analysis(texts)
    assert found == passage_attributions(texts)  # attribution results unchanged
    first = {(m.name, m.type) for m in named[0]}
    assert ("Anna Kowalski", "person") in first and ("Glenbay", "place") in first
    assert any(t == "org" and "Harbour Authority" in n for n, t in first)
    for text, ms in zip(texts, named):
        assert all(text[m.start:m.end].endswith(m.name.split()[-1]) for m in ms)


def test_mentions_are_stored_and_grouped_with_the_speakers(ferry):
    config, searcher, _ = ferry
    stored = rows(config, "SELECT name, person, type FROM mentions")
    assert ("Anna Kowalski", "Anna Kowalski", "person") in stored
    people = {p["name"] for p in searcher.backend.people()}
    assert {"Anna Kowalski", "Tomas Berg"} <= people
    # "Kowalski" and "Berg" alone are the speakers they name, whatever spaCy called them
    bare = {name: person for name, person, _ in stored if name in ("Kowalski", "Berg")}
    assert bare == {"Kowalski": "Anna Kowalski", "Berg": "Tomas Berg"}


def test_the_mention_filter_keeps_the_passages_naming_someone(ferry):
    _, searcher, _ = ferry
    hits = searcher.search("ferry costs", k=10, filters=make_filters(mentions=["Tomas Berg"]))
    assert hits and {h.position for h in hits} == {1, 2}
    assert all("Berg" in h.text for h in hits)
    assert searcher.search("ferry", k=10, filters=make_filters(mentions=["Nobody"])) == []


def test_archive_mentions_lists_names_with_passages_and_quotes(ferry):
    config, searcher, _ = ferry
    runner = CliRunner()
    result = runner.invoke(cli, ["mentions", "--index", config.index, "--json"])
    assert result.exit_code == 0, result.output
    listed = {r["name"]: r for r in json.loads(result.stdout)}
    berg = listed["Tomas Berg"]
    assert berg["passages"] == 2 and berg["articles"] == 1 and berg["type"] == "person"
    assert berg["quoted"] == next(p["quotes"] for p in searcher.backend.people()
                                  if p["name"] == "Tomas Berg") > 0
    places = runner.invoke(cli, ["mentions", "--index", config.index, "--json", "--type",
                                 "place"])
    assert {r["type"] for r in json.loads(places.stdout)} == {"place"}
    text = runner.invoke(cli, ["mentions", "--index", config.index, "--limit", "1"])
    assert text.exit_code == 0 and len(text.output.strip().splitlines()) == 1


def test_speakers_json_keeps_its_shape(ferry):
    config, _, _ = ferry
    result = CliRunner().invoke(cli, ["speakers", "--index", config.index, "--json"])
    people = json.loads(result.stdout)
    assert people and all(set(p) == {"name", "aliases", "roles", "quotes", "articles", "type"}
                          for p in people)


def test_mention_grouping_never_changes_the_speakers():
    aliases = {"Sergei Lavrov": "Sergei Lavrov", "Lavrov": "Sergei Lavrov", "Russia": "Russia"}
    names = mention_people([("Lavrov", "org"), ("Sergey Lavrov", "person"),
                            ("Stoltenberg", "org"), ("Jens Stoltenberg", "person"),
                            ("Clinton", "org"), ("Bill Clinton", "person"),
                            ("Hillary Clinton", "person"), ("NATO", "org"),
                            ("Russia", "place")], aliases)
    assert names["Lavrov"] == names["Sergey Lavrov"] == "Sergei Lavrov"
    assert names["Stoltenberg"] == "Jens Stoltenberg"  # a surname spaCy called an org
    assert names["Clinton"] == "Clinton"  # two Clintons: not guessed
    assert names["NATO"] == "NATO" and names["Russia"] == "Russia"
