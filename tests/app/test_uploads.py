"""archive.app.uploads: safe file names, saved files that stay in their folder, the user's
own names in the report (the whole add-from-the-page path runs in tests/app/test_app.py)."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from archive.app import uploads


@pytest.mark.parametrize("name,expected", [
    ("story.txt", "story.txt"), ("../../etc/passwd", "passwd"), ("a/b\\c.html", "c.html"),
    (".hidden.csv", "hidden.csv"), ("", "upload"), ("...", "upload"),
    ("Été news (1).jsonl", "Été_news_1_.jsonl"), ("dump.jsonl.gz", "dump.jsonl.gz"),
    (".scrape.CSV.bz2", "scrape.CSV.bz2")])
def test_safe_filename(name, expected):
    assert uploads.safe_filename(name) == expected


def test_save_uploads_stays_in_its_folder_and_keeps_names(tmp_path):
    folder, names = uploads.save_uploads([("a.txt", b"one"), ("../a.txt", b"two"),
                                     ("b.png", b"\x89PNG\x00")], tmp_path / "index", "s1")
    assert folder == tmp_path / "index" / "uploads" / "s1"
    saved = sorted(p.name for p in folder.iterdir())
    assert saved == ["a-2.txt", "a.txt", "b.png"]
    assert sorted(names.values()) == ["../a.txt", "a.txt", "b.png"]
    assert (folder / "a-2.txt").read_bytes() == b"two"
    saved_a2 = str(folder / "a-2.txt")
    assert uploads.uploaded_name(saved_a2, names) == "../a.txt"
    assert uploads.uploaded_name(str(folder / "x.jsonl") + "#3", names) == "x.jsonl#3"
    assert uploads.uploaded_name(str(folder / "b.png"), names) == "b.png"


def test_a_compressed_upload_saved_apart_keeps_what_it_holds(tmp_path):
    """Two uploads of "dump.jsonl.gz": the second is "dump-2.jsonl.gz", still read as
    gzipped JSON Lines (not "dump.jsonl-2.gz", a type nobody reads)."""
    folder, _ = uploads.save_uploads([("dump.jsonl.gz", b"1"), ("dump.jsonl.gz", b"2")],
                                     tmp_path / "index", "s1")
    assert sorted(p.name for p in folder.iterdir()) == ["dump-2.jsonl.gz", "dump.jsonl.gz"]


# -- issue 14, case 6: long non-Latin names, one file that cannot be saved, no server paths --
LONG_CYRILLIC = "Заявление министерства иностранных дел " * 6  # ~230 characters, ~430 bytes


@pytest.mark.parametrize("name,suffix", [(LONG_CYRILLIC + ".txt", ".txt"),
                                         ("新闻" * 120 + ".jsonl", ".jsonl"),
                                         ("é" * 199 + ".csv", ".csv"),
                                         ("é" * 199 + ".jsonl.gz", ".jsonl.gz"),
                                         ("x" * 300, "")])
def test_safe_filename_is_bounded_in_bytes_and_keeps_the_suffix(name, suffix):
    safe = uploads.safe_filename(name)
    assert len(safe.encode()) <= uploads.MAX_NAME_BYTES < 255
    assert safe.endswith(suffix) and len(safe) > len(suffix) + 10
    assert safe == uploads.safe_filename(safe)  # cut on a character boundary, stable
    assert safe[:10] == name.replace(" ", "_")[:10]


def test_a_name_of_symbols_only_keeps_its_suffix():
    assert uploads.safe_filename("🙂" * 100 + ".html") == "upload.html"


def test_long_names_are_saved_apart_and_keep_the_users_name(tmp_path):
    a, b = LONG_CYRILLIC + "первый.txt", LONG_CYRILLIC + "второй.txt"  # same first 200 bytes
    folder, names = uploads.save_uploads([(a, b"one"), (b, b"two"), ("short.txt", b"3")],
                                         tmp_path / "index", "s1")
    saved = sorted(folder.iterdir())
    assert len(saved) == 3 and all(len(p.name.encode()) <= 255 for p in saved)
    assert {p.read_bytes() for p in saved} == {b"one", b"two", b"3"}
    assert sorted(names.values()) == sorted([a, b, "short.txt"])
    assert {uploads.uploaded_name(str(p), names) for p in saved} == {a, b, "short.txt"}


def test_a_file_that_cannot_be_saved_is_named_and_the_others_are_kept(tmp_path):
    """A real write error (the file size limit, EFBIG: it stops root too) on one file of a
    batch: that file is reported by its own name, without any server path; the others
    are saved. Run in a child process, so the limit binds nothing else."""
    script = textwrap.dedent(f"""
        import json, resource, signal
        from archive.app import uploads
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, resource.RLIM_INFINITY))
        failed = []
        folder, names = uploads.save_uploads(
            [("big.txt", b"x" * 10000), ("small.txt", b"fits")], {str(tmp_path / "index")!r},
            "s1", failed)
        print(json.dumps({{"failed": failed, "names": names,
                          "saved": sorted(p.name for p in folder.iterdir())}}))
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, timeout=300)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["saved"] == ["small.txt"]  # the partial big.txt was removed
    [entry] = result["failed"]
    assert "could not be saved" in entry["reason"] and str(tmp_path) not in entry["reason"]
    assert uploads.uploaded_name(entry["path"], result["names"]) == "big.txt"


def test_public_message_hides_the_index_folder(tmp_path):
    index = tmp_path / "index"
    message = f"database '{index}/gen-1/archive.db' is damaged: rebuild it with " \
              f"'archive build --full <your article folders> --index {index}'"
    shown = uploads.public_message(message, index)
    assert str(tmp_path) not in shown
    assert "'INDEX/gen-1/archive.db'" in shown and "--index INDEX'" in shown
