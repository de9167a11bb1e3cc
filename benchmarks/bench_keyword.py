"""Keyword retrieval engines side by side on the same passages: FTS5 as archive used it,
FTS5 tuned, Tantivy (archive.storage.keywords, today's engine) and bm25s.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_keyword.py [--passages 1000000]
        [--engines fts5,fts5-tuned,tantivy,bm25s] [--queries 200] [--add 2000]
        [--json benchmarks/results/bench_keyword.json]

Passages: the distinct paragraphs of bench_query.py's corpus (BBC, PolNeAR train + dev,
Reuters-21578), repeated under new ids up to --passages, each with its article's title.
Queries: titles of --queries articles drawn with a fixed seed from the whole corpus, run as
archive runs a keyword query (the question's topic words, OR-ed; top 100).

    fts5         the FTS5 table archive wrote (porter unicode61 remove_diacritics 2, text and
                 title columns) queried as archive did: bm25(1.0, 0.3) joined to passages and
                 articles (where the filters go), ORDER BY score LIMIT 100
    fts5-tuned   what FTS5 allows: detail=column (no positions: no phrase queries are asked),
                 no join when no filter is set, 'optimize' after the load
    tantivy      archive.storage.keywords.KeywordIndex: Tantivy BM25 (en stems, accents
                 folded, frequencies without positions), block-max WAND top-k
    bm25s        bm25s (sparse-matrix BM25) with PyStemmer's English stemmer; in memory, no
                 incremental add (an add is a rebuild); benchmark-only dependency
                 (pip install bm25s PyStemmer)

Reported per engine: load seconds, incremental add of --add passages to the loaded index
(seconds), disk bytes per passage, RSS growth of loading it for search, p50/p95/max query
milliseconds. Each engine is measured in a child process of its own, so one engine's memory
does not count against the next. The corpus repeats ~10 times at 1M, so posting lists are
longer than in an archive of that size with no repetition (every engine pays it).
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import numpy as np  # noqa: E402

from bench_query import RESULTS, disk_bytes, read_corpus, rss_bytes  # noqa: E402

from archive.models import Filters  # noqa: E402
from archive.storage.filters import fts_query  # noqa: E402
from archive.storage.keywords import KeywordIndex  # noqa: E402
from archive.text.terms import query_terms  # noqa: E402

TOKENIZE = "porter unicode61 remove_diacritics 2"
K = 100


def passages(articles: list[dict], n: int, start: int = 0):
    """(id, text, title, date, outlet, article_id) for ids start+1 .. start+n, repeating the
    corpus under new article ids."""
    pid, copy = start, start // max(1, sum(len(a["paragraphs"]) for a in articles))
    while pid < start + n:
        for a in articles:
            for text in a["paragraphs"]:
                if pid >= start + n:
                    return
                pid += 1
                yield pid, text, a["title"], a.get("date"), a["outlet"], f"{a['id']}~{copy}"
        copy += 1


class Fts5:
    tuned = False

    def __init__(self, folder: Path) -> None:
        self.path = folder / "fts.db"
        self.db = sqlite3.connect(self.path)
        detail = ", detail=column" if self.tuned else ""
        self.db.executescript(f"""
            CREATE TABLE articles (article_id TEXT PRIMARY KEY, title TEXT, date TEXT,
                                   outlet TEXT);
            CREATE TABLE passages (id INTEGER PRIMARY KEY, article_id TEXT, text TEXT);
            CREATE VIRTUAL TABLE passages_fts USING fts5(text, title,
                tokenize='{TOKENIZE}'{detail});""")

    def load(self, rows) -> None:  # noqa: ANN001
        for batch in batched(rows, 20_000):
            self.db.executemany("INSERT OR IGNORE INTO articles VALUES (?, ?, ?, ?)",
                                [(r[5], r[2], r[3], r[4]) for r in batch])
            self.db.executemany("INSERT INTO passages VALUES (?, ?, ?)",
                                [(r[0], r[5], r[1]) for r in batch])
            self.db.executemany("INSERT INTO passages_fts (rowid, text, title) VALUES "
                                "(?, ?, ?)", [r[:3] for r in batch])
            self.db.commit()

    def finish(self) -> None:
        self.db.execute("INSERT INTO passages_fts(passages_fts) VALUES ('optimize')")
        self.db.commit()

    def open(self) -> None:
        self.db.close()
        self.db = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True)

    def search(self, text: str) -> list[tuple[int, float]]:
        match = fts_query(text)
        if not match:
            return []
        if self.tuned:
            sql = ("SELECT rowid, bm25(passages_fts, 1.0, 0.3) AS s FROM passages_fts "
                   "WHERE passages_fts MATCH ? ORDER BY s LIMIT ?")
        else:
            sql = ("SELECT fts.rowid, bm25(passages_fts, 1.0, 0.3) AS s FROM passages_fts fts "
                   "JOIN passages p ON p.id = fts.rowid JOIN articles a ON "
                   "a.article_id = p.article_id WHERE passages_fts MATCH ? AND 1 "
                   "ORDER BY s LIMIT ?")
        return [(r[0], -r[1]) for r in self.db.execute(sql, [match, K])]

    def size(self) -> int:
        """The FTS5 table's own pages (its index and its copy of the text), not the
        passages and articles tables every engine needs beside it."""
        try:
            return int(self.db.execute("SELECT SUM(pgsize) FROM dbstat WHERE name LIKE "
                                       "'passages_fts%'").fetchone()[0])
        except sqlite3.OperationalError:  # SQLite built without dbstat: the whole file
            return self.path.stat().st_size


class Fts5Tuned(Fts5):
    tuned = True


class Tantivy:
    def __init__(self, folder: Path) -> None:
        self.path = folder / "keywords"
        self.index = KeywordIndex(self.path, writable=True)

    def load(self, rows) -> None:  # noqa: ANN001
        self.index.add(rows)

    def finish(self) -> None:
        self.index.commit()

    def open(self) -> None:
        self.index = KeywordIndex(self.path)

    def search(self, text: str) -> list[tuple[int, float]]:
        return self.index.search(text, K, Filters())

    def size(self) -> int:
        return disk_bytes(self.path)


class Bm25s:
    def __init__(self, folder: Path) -> None:
        import Stemmer

        self.path = folder / "bm25s"
        self.stemmer = Stemmer.Stemmer("english")
        self.texts: list[str] = []

    def load(self, rows) -> None:  # noqa: ANN001
        self.texts += [f"{r[1]} {r[2]}" for r in rows]  # no field weights in bm25s

    def finish(self) -> None:
        import bm25s

        tokens = bm25s.tokenize(self.texts, stopwords="en", stemmer=self.stemmer,
                                show_progress=False)
        self.model = bm25s.BM25()
        self.model.index(tokens, show_progress=False)
        self.model.save(str(self.path))
        self.texts = []
        del self.model

    def open(self) -> None:
        import bm25s

        self.model = bm25s.BM25.load(str(self.path), mmap=True)

    def search(self, text: str) -> list[tuple[int, float]]:
        import bm25s

        words = " ".join(query_terms(text))
        tokens = bm25s.tokenize([words], stopwords="en", stemmer=self.stemmer,
                                show_progress=False, return_ids=False)
        if not tokens or not tokens[0]:
            return []
        # bm25s.tokenize(return_ids=False) gives the stemmed strings the model looks up
        docs, scores = self.model.retrieve([tokens[0]], k=K, show_progress=False,
                                           n_threads=1)
        return [(int(d) + 1, float(s)) for d, s in zip(docs[0], scores[0]) if s > 0]

    def size(self) -> int:
        return disk_bytes(self.path)


ENGINES = {"fts5": Fts5, "fts5-tuned": Fts5Tuned, "tantivy": Tantivy, "bm25s": Bm25s}


def batched(rows, size: int):  # noqa: ANN001, ANN201
    batch = []
    for r in rows:
        batch.append(r)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def measure(name: str, n: int, add: int, queries: list[str], out) -> None:  # noqa: ANN001
    """One engine in this (child) process: load, finish, add, reopen, query."""
    articles, _ = read_corpus()
    folder = Path(tempfile.mkdtemp(prefix=f"bench-kw-{name}-", dir=RESULTS))
    try:
        engine = ENGINES[name](folder)
        t0 = time.perf_counter()
        engine.load(passages(articles, n))
        engine.finish()
        load_s = time.perf_counter() - t0
        size = engine.size()
        t0 = time.perf_counter()
        if name == "bm25s":  # no incremental add: everything indexed again
            engine.load(passages(articles, n + add))
        else:  # the loaded index (FTS5: still open; Tantivy: opened again to write)
            if name == "tantivy":
                engine.index = KeywordIndex(engine.path, writable=True)
            engine.load(passages(articles, add, start=n))
        engine.finish()
        add_s = time.perf_counter() - t0
        before = rss_bytes()
        engine.open()
        for q in queries[:3]:
            engine.search(q)
        opened = rss_bytes() - before
        times, found = [], []
        for q in queries:
            t0 = time.perf_counter()
            hits = engine.search(q)
            times.append(time.perf_counter() - t0)
            found.append(len(hits))
        ms = np.asarray(times) * 1000
        out.put({"engine": name, "passages": n, "load_s": round(load_s, 1),
                 f"add_{add}_s": round(add_s, 2), "disk_bytes_per_passage": round(size / n, 1),
                 "rss_open_and_warm_bytes": opened, "queries": len(queries),
                 "mean_hits": round(float(np.mean(found)), 1),
                 "p50_ms": round(float(np.percentile(ms, 50)), 2),
                 "p95_ms": round(float(np.percentile(ms, 95)), 2),
                 "max_ms": round(float(ms.max()), 2)})
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=1_000_000)
    parser.add_argument("--engines", default="fts5,fts5-tuned,tantivy,bm25s")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--add", type=int, default=2000)
    parser.add_argument("--json", default=str(RESULTS / "bench_keyword.json"))
    args = parser.parse_args()
    articles, _ = read_corpus()
    titles = [a["title"] for a in articles]
    queries = random.Random(0).sample(titles, min(args.queries, len(titles)))
    results = {"passages": args.passages, "distinct": sum(len(a["paragraphs"])
               for a in articles), "load_avg_at_start": os.getloadavg(), "runs": []}
    for name in args.engines.split(","):
        queue = mp.get_context("spawn").Queue()
        child = mp.get_context("spawn").Process(target=measure, args=(
            name, args.passages, args.add, queries, queue))
        child.start()
        child.join()
        if child.exitcode != 0:
            results["runs"].append({"engine": name, "failed": child.exitcode})
        else:
            results["runs"].append(queue.get())
        print(json.dumps(results["runs"][-1]), flush=True)
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
