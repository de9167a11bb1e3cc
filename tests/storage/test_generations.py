"""Crash safety and concurrency of the index lifecycle, with real processes.

A build killed with SIGKILL at any moment (while embedding, while writing SQLite, before and
after saving FAISS, while publishing, or at a random time) must leave the previous index
answering exactly as before, and the next build must complete. A rebuild running while
another process searches must cause no error and every answer must come from a complete
index.
"""
from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from archive.build.pipeline import build
from archive.config import load_config
from archive.storage import IndexDir
from archive.search import Searcher

ROOT = Path(__file__).resolve().parents[2]
QUERIES = ["what did Lavrov say", "NATO open door policy", "troops at the border"]

EXTRA = """Harbour city opens new ferry terminal

The city council opened a new ferry terminal on Friday after three years of construction.

"This terminal will carry two million passengers a year," the mayor, Anna Berg, said at the opening.

Local shop owners said they expected more visitors during the summer season.
"""


def snapshot(config) -> list[list[tuple[str, str]]]:
    searcher = Searcher(config, embedder=_shared["embedder"])
    try:
        return [[(h.article_id, h.text) for h in searcher.search(q, k=5)] for q in QUERIES]
    finally:
        searcher.close()


_shared: dict = {}


@pytest.fixture(scope="module")
def base_index(tmp_path_factory, embedder):
    """Two seeds; the killed builds try to add a third seed and a new article."""
    _shared["embedder"] = embedder
    root = tmp_path_factory.mktemp("lifecycle")
    small = root / "small"
    small.mkdir()
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    for f in seeds[:2]:
        shutil.copy(f, small / f.name)
    big = root / "big"
    big.mkdir()
    for f in seeds[:3]:
        shutil.copy(f, big / f.name)
    (big / "ferry.txt").write_text(EXTRA)
    return root, small, big


def run_build(index: Path, source: Path, fault: str | None = None,
              timeout: float = 600) -> subprocess.CompletedProcess:
    env = dict(os.environ, HF_HUB_OFFLINE="1", ARCHIVE_INDEX=str(index))
    env.pop("ARCHIVE_FAULT_INJECT", None)
    if fault:
        env["ARCHIVE_FAULT_INJECT"] = fault
    return subprocess.run([sys.executable, "-m", "archive", "build", str(source), "--json"],
                          env=env, capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("stage", ["embedding", "sqlite", "faiss", "saved", "publish"])
def test_build_killed_at_stage_leaves_previous_index(base_index, tmp_path, embedder, stage):
    root, small, big = base_index
    index = tmp_path / "index"
    config = load_config(index=str(index))
    build([small], config, embedder=embedder)
    before = snapshot(config)
    generation = IndexDir(index).current()

    killed = run_build(index, big, fault=stage)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert IndexDir(index).current() == generation
    assert snapshot(config) == before

    report = build([big], config, embedder=embedder)  # the next build completes
    assert report.articles == 4
    assert IndexDir(index).current() != generation
    leftovers = [p for p in index.glob("gen-*") if not (p / ".published").exists()]
    assert leftovers == []
    after = Searcher(config, embedder=embedder)
    assert any("ferry terminal" in h.text for h in after.search("new ferry terminal", k=3))
    after.close()


def test_build_killed_at_random_moments(base_index, tmp_path, embedder):
    root, small, big = base_index
    index = tmp_path / "index"
    config = load_config(index=str(index))
    build([small], config, embedder=embedder)
    before = snapshot(config)
    rng = random.Random(7)
    env = dict(os.environ, HF_HUB_OFFLINE="1", ARCHIVE_INDEX=str(index))
    for _ in range(2):
        proc = subprocess.Popen([sys.executable, "-m", "archive", "build", str(big)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(1.0, 10.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        current = Searcher(config, embedder=embedder)
        answers = [[(h.article_id, h.text) for h in current.search(q, k=5)] for q in QUERIES]
        count = current.counts()["articles"]
        current.close()
        assert count in (2, 4)  # the kill may land after the publish
        if count == 2:
            assert answers == before
    assert build([big], config, embedder=embedder).articles == 4


SEARCH_LOOP = textwrap.dedent("""
    import json, sys
    from archive.config import load_config
    from archive.search import Searcher
    searcher = Searcher(load_config(index=sys.argv[1]))
    errors, seen = [], []
    for i in range(int(sys.argv[2])):
        try:
            hits = searcher.search("what did Lavrov say", k=5)
            seen.append([h.text for h in hits])
        except Exception as exc:
            errors.append(repr(exc))
    print(json.dumps({"errors": errors, "answers": seen}))
""")


def test_searches_during_rebuilds_see_complete_indexes(base_index, tmp_path, embedder):
    root, small, big = base_index
    index = tmp_path / "index"
    config = load_config(index=str(index))
    build([small], config, embedder=embedder)
    answer_small = [h.text for h in Searcher(config, embedder=embedder).search(
        "what did Lavrov say", k=5)]
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    reader = subprocess.Popen([sys.executable, "-c", SEARCH_LOOP, str(index), "200"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    builds = 0
    while reader.poll() is None and builds < 6:
        build([big if builds % 2 == 0 else small], config, embedder=embedder)
        builds += 1
    out, err = reader.communicate(timeout=600)
    assert reader.returncode == 0, err[-2000:]
    result = json.loads(out.strip().splitlines()[-1])
    build([big], config, embedder=embedder)
    answer_big = [h.text for h in Searcher(config, embedder=embedder).search(
        "what did Lavrov say", k=5)]
    assert result["errors"] == []
    assert len(result["answers"]) == 200
    assert builds >= 2
    assert all(a in (answer_small, answer_big) for a in result["answers"])
