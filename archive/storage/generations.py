"""Index generations: every build writes a new folder and publishes it with one atomic rename.

Layout of an index folder:
    index/CURRENT            name of the generation readers use (replaced atomically)
    index/gen-<time>-<pid>/  archive.db (SQLite) + vectors.faiss (FAISS), immutable once published
    index/build.lock         held (flock) by the one build allowed at a time
    index/uploads/<stamp>/   articles added through the page; part of the archive: every
                             build keeps them (see build.with_uploads)
A reader that opened a generation keeps answering from it even while a new one is published;
a killed build leaves a half-written folder that is never pointed at, and is cleaned up later.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from archive.errors import BuildLocked, IndexNotFound

POINTER = "CURRENT"
DB_NAME = "archive.db"
VECTORS_NAME = "vectors.faiss"
KEEP_GENERATIONS = 2
UPLOADS = "uploads"
FAULT_ENV = "ARCHIVE_FAULT_INJECT"


def fault_point(stage: str) -> None:
    """Crash-test hook: SIGKILL this process when ARCHIVE_FAULT_INJECT names `stage`.

    The crash-safety tests use it to kill a build at exact moments (while embedding, while
    writing SQLite, while saving FAISS, while publishing); it costs one dict lookup.
    """
    if os.environ.get(FAULT_ENV) == stage:
        import signal

        os.kill(os.getpid(), signal.SIGKILL)


class IndexDir:
    """The folder holding an index's generations."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def current(self) -> Path | None:
        """The published generation folder, or None when nothing was ever built."""
        try:
            name = (self.path / POINTER).read_text().strip()
        except (FileNotFoundError, NotADirectoryError):
            return None
        gen = self.path / name
        return gen if name and gen.is_dir() else None

    def require_current(self) -> Path:
        gen = self.current()
        if gen is None:
            raise IndexNotFound(f"no index in '{self.path}': build one with "
                                f"'archive build seeds/ --index {self.path}'")
        return gen

    def new_generation(self) -> Path:
        self.path.mkdir(parents=True, exist_ok=True)
        # one clock reading for both parts, so names sort in creation order
        ns = time.time_ns()
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(ns // 10**9))
        gen = self.path / f"gen-{stamp}-{ns % 10**9:09d}-{os.getpid()}"
        gen.mkdir()
        return gen

    def publish(self, gen: Path) -> None:
        """Point readers at `gen`: write the pointer to a temp file, fsync, rename over."""
        tmp = self.path / f".{POINTER}.{os.getpid()}.tmp"
        with open(tmp, "w") as fh:
            fh.write(gen.name + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        fault_point("publish")
        os.replace(tmp, self.path / POINTER)
        fd = os.open(self.path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def cleanup(self, keep: int = KEEP_GENERATIONS) -> list[Path]:
        """Remove unpublished leftovers and all but the newest `keep` generations."""
        current = self.current()
        gens = sorted(p for p in self.path.glob("gen-*") if p.is_dir())
        published = [g for g in gens if (g / ".published").exists() or g == current]
        keep_set = set(published[-keep:]) | ({current} if current else set())
        removed = []
        for g in gens:
            if g not in keep_set:
                shutil.rmtree(g, ignore_errors=True)
                removed.append(g)
        return removed

    @contextmanager
    def lock(self) -> Iterator[None]:
        """One build at a time: a second one is refused at once, with a clear message."""
        self.path.mkdir(parents=True, exist_ok=True)
        fh = open(self.path / "build.lock", "a+")
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.close()
            raise BuildLocked(f"another build is running on '{self.path}'; wait for it to "
                              "finish (the lock is released when it ends or is killed)") from None
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
            fh.close()
