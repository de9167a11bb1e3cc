"""Hybrid query latency, ANN recall, memory and disk at 10k, 100k and 1M passages.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_query.py [--sizes 10000,100000,1000000]
        [--types auto] [--keyword tantivy,fts5] [--queries 100] [--busy]
        [--json benchmarks/results/bench_query.json]

Corpus: every distinct paragraph of BBC News (2,225 articles), PolNeAR (train + dev) and the
Reuters-21578 wire copy (every story with a title and a body), embedded once (int8 ONNX)
and cached in benchmarks/results/corpus_*.npy. A size above the number of distinct
paragraphs repeats them under new ids (copy k of article A is article "A~k"), each repeated
vector moved by Gaussian noise (cosine ~0.9 to the original, then renormalised) so an
approximate index is not handed exact duplicates. Each size is written straight through
archive's Store (SQLite + the Tantivy keyword index, or FTS5 rows with --keyword fts5, as a
generation made before Tantivy is read) and VectorIndex as a published generation with a
manifest, and opened with archive.search.Searcher, so the latency is the real search path
(hybrid: query understanding + encode + FAISS + BM25 + fusion + fetch + folding). The
attributions and people of eval_speakers.py's haystack index (BBC + PolNeAR, built with
attribution) are copied onto every passage of the same text, for "what did X say" timings.

Reported per size and keyword engine: p50/p95 of hybrid search, of "what did X say" (the
30 most quoted people, half with a topic), of the dense path alone, of one bare query encode
and one bare FAISS search (the floor, measured apart); the same again with a second process
keeping one core busy (--busy); recall@10 of the index against exact search on real text
queries (BBC titles + the seed queries); RSS growth when the generation is opened and the
process's RSS after the queries; bytes per passage on disk (FAISS, SQLite, keyword index).
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import faiss  # noqa: E402 - the one-thread comparison of the bare FAISS search
import numpy as np  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "benchmarks" / "results"
SPEAKER_HAYSTACK = RESULTS / "speaker-haystack-16b"  # eval_speakers.py's index (BBC + PolNeAR)
NOISE = 0.025  # per dimension: |noise| ~ 0.49, cosine ~ 0.9 to the original vector


def rss_bytes() -> int:
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def read_corpus() -> tuple[list[dict], list[str]]:
    """Articles as {id, title, paragraphs, outlet, date} and title queries (every 20th BBC
    title): BBC, PolNeAR train + dev and every Reuters-21578 story with a title and a body.
    A paragraph already seen (BBC and Reuters repeat themselves) is kept once, so the corpus
    holds only distinct paragraphs."""
    from eval_known_item import RECORD, parse_reuters

    articles, titles, seen = [], [], set()

    def keep(aid: str, title: str, paras: list[str], outlet: str, date: str | None) -> None:
        fresh = [p for p in paras if len(p) > 20 and p not in seen]
        seen.update(fresh)
        if fresh:
            articles.append({"id": aid, "title": title, "paragraphs": fresh, "outlet": outlet,
                             "date": date})

    files = sorted((DATA / "bbc").glob("*/*.txt"))
    files += sorted((DATA / "polnear").glob("*/text/*.txt"))
    for i, f in enumerate(files):
        raw = f.read_bytes().decode("utf-8", errors="replace")
        blocks = [b.strip() for b in raw.replace("\r\n", "\n").split("\n\n") if b.strip()]
        if len(blocks) < 2:
            continue
        title, paras = blocks[0].splitlines()[0].strip(), []
        first = blocks[0].splitlines()[1:]  # BBC: title line then text in the same block
        if first:
            paras.append(" ".join(x.strip() for x in first if x.strip()))
        paras += [" ".join(b.split()) for b in blocks[1:]]
        bbc = "bbc" in str(f)
        keep(f"bbc-{f.parent.name}-{f.stem}" if bbc else f"{f.parent.parent.name}-{f.stem}",
             title, paras, "BBC" if bbc else "PolNeAR", None)
        if bbc and i % 20 == 0:
            titles.append(title)
    for sgm in sorted((DATA / "reuters").glob("reut2-*.sgm")):
        raw = sgm.read_bytes().decode("latin-1")
        for attributes, body in RECORD.findall(raw):
            r = parse_reuters(attributes, body)
            if r:
                keep(f"reuters-{r['id']}", r["title"], r["text"].split("\n\n"), "Reuters",
                     r["date"])
    return articles, titles


def reuse_vectors(articles: list[dict], npz: Path) -> tuple[list[dict], np.ndarray]:
    """Keep only paragraphs whose vector is in `npz` (keys = archive.store.passage_hash of
    the text, vecs = their vectors: e.g. another benchmark's cache); no embedding at all."""
    from archive.storage.sqlite import passage_hash

    data = np.load(npz)
    row = {k: i for i, k in enumerate(data["keys"].tolist())}
    kept, rows = [], []
    for a in articles:
        paras = [p for p in a["paragraphs"] if passage_hash(p) in row]
        if paras:
            kept.append({**a, "paragraphs": paras})
            rows += [row[passage_hash(p)] for p in paras]
    return kept, np.ascontiguousarray(data["vecs"][rows], dtype=np.float32)


def corpus_vectors(articles: list[dict]) -> np.ndarray:
    """The corpus embedded once (int8 ONNX: within cosine 0.99 of fp32 and about twice as
    fast; a latency benchmark needs realistic neighbourhoods, not exact fp32 vectors),
    cached in results/corpus_N.npy."""
    from archive.config import load_config
    from archive.embed import make_embedder

    texts = [p for a in articles for p in a["paragraphs"]]
    cache = RESULTS / f"corpus_{len(texts)}.npy"
    if cache.exists():
        return np.load(cache)
    started = time.perf_counter()
    vectors = make_embedder(load_config(embedding_backend="onnx-int8")).encode(texts)
    print(f"embedded {len(texts)} paragraphs in {time.perf_counter() - started:.0f} s")
    RESULTS.mkdir(parents=True, exist_ok=True)
    np.save(cache, vectors)
    return vectors


def tiled(base: np.ndarray, n: int, seed: int = 0) -> np.ndarray:
    out = np.empty((n, base.shape[1]), dtype=np.float32)
    rng = np.random.default_rng(seed)
    u = len(base)
    for start in range(0, n, u):
        part = base[: min(u, n - start)]
        if start:
            part = part + rng.normal(scale=NOISE, size=part.shape).astype(np.float32)
            part /= np.linalg.norm(part, axis=1, keepdims=True)
        out[start:start + len(part)] = part
    return out


def write_index(folder: Path, articles: list[dict], vectors: np.ndarray, n: int,
                index_type: str, embedder, keyword: str = "tantivy") -> dict:
    """A published generation of n passages: SQLite with the keyword index through Store
    (keyword="fts5": FTS5 rows instead, as a generation made before Tantivy), FAISS
    through VectorIndex, a manifest like the build's."""
    from archive.config import load_config
    from archive.storage import DB_NAME, FORMAT_VERSION, VECTORS_NAME, IndexDir
    from archive.storage.sqlite import Store, passage_hash
    from archive.storage.vectors import VectorIndex, target_kind

    index_dir = IndexDir(folder)
    gen = index_dir.new_generation()
    store = Store(gen / DB_NAME, readonly=False)
    index_rows = store.keywords.add if keyword == "tantivy" else store.add_fts
    started = time.perf_counter()
    conn = store.db.conn
    pid, copy = 0, 0
    while pid < n:
        art_rows, p_rows, f_rows = [], [], []
        for a in articles:
            if pid >= n:
                break
            aid = a["id"] if copy == 0 else f"{a['id']}~{copy}"
            paras = a["paragraphs"][: n - pid]
            date = a.get("date") or f"20{(copy % 20):02d}-01-{1 + pid % 28:02d}"
            art_rows.append((aid, a["title"], date, a["outlet"], None, None, None, None,
                             len(paras), None))
            for pos, text in enumerate(paras):
                pid += 1
                p_rows.append((pid, aid, pos, None, text, passage_hash(text)))
                f_rows.append((pid, text, a["title"], date, a["outlet"], aid))
        conn.executemany("INSERT INTO articles VALUES (?,?,?,?,?,?,?,?,?,?)", art_rows)
        conn.executemany("INSERT INTO passages (id, article_id, position, section, text, hash)"
                         " VALUES (?,?,?,?,?,?)", p_rows)
        index_rows(f_rows)
        conn.commit()
        copy += 1
    sqlite_s = time.perf_counter() - started
    config = load_config(index_type=index_type)
    kind = target_kind(n, config.index_type, config.ann_threshold)
    started = time.perf_counter()
    ids = np.arange(1, n + 1, dtype=np.int64)
    vec = VectorIndex.build(kind, ids, vectors[:n])
    faiss_s = time.perf_counter() - started
    store.write_manifest({
        "format": FORMAT_VERSION, "model": embedder.name, "model_path": embedder.model_path,
        "dimension": vec.dimension, "normalized": True, "metric": "inner_product",
        "faiss_index": vec.description(), "faiss_params": vec.params(),
        "embedding_backend": embedder.backend, "articles": store.count("articles"),
        "passages": store.count("passages"), "synthetic": True})
    started = time.perf_counter()
    if keyword == "fts5":
        store.keywords.close()
        store.keywords = None  # FTS5's optimize, and no keyword folder: FTS5 answers
    store.finish()
    store.close()
    if keyword == "fts5":
        shutil.rmtree(gen / "keywords")
    finish_s = time.perf_counter() - started
    vec.save(gen / VECTORS_NAME)
    (gen / ".published").touch()
    index_dir.publish(gen)
    return {"kind": kind, "description": vec.description(), "params": vec.params(),
            "write_sqlite_and_keywords_s": round(sqlite_s, 1),
            "keyword_commit_or_fts_optimize_s": round(finish_s, 1),
            "faiss_build_s": round(faiss_s, 1), "faiss_index_bytes": vec.memory_bytes(),
            "generation": gen}


def percentile(xs: list[float], p: float) -> float:
    return float(np.percentile(np.asarray(xs), p))


def attach_attributions(gen: Path, source: Path | None) -> int:
    """Give the synthetic generation the attributions and people of a real built index
    (`source`, a generation folder of BBC + PolNeAR articles, e.g. eval_speakers.py's
    haystack): every attribution is copied onto each passage with the same text (every
    copy), so "what did X say" at 1M meets as many labelled passages per person as an
    archive of that size would. Returns the number of attributions copied."""
    import sqlite3

    if source is None or not (source / "archive.db").is_file():
        return 0
    conn = sqlite3.connect(gen / "archive.db")
    conn.execute("ATTACH DATABASE ? AS src", [f"file:{source / 'archive.db'}?mode=ro"])
    conn.execute("""INSERT INTO attributions (passage_id, article_id, speaker, speaker_text,
        person, role, cue, content, content_start, content_end, direct, speaker_type,
        confidence)
        SELECT p.id, p.article_id, t.speaker, t.speaker_text, t.person, t.role, t.cue,
        t.content, t.content_start, t.content_end, t.direct, t.speaker_type, t.confidence
        FROM src.attributions t JOIN src.passages sp ON sp.id = t.passage_id
        JOIN passages p ON p.hash = sp.hash""")
    conn.execute("DELETE FROM people")
    conn.execute("DELETE FROM aliases")
    conn.execute("INSERT INTO people SELECT * FROM src.people")
    conn.execute("INSERT INTO aliases SELECT * FROM src.aliases")
    conn.commit()
    n = conn.execute("SELECT COUNT(*) FROM attributions").fetchone()[0]
    conn.execute("DETACH DATABASE src")
    conn.execute("VACUUM")
    conn.close()
    return int(n)


def speaker_queries(gen: Path, titles: list[str], n: int) -> list[str]:
    """"what did NAME say" for the most quoted people, half of them with a topic (two
    words of a BBC title)."""
    import sqlite3

    conn = sqlite3.connect(f"file:{gen / 'archive.db'}?mode=ro", uri=True)
    names = [r[0] for r in conn.execute(
        "SELECT name FROM people WHERE type = 'person' OR type IS NULL "
        "ORDER BY quotes DESC LIMIT ?", [n])]
    conn.close()
    out = []
    for i, name in enumerate(names):
        topic = " ".join(titles[i % len(titles)].split()[:2]).lower() if titles else ""
        out.append(f"what did {name} say" + (f" about {topic}" if i % 2 and topic else ""))
    return out


def busy_core() -> subprocess.Popen:
    """A second process keeping one core busy, as on a laptop doing other work."""
    return subprocess.Popen([sys.executable, "-c", "while True: pass"])


def latencies(searcher, embedder, queries: list[str], speakers: list[str]) -> dict:
    """p50/p95 of the real search path (hybrid, speaker questions, dense only) and of its
    floor, measured apart: one bare query encode, one bare FAISS search (with FAISS's OpenMP
team, as archive searches; and on the calling thread alone, for comparison)."""
    backend = searcher.backend
    hybrid, dense_only, encode, faiss_only, team, who = [], [], [], [], [], []
    for q in queries:
        t0 = time.perf_counter()
        searcher.search(q, k=10)
        hybrid.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        v = embedder.encode_query(q)
        encode.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        backend.vectors.search(v, 10)
        faiss_only.append(time.perf_counter() - t0)
        team_size = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(1)  # the same search on the calling thread alone
        t0 = time.perf_counter()
        backend.vectors.search(v, 10)
        team.append(time.perf_counter() - t0)
        faiss.omp_set_num_threads(team_size)
        t0 = time.perf_counter()
        searcher.search(q, k=10, mode="dense", understand=False, fold=False)
        dense_only.append(time.perf_counter() - t0)
    for q in speakers:
        t0 = time.perf_counter()
        searcher.search(q, k=10)
        who.append(time.perf_counter() - t0)
    ms = lambda xs, p: round(percentile(xs, p) * 1000, 1) if xs else None  # noqa: E731
    return {"hybrid_p50_ms": ms(hybrid, 50), "hybrid_p95_ms": ms(hybrid, 95),
            "speaker_p50_ms": ms(who, 50), "speaker_p95_ms": ms(who, 95),
            "speaker_queries": len(who),
            "dense_path_p50_ms": ms(dense_only, 50), "dense_path_p95_ms": ms(dense_only, 95),
            "bare_encode_p50_ms": ms(encode, 50), "bare_encode_p95_ms": ms(encode, 95),
            "bare_faiss_p50_ms": ms(faiss_only, 50), "bare_faiss_p95_ms": ms(faiss_only, 95),
            "bare_faiss_one_thread_p50_ms": ms(team, 50),
            "bare_faiss_one_thread_p95_ms": ms(team, 95),
            "hybrid_over_bare_p50": round(percentile(hybrid, 50) / (
                percentile(encode, 50) + percentile(faiss_only, 50)), 2)}


def search_process_rss(index: Path, queries: list[str]) -> int:
    """RSS of a fresh process that loads the configured embedder, opens the archive and
    answers `queries`: what a search process (the page, `archive serve`) holds."""
    code = ("import json, sys\n"
            "from archive.config import load_config\n"
            "from archive.search import Searcher\n"
            "s = Searcher(load_config(index=sys.argv[1]))\n"
            "for q in json.loads(sys.stdin.read()):\n"
            "    s.search(q, k=10)\n"
            "print([l for l in open('/proc/self/status') if l.startswith('VmRSS')][0])\n")
    done = subprocess.run([sys.executable, "-c", code, str(index)], input=json.dumps(queries),
                          capture_output=True, text=True, check=True, cwd=ROOT)
    return int(done.stdout.strip().split()[-2]) * 1024


def disk_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.is_dir() \
        else path.stat().st_size


def run_size(n: int, index_type: str, articles, base, queries, embedder, keep: bool,
             keyword: str = "tantivy", speakers_from: Path | None = None,
             titles: list[str] = (), busy: bool = False) -> dict:
    from archive.config import load_config
    from archive.storage import DB_NAME, VECTORS_NAME
    from archive.search import Searcher
    from archive.storage.vectors import exact_neighbours, recall_at

    vectors = tiled(base, n) if n > len(base) else base[:n]
    folder = Path(tempfile.mkdtemp(prefix=f"bench-q{n}-", dir=RESULTS if keep else None))
    try:
        info = write_index(folder / "index", articles, vectors, n, index_type, embedder,
                           keyword)
        gen = info.pop("generation")
        info["attributions"] = attach_attributions(gen, speakers_from)
        sizes = {"faiss": disk_bytes(gen / VECTORS_NAME), "sqlite": disk_bytes(gen / DB_NAME),
                 "keywords": disk_bytes(gen / "keywords") if (gen / "keywords").is_dir()
                 else 0}
        out = {"passages": n, "keyword_engine": keyword, **info,
               **{f"{k}_bytes_per_passage_disk": round(v / n, 1) for k, v in sizes.items()},
               "total_bytes_per_passage_disk": round(sum(sizes.values()) / n, 1),
               "faiss_bytes_per_passage_index": round(info["faiss_index_bytes"] / n, 1)}
        gc.collect()
        searcher = Searcher(load_config(index=str(folder / "index")), embedder=embedder)
        before = rss_bytes()
        backend = searcher.backend  # opens SQLite, the keyword index and the FAISS file
        out["rss_delta_open_bytes"] = rss_bytes() - before
        out["rss_delta_per_passage"] = round(out["rss_delta_open_bytes"] / n, 1)
        who = speaker_queries(gen, titles, 30) if info["attributions"] else []
        for q in queries[:3] + who[:2]:  # warm up (page cache, first-query costs)
            searcher.search(q, k=10)
        out.update(latencies(searcher, embedder, queries, who))
        if busy:  # a fresh Searcher: no question vector is remembered from the idle pass
            searcher.close()
            searcher = Searcher(load_config(index=str(folder / "index")), embedder=embedder)
            for q in queries[:3] + who[:2]:  # the same warm-up as the idle pass
                searcher.search(q, k=10)
            spinner = busy_core()
            try:
                time.sleep(1.0)
                out["with_busy_core"] = latencies(searcher, embedder, queries, who)
            finally:
                spinner.kill()
        out["rss_after_queries_bytes"] = rss_bytes()  # this process: holds the corpus too
        searcher.close()
        out["search_process_rss_bytes"] = search_process_rss(folder / "index", queries + who)
        qvecs = np.vstack([embedder.encode_query(q) for q in queries])
        truth = exact_neighbours(vectors, qvecs, 10) + 1  # ids are rows + 1
        found = backend.vectors.search_batch(qvecs, 10)[1]
        out.update({"queries": len(queries),
                    "recall_at_10_vs_exact": round(recall_at(found, truth), 4)})
        return out
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--types", default="auto", help="index_type per run, comma-separated "
                        "(auto, flat, ivf-sq8, ivf-pq, hnsw); each is run at every size")
    parser.add_argument("--keyword", default="tantivy", help="keyword engines, comma-"
                        "separated: tantivy (today's), fts5 (a generation made before it)")
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--busy", action="store_true", help="measure again with a second "
                        "process keeping one core busy")
    parser.add_argument("--speakers-from", default=str(SPEAKER_HAYSTACK), help="an index "
                        "whose attributions and people are copied onto passages of the same "
                        "text ('' for none)")
    parser.add_argument("--keep", action="store_true", help="keep the indexes under results/")
    parser.add_argument("--prepare", action="store_true", help="only embed and cache the corpus")
    parser.add_argument("--reuse", help="an .npz of precomputed paragraph vectors (keys = "
                        "passage hashes, vecs) to use instead of embedding the corpus")
    parser.add_argument("--json", default=str(RESULTS / "bench_query.json"))
    args = parser.parse_args()

    articles, titles = read_corpus()
    if args.reuse:
        articles, base = reuse_vectors(articles, Path(args.reuse))
    else:
        base = corpus_vectors(articles)
    print(f"corpus: {len(articles)} articles, {len(base)} distinct paragraphs")
    if args.prepare:
        return
    from archive.config import load_config
    from archive.embed import make_embedder
    from archive.storage import IndexDir

    speakers_from = None
    if args.speakers_from and Path(args.speakers_from).is_dir():
        speakers_from = IndexDir(Path(args.speakers_from)).current()
    seed_queries = [q["query"] for q in json.loads(
        (ROOT / "benchmarks" / "seed_queries.json").read_text())["queries"]]
    queries = (seed_queries + titles)[: args.queries]
    embedder = make_embedder(load_config())
    embedder.encode_query("warm up")
    results = {"machine": {"cpus": os.cpu_count(), "load_avg_at_start": os.getloadavg()},
               "unique_paragraphs": len(base), "noise_per_dim": NOISE, "runs": [],
               "corpus": args.reuse or "BBC + PolNeAR + Reuters-21578, distinct paragraphs",
               "speakers_from": str(speakers_from)}
    for index_type in args.types.split(","):
        for n in [int(s) for s in args.sizes.split(",")]:
            for keyword in args.keyword.split(","):
                started = time.perf_counter()
                r = run_size(n, index_type, articles, base, queries, embedder, args.keep,
                             keyword, speakers_from, titles, args.busy)
                r["index_type_setting"] = index_type
                r["seconds"] = round(time.perf_counter() - started, 1)
                results["runs"].append(r)
                print(json.dumps(r), flush=True)
                Path(args.json).parent.mkdir(parents=True, exist_ok=True)
                Path(args.json).write_text(json.dumps(results, indent=1))
    print(f"\n{'passages':>9} {'keyword':>8} {'type':>8} {'p50':>6} {'p95':>6} {'who95':>6} "
          f"{'busy95':>6} {'enc50':>6} {'faiss50':>7} {'recall':>6} {'RSS MB':>7} {'B/p':>6}")
    for r in results["runs"]:
        busy95 = r.get("with_busy_core", {}).get("hybrid_p95_ms")
        print(f"{r['passages']:>9} {r['keyword_engine']:>8} {r['kind']:>8} "
              f"{r['hybrid_p50_ms']:>6} {r['hybrid_p95_ms']:>6} {r['speaker_p95_ms']!s:>6} "
              f"{busy95!s:>6} {r['bare_encode_p50_ms']:>6} {r['bare_faiss_p50_ms']:>7} "
              f"{r['recall_at_10_vs_exact']:>6} {r['search_process_rss_bytes'] // 2**20:>7} "
              f"{r['total_bytes_per_passage_disk']:>6}")


if __name__ == "__main__":
    main()
