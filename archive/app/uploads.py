"""Articles added from the page: saved under <index>/uploads/<timestamp>/ with safe names, then
added to the archive by a build that keeps everything already indexed.

No Streamlit here, so the handling is tested with real bytes (tests/app/test_uploads.py).
"""
from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path

from archive.build import BuildReport, add
from archive.config import Config
from archive.embed import Embedder
from archive.storage import UPLOADS


def safe_filename(name: str, fallback: str = "upload") -> str:
    """A file name that cannot leave its folder or hide: no path parts, no leading dot,
    only letters, digits and . _ - (the suffix is kept, so the reader sees the file type)."""
    base = unicodedata.normalize("NFKC", str(name or "")).replace("\\", "/").split("/")[-1]
    base = re.sub(r"[^\w.\-]+", "_", base, flags=re.UNICODE).strip("._ ")
    return base[:150] or fallback


def save_uploads(files: Iterable[tuple[str, bytes]], index_dir: str | Path,
                 stamp: str | None = None) -> tuple[Path, dict[str, str]]:
    """Write uploaded (name, bytes) under <index>/uploads/<timestamp>/; returns the folder
    and a map from each saved path to the name the user uploaded."""
    stamp = stamp or time.strftime("%Y%m%d-%H%M%S") + f"-{time.time_ns() % 10**6:06d}"
    folder = Path(index_dir) / UPLOADS / stamp
    folder.mkdir(parents=True, exist_ok=True)
    names: dict[str, str] = {}
    for original, data in files:
        name = safe_filename(original)
        target = folder / name
        stem, suffix, n = target.stem, target.suffix, 1
        while target.exists():
            n += 1
            target = folder / f"{stem}-{n}{suffix}"
        target.write_bytes(data)
        names[str(target)] = original
    return folder, names


def uploaded_name(path: str, names: dict[str, str]) -> str:
    """The user's own file name for a skipped path ("<saved>#3" → "<original>#3")."""
    base, sep, rest = str(path).partition("#")
    original = names.get(base)
    if original is None:
        return Path(base).name + (sep + rest if sep else "")
    return original + (sep + rest if sep else "")


def add_uploads(files: Iterable[tuple[str, bytes]], config: Config,
                embedder: Embedder | None = None,
                progress: Callable[[str, int, int], None] | None = None,
                stamp: str | None = None) -> tuple[BuildReport, dict[str, str]]:
    """Save uploaded files under the index folder and add them to the archive (nothing already
    indexed is dropped). Returns (BuildReport, {saved path: uploaded name})."""
    folder, names = save_uploads(files, config.index_dir, stamp)
    report = add([folder], config, embedder=embedder, progress=progress)
    return report, names


def skipped_lines(report: BuildReport, names: dict[str, str]) -> list[tuple[str, str]]:
    """(uploaded name, reason) for every file or record the build did not index."""
    return [(uploaded_name(s["path"], names), s["reason"]) for s in report.skipped]
