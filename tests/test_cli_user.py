"""`archive saved ...` and `archive bookmarks ...` through click's CliRunner on a real index:
save, run (new hits marked), bookmark, edit, export, `archive build --full` in between, and
an article removed from the archive listed as REMOVED. Saved searches run in keyword mode,
so no command here loads the model but the builds.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from archive.build import build
from archive.cli import cli
from archive.config import load_config
from archive.storage import USER_DB, passage_hash as text_hash

LAVROV_Q = "what did Lavrov say"


@pytest.fixture(scope="module")
def runner():
    return CliRunner()


def run(runner, *args):
    return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)


def ok(runner, *args) -> str:
    result = run(runner, *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def one_line_error(result, needle: str) -> None:
    assert result.exit_code == 1
    err = [x for x in result.stderr.splitlines() if x.strip()]
    assert len(err) == 1 and err[0].startswith("Error:") and needle in err[0], result.stderr
    assert "Traceback" not in result.output


@pytest.fixture
def index(tmp_path, seeds_copy, embedder):
    config = load_config(index=str(tmp_path / "index"))
    assert build([seeds_copy], config, embedder=embedder).articles == 5
    return config.index


def test_every_subcommand_and_option_has_help():
    for group in ("saved", "bookmarks"):
        command = cli.commands[group]
        assert isinstance(command, click.Group) and command.help
        for name, sub in command.commands.items():
            assert sub.help, f"archive {group} {name} has no help"
            for param in sub.params:
                if isinstance(param, click.Option):
                    assert param.help, f"{param.opts} of archive {group} {name} has no help"


def test_saved_search_lifecycle(runner, index):
    out = ok(runner, "saved", "add", "lavrov", LAVROV_Q, "--mode", "keyword", "-k", "5",
             "--outlet", "CNN", "--outlet", "World Nation News", "--index", index)
    assert "archive saved run lavrov" in out
    ok(runner, "saved", "add", "dated", "troops", "--from", "2022-01-01", "--to", "2022-02-01",
       "--speaker", "Lavrov", "--article", "abc", "--index", index)
    dated, listed = json.loads(ok(runner, "saved", "list", "--json", "--index", index))
    assert listed["name"] == "lavrov" and listed["query"] == LAVROV_Q
    assert (listed["mode"], listed["k"], listed["outlets"], listed["runs"]) == (
        "keyword", 5, ["CNN", "World Nation News"], 0)
    assert (dated["date_from"], dated["date_to"], dated["speaker"], dated["article_ids"]) == (
        "2022-01-01", "2022-02-01", "Lavrov", ["abc"])
    text = ok(runner, "saved", "list", "--index", index)
    assert "lavrov: 'what did Lavrov say'  [keyword k=5 outlet=CNN outlet=World Nation News]" \
        "  never run" in text

    first = json.loads(ok(runner, "saved", "run", "lavrov", "--json", "--index", index))
    assert first["query"] == LAVROV_Q and first["previous_run"] is None
    assert first["hits"] and all(h["new"] for h in first["hits"])
    assert first["new_hits"] == len(first["hits"])
    for h in first["hits"]:  # the search --json hit, extended
        assert h["passage_hash"] == text_hash(h["text"]) and isinstance(h["passage_id"], int)
    second = json.loads(ok(runner, "saved", "run", "lavrov", "--json", "--index", index))
    assert second["new_hits"] == 0 and second["previous_run"] == first["ran_at"]
    text = ok(runner, "saved", "run", "lavrov", "--index", index)
    assert text.startswith("# lavrov: what did Lavrov say") and "0 new since" in text
    assert "NEW" not in text

    one_line_error(run(runner, "saved", "add", "lavrov", "again", "--index", index),
                   "already a saved search named 'lavrov'")
    one_line_error(run(runner, "saved", "add", "x", "q", "--from", "13/01/2022",
                       "--index", index), "YYYY-MM-DD")
    one_line_error(run(runner, "saved", "add", "x", "q", "--mode", "fuzzy",
                       "--index", index), "unknown mode")
    one_line_error(run(runner, "saved", "run", "nope", "--index", index),
                   "no saved search named 'nope'")
    ok(runner, "saved", "delete", "lavrov", "--index", index)
    assert [s["name"] for s in json.loads(ok(runner, "saved", "list", "--json",
                                             "--index", index))] == ["dated"]
    one_line_error(run(runner, "saved", "delete", "lavrov", "--index", index),
                   "no saved search named 'lavrov'")


def test_bookmarks_survive_a_full_rebuild_and_report_removed_articles(runner, index,
                                                                     seeds_copy):
    hits = json.loads(ok(runner, "search", LAVROV_Q, "--mode", "keyword", "-k", "10",
                         "--json", "--index", index))["hits"]
    first = hits[0]
    other = next(h for h in hits if h["article_id"] != first["article_id"])
    mark = json.loads(ok(runner, "bookmarks", "add", "--passage-id", first["passage_id"],
                         "--note", "his words", "--tag", "lavrov", "--tag", "russia, talks",
                         "--json", "--index", index))
    assert mark["passage_hash"] == text_hash(first["text"]) and mark["id"] == 1
    assert mark["tags"] == ["lavrov", "russia", "talks"]
    out = ok(runner, "bookmarks", "add", "--article", other["article_id"], "--passage-hash",
             text_hash(other["text"]), "--index", index)
    assert out.startswith("Bookmarked #2:")
    ok(runner, "bookmarks", "note", "2", "the other outlet", "--index", index)
    ok(runner, "bookmarks", "tag", "2", "--add", "other", "--index", index)
    ok(runner, "saved", "add", "kept", LAVROV_Q, "--mode", "keyword", "--index", index)

    ok(runner, "build", seeds_copy, "--full", "--index", index)  # every passage renumbered
    assert (Path(index) / USER_DB).is_file()
    listed = json.loads(ok(runner, "bookmarks", "list", "--json", "--index", index))
    assert [(m["id"], m["status"]) for m in listed] == [(2, "ok"), (1, "ok")]
    assert listed[1]["note"] == "his words" and listed[0]["tags"] == ["other"]
    assert listed[0]["note"] == "the other outlet"
    assert [s["name"] for s in json.loads(ok(runner, "saved", "list", "--json",
                                             "--index", index))] == ["kept"]

    Path(first["path"]).unlink()  # the first bookmark's article leaves the archive
    ok(runner, "build", seeds_copy, "--index", index)
    text = ok(runner, "bookmarks", "list", "--index", index)
    assert "#1 [REMOVED]" in text and "#2 [" not in text and "note: his words" in text
    rows = list(csv.DictReader(io.StringIO(ok(runner, "bookmarks", "list", "--format", "csv",
                                               "--index", index))))
    assert [(r["id"], r["status"]) for r in rows] == [("2", "ok"), ("1", "removed")]
    md = ok(runner, "bookmarks", "list", "--format", "md", "--tag", "lavrov", "--index", index)
    assert md.startswith("- ") and "**[REMOVED]**" in md and "Note: his words" in md
    assert "other outlet" not in md  # filtered by tag
    assert json.loads(ok(runner, "bookmarks", "list", "--json", "--text", "OTHER OUTLET",
                         "--index", index))[0]["id"] == 2

    ok(runner, "bookmarks", "delete", "1", "--index", index)
    assert [m["id"] for m in json.loads(ok(runner, "bookmarks", "list", "--json",
                                           "--index", index))] == [2]
    one_line_error(run(runner, "bookmarks", "delete", "1", "--index", index), "no bookmark 1")
    one_line_error(run(runner, "bookmarks", "add", "--index", index), "--passage-id")
    one_line_error(run(runner, "bookmarks", "add", "--passage-id", "999999", "--index", index),
                   "no passage 999999")
    one_line_error(run(runner, "bookmarks", "add", "--article", other["article_id"],
                       "--passage-hash", "0" * 40, "--index", index), "no passage with hash")


def test_listing_an_empty_notebook_creates_nothing(runner, tmp_path):
    index = tmp_path / "index"
    index.mkdir()
    assert "no saved searches" in ok(runner, "saved", "list", "--index", index)
    assert "no bookmarks" in ok(runner, "bookmarks", "list", "--index", index)
    assert not (index / USER_DB).exists()
    one_line_error(run(runner, "saved", "list", "--index", tmp_path / "missing"),
                   "no index in")
