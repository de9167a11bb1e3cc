"""archive.app.uploads: safe file names, saved files that stay in their folder, the user's
own names in the report (the whole add-from-the-page path runs in tests/app/test_app.py)."""
from __future__ import annotations

import pytest

from archive.app import uploads


@pytest.mark.parametrize("name,expected", [
    ("story.txt", "story.txt"), ("../../etc/passwd", "passwd"), ("a/b\\c.html", "c.html"),
    (".hidden.csv", "hidden.csv"), ("", "upload"), ("...", "upload"),
    ("Été news (1).jsonl", "Été_news_1_.jsonl")])
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
