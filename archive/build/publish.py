"""Publishing a generation: what `build`, `reembed` and `reattribute` all do around their work.

    with publishing(config) as pub:                  # the build lock; the report's seconds
        with pub.generation(copy_of=prev) as draft:  # a new generation folder, started as
            ...                                      # a copy of prev's database and keyword
                                                     # index (and of its vectors file with
                                                     # vectors=True):
                                                     # fill draft.store, set draft.vectors
        # block ended: catalogue finished, vectors saved, generation published atomically,
        # mirrored into the configured engine, old generations cleaned up
    return pub.report

Two steps because `build` decides under the lock whether there is anything to publish
(nothing readable, or nothing changed: `pub.keep(current)`). A failure or a kill at any
point leaves the previous generation answering; a failed draft is removed.
"""
from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from archive.build.report import BuildReport, fill_report
from archive.config import Config
from archive.errors import BuildFailed, IndexCorrupt
from archive.storage import DB_NAME, VECTORS_NAME, IndexDir, fault_point, mirror_generation
from archive.storage.generations import rebuild_hint
from archive.storage.keywords import KEYWORDS_NAME, copy_keywords
from archive.storage.sqlite import Store, copy_database, disk_full


class Draft:
    """A generation being filled: its folder, its writable catalogue, and the vectors to
    save beside it (None: keep the vectors file copied from the previous generation)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.store = Store(path / DB_NAME, readonly=False)
        self.vectors = None  # a storage.vectors.VectorIndex, set by the caller

    def finish(self, report: BuildReport) -> None:
        """Counts into the report, then the catalogue and the vectors made final."""
        fill_report(report, self.store)
        self.store.finish()
        self.store.close()
        if self.vectors is not None:
            fault_point("faiss")
            self.vectors.save(self.path / VECTORS_NAME)
            fault_point("saved")


def copy_vectors(src: Path, dst: Path, index: Path) -> None:
    """The previous generation's vectors file, copied as is; a missing or unreadable one is
    one line naming it and the rebuild that fixes it."""
    try:
        shutil.copyfile(src, dst)
    except OSError as exc:
        if disk_full(exc):  # the copy could not be written: BuildFailed, not damage
            raise
        raise IndexCorrupt(f"vector file '{src}' cannot be read ({exc.strerror or exc}): "
                           f"{rebuild_hint(index)}") from None


def out_of_space(exc: BaseException, detail: str, draft: Path, index: Path) -> BuildFailed:
    """One line for a generation that could not be written for lack of space: which file,
    and to free space; the draft is gone and the previous generation still answers."""
    if isinstance(exc, OSError):  # a copy names its source first, then its target
        name = Path(exc.filename2 or exc.filename or draft)
    elif isinstance(exc, RuntimeError):  # FAISS writing the vectors file
        name = draft / VECTORS_NAME
    else:  # SQLite writing the catalogue
        name = draft / DB_NAME
    return BuildFailed(f"cannot write '{name}' ({detail}): the disk is full or over its "
                       f"quota or file-size limit; free space on the disk of '{index}' and "
                       "build again (the index as it was still answers)")


class Publisher:
    """The build lock is held; publishes drafts of new generations of `index_dir`."""

    def __init__(self, config: Config, report: BuildReport) -> None:
        self.config = config
        self.report = report
        self.index_dir = IndexDir(config.index_dir)

    @contextmanager
    def generation(self, copy_of: Path | None = None, vectors: bool = False) -> Iterator[Draft]:
        """A new generation to fill, started as a copy of `copy_of`'s database (and of its
        vectors file with vectors=True); published when the block ends, removed when it
        raises."""
        path = self.index_dir.new_generation()
        draft = None
        try:
            if copy_of is not None:
                copy_database(copy_of / DB_NAME, path / DB_NAME)
                copy_keywords(copy_of / KEYWORDS_NAME, path / KEYWORDS_NAME)
                if vectors:
                    copy_vectors(copy_of / VECTORS_NAME, path / VECTORS_NAME,
                                 self.index_dir.path)
            draft = Draft(path)
            yield draft
            draft.finish(self.report)
        except BaseException as exc:
            if draft is not None:
                draft.store.close()
            shutil.rmtree(path, ignore_errors=True)
            full = disk_full(exc)
            if full is not None:
                raise out_of_space(exc, full, path, self.index_dir.path) from None
            raise
        (path / ".published").touch()
        self.index_dir.publish(path)
        self.report.generation = path.name
        mirror_generation(self.config, path)
        self.index_dir.cleanup()

    def keep(self, current: Path) -> None:
        """Nothing to change: the published generation stays, and the configured engine
        catches up with it if it lags (a mirror that failed after the last publish)."""
        self.report.unchanged = True
        mirror_generation(self.config, current)
        self.report.generation = current.name


@contextmanager
def publishing(config: Config) -> Iterator[Publisher]:
    """The build lock on `config`'s index for the block (one build at a time); the report
    (`pub.report`) counts the block's seconds."""
    started = time.perf_counter()
    pub = Publisher(config, BuildReport(index=str(IndexDir(config.index_dir).path)))
    with pub.index_dir.lock():
        yield pub
    pub.report.seconds = round(time.perf_counter() - started, 3)
