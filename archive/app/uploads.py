"""Articles added from the page: saved under <index>/uploads/<timestamp>/ with safe names, then
added to the archive by a build that keeps everything already indexed.

No Streamlit here, so the handling is tested with real bytes (tests/app/test_uploads.py).
"""
from __future__ import annotations

import re
import shutil
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path

from archive.build import BuildReport, add
from archive.config import Config
from archive.embed import Embedder
from archive.errors import ArchiveError, BuildLocked, Cancelled, IndexNotWritable
from archive.storage import UPLOADS
from archive.text import COMPRESSED


# Filesystems allow 255 bytes per name (not characters: "Ж" is 2 bytes, "新" 3); names are
# cut well below, leaving room for the "-<n>" that keeps two uploads of one name apart.
MAX_NAME_BYTES = 200
MAX_SUFFIX_BYTES = 16


def split_name(base: str) -> tuple[str, str]:
    """(stem, suffix) of a file name, a compressed file's two suffixes kept together
    ("dump.jsonl.gz" -> ("dump", ".jsonl.gz")): the reader sees what the file holds."""
    stem, suffix = base, ""
    for _ in range(2):
        head, dot, last = stem.rpartition(".")
        if not (dot and 0 < len(last.encode()) < MAX_SUFFIX_BYTES and last.strip("_-")):
            break
        stem, suffix = head, f".{last}{suffix}"
        if suffix.lower() not in COMPRESSED:
            break
    return stem, suffix


def safe_filename(name: str, fallback: str = "upload") -> str:
    """A file name that cannot leave its folder or hide: no path parts, no leading dot,
    only letters, digits and . _ - (the suffix is kept, so the reader sees the file type),
    at most MAX_NAME_BYTES bytes in UTF-8, cut on a character boundary."""
    base = unicodedata.normalize("NFKC", str(name or "")).replace("\\", "/").split("/")[-1]
    base = re.sub(r"[^\w.\-]+", "_", base, flags=re.UNICODE)
    stem, suffix = split_name(base)
    stem = stem.lstrip("._ ") if suffix else base.strip("._ ")
    room = MAX_NAME_BYTES - len(suffix.encode())
    stem = stem.encode()[:room].decode("utf-8", "ignore")
    return (stem or fallback) + suffix


def public_message(message: str, index_dir: str | Path) -> str:
    """A message fit for the page: the server's index folder (absolute or as configured)
    is written INDEX, so no absolute server path reaches a reader."""
    for folder in sorted({str(index_dir), str(Path(index_dir).resolve())}, key=len,
                         reverse=True):
        message = message.replace(folder, "INDEX")
    return message


def save_uploads(files: Iterable[tuple[str, bytes]], index_dir: str | Path,
                 stamp: str | None = None,
                 failed: list[dict[str, str]] | None = None) -> tuple[Path, dict[str, str]]:
    """Write uploaded (name, bytes) under <index>/uploads/<timestamp>/; returns the folder
    and a map from each saved path to the name the user uploaded.

    failed: when given, a file that cannot be saved is appended to it as a skipped entry
    ({"path": its path in the folder, "reason": why, without any server path}) and the
    others are still saved; without it the error is raised. A folder that cannot be made
    is IndexNotWritable."""
    stamp = stamp or time.strftime("%Y%m%d-%H%M%S") + f"-{time.time_ns() % 10**6:06d}"
    folder = Path(index_dir) / UPLOADS / stamp
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise IndexNotWritable(f"cannot save uploads under the index folder "
                               f"({exc.strerror or type(exc).__name__}): make it writable "
                               "by the page's server") from None
    names: dict[str, str] = {}
    for original, data in files:
        try:
            target = write_new(folder, safe_filename(original), data)
        except OSError as exc:
            if failed is None:
                raise
            path = str(folder / safe_filename(original))
            failed.append({"path": path, "reason": "could not be saved ("
                           f"{exc.strerror or type(exc).__name__})"})
            names[path] = original
        else:
            names[str(target)] = original
    return folder, names


def write_new(folder: Path, name: str, data: bytes) -> Path:
    """Write `data` to a new file `name` in `folder` ("<stem>-<n><suffix>" when taken);
    never follows or replaces what is there (exclusive create). A partly written file is
    removed before the error is raised."""
    stem, suffix = split_name(name)
    target, n = folder / name, 1
    while True:
        try:
            fh = open(target, "xb")
            break
        except FileExistsError:
            n += 1
            target = folder / f"{stem}-{n}{suffix}"
    try:
        with fh:
            fh.write(data)
    except OSError:
        target.unlink(missing_ok=True)
        raise
    return target


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
                stamp: str | None = None,
                cancel: threading.Event | None = None) -> tuple[BuildReport, dict[str, str]]:
    """Save uploaded files under the index folder and add them to the archive (nothing already
    indexed is dropped). Returns (BuildReport, {saved path: uploaded name}).

    cancel: once set (by the page's Cancel button, from another thread), the build stops at
    its next progress tick with Cancelled: nothing is published, the lock is freed, and the
    files saved for this upload are removed, so no later build indexes them."""
    failed: list[dict[str, str]] = []  # files that could not be saved: skipped, not fatal
    folder, names = save_uploads(files, config.index_dir, stamp, failed)
    try:
        report = add([folder], config, embedder=embedder,
                     progress=cancellable(progress, cancel))
    except Cancelled:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    report.skipped.extend(failed)
    return report, names


def cancellable(progress: Callable[[str, int, int], None] | None,
                cancel: threading.Event | None) -> Callable[[str, int, int], None] | None:
    """`progress`, raising Cancelled at a tick once `cancel` is set (the build reports
    progress per passage, so a cancel takes effect within one passage or batch)."""
    if cancel is None:
        return progress

    def tick(stage: str, done: int, total: int) -> None:
        if cancel.is_set():
            raise Cancelled("indexing was cancelled: the uploaded files were removed and the "
                            "archive is unchanged")
        if progress is not None:
            progress(stage, done, total)
    return tick


class UploadJob:
    """Uploaded files being added in a background thread, so the page stays responsive: it
    polls `progress` and `running`, its Cancel button sets `cancel`, and `result` is the
    outcome for the page (see `upload_outcome`) once the thread ends."""

    def __init__(self, files: Iterable[tuple[str, bytes]], config: Config,
                 embedder: Embedder | None = None) -> None:
        self.cancel = threading.Event()
        self.progress: tuple[str, int, int] = ("reading", 0, 0)
        self.result: dict | None = None
        self.thread = threading.Thread(target=self.run, args=(list(files), config, embedder),
                                       name="archive-upload", daemon=True)

    def start(self) -> UploadJob:
        self.thread.start()
        return self

    @property
    def running(self) -> bool:
        return self.thread.is_alive()

    def wait(self, timeout: float | None = None) -> dict | None:
        """The outcome, once the build has ended (None while it runs after `timeout`)."""
        self.thread.join(timeout)
        return self.result

    def run(self, files: list[tuple[str, bytes]], config: Config,
            embedder: Embedder | None) -> None:
        def tick(stage: str, done: int, total: int) -> None:
            self.progress = (stage, done, total)
        self.result = upload_outcome(files, config, embedder, tick, self.cancel)


def upload_outcome(files: Iterable[tuple[str, bytes]], config: Config,
                   embedder: Embedder | None,
                   progress: Callable[[str, int, int], None] | None = None,
                   cancel: threading.Event | None = None) -> dict:
    """`add_uploads` as the page shows it: {"added", "embedded", "articles", "skipped"}, or
    {"cancelled": True}, or {"error": one line without server paths}; never raises."""
    try:
        report, names = add_uploads(files, config, embedder=embedder, progress=progress,
                                    cancel=cancel)
    except Cancelled:
        return {"cancelled": True}
    except BuildLocked:
        return {"error": "Another build is running on this archive right now. Your files "
                         "were saved but not indexed: try again when it has finished."}
    except ArchiveError as exc:
        return {"error": public_message(str(exc), config.index_dir)}
    except Exception as exc:  # noqa: BLE001 - a page thread must end with a message
        return {"error": public_message(f"the files could not be indexed "
                                        f"({type(exc).__name__}: {exc})", config.index_dir)}
    return {"added": report.added_articles, "embedded": report.embedded_passages,
            "articles": report.articles, "skipped": skipped_lines(report, names)}


def skipped_lines(report: BuildReport, names: dict[str, str]) -> list[tuple[str, str]]:
    """(uploaded name, reason) for every file or record the build did not index."""
    return [(uploaded_name(s["path"], names), public_message(s["reason"], report.index))
            for s in report.skipped]
