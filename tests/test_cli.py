"""The `archive` command through click's CliRunner: the --json contract and one-line errors.

`archive search` in dense/hybrid mode loads its own model, so only one such call is made.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import cli
from archive.storage import IndexDir

HIT_TYPES = {"rank": int, "score": float, "text": str, "title": str, "path": str,
             "article_id": str, "position": int, "passage_id": int, "also_in": list}


@pytest.fixture(scope="module")
def runner():
    return CliRunner()


def run(runner, *args):
    return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)


def lines(text: str) -> list[str]:
    return [x for x in text.splitlines() if x.strip()]


def check_hit(hit: dict) -> None:
    for key, typ in HIT_TYPES.items():
        assert isinstance(hit[key], typ), (key, hit[key])
    assert hit["date"] is None or isinstance(hit["date"], str)
    assert hit["outlet"] is None or isinstance(hit["outlet"], str)
    for key in ("section", "url", "speaker", "quote", "cue"):
        assert key in hit and (hit[key] is None or isinstance(hit[key], str))


def assert_one_line_error(result, *needles: str) -> None:
    assert result.exit_code != 0
    err = lines(result.stderr)
    assert len(err) == 1, result.stderr
    assert err[0].startswith("Error:")
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in err[0], err[0]


def test_search_json_shape_hybrid(runner, seed_index, seed_config):
    result = run(runner, "search", "what did Lavrov say", "risk of war in the OSCE region",
                 "--index", seed_config.index, "--json", "-k", "3")
    assert result.exit_code == 0, result.output
    out = [json.loads(x) for x in lines(result.stdout)]
    assert [o["query"] for o in out] == ["what did Lavrov say", "risk of war in the OSCE region"]
    for o in out:
        assert set(o) == {"query", "hits", "understood"}
        assert len(o["hits"]) == 3
        assert [h["rank"] for h in o["hits"]] == [1, 2, 3]
        for hit in o["hits"]:
            check_hit(hit)
    assert "risk of war in the OSCE region" in out[1]["hits"][0]["text"]
    assert any("Lavrov" in h["text"] for h in out[0]["hits"])


def test_search_json_keyword_with_filters(runner, seed_index, seed_config):
    queries = ["NATO", "Sherman", 'NEAR( "unbalanced', "zzqxv"]
    result = run(runner, "search", *queries, "--index", seed_config.index, "--json",
                 "--mode", "keyword", "--outlet", "CNN", "--from", "2022-01-01", "-k", "4")
    # CNN articles carry no date: a date filter leaves nothing, and that is not an error
    assert result.exit_code == 0, result.output
    out = [json.loads(x) for x in lines(result.stdout)]
    assert [o["query"] for o in out] == queries
    assert all(o["hits"] == [] for o in out)
    result = run(runner, "search", *queries, "--index", seed_config.index, "--json",
                 "--mode", "keyword", "--outlet", "CNN", "-k", "4")
    out = [json.loads(x) for x in lines(result.stdout)]
    assert len(out) == 4 and out[0]["hits"] and out[3]["hits"] == []
    for o in out:
        for hit in o["hits"]:
            check_hit(hit)
            assert hit["outlet"] == "CNN"


def test_search_plain_text(runner, seed_index, seed_config):
    result = run(runner, "search", "Stoltenberg", "--index", seed_config.index,
                 "--mode", "keyword", "-k", "2")
    assert result.exit_code == 0
    assert result.stdout.startswith("# Stoltenberg")
    assert "  1. [" in result.stdout and "  2. [" in result.stdout


def test_search_without_index(runner, tmp_path):
    result = run(runner, "search", "Lavrov", "--index", tmp_path / "none", "--json")
    assert_one_line_error(result, "no index", "archive build")
    assert result.stdout == ""


@pytest.mark.parametrize("args, needle", [
    (["--mode", "fuzzy"], "unknown mode"),
    (["-k", "0"], "k must"),
    (["--from", "2022-13-45"], "YYYY-MM-DD"),
    (["--from", "2022-02-01", "--to", "2022-01-01"], "after"),
])
def test_search_bad_arguments(runner, seed_index, seed_config, args, needle):
    result = run(runner, "search", "Lavrov", "--index", seed_config.index, *args)
    assert_one_line_error(result, needle)


def test_build_missing_path_reported_and_fails(runner, tmp_path):
    index = tmp_path / "index"
    result = run(runner, "build", tmp_path / "does-not-exist", "--index", index, "--json")
    assert result.exit_code != 0
    report = json.loads(lines(result.stdout)[0])
    assert report["skipped"] == [{"path": str(tmp_path / "does-not-exist"),
                                  "reason": "no such file or folder"}]
    assert_one_line_error(result, "no article could be indexed")
    assert IndexDir(index).current() is None


def test_build_json_reports_skipped(runner, seed_index, seed_config, seeds_copy, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(seed_config.index_dir, index, ignore=shutil.ignore_patterns("build.lock"))
    (seeds_copy / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (seeds_copy / "empty.txt").write_text("")
    result = run(runner, "build", seeds_copy, "--index", index, "--json")
    assert result.exit_code == 0, result.output
    [line] = lines(result.stdout)
    report = json.loads(line)
    assert report["unchanged"] is True and report["articles"] == 5
    assert report["passages"] == seed_index.passages
    for key in ("index", "generation", "added_articles", "removed_articles",
                "embedded_passages", "reused_passages", "attributions", "people",
                "story_clusters", "seconds"):
        assert key in report
    reasons = {Path(s["path"]).name: s["reason"] for s in report["skipped"]}
    assert "unsupported" in reasons["photo.png"] and reasons["empty.txt"] == "empty file"
    strict = run(runner, "build", seeds_copy, "--index", index, "--strict")
    assert strict.exit_code == 2
    assert "skipped" in strict.stdout and "photo.png" in strict.stdout


def test_stats(runner, seed_index, seed_config):
    result = run(runner, "stats", "--index", seed_config.index, "--json")
    assert result.exit_code == 0
    stats = json.loads(result.stdout)
    assert stats["articles"] == 5 and stats["passages"] == seed_index.passages
    assert stats["model"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert stats["dimension"] == 384 and stats["bytes_on_disk"] > 0
    text = run(runner, "stats", "--index", seed_config.index)
    assert text.exit_code == 0 and "passages" in text.stdout
    missing = run(runner, "stats", "--index", Path(seed_config.index).parent / "nope")
    assert_one_line_error(missing, "no index")


def test_speakers_and_duplicates_json(runner, seed_index, seed_config):
    for command in ("speakers", "duplicates"):
        result = run(runner, command, "--index", seed_config.index, "--json")
        assert result.exit_code == 0, result.output
        assert isinstance(json.loads(result.stdout), list)


def test_speakers_lists_types_of_named_sources(runner, seed_index, seed_config):
    """`archive speakers --json` adds "type" to each entry; the plain listing marks named
    sources that are not people ("Russia  <place>")."""
    people = json.loads(run(runner, "speakers", "--index", seed_config.index, "--json").stdout)
    assert all({"name", "aliases", "roles", "quotes", "articles", "type"} <= set(p)
               for p in people)
    lines = run(runner, "speakers", "--index", seed_config.index).stdout.splitlines()
    russia = [line for line in lines if line.split("  ")[2:3] == ["Russia"]
              or "articles  Russia  <" in line]
    assert russia and ("<place>" in russia[0] or "<organization>" in russia[0])
    lavrov = [line for line in lines if "Sergei Lavrov" in line]
    assert lavrov and "<" not in lavrov[0]


def test_settings_and_help(runner):
    from archive.config import SETTINGS

    result = run(runner, "settings")
    assert result.exit_code == 0
    for s in SETTINGS:
        assert s.env in result.stdout
    assert run(runner, "--help").exit_code == 0
    for name in cli.commands:
        assert run(runner, name, "--help").exit_code == 0


# -- export and batch questions (`archive search --format/--output/--batch`) ---------------
def csv_rows(text: str) -> list[dict]:
    import csv
    import io

    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_search_format_csv_md_and_output_keep_the_filters(runner, seed_index, seed_config,
                                                          tmp_path):
    args = ["search", "NATO", "Sherman", "--index", seed_config.index, "--mode", "keyword",
            "--outlet", "CNN", "-k", "3"]
    expected = [json.loads(x) for x in lines(run(runner, *args, "--json").stdout)]
    result = run(runner, *args, "--format", "csv")
    assert result.exit_code == 0, result.output
    table = csv_rows(result.stdout)
    assert [(r["query"], int(r["rank"]), r["article_id"], r["passage"]) for r in table] == [
        (o["query"], h["rank"], h["article_id"], h["text"]) for o in expected for h in o["hits"]]
    assert table and all(r["outlet"] == "CNN" and r["citation"] for r in table)
    md = tmp_path / "out.md"
    result = run(runner, *args, "--format", "md", "--output", md)
    assert result.exit_code == 0 and result.stdout == ""
    text = md.read_text(encoding="utf-8")
    assert text.startswith("## NATO\n\n1. ") and "\n## Sherman\n\n1. " in text
    inferred = tmp_path / "out.jsonl"  # the format follows the file's extension
    assert run(runner, *args, "--output", inferred).exit_code == 0
    out = [json.loads(x) for x in lines(inferred.read_text(encoding="utf-8"))]
    assert [(o["query"], o["rank"]) for o in out] == [(r["query"], int(r["rank"])) for r in table]
    clash = run(runner, *args, "--json", "--format", "csv")
    assert clash.exit_code != 0 and "--json and --format" in clash.output


def test_search_needs_queries_or_a_batch_not_both(runner, seed_index, seed_config, tmp_path):
    assert "QUERY, or --batch" in run(runner, "search", "--index", seed_config.index).output
    batch = tmp_path / "q.txt"
    batch.write_text("NATO\n", encoding="utf-8")
    both = run(runner, "search", "NATO", "--batch", batch, "--index", seed_config.index)
    assert both.exit_code != 0 and "not both" in both.output


def test_search_batch_of_a_text_file_writes_one_csv(runner, seed_index, seed_config, tmp_path):
    batch = tmp_path / "questions.txt"
    batch.write_text("Stoltenberg\n\nSherman\nzzqxv\n", encoding="utf-8")
    result = run(runner, "search", "--batch", batch, "--index", seed_config.index,
                 "--mode", "keyword", "-k", "2")
    assert result.exit_code == 0, result.output
    table = csv_rows(result.stdout)
    assert [(r["line"], r["query"], r["rank"]) for r in table] == [
        ("1", "Stoltenberg", "1"), ("1", "Stoltenberg", "2"), ("3", "Sherman", "1"),
        ("3", "Sherman", "2"), ("4", "zzqxv", "")]
    assert "3 questions answered, 0 skipped" in result.stderr


def test_search_batch_csv_with_filter_columns_and_a_bad_row(runner, seed_index, seed_config,
                                                            tmp_path):
    batch = tmp_path / "questions.csv"
    batch.write_text("query,outlet,from,k\n"
                     "NATO,CNN,,2\n"
                     "Lavrov,CNN,2022-13-45,\n"
                     "Lavrov,,2022-01-20,3\n", encoding="utf-8")
    out = tmp_path / "results.jsonl"
    result = run(runner, "search", "--batch", batch, "--index", seed_config.index,
                 "--mode", "keyword", "--format", "jsonl", "--output", out)
    assert result.exit_code == 0, result.output
    assert f"{batch}: line 3: date_from must be a date as YYYY-MM-DD" in result.stderr
    assert "2 questions answered, 1 skipped" in result.stderr
    rows = [json.loads(x) for x in lines(out.read_text(encoding="utf-8"))]
    assert {r["line"] for r in rows} == {2, 4}
    nato = [r for r in rows if r["line"] == 2]
    assert len(nato) == 2 and all(r["outlet"] == "CNN" and r["query"] == "NATO" for r in nato)
    dated = [r for r in rows if r["line"] == 4]
    assert 1 <= len(dated) <= 3 and all(r["date"] >= "2022-01-20" for r in dated)


def test_search_batch_json_keeps_the_json_contract(runner, seed_index, seed_config, tmp_path):
    batch = tmp_path / "questions.txt"
    batch.write_text("Stoltenberg\nNATO\n", encoding="utf-8")
    result = run(runner, "search", "--batch", batch, "--index", seed_config.index, "--json",
                 "--mode", "keyword", "-k", "2")
    out = [json.loads(x) for x in lines(result.stdout)]
    assert [(o["query"], o["line"]) for o in out] == [("Stoltenberg", 1), ("NATO", 2)]
    for o in out:
        assert len(o["hits"]) == 2
        for h in o["hits"]:
            check_hit(h)
    assert result.stderr == ""  # no progress bar under --json
