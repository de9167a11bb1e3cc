"""Bad input and damaged indexes through the CLI: every bad file is reported with its reason,
what was indexed stays, and a damaged index gives one clear line naming the file."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.build import build
from archive.cli import cli
from archive.config import load_config
from archive.errors import IndexCorrupt
from archive.storage.generations import DB_NAME, IndexDir
from archive.search.searcher import Searcher

GOOD = """Port strike ends after ten days

Dock workers in the northern port voted on Tuesday to end a ten-day strike over pay.

"We won a fair raise and we are going back to work," union leader Maria Lopes said.
"""


@pytest.fixture
def bad_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "scrape"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD)
    (folder / "empty.txt").write_text("")
    (folder / "blank.txt").write_text("   \n\n\t \n")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    (folder / "archive.zip").write_bytes(b"PK\x03\x04" + bytes(100))
    (folder / "huge.txt").write_text("word " * 4_200_000)  # ~20 MB: above the size cap
    (folder / "line.txt").write_text("word " * 40_000)  # 200 KB with no newline
    (folder / "broken.jsonl").write_text('{"text": "A valid record about the harbour '
                                         'strike that ended on Tuesday."}\n{not json\n')
    (folder / "notext.csv").write_text("title,date\nA,2022-01-01\n")
    os.symlink(folder / "missing-target.txt", folder / "dangling.txt")
    return folder


def test_build_reports_each_bad_file_and_indexes_the_good(bad_folder, tmp_path, embedder):
    config = load_config(index=str(tmp_path / "index"))
    report = build([bad_folder], config, embedder=embedder)
    reasons = {Path(s["path"]).name.split("#")[0]: s["reason"] for s in report.skipped}
    assert "empty" in reasons["empty.txt"]
    assert "blank.txt" in reasons
    assert "binary" in reasons["image.txt"]
    assert "unsupported" in reasons["archive.zip"]
    assert "text column" in reasons["notext.csv"]
    assert "JSON" in reasons["broken.jsonl"]
    assert "read" in reasons["dangling.txt"]
    assert "larger than 5 MB" in reasons["huge.txt"]  # never read past the cap
    assert "ARCHIVE_MAX_ARTICLE_BYTES" in reasons["huge.txt"]
    assert "not article text" in reasons["line.txt"]
    assert report.articles == 2  # good.txt and the good JSONL record
    searcher = Searcher(config, embedder=embedder)
    assert "Maria Lopes" in searcher.search("what did Maria Lopes say", k=1)[0].text
    searcher.close()


def test_cli_exit_codes_json_and_strict(bad_folder, tmp_path):
    runner = CliRunner()
    index = str(tmp_path / "index")
    ok = runner.invoke(cli, ["build", str(bad_folder), "--index", index, "--json"])
    assert ok.exit_code == 0, ok.output
    report = json.loads(ok.stdout.strip().splitlines()[-1])
    assert report["articles"] >= 2 and len(report["skipped"]) >= 8
    assert all(set(s) == {"path", "reason"} for s in report["skipped"])
    strict = runner.invoke(cli, ["add", str(bad_folder), "--index", index, "--strict"])
    assert strict.exit_code != 0


def test_bad_files_never_lose_what_was_indexed(bad_folder, tmp_path, embedder):
    config = load_config(index=str(tmp_path / "index"))
    good_only = tmp_path / "good"
    good_only.mkdir()
    shutil.copy(bad_folder / "good.txt", good_only / "good.txt")
    build([good_only], config, embedder=embedder)
    only_bad = tmp_path / "only-bad"
    only_bad.mkdir()
    (only_bad / "empty.txt").write_text("")
    report = build([only_bad], config, embedder=embedder)  # mirror build of nothing usable
    assert report.articles == 0
    searcher = Searcher(config, embedder=embedder)
    assert searcher.counts()["articles"] == 1
    searcher.close()


def damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[100:middle] = os.urandom(middle - 100)
    path.write_bytes(bytes(data))


def test_damaged_sqlite_is_a_clear_error(seed_index, seed_config, tmp_path, embedder):
    copy = tmp_path / "index"
    shutil.copytree(seed_config.index_dir, copy)
    db = IndexDir(copy).require_current() / DB_NAME
    damage(db)
    config = load_config(index=str(copy))
    with pytest.raises(IndexCorrupt) as info:
        Searcher(config, embedder=embedder).search("what did Lavrov say", k=3)
    assert str(db) in str(info.value) and "archive build" in str(info.value)
    result = CliRunner().invoke(cli, ["stats", "--index", str(copy)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and str(db) in result.output
    assert len(result.output.strip().splitlines()) == 1
