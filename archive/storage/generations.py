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

import errno
import fcntl
import os
import re
import shutil
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from archive.errors import BuildLocked, IndexCorrupt, IndexNotFound, IndexNotWritable

POINTER = "CURRENT"
DB_NAME = "archive.db"
VECTORS_NAME = "vectors.faiss"
KEEP_GENERATIONS = 2
UPLOADS = "uploads"
FAULT_ENV = "ARCHIVE_FAULT_INJECT"
LOCK_NAME = "build.lock"
# what new_generation names a folder: one path part, never "..", never absolute
GENERATION_NAME = re.compile(r"gen-[A-Za-z0-9_.-]{1,200}")


def rebuild_hint(index: str | Path, full: bool = True) -> str:
    """The command that rebuilds the index folder `index` from the user's articles."""
    return (f"rebuild it with 'archive build{' --full' if full else ''} "
            f"<your article folders> --index {index}'")


def not_writable(path: Path, exc: OSError) -> IndexNotWritable:
    """One line for a file or folder of the index a build cannot write, with the fix."""
    if isinstance(exc, IsADirectoryError):
        fix = f"a folder is in the way: remove it ('rmdir {path}') and try again"
    elif isinstance(exc, (FileExistsError, NotADirectoryError)):
        fix = "a file is in the way of the index folder: choose another one with --index"
    else:
        fix = (f"make the index folder writable by you ('chmod u+w {path.parent}') or "
               "choose another folder with --index")
    return IndexNotWritable(f"cannot write '{path}' ({exc.strerror or exc}): {fix}")


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
        """The published generation folder, or None when nothing was ever built or the
        pointer names no generation folder of this index (`pointer_problem` says why)."""
        return self._pointer()[0]

    def pointer_problem(self) -> str | None:
        """Why CURRENT cannot be followed ("is empty", "names '../..', ..."), or None when
        it names a generation or there is no pointer at all."""
        return self._pointer()[1]

    def _pointer(self) -> tuple[Path | None, str | None]:
        """(generation, None); (None, None) when nothing was built; (None, why) when the
        pointer is damaged. Only a direct child folder of the index named like a generation
        is ever followed: never an absolute path, "..", or a symlink leading elsewhere."""
        try:
            with open(self.path / POINTER, "rb") as fh:
                raw = fh.read(4096)
        except (FileNotFoundError, NotADirectoryError):
            return None, None
        except OSError as exc:
            return None, f"cannot be read ({exc.strerror or exc})"
        name = raw.decode("utf-8", errors="replace").strip()
        if not name:
            return None, "is empty"
        if not GENERATION_NAME.fullmatch(name):
            return None, f"names {name[:80]!r}, which is not a generation folder of the index"
        gen = self.path / name
        try:
            inside = gen.is_dir() and gen.resolve().parent == self.path.resolve()
        except OSError:
            inside = False
        if not inside:
            return None, f"names {name!r}, which is not a generation folder of the index"
        return gen, None

    def check_pointer(self) -> Path | None:
        """The published generation or None when nothing was built; IndexCorrupt, naming
        CURRENT and the build that replaces it, when the pointer is damaged. (A plain
        `archive build` recovers: it treats a damaged pointer as no previous generation and
        publishes a new one; `archive add` refuses, since a new generation of only the added
        articles would drop what is indexed.)"""
        gen, problem = self._pointer()
        if problem is not None:
            raise IndexCorrupt(f"'{self.path / POINTER}' {problem}: "
                               f"{rebuild_hint(self.path, full=False)}")
        return gen

    def require_current(self) -> Path:
        gen = self.check_pointer()
        if gen is None:
            raise IndexNotFound(f"no index in '{self.path}': build one with "
                                f"'archive build seeds/ --index {self.path}'")
        return gen

    def new_generation(self) -> Path:
        # one clock reading for both parts, so names sort in creation order
        ns = time.time_ns()
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(ns // 10**9))
        gen = self.path / f"gen-{stamp}-{ns % 10**9:09d}-{os.getpid()}"
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            gen.mkdir()
        except OSError as exc:
            raise not_writable(gen, exc) from None
        return gen

    def publish(self, gen: Path) -> None:
        """Point readers at `gen`: write the pointer to a temp file, fsync, rename over."""
        tmp = self.path / f".{POINTER}.{os.getpid()}.tmp"
        try:
            with open(tmp, "w") as fh:
                fh.write(gen.name + "\n")
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            raise not_writable(tmp, exc) from None
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
        """One build at a time: a second one is refused at once, with a clear message; an
        index folder the build cannot write is one line too (IndexNotWritable)."""
        path = self.path / LOCK_NAME
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise not_writable(self.path, exc) from None
        try:
            fh = open(path, "a+")
        except OSError as exc:
            raise not_writable(path, exc) from None
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


FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT})
# SQLITE_FULL; SQLITE_IOERR_WRITE: a write the OS refused (a file-size limit, EFBIG, is
# reported so, while ENOSPC is SQLITE_FULL)
FULL_SQLITE_CODES = frozenset({13, 778})


def disk_full(exc: BaseException) -> str | None:
    """What `exc` says when it is a write refused for lack of space (a full disk, a quota, a
    file-size limit), else None: SQLite's "database or disk is full" or failed write, an
    OSError ENOSPC/EFBIG/EDQUOT, or FAISS's write error naming one of those."""
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        full = code in FULL_SQLITE_CODES or "disk is full" in str(exc)
        return str(exc) if full else None
    if isinstance(exc, OSError):
        return (exc.strerror or str(exc)) if exc.errno in FULL_ERRNOS else None
    if isinstance(exc, RuntimeError) and "write error" in str(exc):  # faiss.write_index
        return next((os.strerror(n) for n in FULL_ERRNOS if os.strerror(n) in str(exc)), None)
    return None
