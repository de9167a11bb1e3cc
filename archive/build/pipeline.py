"""Build or refresh an index: read → clean → chunk → attribute → embed → store → publish.

Every build writes a new generation (a copy of the current one, changed incrementally) and
publishes it atomically; the previous generation keeps answering until then, and a failure
or a kill at any point leaves it untouched.
"""
from __future__ import annotations

import os
import platform
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from archive import __version__
from archive.storage.local import FORMAT_VERSION, check_manifest
from archive.text.chunk import passages_of
from archive.text.clean import clean_article, oversized_paragraph
from archive.config import Config
from archive.errors import IndexCorrupt, IndexMismatch
from archive.storage.generations import DB_NAME, FAULT_ENV, VECTORS_NAME, IndexDir, fault_point
from archive.text.ingest import Skipped, read_all
from archive.models import Article, Passage
from archive.storage.sqlite import Store, passage_hash

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class BuildReport:
    """What a build did; `archive build --json` prints it as is."""

    index: str
    generation: str = ""
    articles: int = 0
    passages: int = 0
    added_articles: int = 0
    removed_articles: int = 0
    embedded_passages: int = 0
    reused_passages: int = 0
    attributions: int = 0
    people: int = 0
    story_clusters: int = 0
    skipped: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    unchanged: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


def collect(paths: Iterable[str | Path], report: BuildReport) -> dict[str, Article]:
    """Cleaned articles by id; unreadable files and repeated articles go to the report."""
    articles: dict[str, Article] = {}
    for item in read_all(paths):
        article, reason = prepare(item)
        if article is None:
            report.skipped.append({"path": item.path, "reason": reason})
        elif article.article_id in articles:
            report.skipped.append({"path": item.path, "reason": "same article as "
                                   f"{articles[article.article_id].path}"})
        else:
            articles[article.article_id] = article
    return articles


def with_uploads(paths: Sequence[str | Path], config: Config) -> list[str | Path]:
    """`paths` plus the index's own uploads folder: articles added through the page live
    there, and a mirror build (`archive build seeds`) must not drop them. To remove an
    upload, delete its file under <index>/uploads/ and build again."""
    from archive.storage.generations import UPLOADS

    uploads = Path(config.index_dir) / UPLOADS
    if not uploads.is_dir():
        return list(paths)
    given = {Path(p).resolve() for p in paths}
    if any(uploads.resolve() == g or uploads.resolve().is_relative_to(g) for g in given):
        return list(paths)
    return [*paths, uploads]


def prepare(item) -> tuple[Article | None, str | None]:  # noqa: ANN001 - RawArticle | Skipped
    """One read item cleaned into an Article, or (None, why it is skipped). Shared by the
    local build and the distributed one (archive/distributed.py), so both skip alike."""
    if isinstance(item, Skipped):
        return None, item.reason
    size = oversized_paragraph(item.text)
    if size:
        return None, (f"a single paragraph of {size:,} characters: not article text (split "
                      "it into paragraphs)")
    try:
        article = clean_article(item)
    except Exception as exc:  # noqa: BLE001 - one bad article must never stop a build
        return None, f"could not be cleaned: {exc}"
    if article is None:
        return None, "no article text after removing boilerplate"
    return article, None


def expected_manifest(embedder) -> dict[str, object]:
    return {"model": embedder.name, "dimension": embedder.dimension, "normalized": True,
            "embedding_backend": getattr(embedder, "backend", "torch-fp32")}


def build(paths: Sequence[str | Path], config: Config, *, full: bool = False,
          mirror: bool = True, embedder=None, progress: Progress | None = None) -> BuildReport:
    """Make the index in `config.index` hold the articles under `paths`.

    mirror=True (`archive build`): articles no longer in `paths` are dropped.
    mirror=False (`archive add`): the archive keeps what it has and gains these articles.
    full=True: start from an empty generation and embed everything again.
    """
    started = time.perf_counter()
    index_dir = IndexDir(config.index_dir)
    report = BuildReport(index=str(index_dir.path))
    with index_dir.lock():
        wanted = collect(with_uploads(paths, config) if mirror else paths, report)
        if not wanted:
            # Nothing readable (a mistyped path, a folder of unsupported files): leave the
            # index as it is rather than publish an empty one over it. articles=0 tells
            # the caller nothing was indexed; `skipped` says why.
            report.seconds = round(time.perf_counter() - started, 3)
            return report
        previous = None if full else index_dir.current()
        if previous is not None:
            old = Store(previous / DB_NAME, readonly=True)
            have = old.article_ids()
            manifest = old.manifest()
            old.close()
            if manifest.get("format") != FORMAT_VERSION or (
                    embedder is not None and manifest.get("model") != embedder.name):
                raise IndexMismatch(f"the index in '{index_dir.path}' was built with model "
                                    f"{manifest.get('model')!r}: run 'archive build --reembed' "
                                    "to migrate it to the current model (or --full to rebuild)")
            from archive.embed.sbert import backend_label

            wanted_backend = getattr(embedder, "backend", None) or backend_label(
                config.embedding_backend)
            if manifest.get("embedding_backend", "torch-fp32") != wanted_backend:
                raise IndexMismatch(
                    f"the index in '{index_dir.path}' was built with embedding backend "
                    f"{manifest.get('embedding_backend', 'torch-fp32')!r} but {wanted_backend!r}"
                    " is configured, and fp32 and int8 vectors never share an index: rebuild "
                    "with 'archive build --full' (or set ARCHIVE_EMBEDDING_BACKEND back)")
            removed = (have - set(wanted)) if mirror else set()
            added = set(wanted) - have
            if not added and not removed:
                report.unchanged = True
                fill_counts(report, previous)
                sync_backend(config, previous, progress)  # issue 8: catch up a lagging Milvus
                report.generation = previous.name
                report.seconds = round(time.perf_counter() - started, 3)
                return report
        with generation(index_dir, report) as gen:
            write_generation(gen, previous, wanted, mirror, config, embedder, progress, report)
        sync_backend(config, gen, progress)  # issue 8: mirror into Milvus (no-op for local)
        index_dir.cleanup()
    report.seconds = round(time.perf_counter() - started, 3)
    return report


# -- issue 8: the configured search backend -----------------------------------------------------
def sync_backend(config: Config, gen: Path, progress: Progress | None = None) -> None:
    """With backend=milvus, make Milvus hold the published generation `gen` (a diff against
    what it last synced: upserts and deletes in batches); nothing to do for backend=local."""
    backend = getattr(config, "backend", "local")
    if backend not in ("local", "milvus"):
        from archive.errors import BadRequest

        raise BadRequest(f"unknown backend {backend!r}: choose local or milvus")
    if backend == "milvus":
        from archive.storage.milvus import sync_generation

        sync_generation(config, gen)
# -- end issue 8 ----------------------------------------------------------------------------------


@contextmanager
def generation(index_dir: IndexDir, report: BuildReport) -> Iterator[Path]:
    """A new generation folder to fill; published atomically when the block ends, removed
    when it raises (the previous generation keeps answering either way)."""
    gen = index_dir.new_generation()
    try:
        yield gen
    except BaseException:
        shutil.rmtree(gen, ignore_errors=True)
        raise
    (gen / ".published").touch()
    index_dir.publish(gen)
    report.generation = gen.name


def fill_counts(report: BuildReport, gen: Path) -> None:
    store = Store(gen / DB_NAME, readonly=True)
    fill_report(report, store)
    store.close()


def copy_database(src: Path, dst: Path) -> None:
    """Copy a published SQLite database with the backup API (consistent, page by page)."""
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    target = sqlite3.connect(str(dst))
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def write_generation(gen: Path, previous: Path | None, wanted: dict[str, Article], mirror: bool,
                     config: Config, embedder, progress: Progress | None,
                     report: BuildReport) -> None:
    from archive.storage.vectors import VectorIndex

    if embedder is None:
        from archive.embed.sbert import make_embedder

        embedder = make_embedder(config)
    if previous is not None:
        copy_database(previous / DB_NAME, gen / DB_NAME)
        vectors = VectorIndex.load(previous / VECTORS_NAME)
    store = Store(gen / DB_NAME, readonly=False)
    if previous is None:
        vectors = VectorIndex(embedder.dimension)
    else:
        check_manifest(store.manifest(), expected_manifest(embedder), previous)
    have = store.article_ids()
    removed = sorted(have - set(wanted)) if mirror else []
    added = [wanted[a] for a in wanted if a not in have]
    reusable = reusable_vectors(store, vectors, removed)
    removed_ids = store.delete_articles(removed)
    vectors.remove(removed_ids)
    report.removed_articles, report.added_articles = len(removed), len(added)

    max_tokens = min(config.max_tokens, embedder.max_tokens)
    passages = {a.article_id: passages_of(a, max_tokens, embedder.count_tokens) for a in added}
    if config.attribution:
        attribute(added, passages, progress)
    texts = [p.text for a in added for p in passages[a.article_id]]
    new_vectors = embed_missing(texts, reusable, embedder, progress, report)
    row, new_ids = 0, []
    for article in added:
        ps = passages[article.article_id]
        ids = store.add_article(article, ps)
        fault_point("sqlite")
        vectors.add(ids, new_vectors[row:row + len(ps)])
        new_ids.extend(ids)
        row += len(ps)
    if config.attribution:
        group_people(store)
    update_clusters(store, vectors, new_ids)
    vectors = vectors.adapted(config)  # index type for the new size (flat / IVF / retrain)
    count = store.count("passages")
    if vectors.ntotal != count:
        raise IndexCorrupt(f"internal error: {vectors.ntotal} vectors for {count} passages")
    store.write_manifest(manifest_values(embedder, store, vectors))
    fill_report(report, store)
    store.finish()
    store.close()
    fault_point("faiss")
    vectors.save(gen / VECTORS_NAME)
    fault_point("saved")


def reusable_vectors(store: Store, vectors, removed: Sequence[str]) -> dict[str, np.ndarray]:
    """Vectors of passages about to be deleted, by text hash: an edited article re-embeds
    only the paragraphs that changed."""
    if not removed:
        return {}
    ids = [pid for pid, _, _ in store.passages_of_articles(list(removed))]
    by_hash = store.passages_by_hash(ids)
    found = vectors.reconstruct(list(by_hash.values()))
    return {h: found[i] for i, h in enumerate(by_hash)}


def embed_missing(texts: list[str], reusable: dict[str, np.ndarray], embedder,
                  progress: Progress | None, report: BuildReport) -> np.ndarray:
    hashes = [passage_hash(t) for t in texts]
    todo = [i for i, h in enumerate(hashes) if h not in reusable]
    out = np.zeros((len(texts), embedder.dimension if texts else 0), dtype=np.float32)
    for i, h in enumerate(hashes):
        if h in reusable:
            out[i] = reusable[h]
    report.embedded_passages, report.reused_passages = len(todo), len(texts) - len(todo)
    if todo:
        bar = progress_bar(len(todo), "embedding", progress)
        if os.environ.get(FAULT_ENV) == "embedding":
            inner = bar

            def bar(n: int) -> None:  # noqa: F811 - kill after the first embedded batch
                inner(n)
                fault_point("embedding")
        out[todo] = embedder.encode([texts[i] for i in todo], progress=bar)
    return out


def progress_bar(total: int, stage: str, progress: Progress | None) -> Callable[[int], None]:
    """A callback advancing the caller's progress hook, or a tqdm bar on a terminal."""
    done = [0]
    if progress is not None:
        progress(stage, 0, total)

        def advance(n: int) -> None:
            done[0] += n
            progress(stage, done[0], total)
        return advance
    from tqdm import tqdm

    bar = tqdm(total=total, desc=stage, unit="passage", disable=None, leave=False)

    def tick(n: int) -> None:
        bar.update(n)
        done[0] += n
        if done[0] >= total:
            bar.close()
    return tick


def attribute(articles: list[Article], passages: dict[str, list[Passage]],
              progress: Progress | None) -> None:
    """Who said what in each new passage (spaCy, loaded only when there is new text)."""
    if not articles:
        return
    from archive.quotes import passage_attributions

    bar = progress_bar(len(articles), "attributing", progress)
    for article in articles:
        ps = passages[article.article_id]
        found = passage_attributions([p.text for p in ps])
        for p, attributions in zip(ps, found):
            p.attributions = list(attributions)
        bar(1)


def group_people(store: Store) -> None:
    from archive.text.names import group_names, speaker_types

    aliases = group_names(store.speaker_mentions())
    store.write_people(aliases, speaker_types(store.speaker_typed_mentions(), aliases))


def update_clusters(store: Store, vectors, new_ids: Sequence[int]) -> None:
    """Near-duplicate passage links (only pairs involving new passages are computed), then
    passage clusters and story clusters over the whole archive."""
    from collections import Counter

    from archive.text import dedup
    params = dedup.DedupParams()
    everything = list(store.all_passages())
    fresh = set(new_ids)
    old = [p for p in everything if p[0] not in fresh]
    new = [p for p in everything if p[0] in fresh]
    links = [dedup.PairLink(a, b, kind, sim) for a, b, kind, sim in store.links()]
    if new and not old:
        links = dedup.find_passage_pairs(new, vectors.reconstruct([p[0] for p in new]), params)
    elif new:
        links = dedup.update_links(links, old, vectors.reconstruct([p[0] for p in old]), new,
                                   vectors.reconstruct([p[0] for p in new]), (), params)
    sizes = Counter(aid for _, aid, text in everything if dedup.is_eligible(text, params))
    for aid in store.article_ids():
        sizes.setdefault(aid, 0)
    stories = dedup.story_clusters(links, {p[0]: p[1] for p in everything}, sizes, params)
    store.write_clusters([(l.a, l.b, l.kind, l.similarity) for l in links],
                         dedup.passage_clusters(links), stories)


def manifest_values(embedder, store: Store, vectors) -> dict[str, object]:
    from importlib.metadata import version

    from archive.storage.vectors import faiss_version

    return {
        "format": FORMAT_VERSION, "model": embedder.name, "model_path": embedder.model_path,
        "dimension": vectors.dimension, "normalized": True, "metric": "inner_product",
        "faiss_index": vectors.description(), "faiss_params": vectors.params(),
        "embedding_backend": getattr(embedder, "backend", "torch-fp32"),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "articles": store.count("articles"), "passages": store.count("passages"),
        "versions": {"archive": __version__, "python": platform.python_version(),
                     **embedder.versions(), "faiss": faiss_version(),
                     "sqlite_utils": version("sqlite-utils"),
                     "sqlite": sqlite3.sqlite_version},
    }


def reembed(config: Config, *, embedder=None, progress: Progress | None = None) -> BuildReport:
    """Migrate the archive to the configured model: keep articles, passages, attributions and
    clusters, re-embed every passage, write a new manifest, publish a new generation."""
    from archive.storage.vectors import VectorIndex

    started = time.perf_counter()
    index_dir = IndexDir(config.index_dir)
    report = BuildReport(index=str(index_dir.path))
    with index_dir.lock():
        previous = index_dir.require_current()
        if embedder is None:
            from archive.embed.sbert import make_embedder

            embedder = make_embedder(config)
        with generation(index_dir, report) as gen:
            copy_database(previous / DB_NAME, gen / DB_NAME)
            store = Store(gen / DB_NAME, readonly=False)
            rows = list(store.all_passages())
            vectors = VectorIndex(embedder.dimension)
            bar = progress_bar(len(rows), "re-embedding", progress)
            vectors.add([r[0] for r in rows], embedder.encode([r[2] for r in rows], progress=bar))
            vectors = vectors.adapted(config)
            store.write_manifest(manifest_values(embedder, store, vectors))
            report.embedded_passages = len(rows)
            fill_report(report, store)
            store.finish()
            store.close()
            vectors.save(gen / VECTORS_NAME)
        sync_backend(config, gen, progress)  # issue 8: mirror into Milvus (no-op for local)
        index_dir.cleanup()
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def reattribute(config: Config, *, progress: Progress | None = None) -> BuildReport:
    """Extract attributions again over the whole archive (after the rules improved) and
    regroup people, without re-embedding; published as a new generation like any build."""
    from archive.quotes import passage_attributions

    started = time.perf_counter()
    index_dir = IndexDir(config.index_dir)
    report = BuildReport(index=str(index_dir.path))
    with index_dir.lock():
        previous = index_dir.require_current()
        with generation(index_dir, report) as gen:
            copy_database(previous / DB_NAME, gen / DB_NAME)
            shutil.copyfile(previous / VECTORS_NAME, gen / VECTORS_NAME)
            store = Store(gen / DB_NAME, readonly=False)
            articles = sorted(store.article_ids())
            bar = progress_bar(len(articles), "attributing", progress)
            for article_id in articles:
                rows = store.article_passages(article_id)
                found = passage_attributions([r["text"] for r in rows])
                store.replace_attributions(article_id, {
                    r["id"]: list(a) for r, a in zip(rows, found)})
                bar(1)
            group_people(store)
            fill_report(report, store)
            store.finish()
            store.close()
        sync_backend(config, gen, progress)  # issue 8: mirror into Milvus (no-op for local)
        index_dir.cleanup()
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def fill_report(report: BuildReport, store: Store) -> None:
    report.articles, report.passages = store.count("articles"), store.count("passages")
    report.attributions, report.people = store.count("attributions"), store.count("people")
    report.story_clusters = len(store.stories())
