"""Issue 14 ("Only environment failures that make every file fail (the model cannot load, the
disk is full) stop the build, with one clear line"): a build that runs out of space while it
writes stops with one line naming the file it could not write and saying to free space; the
previous generation stays published and answering, and no draft is left behind.

The full disk is real: `archive build` runs in a child process under a file-size limit
(RLIMIT_FSIZE, with SIGXFSZ ignored so a write over the limit fails with EFBIG instead of
killing the process), which works as root too.
"""
from __future__ import annotations

import dataclasses
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from archive.build import build
from archive.search import Searcher
from archive.storage import DB_NAME, IndexDir

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
HARBOUR = ("Harbour reopens after the storm\n\nThe port authority said on Monday that the "
           "harbour had reopened after the storm. Fishing boats returned to the quay by noon "
           "and the ferry to the islands will run again from Tuesday.")
BRIDGE = ("Old bridge closed for repairs\n\nEngineers found cracks in two of its arches, the "
          "city council said, and the bridge will stay closed to traffic until the summer.")


def limited(limit: int):  # noqa: ANN201 - a preexec_fn
    """Run the child under a file-size limit of `limit` bytes (writes past it fail)."""
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # stays ignored across exec
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def child_env() -> dict[str, str]:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
            "ARCHIVE_ATTRIBUTION": "0", "PYTHONDONTWRITEBYTECODE": "1"}


def build_under_limit(limit: int, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "archive", "build", *args],
                          capture_output=True, text=True, env=child_env(), cwd=ROOT,
                          preexec_fn=limited(limit), timeout=900)


@pytest.fixture
def built(tmp_path, fresh_config, embedder):
    """An index of two articles (attribution off, as in the children), and a corpus that
    now holds three more."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "harbour.txt").write_text(HARBOUR)
    (corpus / "bridge.txt").write_text(BRIDGE)
    config = dataclasses.replace(fresh_config, attribution=0)
    report = build([corpus], config, embedder=embedder)
    assert report.articles == 2
    for seed in sorted(SEEDS.glob("*.txt"))[:3]:
        shutil.copy(seed, corpus / seed.name)
    return corpus, config


def assert_previous_answers(config, embedder, generation: Path) -> None:  # noqa: ANN001
    index = IndexDir(config.index_dir)
    assert index.current() == generation  # still published
    assert sorted(p.name for p in index.path.glob("gen-*")) == [generation.name]  # no draft
    searcher = Searcher(config, embedder=embedder)
    try:
        assert searcher.counts()["articles"] == 2
        hits = searcher.search("cracks in the arches of the bridge", k=1)
        assert "cracks in two of its arches" in hits[0].text
    finally:
        searcher.close()


@pytest.mark.parametrize("where", ["copying the catalogue", "adding the new articles"])
def test_a_full_disk_stops_the_build_with_one_line(where, built, embedder):
    corpus, config = built
    previous = IndexDir(config.index_dir).require_current()
    size = (previous / DB_NAME).stat().st_size
    # below the catalogue's size the copy fails; just above it, the copy fits and the
    # first new passages do not
    limit = size // 2 if where == "copying the catalogue" else size + 4096
    done = build_under_limit(limit, str(corpus), "--index", str(config.index_dir))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("Error: cannot write '") and DB_NAME in line
    assert "free space" in line and "build again" in line
    assert_previous_answers(config, embedder, previous)
    # with room again, the same build goes through
    again = build([corpus], config, embedder=embedder)
    assert again.articles == 5 and again.added_articles == 3


CHILD = r"""
import json, os, resource, signal, sqlite3, sys
import faiss, numpy as np
from archive.storage.sqlite import disk_full
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
folder = sys.argv[1]
resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))
out = {}
db = sqlite3.connect(os.path.join(folder, "x.db"))
db.execute("CREATE TABLE t (x)")
try:
    with db:
        db.executemany("INSERT INTO t VALUES (?)", [("a" * 1000,)] * 500)
except sqlite3.Error as exc:
    out["sqlite"] = disk_full(exc)
index = faiss.IndexFlatIP(384)
index.add(np.ones((500, 384), dtype=np.float32))
try:
    faiss.write_index(index, os.path.join(folder, "v.faiss"))
except RuntimeError as exc:
    out["faiss"] = disk_full(exc)
try:
    with open(os.path.join(folder, "plain"), "wb") as fh:
        fh.write(b"x" * 200_000)
except OSError as exc:
    out["os"] = disk_full(exc)
out["other"] = [disk_full(e) for e in (sqlite3.OperationalError("no such table: t"),
                                       PermissionError(13, "Permission denied"),
                                       RuntimeError("Error: 'ret' failed: read error"))]
print(json.dumps(out))
"""


def test_disk_full_recognises_what_sqlite_faiss_and_the_os_raise(tmp_path):
    """Real errors of each library that writes a generation, raised by a real size limit."""
    from archive.storage.sqlite import disk_full

    done = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path)], capture_output=True,
                          text=True, timeout=300, env=child_env())
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["sqlite"] and found["faiss"] and found["os"] == os.strerror(27)
    assert "File too large" in found["faiss"]
    assert found["other"] == [None, None, None]
    assert disk_full(OSError(28, "No space left on device")) == "No space left on device"
