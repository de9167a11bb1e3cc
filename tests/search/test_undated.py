"""`archive search --include-undated`: a date range leaves out articles without a date,
says how many on stderr, and includes them on request (the --json shape unchanged)."""
from __future__ import annotations

import json

from click.testing import CliRunner

from archive.cli import cli


def search(seed_config, *extra: str):
    return CliRunner().invoke(cli, ["search", "NATO Russia talks", "--index", seed_config.index,
                                    "--json", "--mode", "keyword", "-k", "20",
                                    "--from", "2022-01-12", *extra])


def test_include_undated_on_the_command_line(seed_index, seed_config, searcher):
    plain = search(seed_config)
    assert plain.exit_code == 0, plain.output
    hits = json.loads(plain.stdout)["hits"]
    assert hits and all(h["date"] for h in hits)
    assert "without a date are left out" in plain.stderr and "--include-undated" in plain.stderr
    both = search(seed_config, "--include-undated")
    out = json.loads(both.stdout)
    assert set(out) == {"query", "hits", "understood"}
    assert any(h["date"] is None for h in out["hits"]) and any(h["date"] for h in out["hits"])
    assert "left out" not in both.stderr
