"""Build or refresh an index: read → clean → chunk → attribute → embed → store → publish.

Every build writes a new generation (a copy of the current one, changed incrementally) and
publishes it atomically (archive.build.publish); the previous generation keeps answering
until then, and a failure or a kill at any point leaves it untouched.
"""
from __future__ import annotations

import platform
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import chain
from pathlib import Path

import numpy as np

from archive import __version__
from archive.build.attribution import attribute, resolve_described
from archive.build.embedding import Embedding
from archive.build.people import group_people
from archive.build.publish import Draft, Publisher, publishing
from archive.build.report import BuildReport, Progress, fill_report, progress_bar
from archive.build.stages import (article_cap, chunk, collect, drop_oversized,
                                  expected_manifest, isolated, read_articles, to_remove,
                                  with_uploads)
from archive.config import Config
from archive.embed import backend_label, make_embedder, make_quote_tagger, resolve_backend
from archive.errors import IndexCorrupt
from archive.models import Article, Passage
from archive.quotes import passage_analysis
from archive.storage import (DB_NAME, FORMAT_VERSION, VECTORS_NAME, IndexDir,
                             check_manifest, fault_point)
from archive.storage.keywords import tantivy_version
from archive.storage.sqlite import Store, sqlite_versions
from archive.storage.vectors import VectorIndex, faiss_version
from archive.text import dedup


def build(paths: Sequence[str | Path], config: Config, *, full: bool = False,
          mirror: bool = True, embedder=None, progress: Progress | None = None) -> BuildReport:
    """Make the index in `config.index` hold the articles under `paths`.

    mirror=True (`archive build`): articles no longer in `paths` are dropped.
    mirror=False (`archive add`): the archive keeps what it has and gains these articles.
    full=True: start from an empty generation and embed everything again.
    """
    with publishing(config) as pub:
        paths = with_uploads(paths, config) if mirror else list(paths)
        previous = None if full else pub.index_dir.current()
        if previous is None:
            build_empty(pub, paths, check=not mirror and not full, embedder=embedder,
                        progress=progress)
            return pub.report
        wanted = collect(paths, pub.report, article_cap(config))
        drop_oversized(wanted, config.max_article_bytes, pub.report)
        if not wanted:
            # Nothing readable (a mistyped path, a folder of unsupported files): leave the
            # index as it is rather than publish an empty one over it. articles=0 tells
            # the caller nothing was indexed; `skipped` says why.
            return pub.report
        if unchanged(pub, previous, wanted, mirror, embedder):
            return pub.report
        with pub.generation(copy_of=previous) as draft:
            write_generation(draft, previous, wanted, mirror, embedder, progress, pub)
    return pub.report


def build_empty(pub: Publisher, paths: Sequence[str | Path], *, check: bool,
                embedder, progress: Progress | None) -> None:  # noqa: ANN001
    """A build into an empty generation (the first build, or --full): every article read is
    new, so each is cut and handed to the model as soon as it is read, and the model works
    while the rest are read and cleaned. Nothing readable leaves the index as it is.
    `check`: `archive add` over an unreadable pointer stops (add never drops what is
    indexed)."""
    cap = article_cap(pub.config)
    articles = read_articles(paths, pub.report, cap, cap=pub.config.max_article_bytes)
    first = next(articles, None)
    if first is None:  # nothing readable: the report's `skipped` says why
        return
    if check:
        pub.index_dir.check_pointer()
    with pub.generation() as draft:
        write_generation(draft, None, chain([first], articles), True, embedder, progress, pub)


def add(paths: Sequence[str | Path], config: Config, *, embedder=None,
        progress: Progress | None = None) -> BuildReport:
    """`archive add`: the archive gains the articles under `paths` and keeps what it has."""
    return build(paths, config, mirror=False, embedder=embedder, progress=progress)


def unchanged(pub: Publisher, previous: Path, wanted: dict[str, Article], mirror: bool,
              embedder) -> bool:  # noqa: ANN001
    """Check that the previous generation can be extended (before any model loads); when
    it already holds exactly the wanted articles, keep it and say so."""
    store = Store(previous / DB_NAME, readonly=True)
    try:
        manifest = store.manifest()
        check_manifest(manifest, configured_manifest(embedder, pub.config, manifest), previous)
        have = store.article_ids()
        removed = to_remove(store, have, wanted) if mirror else set()
        if set(wanted) - have or removed:
            return False
        fill_report(pub.report, store)
    finally:
        store.close()
    pub.keep(previous)
    return True


def configured_manifest(embedder, config: Config,  # noqa: ANN001
                        manifest: dict | None) -> dict[str, object]:
    """What is known of the vectors this build will write before the model loads: all of
    it with an embedder given, else the configured embedding backend ("auto": the one the
    archive of `manifest` was built with)."""
    if embedder is not None:
        return expected_manifest(embedder)
    return {"embedding_backend": backend_label(resolve_backend(config.embedding_backend,
                                                               manifest))}


def write_generation(draft: Draft, previous: Path | None,
                     wanted: Mapping[str, Article] | Iterator[Article], mirror: bool,
                     embedder, progress: Progress | None,  # noqa: ANN001
                     pub: Publisher) -> None:
    """Fill a new generation (a copy of `previous`, or empty) to hold `wanted`: cleaned
    articles by id, or, into an empty generation, the articles as they are read."""
    config, store, report = pub.config, draft.store, pub.report
    manifest = store.manifest() if previous is not None else None
    if embedder is None:  # "auto": the backend the archive was built with
        embedder = make_embedder(config, manifest)
    vectors = load_vectors(previous, embedder.dimension)
    if manifest is not None:
        check_manifest(manifest, expected_manifest(embedder), previous)
    if isinstance(wanted, Mapping):
        have = store.article_ids()
        removed = sorted(to_remove(store, have, wanted)) if mirror else []
        added: Iterable[Article] = [wanted[a] for a in wanted if a not in have]
    else:  # an empty generation: every article is new, and cut as it is read
        removed, added = [], wanted
    report.removed_articles = len(removed)

    tagger = make_quote_tagger(config) if added else None
    with Embedding(embedder, progress, report, stored_vectors(store, vectors)) as embedding:
        added, passages = cut(added, embedder, config.max_tokens, report, embedding)
        # every reusable vector is taken (cut asks the store for each new text): the removed
        # articles can go, an edited one's unchanged paragraphs having taken their vectors
        vectors.remove(store.delete_articles(removed))
        owners, texts = new_texts(added, passages)
        copies = None
        if config.attribution:
            # an article whose attribution fails is dropped from `passages`, its vectors too
            attribute(added, passages, progress, report, tagger)
            added = [a for a in added if a.article_id in passages]
        else:  # the lexical copies need no vectors: found while the model encodes
            copies = dedup.copy_pairs([(i, o, t) for i, (o, t) in enumerate(zip(owners, texts))])
        new_ids = store_articles(store, added, passages)  # rows need no vectors either
        if config.attribution:
            # the new articles' roles may resolve older ones too
            resolve_described(store, [a.article_id for a in added])
        new_vectors = embedding.result()
    if len(new_ids) < len(owners):
        new_vectors = new_vectors[np.array([o in passages for o in owners], dtype=bool)]
    vectors.add(new_ids, new_vectors)
    report.added_articles = len(added)
    # with attribution off too: the articles removed may have quoted people (a no-op when
    # the build touched no name)
    group_people(store, config.label_confidence)
    update_clusters(store, vectors, new_ids, None if copies is None else by_rowid(copies, new_ids))
    vectors = vectors.adapted(config)  # index type for the new size (flat / IVF / retrain)
    count = store.count("passages")
    if vectors.ntotal != count:
        raise IndexCorrupt(f"internal error: {vectors.ntotal} vectors for {count} passages")
    store.write_manifest(manifest_values(embedder, store, vectors))
    if tagger is not None:  # what attributed the newest articles (older ones keep theirs)
        store.write_manifest({"quote_tagger": tagger.version})
    draft.vectors = vectors


def current_manifest(config: Config) -> dict | None:
    """The manifest of the published local generation of `config`'s index, or None."""
    current = IndexDir(config.index_dir).current()
    if current is None:
        return None
    store = Store(current / DB_NAME, readonly=True)
    try:
        return store.manifest()
    finally:
        store.close()


def load_vectors(previous: Path | None, dimension: int) -> VectorIndex:
    """The previous generation's vectors, or an empty index of `dimension`."""
    if previous is None:
        return VectorIndex(dimension)
    return VectorIndex.load(previous / VECTORS_NAME)


def store_articles(store: Store, articles: list[Article],
                   passages: dict[str, list[Passage]]) -> list[int]:
    """Store the new articles with their passages; returns the passage ids, in order."""
    new_ids = []
    for article in articles:
        new_ids.extend(store.add_article(article, passages[article.article_id]))
        fault_point("sqlite")
    return new_ids


def stored_vectors(store: Store, vectors: VectorIndex
                   ) -> Callable[[list[str]], dict[str, np.ndarray]] | None:
    """What an incremental build asks for the text hashes of its new passages: the vectors
    of passages the archive already holds with the same text (an edited article's unchanged
    paragraphs, a wire story filed again, the same copy in two feeds), so only what is new
    is embedded. None for an empty archive. Asked while the new articles are cut, before
    any of their rows is stored and before the removed articles are deleted."""
    if vectors.ntotal == 0:
        return None

    def lookup(hashes: list[str]) -> dict[str, np.ndarray]:
        found = store.passage_ids_of_hashes(hashes)
        return dict(zip(found, vectors.reconstruct(list(found.values()))))
    return lookup


def cut(added: Iterable[Article], embedder, max_tokens: int,  # noqa: ANN001
        report: BuildReport, embedding: Embedding
        ) -> tuple[list[Article], dict[str, list[Passage]]]:
    """The new articles that could be cut, and their passages, each article's handed to the
    model as soon as they are cut; an article that cannot be cut is skipped, never the
    build."""
    articles, passages = [], {}
    for article in added:
        ps = isolated(report, article, "could not be cut into passages", chunk, article,
                      embedder, max_tokens)
        if ps is not None:
            articles.append(article)
            passages[article.article_id] = ps
            embedding.add([p.text for p in ps])
    embedding.send()  # every part out before the rows are stored (stored_vectors)
    return articles, passages


def new_texts(added: list[Article], passages: dict[str, list[Passage]]
              ) -> tuple[list[str], list[str]]:
    """(owning article id, text) of every new passage, in the order they are stored."""
    return ([a.article_id for a in added for _ in passages[a.article_id]],
            [p.text for a in added for p in passages[a.article_id]])


def by_rowid(copies: dict[tuple[int, int], float], new_ids: Sequence[int]
             ) -> dict[tuple[int, int], float]:
    """Copies found among the new passages by position, keyed by their stored ids (a < b)."""
    return {tuple(sorted((new_ids[i], new_ids[j]))): sim for (i, j), sim in copies.items()}


NEIGHBOURS = 32  # FAISS neighbours of a new passage judged as a possible copy or rewrite
CANDIDATE_COSINE = 0.6  # below it a neighbour is not judged (benchmarks/README.md, "Links")


def update_clusters(store: Store, vectors, new_ids: Sequence[int],  # noqa: ANN001
                    copies: dict[tuple[int, int], float] | None = None) -> None:
    """Near-duplicate links of the new passages, then passage and story clusters (`copies`:
    the lexical copies among the new passages, when found while they were embedded).

    Among the new passages every pair is compared (MinHash LSH for copies, cosine for
    rewrites: `dedup.find_passage_pairs`); with the passages already in the archive, each
    new passage's FAISS neighbours are judged by the same rules (`dedup.judge_pair`, as the
    distributed build judges Milvus's). Only the new passages, their neighbours and the
    articles that have links are read, so adding 1% of an archive costs about 1% of a full
    build, not a reread of every passage (links among old passages are kept as they are;
    deleting an article deleted its links)."""
    params = dedup.DedupParams()
    links = {(a, b): dedup.PairLink(a, b, kind, sim) for a, b, kind, sim in store.links()}
    new = store.passage_texts(new_ids)
    if new:
        new_vectors = vectors.reconstruct([p[0] for p in new])
        fresh = dedup.find_passage_pairs(new, new_vectors, params, copies)
        fresh += neighbour_links(store, vectors, new, new_vectors, params)
        links.update({(l.a, l.b): l for l in fresh})
        sizes = Counter(aid for _, aid, text in new if dedup.is_eligible(text, params))
        store.set_article_sizes({aid: sizes.get(aid, 0) for aid in {p[1] for p in new}})
    owner = store.article_of({x for a, b in links for x in (a, b)})
    linked = set(owner.values())
    sizes = article_sizes(store, linked, params)
    stories = dedup.story_clusters(links.values(), owner, sizes, params)
    touched = linked | set(store.stories_of()) | {p[1] for p in new}
    store.write_clusters([(l.a, l.b, l.kind, l.similarity) for l in links.values()],
                         dedup.passage_clusters(links.values()),
                         {a: stories.get(a, a) for a in touched})


def neighbour_links(store: Store, vectors, new: list[tuple[int, str, str]],  # noqa: ANN001
                    new_vectors: np.ndarray, params) -> list:  # noqa: ANN001
    """Links between new passages and the archive's older ones, judged among each new
    passage's NEIGHBOURS nearest (cosine >= CANDIDATE_COSINE)."""
    fresh = {p[0] for p in new}
    keep = [i for i, p in enumerate(new) if dedup.is_eligible(p[2], params)]
    if not keep or vectors.ntotal <= len(fresh):
        return []
    scores, ids = vectors.search_batch(new_vectors[keep], NEIGHBOURS)
    pairs = [(keep[r], int(j)) for r in range(len(keep)) for s, j in zip(scores[r], ids[r])
             if j >= 0 and int(j) not in fresh and s >= CANDIDATE_COSINE]
    old = {p[0]: p for p in store.passage_texts(sorted({j for _, j in pairs}))}
    old_vectors = dict(zip(old, vectors.reconstruct(list(old))))
    out = []
    for i, j in pairs:
        if j in old:
            link = dedup.judge_pair(new[i], new_vectors[i], old[j], old_vectors[j], params)
            if link is not None:
                out.append(link)
    return out


def article_sizes(store: Store, articles: set[str], params) -> dict[str, int]:  # noqa: ANN001
    """Comparable passages of each of `articles`: stored counts, and counted (then stored)
    for articles kept before the counts were."""
    sizes = store.article_sizes(articles)
    missing = sorted(articles - set(sizes))
    if missing:
        counted = Counter(aid for _, aid, text in store.passages_of_articles(missing)
                          if dedup.is_eligible(text, params))
        store.set_article_sizes({a: counted.get(a, 0) for a in missing})
        sizes.update({a: counted.get(a, 0) for a in missing})
    return sizes


def manifest_values(embedder, store: Store, vectors: VectorIndex) -> dict[str, object]:  # noqa: ANN001
    return {
        "format": FORMAT_VERSION, "model": embedder.name, "model_path": embedder.model_path,
        "dimension": vectors.dimension, "normalized": True, "metric": "inner_product",
        "faiss_index": vectors.description(), "faiss_params": vectors.params(),
        "embedding_backend": embedder.backend,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "articles": store.count("articles"), "passages": store.count("passages"),
        "versions": {"archive": __version__, "python": platform.python_version(),
                     **embedder.versions(), "faiss": faiss_version(), **sqlite_versions(),
                     "tantivy": tantivy_version()},
    }


def reembed(config: Config, *, embedder=None, progress: Progress | None = None) -> BuildReport:  # noqa: ANN001
    """Migrate the archive to the configured model: keep articles, passages, attributions and
    clusters, re-embed every passage, write a new manifest, publish a new generation."""
    with publishing(config) as pub:
        previous = pub.index_dir.require_current()
        with pub.generation(copy_of=previous) as draft:
            if embedder is None:  # "auto" keeps the archive's backend; name one to migrate
                embedder = make_embedder(config, draft.store.manifest())
            rows = list(draft.store.all_passages())
            vectors = load_vectors(None, embedder.dimension)
            bar = progress_bar(len(rows), "re-embedding", progress)
            vectors.add([r[0] for r in rows], embedder.encode([r[2] for r in rows], progress=bar))
            draft.vectors = vectors.adapted(config)
            draft.store.write_manifest(manifest_values(embedder, draft.store, draft.vectors))
            pub.report.embedded_passages = len(rows)
    return pub.report


def reattribute(config: Config, *, progress: Progress | None = None) -> BuildReport:
    """Extract attributions again over the whole archive (after the rules improved) and
    regroup people, without re-embedding; published as a new generation like any build."""
    with publishing(config) as pub:
        previous = pub.index_dir.require_current()
        with pub.generation(copy_of=previous, vectors=True) as draft:
            store = draft.store
            articles = sorted(store.article_ids())
            bar = progress_bar(len(articles), "attributing", progress)
            tagger = make_quote_tagger(config)
            store.write_manifest({"quote_tagger": tagger.version if tagger else "off"})
            for article_id in articles:
                rows = store.article_passages(article_id)
                found, named = passage_analysis([r["text"] for r in rows], tagger=tagger)
                store.replace_attributions(article_id, {
                    r["id"]: list(a) for r, a in zip(rows, found)})
                store.replace_mentions(article_id, {r["id"]: m for r, m in zip(rows, named)})
                bar(1)
            resolve_described(store)
            group_people(store, config.label_confidence)
    return pub.report
