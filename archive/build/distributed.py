"""Distributed build straight into Milvus: `archive build --ray [ADDRESS] --backend milvus`.

The local build keeps every passage of the archive on one machine (SQLite + FAISS) and then
mirrors it into Milvus; that stops working when the archive outgrows the machine. This build
never holds the archive in one process:

    files ──Ray Data──▶ read + clean (tasks)  ──▶ materialised articles (object store)
          driver: article ids only ─▶ diff against the articles Milvus holds
          new articles ──map_batches(IndexArticles, one actor per worker: the packaged model
          and spaCy loaded once)──▶ chunk + attribute + embed ──▶ passage rows with vectors
          driver: iter_batches ─▶ upsert into Milvus BATCH rows at a time (invisible: build_id)
          ─▶ near-duplicate links for the batch from Milvus's own vector index
          ─▶ articles, clusters, people ─▶ commit (one manifest row) ─▶ removed articles.

Reading, cleaning, chunking, attribution and people grouping are the local build's stages
(archive.build.stages); the Milvus rows are written by archive.storage.milvus.writer.

Passage ids are allocated without a central database: article number n (a counter kept in the
Milvus manifest row) owns ids STREAM_BASE + n * SPAN + position. They never meet the rowids of
a local build (< 2**40), so a Milvus archive can mix both kinds of build.

Consistency is the mirror sync's: rows of this build carry build_id = B and readers see
build_id <= committed until the manifest row says committed = B; a killed build leaves its
rows invisible, and the next build deletes them before it starts.

What the driver still holds: the ids and metadata of the articles (not their text), the
near-duplicate links of new passages, and the speaker names for people grouping. Story
clusters (the article-level "same story" groups of the local build) are not computed here.
"""
from __future__ import annotations

import json
import os
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from archive.build.report import BuildReport, Progress
from archive.build.stages import (
    Wanted,
    admit,
    article_cap,
    attribute_passages,
    chunk,
    expected_manifest,
    oversized,
    prepare,
    to_remove,
    with_uploads,
)
from archive.config import Config, load_config
from archive.embed import make_embedder, make_quote_tagger
from archive.embed.ray_data import OFFLINE_ENV, ray_session
from archive.errors import BadRequest, IndexMismatch
from archive.models import Article, Paragraph
from archive.quotes import described_holders, description_words
from archive.storage import FORMAT_VERSION, IndexDir, open_stream
from archive.text import (
    Skipped,
    UnionFind,
    group_names,
    iter_files,
    judge_pair,
    read_path,
)
from archive.text.ingest import MAX_ARTICLE_BYTES
from archive.text.names import speaker_types
from archive.text.roles import people_table

if TYPE_CHECKING:  # the engine's writer type, for annotations only
    from archive.storage.milvus.writer import StreamWriter

STREAM_BASE = 1 << 40  # above any SQLite rowid a local build will reach
SPAN = 1 << 16  # passage ids per article
ARTICLES_PER_BATCH = 8  # articles per map_batches call on a worker
NEIGHBOURS = 16  # near-duplicate candidates asked of the vector index per new passage
CANDIDATE_COSINE = 0.6  # range-search radius for candidates; judge_pair decides


# -- on the workers -----------------------------------------------------------------------------
def read_clean(row: dict, max_bytes: int = MAX_ARTICLE_BYTES) -> list[dict]:
    """Ray flat_map: one file → its cleaned articles (as JSON) or the reasons it was skipped,
    with the local build's size caps (`max_bytes`: Config.max_article_bytes, on the bytes
    read and on the cleaned text) and its `keep` (a file that could not be opened keeps the
    articles indexed from it)."""
    out = []
    for item in read_path(Path(row["path"]), max_bytes):
        article, reason = prepare(item)
        if article is not None:
            reason = oversized(article, max_bytes)
        if reason is not None:
            out.append({"article_id": "", "path": item.path, "skip": reason, "article": "",
                        "keep": bool(isinstance(item, Skipped) and item.keep)})
        else:
            out.append({"article_id": article.article_id, "path": article.path, "skip": "",
                        "article": json.dumps(asdict(article), ensure_ascii=False),
                        "keep": False})
    return out


def article_from(data: str) -> Article:
    raw = json.loads(data)
    raw["paragraphs"] = [Paragraph(**p) for p in raw["paragraphs"]]
    return Article(**raw)


class Numbered:
    """Keeps the new articles of a batch and gives each its number (its passage id block)."""

    def __init__(self, numbers: dict[str, int]) -> None:
        self.numbers = numbers

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        keep = [i for i, a in enumerate(batch["article_id"]) if str(a) in self.numbers]
        out = {k: np.asarray(v)[keep] for k, v in batch.items()}
        out["number"] = np.asarray([self.numbers[str(a)] for a in out["article_id"]],
                                   dtype=np.int64)
        return out


class IndexArticles:
    """Ray Data UDF (an actor per worker): articles → passage rows with attributions and
    vectors. The packaged model and spaCy load once per worker."""

    def __init__(self, model_path: str, batch_size: int, embedding_backend: str,
                 max_tokens: int, attribution: bool, quote_tagger: bool = True) -> None:
        os.environ.update({k: v for k, v in OFFLINE_ENV.items() if k not in os.environ})
        config = load_config(model=model_path, batch_size=batch_size,
                             embedding_backend=embedding_backend, attribution=int(attribution),
                             quote_tagger=int(quote_tagger))
        self.embedder = make_embedder(config)
        self.max_tokens = max_tokens
        self.attribution = attribution
        self.tagger = make_quote_tagger(config)  # as the local build attributes

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        rows: list[dict] = []
        for data, number in zip(batch["article"], batch["number"]):
            article = article_from(str(data))
            passages = chunk(article, self.embedder, self.max_tokens)
            if len(passages) > SPAN:
                raise BadRequest(f"{article.path}: {len(passages)} passages, more than the "
                                 f"{SPAN} an article may have in a distributed build")
            if self.attribution:
                attribute_passages(passages, tagger=self.tagger)
            rows.extend({
                "id": STREAM_BASE + int(number) * SPAN + p.position,
                "article_id": article.article_id, "position": p.position,
                "section": p.section or "", "text": p.text,
                "atts": json.dumps([asdict(a) for a in p.attributions], ensure_ascii=False)}
                for p in passages)
        vectors = self.embedder.encode([r["text"] for r in rows]) if rows else np.zeros(
            (0, self.embedder.dimension), dtype=np.float32)
        columns = {k: np.asarray([r[k] for r in rows], dtype=object)
                   for k in ("article_id", "section", "text", "atts")}
        return {"id": np.asarray([r["id"] for r in rows], dtype=np.int64),
                "position": np.asarray([r["position"] for r in rows], dtype=np.int64),
                **columns, "vector": np.asarray(vectors, dtype=np.float32)}


# -- on the driver ------------------------------------------------------------------------------
@dataclass
class Plan:
    """What this build changes: the articles to index (numbered) and to remove."""

    numbers: dict[str, int]  # new article id -> its number (passage id block)
    removed: list[str]
    next_article: int  # the counter after this build


def build_distributed(paths: Sequence[str | Path], config: Config, *,
                      address: str | None = None, workers: int | None = None,
                      full: bool = False, mirror: bool = True, embedder=None,  # noqa: ANN001
                      progress: Progress | None = None) -> BuildReport:
    """Make the Milvus archive of `config` hold the articles under `paths`, embedding on Ray.

    Same meaning of mirror/full as `pipeline.build`; the local index folder only holds the
    build lock (one build at a time)."""
    stream = open_stream(config)
    started = time.perf_counter()
    report = BuildReport(index=stream.uri)
    with IndexDir(config.index_dir).lock():
        files, kept = source_files(with_uploads(paths, config) if mirror else paths, report)
        with stream:
            if embedder is None:  # "auto": the backend the Milvus archive was built with
                embedder = make_embedder(config, None if full else
                                         stream.state().get("manifest") or None)
            manifest = ray_manifest(embedder)
            with ray_session(address, workers) as n_workers:
                articles = read_articles(files, n_workers, article_cap(config))
                plan = diff(stream, admitted(articles, report, kept), manifest, full, mirror,
                            report)
                if plan is None:  # nothing readable, or nothing changed
                    report.seconds = round(time.perf_counter() - started, 3)
                    return report
                writer = Writer(stream, progress, len(plan.numbers), full,
                                config.label_confidence)
                if plan.numbers:
                    index_new(articles, plan, writer, embedder, config, n_workers)
            finish(stream, writer, plan, manifest, full, bool(config.attribution), report)
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def ray_manifest(embedder) -> dict[str, object]:  # noqa: ANN001
    """The manifest this build records in Milvus."""
    import ray  # lazy: optional extra (archive[scale]), seconds to import

    return {**expected_manifest(embedder), "format": FORMAT_VERSION,
            "model_path": embedder.model_path, "metric": "inner_product",
            "index_type": "milvus", "built_with": "ray",
            "versions": {**embedder.versions(), "ray": ray.__version__}}


def source_files(paths: Sequence[str | Path],
                 report: BuildReport) -> tuple[list[str], list[str]]:
    """The files to read, and the paths whose articles a mirror build keeps (folders that
    cannot be listed: `Skipped.keep`); every skipped path goes to the report."""
    files, kept = [], []
    for item in iter_files(paths):
        if isinstance(item, Skipped):
            report.skipped.append({"path": item.path, "reason": item.reason})
            if item.keep:
                kept.append(item.path)
        else:
            files.append(str(item))
    return files, kept


def read_articles(files: list[str], n_workers: int,  # noqa: ANN201 - ray.data.Dataset | None
                  max_bytes: int = MAX_ARTICLE_BYTES):
    """The cleaned articles of `files`, read on the workers and kept in the object store."""
    import ray.data  # lazy: optional extra (archive[scale]), seconds to import

    if not files:
        return None
    return ray.data.from_items(
        [{"path": f} for f in files], override_num_blocks=max(1, min(len(files), n_workers * 4))
    ).flat_map(read_clean, fn_kwargs={"max_bytes": max_bytes}).materialize()


def admitted(articles, report: BuildReport,  # noqa: ANN001 - Dataset | None
             kept: Sequence[str] = ()) -> Wanted:
    """Article id -> path of the articles to index, with `kept` (stages.Wanted: the paths
    whose articles a mirror build keeps); skipped files and repeats to the report (only
    ids and paths reach the driver)."""
    wanted = Wanted()
    wanted.kept.extend(kept)
    if articles is not None:
        for r in articles.select_columns(["article_id", "path", "skip", "keep"]).take_all():
            if r["keep"]:
                wanted.kept.append(r["path"])
            admit(report, wanted, r["article_id"], r["path"], r["skip"] or None)
    return wanted


def diff(stream: StreamWriter, wanted: Wanted, manifest: dict, full: bool,
         mirror: bool, report: BuildReport) -> Plan | None:
    """Begin the build and compare the wanted articles with the committed ones; None when
    there is nothing to do (the report then describes the archive as it is)."""
    if not wanted:  # nothing readable: leave the archive as it is
        return None
    state = stream.state()
    old = state.get("manifest") or {}
    if not full and old and old.get("model") != manifest["model"]:
        raise IndexMismatch(f"the Milvus archive at '{stream.uri}' was built with model "
                            f"{old.get('model')!r}: rebuild it with --full")
    built_with = old.get("embedding_backend", "torch-fp32")
    if not full and old and built_with != manifest["embedding_backend"]:
        raise IndexMismatch(f"the Milvus archive at '{stream.uri}' was built with "
                            f"embedding_backend={built_with!r}, this build embeds with "
                            f"{manifest['embedding_backend']!r}: set ARCHIVE_EMBEDDING_BACKEND "
                            "to match it, or rebuild it with --full")
    state = stream.begin(state, manifest)
    committed = int(state.get("committed") or 0)
    have = stream.article_ids(committed)
    # --full: every article is processed again into new rows; the old rows keep answering
    # until the commit and are deleted after it (build_id < B)
    new = list(wanted) if full else [a for a in wanted if a not in have]
    removed = sorted(to_remove(stream, have, wanted)) if mirror else []
    report.added_articles, report.removed_articles = len(new), len(removed)
    if not new and not removed and not full:
        report.unchanged = True
        fill(report, stream, committed)
        report.generation = str(state.get("generation") or "")
        return None
    first = int(state.get("next_article", 0))
    return Plan({aid: first + i for i, aid in enumerate(new)}, removed, first + len(new))


def index_new(articles, plan: Plan, writer: Writer, embedder,  # noqa: ANN001 - Dataset
              config: Config, n_workers: int) -> None:
    """Chunk, attribute and embed the new articles on the workers; write what they send."""
    import ray.data  # lazy: optional extra (archive[scale]), seconds to import

    # a plain function before the actor stage is fused into it (a separate filter task
    # would wait for a CPU the actors hold)
    todo = articles.map_batches(Numbered(plan.numbers), batch_format="numpy")
    rows = todo.map_batches(
        IndexArticles, fn_constructor_kwargs={
            "model_path": embedder.model_path, "batch_size": config.batch_size,
            "embedding_backend": embedder.backend, "max_tokens": config.max_tokens,
            "attribution": bool(config.attribution), "quote_tagger": bool(config.quote_tagger)},
        batch_size=ARTICLES_PER_BATCH, compute=ray.data.ActorPoolStrategy(size=n_workers),
        num_cpus=1, batch_format="numpy")
    for batch in rows.iter_batches(batch_size=writer.stream.batch, batch_format="numpy"):
        writer.passages(batch)
    writer.stream.write_articles((article_from(r["article"]) for r in articles.iter_rows()
                                  if r["article_id"] in plan.numbers), writer.counts)


def finish(stream: StreamWriter, writer: Writer, plan: Plan, manifest: dict, full: bool,
           attribution: bool, report: BuildReport) -> None:
    """Clusters and people, the commit, then the rows this build replaces or removes."""
    writer.clusters()
    if attribution:
        writer.describe()
        writer.people()
    stream.flush()
    generation = f"ray-{stream.build_id}"
    stream.commit(generation, plan.next_article, manifest)
    if full:
        stream.drop_older()
    stream.delete_articles(plan.removed)
    if attribution and (plan.removed or full):
        writer.people()
    stream.flush(everything=True)
    report.generation = generation
    report.embedded_passages = writer.written
    fill(report, stream, stream.build_id)


def fill(report: BuildReport, stream: StreamWriter, committed: int) -> None:
    counts = stream.counts(committed)
    report.articles, report.passages = counts["articles"], counts["passages"]
    report.attributions, report.people = counts["attributions"], counts["people"]


class Writer:
    """The driver's side: what the workers send, written with build_id = B, plus the
    near-duplicate links and the people grouping that need the whole archive."""

    def __init__(self, stream: StreamWriter, progress: Progress | None, total_articles: int,
                 full: bool, min_confidence: float = 0.0) -> None:
        self.stream = stream
        self.min_confidence = min_confidence  # below it an attribution labels nobody
        self.speakers: set[str] = set()  # of this build's attributions
        # the rows new passages may be near-duplicates of: everything visible plus this
        # build's, or only this build's for --full (the old rows are about to go)
        self.full = full
        self.aliases = stream.aliases()
        self.links: list = []  # near-duplicate links touching new passages
        self.counts: Counter = Counter()  # passages per new article
        self.written = 0
        self.progress, self.total = progress, total_articles

    def passages(self, batch: dict[str, np.ndarray]) -> None:
        records = [self.record(batch, n) for n in range(len(batch["id"]))]
        if not records:
            return
        self.stream.write_passages(records)
        self.written += len(records)
        self.near_duplicates(records, np.asarray(batch["vector"], dtype=np.float32))
        if self.progress:
            self.progress("indexing", len(self.counts), self.total)

    def record(self, batch: dict[str, np.ndarray], n: int) -> dict:
        """Row n of a worker batch as a passage record for the stream writer."""
        aid = str(batch["article_id"][n])
        self.counts[aid] += 1
        atts = json.loads(str(batch["atts"][n]))
        self.speakers.update(a["speaker"] for a in atts if a["speaker"])
        return {"id": int(batch["id"][n]), "article_id": aid,
                "position": int(batch["position"][n]), "text": str(batch["text"][n]),
                "section": str(batch["section"][n]) or None, "vector": batch["vector"][n],
                "attributions": [{**a, "article_id": aid, "person": self.person(a)}
                                 for a in atts]}

    def person(self, attribution: dict) -> str | None:
        """Provisional canonical name (people are regrouped once every batch is written)."""
        if not attribution["speaker"] or not self.labels(attribution):
            return None
        return self.aliases.get(attribution["speaker"])

    def labels(self, attribution: dict) -> bool:
        """Is an attribution sure enough to label a passage (ARCHIVE_LABEL_CONFIDENCE)?"""
        confidence = attribution.get("confidence")
        return confidence is None or confidence >= self.min_confidence

    def near_duplicates(self, records: list[dict], vectors: np.ndarray) -> None:
        """Links between this batch and everything written so far (older batches included),
        candidates from Milvus's vector index, judged by dedup's rules."""
        found = self.stream.neighbours(vectors, NEIGHBOURS, CANDIDATE_COSINE, self.full)
        for p, vec, candidates in zip(records, vectors, found):
            for other in candidates:
                if other["id"] == p["id"]:
                    continue
                link = judge_pair((p["id"], p["article_id"], p["text"]), vec,
                                  (other["id"], other["article_id"], other["text"]),
                                  np.asarray(other["dense"], dtype=np.float32))
                if link is not None:
                    self.links.append(link)

    def clusters(self) -> None:
        """Near-duplicate clusters (smallest member id, as the local build) from the new
        links and the clusters the linked old passages are already in."""
        if not self.links:
            return
        ends = sorted({p for link in self.links for p in (link.a, link.b)})
        old = sorted({int(c) for c in self.stream.clusters_of(ends).values() if c is not None})
        uf = UnionFind()  # its representative is the smallest member
        for pid, cluster in self.stream.members_of(old).items():
            uf.union(pid, cluster)  # a cluster id is one of its members
        for link in self.links:
            uf.union(link.a, link.b)
        self.stream.set_clusters(uf.mapping())

    def describe(self) -> None:
        """Speakers described, not named ("The Republican nominee said"), resolved with every
        role the archive knows for the people each article quotes, as the local build does
        (archive.build.attribution.resolve_described, with the same archive.quotes function)
        but over the whole archive: the resolved names are regrouped by `people`."""
        rows = [r for r in self.stream.described_attributions() if description_words(r[2])]
        if not rows:
            return
        quoted: dict[str, set[str]] = defaultdict(set)
        roles: dict[str, set[str]] = defaultdict(set)
        for r in self.stream.named_attributions():
            if r.get("speaker_type") == "person":
                quoted[r["article_id"]].add(r["speaker"])
                if r.get("role"):
                    roles[r["speaker"]].add(r["role"])
        found = described_holders(rows, quoted, roles)
        self.stream.set_described(found)
        self.speakers.update(found.values())

    def people(self) -> None:
        """Group the speaker names of the archive's confident attributions into people
        (names only reach the driver; as the local build, archive.build.people, with the
        same functions), then fix the attributions and passages whose person changed or
        that this build wrote; an attribution below the confidence labels nobody."""
        named = self.stream.named_attributions()
        sure = [r for r in named if self.labels(r)]
        aliases = group_names([(r["speaker"], r.get("role")) for r in sure], speaker_types(
            (r["speaker"], r.get("speaker_type")) for r in sure))
        changed = {r["speaker"] for r in named
                   if aliases.get(r["speaker"]) != self.aliases.get(r["speaker"])}
        self.stream.set_persons({s: aliases.get(s) for s in sorted(changed | self.speakers)},
                                self.min_confidence)
        self.aliases = aliases
        people = people_table([(r["speaker"], r.get("role"), r["article_id"],
                                r.get("speaker_type")) for r in sure], aliases,
                              [(r["speaker"], r.get("role"), r.get("speaker_text"))
                               for r in named])
        names = {p["name"] for p in people}
        self.stream.write_people(people, {a: n for a, n in aliases.items() if n in names})
