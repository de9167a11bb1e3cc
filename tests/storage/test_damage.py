"""Index damage through the real CLI (issue 14, case 7): each kind of damage to a real built
index gives exit code 1 and one line that names the damaged file and a command, and that
command, run as printed, then works. `CURRENT` is never followed outside the index folder.
"""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.build import build
from archive.cli import cli
from archive.config import load_config
from archive.errors import IndexCorrupt, IndexNotWritable
from archive.storage import DB_NAME, VECTORS_NAME, IndexDir, archive_exists

ROOT = Path(__file__).resolve().parents[2]
ADVICE = re.compile(r"'(archive build[^']*)'")


@pytest.fixture(scope="module")
def built(tmp_path_factory, embedder):
    """Two seed articles built once; each test damages its own copy."""
    root = tmp_path_factory.mktemp("damage")
    src = root / "src"
    src.mkdir()
    for f in sorted((ROOT / "seeds").glob("*.txt"))[:2]:
        shutil.copy(f, src / f.name)
    report = build([src], load_config(index=str(root / "index")), embedder=embedder)
    assert report.articles == 2
    return root / "index", src


@pytest.fixture
def index(built, tmp_path):
    dst = tmp_path / "index"
    shutil.copytree(built[0], dst)
    return dst


def generation(index: Path) -> Path:
    return index / (index / "CURRENT").read_text().strip()


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def one_line_error(result, names: str) -> str:
    """The command failed with one line naming `names`; returns that line."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: ") and names in lines[0], lines[0]
    return lines[0]


def advised(line: str, src: Path) -> list[str]:
    """The command the error line advises, with the user's article folder filled in."""
    command = ADVICE.search(line)
    assert command, f"no 'archive build ...' advice in: {line}"
    words = shlex.split(command.group(1).replace("<your article folders>", str(src)))
    assert words[0] == "archive"
    return words[1:]


def works(index: Path, args: list[str]) -> None:
    """The advised command succeeds, and the index then answers `stats` and `search`."""
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.strip().splitlines()[-1])["articles"] == 2
    stats = run("stats", "--index", str(index), "--json")
    assert stats.exit_code == 0, stats.output
    assert json.loads(stats.output)["articles"] == 2
    found = run("search", "what did Lavrov say", "-k", "1", "--index", str(index), "--json")
    assert found.exit_code == 0 and json.loads(found.output)["hits"], found.output


def test_manifest_value_that_is_not_json(index, built):
    db = generation(index) / DB_NAME
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE manifest SET value = '{not json' WHERE key = 'model'")
    for args in (["stats"], ["search", "Lavrov"], ["add", str(built[1])], ["build", str(built[1])]):
        line = one_line_error(run(*args, "--index", str(index)), str(db))
        assert "'model'" in line and "not JSON" in line
    works(index, advised(line, built[1]))


def test_dropped_attributions_table(index, built):
    db = generation(index) / DB_NAME
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE attributions")
    for args in (["stats"], ["search", "what did Lavrov say"], ["speakers"],
                 ["build", str(built[1])], ["add", str(built[1])]):
        line = one_line_error(run(*args, "--index", str(index)), str(db))
        assert "attributions" in line
    works(index, advised(line, built[1]))
    with sqlite3.connect(f"file:{generation(index) / DB_NAME}?mode=ro", uri=True) as conn:
        assert conn.execute("SELECT COUNT(*) FROM attributions").fetchone()[0] > 0


@pytest.mark.parametrize("damage", ["empty database", "half a database", "empty vectors"])
def test_truncated_files(index, built, damage):
    gen = generation(index)
    path = gen / (VECTORS_NAME if "vectors" in damage else DB_NAME)
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        fh.truncate(size // 2 if damage.startswith("half") else 0)
    for args in (["stats"], ["search", "what did Lavrov say"]):
        line = one_line_error(run(*args, "--index", str(index)), str(path))
    works(index, advised(line, built[1]))


@pytest.mark.parametrize("damage", ["removed", "meta.json not JSON", "segments truncated"])
def test_damaged_keyword_index(index, built, damage):
    keywords = generation(index) / "keywords"
    if damage == "removed":
        shutil.rmtree(keywords)
    elif damage.startswith("meta"):
        (keywords / "meta.json").write_text("{ not json")
    else:
        for f in keywords.iterdir():
            if f.suffix in (".term", ".idx", ".fast"):
                with open(f, "r+b") as fh:
                    fh.truncate(f.stat().st_size // 3)
    commands = [["search", "Lavrov", "--mode", "keyword"], ["search", "what did Lavrov say"]]
    if damage != "segments truncated":  # Tantivy reads segments only when searching
        commands += [["stats"], ["build", str(built[1])]]
    for args in commands:
        line = one_line_error(run(*args, "--index", str(index)), str(keywords))
    works(index, advised(line, built[1]))


def pointer_cases(index: Path, outside: Path) -> dict[str, str]:
    """CURRENT contents that must never be followed, each with a real index behind it."""
    (index / "gen-link").symlink_to(outside, target_is_directory=True)
    return {"parent folders": "../../..", "absolute path": str(outside),
            "symlink leading out": "gen-link", "missing generation": "gen-gone",
            "empty": ""}


@pytest.mark.parametrize("case", ["parent folders", "absolute path", "symlink leading out",
                                  "missing generation", "empty"])
def test_current_pointer_never_leaves_the_index(index, built, tmp_path, case):
    outside = tmp_path / "elsewhere" / "gen-elsewhere"
    shutil.copytree(generation(index), outside)  # a whole generation outside the index
    (index / "CURRENT").write_text(pointer_cases(index, outside)[case] + "\n")
    folder = IndexDir(index)
    assert folder.current() is None and folder.pointer_problem()
    assert archive_exists(load_config(index=str(index)))  # opened, so the damage is said
    for args in (["stats"], ["search", "what did Lavrov say"], ["add", str(built[1])]):
        line = one_line_error(run(*args, "--index", str(index)), str(index / "CURRENT"))
        assert str(outside) not in line or case == "absolute path"
    command = advised(line, built[1])
    assert "--full" not in command  # a plain build replaces a damaged pointer
    works(index, command)
    assert IndexDir(index).current().parent == index
    assert (outside / DB_NAME).is_file()  # the folder outside was never touched


def test_build_lock_that_cannot_be_written(index, built):
    """The same error path as a read-only folder, testable as root: build.lock is a folder."""
    lock = index / "build.lock"
    lock.unlink(missing_ok=True)
    lock.mkdir()
    for args in (["build", str(built[1])], ["add", str(built[1])]):
        line = one_line_error(run(*args, "--index", str(index)), str(lock))
    assert f"rmdir {lock}" in line
    os.rmdir(lock)  # the advice, as printed
    result = run("build", str(built[1]), "--index", str(index), "--json")
    assert result.exit_code == 0 and json.loads(result.output)["articles"] == 2


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores permissions: a read-only folder "
                    "stops no build (test_build_lock_that_cannot_be_written covers the path)")
def test_read_only_index_folder(index, built):
    (index / "build.lock").unlink(missing_ok=True)
    index.chmod(0o555)
    try:
        line = one_line_error(run("add", str(built[1]), "--index", str(index)),
                              str(index / "build.lock"))
        assert f"chmod u+w {index}" in line
    finally:
        index.chmod(0o755)
    result = run("add", str(built[1]), "--index", str(index), "--json")
    assert result.exit_code == 0, result.output


def test_library_errors_name_the_file(tmp_path):
    """The same damage at the library level: the exception types the page shows."""
    folder = IndexDir(tmp_path / "index")
    folder.path.mkdir()
    (folder.path / "CURRENT").write_text("/etc\n")
    with pytest.raises(IndexCorrupt, match="CURRENT"):
        folder.require_current()
    with pytest.raises(IndexCorrupt, match="CURRENT"):
        folder.check_pointer()
    (folder.path / "build.lock").mkdir()
    with pytest.raises(IndexNotWritable, match="build.lock"):
        with folder.lock():
            pass
    (folder.path / "CURRENT").unlink()
    assert folder.check_pointer() is None and folder.pointer_problem() is None


def test_reattribute_without_a_vectors_file(index, built):
    """`archive build --reattribute` copies the vectors as they are: a missing vectors file
    is one line naming it, and the advised rebuild works."""
    vectors = generation(index) / VECTORS_NAME
    vectors.unlink()
    line = one_line_error(run("build", "--reattribute", "--index", str(index)), str(vectors))
    assert "--full" in line
    works(index, advised(line, built[1]))
