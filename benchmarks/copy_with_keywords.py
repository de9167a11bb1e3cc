"""Copy an index folder whose generation was made before the Tantivy keyword index, and give
the copy's generation one, the way a build does when it copies such a generation (every
passage indexed, the FTS5 rows emptied); the original keeps answering through FTS5. For
comparing the two keyword engines on the same built index (eval_known_item.py, keyword-only
variant "minmax 0.0 plain").

    .venv/bin/python benchmarks/copy_with_keywords.py SRC_INDEX DST_INDEX
"""
from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.storage import DB_NAME, IndexDir  # noqa: E402
from archive.storage.sqlite import Store  # noqa: E402


def main() -> None:
    src, dst = Path(sys.argv[1]), Path(sys.argv[2])
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("build.lock"))
    gen = IndexDir(dst).require_current()
    started = time.perf_counter()
    store = Store(gen / DB_NAME, readonly=False)  # no keyword index yet: fills one
    store.finish()
    store.close()
    print(f"{dst}: keyword index of {gen.name} "
          f"written in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
