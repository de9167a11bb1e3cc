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

Passage ids are allocated without a central database: article number n (a counter kept in the
Milvus manifest row) owns ids STREAM_BASE + n * SPAN + position. They never meet the rowids of
a local build (< 2**40), so a Milvus archive can mix both kinds of build.

Consistency is the mirror sync's (milvus_backend): rows of this build carry build_id = B and
readers see build_id <= committed until the manifest row says committed = B; a killed build
leaves its rows invisible, and the next build deletes them before it starts.

What the driver still holds: the ids and metadata of the articles (not their text), the
near-duplicate links of new passages, and the speaker names for people grouping. Story
clusters (the article-level "same story" groups of the local build) are not computed here.
"""
from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import numpy as np

from archive.build.pipeline import BuildReport, Progress, expected_manifest, prepare
from archive.config import Config
from archive.errors import BadRequest, IndexMismatch
from archive.models import Article, Paragraph

STREAM_BASE = 1 << 40  # above any SQLite rowid a local build will reach
SPAN = 1 << 16  # passage ids per article
ARTICLES_PER_BATCH = 8  # articles per map_batches call on a worker
NEIGHBOURS = 16  # near-duplicate candidates asked of the vector index per new passage
CANDIDATE_COSINE = 0.6  # range-search radius for candidates; judge_pair decides


# -- on the workers -----------------------------------------------------------------------------
def read_clean(row: dict) -> list[dict]:
    """Ray flat_map: one file → its cleaned articles (as JSON) or the reasons it was skipped."""
    from archive.text.ingest import read_path

    out = []
    for item in read_path(Path(row["path"])):
        article, reason = prepare(item)
        if article is None:
            out.append({"article_id": "", "path": item.path, "skip": reason, "article": ""})
        else:
            out.append({"article_id": article.article_id, "path": article.path, "skip": "",
                        "article": json.dumps(asdict(article), ensure_ascii=False)})
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
                 max_tokens: int, attribution: bool) -> None:
        import os

        from archive.embed.ray_data import OFFLINE_ENV

        os.environ.update({k: v for k, v in OFFLINE_ENV.items() if k not in os.environ})
        from archive.config import load_config
        from archive.embed.sbert import make_embedder

        config = load_config(model=model_path, batch_size=batch_size,
                             embedding_backend=embedding_backend)
        self.embedder = make_embedder(config)
        self.max_tokens = min(max_tokens, self.embedder.max_tokens)
        self.attribution = attribution

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        from archive.text.chunk import passages_of

        rows: list[dict] = []
        for data, number in zip(batch["article"], batch["number"]):
            article = article_from(str(data))
            passages = passages_of(article, self.max_tokens, self.embedder.count_tokens)
            if len(passages) > SPAN:
                raise BadRequest(f"{article.path}: {len(passages)} passages, more than the "
                                 f"{SPAN} an article may have in a distributed build")
            found = [[] for _ in passages]
            if self.attribution and passages:
                from archive.quotes import passage_attributions

                found = passage_attributions([p.text for p in passages])
            for p, atts in zip(passages, found):
                rows.append({
                    "id": STREAM_BASE + int(number) * SPAN + p.position,
                    "article_id": article.article_id, "position": p.position,
                    "section": p.section or "", "text": p.text,
                    "atts": json.dumps([asdict(a) for a in atts], ensure_ascii=False)})
        vectors = self.embedder.encode([r["text"] for r in rows]) if rows else np.zeros(
            (0, self.embedder.dimension), dtype=np.float32)
        columns = {k: np.asarray([r[k] for r in rows], dtype=object)
                   for k in ("article_id", "section", "text", "atts")}
        return {"id": np.asarray([r["id"] for r in rows], dtype=np.int64),
                "position": np.asarray([r["position"] for r in rows], dtype=np.int64),
                **columns, "vector": np.asarray(vectors, dtype=np.float32)}


# -- on the driver ------------------------------------------------------------------------------
def build_distributed(paths: Sequence[str | Path], config: Config, *,
                      address: str | None = None, workers: int | None = None,
                      full: bool = False, mirror: bool = True, embedder=None,  # noqa: ANN001
                      progress: Progress | None = None) -> BuildReport:
    """Make the Milvus archive of `config` hold the articles under `paths`, embedding on Ray.

    Same meaning of mirror/full as `build.build`; the local index folder only holds the
    build lock (one build at a time)."""
    import ray
    import ray.data

    from archive.storage import milvus as mb
    from archive.storage.local import FORMAT_VERSION
    from archive.embed.sbert import make_embedder
    from archive.storage.generations import IndexDir
    from archive.text.ingest import Skipped, iter_files
    from archive.embed.ray_data import ray_session

    if config.backend != "milvus":
        raise BadRequest("the distributed build writes to Milvus: add --backend milvus "
                         "(with --ray alone the local build embeds on Ray)")
    started = time.perf_counter()
    uri = mb.default_uri(config)
    report = BuildReport(index=uri)
    embedder = embedder or make_embedder(config)
    want_manifest = {**expected_manifest(embedder), "format": FORMAT_VERSION,
                     "model_path": embedder.model_path, "metric": "inner_product",
                     "index_type": "milvus", "built_with": "ray",
                     "versions": {**embedder.versions(), "ray": ray.__version__}}
    index_dir = IndexDir(config.index_dir)
    with index_dir.lock():
        files = []
        from archive.build.pipeline import with_uploads

        for item in iter_files(with_uploads(paths, config) if mirror else paths):
            if isinstance(item, Skipped):
                report.skipped.append({"path": item.path, "reason": item.reason})
            else:
                files.append(str(item))
        client = mb.connect(uri)
        try:
            with ray_session(address, workers) as n_workers:
                articles = ray.data.from_items(
                    [{"path": f} for f in files],
                    override_num_blocks=max(1, min(len(files), n_workers * 4))
                ).flat_map(read_clean).materialize() if files else None
                meta = articles.select_columns(["article_id", "path", "skip"]).take_all() \
                    if articles is not None else []
                wanted: dict[str, str] = {}
                for r in meta:
                    if r["skip"]:
                        report.skipped.append({"path": r["path"], "reason": r["skip"]})
                    elif r["article_id"] in wanted:
                        report.skipped.append({"path": r["path"], "reason": "same article as "
                                               f"{wanted[r['article_id']]}"})
                    else:
                        wanted[r["article_id"]] = r["path"]
                if not wanted:  # nothing readable: leave the archive as it is
                    report.seconds = round(time.perf_counter() - started, 3)
                    return report
                state = mb.read_state(client)
                old = state.get("manifest") or {}
                if not full and old and old.get("model") != want_manifest["model"]:
                    raise IndexMismatch(f"the Milvus archive at '{uri}' was built with model "
                                        f"{old.get('model')!r}: rebuild it with --full")
                state, build_id = mb.begin_build(client, uri, state, want_manifest)
                committed = state.get("committed")
                have = {r["article_id"] for r in mb.scan(
                    client, mb.ARTICLES, f"build_id <= {int(committed or 0)}", ["article_id"])}
                # --full: every article is processed again into new rows; the old rows keep
                # answering until the commit and are deleted after it (build_id < B)
                new = list(wanted) if full else [a for a in wanted if a not in have]
                removed = sorted(have - set(wanted)) if mirror else []
                report.added_articles, report.removed_articles = len(new), len(removed)
                if not new and not removed and not full:
                    report.unchanged = True
                    fill(report, client, f"build_id <= {int(committed or 0)}")
                    report.generation = str(state.get("generation") or "")
                    report.seconds = round(time.perf_counter() - started, 3)
                    return report
                first = int(state.get("next_article", 0))
                numbers = {aid: first + i for i, aid in enumerate(new)}
                writer = Writer(client, build_id, progress, len(new),
                                scope=f"build_id == {build_id}" if full else None)
                if new:
                    # a plain function before the actor stage is fused into it (a separate
                    # filter task would wait for a CPU the actors hold)
                    todo = articles.map_batches(Numbered(numbers), batch_format="numpy")
                    rows = todo.map_batches(
                        IndexArticles, fn_constructor_kwargs={
                            "model_path": embedder.model_path,
                            "batch_size": config.batch_size,
                            "embedding_backend": config.embedding_backend,
                            "max_tokens": config.max_tokens,
                            "attribution": bool(config.attribution)},
                        batch_size=ARTICLES_PER_BATCH,
                        compute=ray.data.ActorPoolStrategy(size=n_workers), num_cpus=1,
                        batch_format="numpy")
                    for batch in rows.iter_batches(batch_size=mb.BATCH,
                                                   batch_format="numpy"):
                        writer.passages(batch)
                    writer.articles(r for r in articles.iter_rows()
                                    if r["article_id"] in numbers)
            writer.clusters()
            if config.attribution:
                writer.people()
            for name in (mb.ARTICLES, mb.PASSAGES, mb.ATTRIBUTIONS):
                client.flush(name)
            generation = f"ray-{build_id}"
            mb.write_state(client, {"committed": build_id, "generation": generation,
                                    "synced": True, "schema": mb.SCHEMA,
                                    "next_article": first + len(new),
                                    "manifest": {**want_manifest, "built_at": time.strftime(
                                        "%Y-%m-%dT%H:%M:%SZ", time.gmtime())}})
            if full:
                for name in (mb.ATTRIBUTIONS, mb.PASSAGES, mb.ARTICLES):
                    client.delete(name, filter=f"build_id < {build_id}")
            for chunk in mb.chunks(removed, 1000):
                client.delete(mb.ATTRIBUTIONS, filter=f"article_id in {mb.lits(chunk)}")
                client.delete(mb.PASSAGES, filter=f"article_id in {mb.lits(chunk)}")
                client.delete(mb.ARTICLES, filter=f"article_id in {mb.lits(chunk)}")
            if config.attribution and (removed or full):
                writer.people()
            for name in (mb.ARTICLES, mb.PASSAGES, mb.ATTRIBUTIONS, mb.PEOPLE, mb.ALIASES):
                client.flush(name)
            report.generation = generation
            report.embedded_passages = writer.written
            fill(report, client, f"build_id <= {build_id}")
        finally:
            client.close()
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def fill(report: BuildReport, client, visible: str) -> None:  # noqa: ANN001
    from archive.storage import milvus as mb
    report.articles = mb.count_rows(client, mb.ARTICLES, visible)
    report.passages = mb.count_rows(client, mb.PASSAGES, visible)
    report.attributions = mb.count_rows(client, mb.ATTRIBUTIONS, visible)
    report.people = mb.count_rows(client, mb.PEOPLE, 'name != ""')


class Writer:
    """The driver's side: writes what the workers send, in batches, with build_id = B."""

    def __init__(self, client, build_id: int, progress: Progress | None,  # noqa: ANN001
                 total_articles: int, scope: str | None = None) -> None:
        from archive.storage import milvus as mb
        self.mb, self.client, self.build_id = mb, client, build_id
        # the rows new passages may be near-duplicates of: everything visible plus this
        # build's, or only this build's for --full (the old rows are about to go)
        self.scope = scope or f"build_id <= {build_id}"
        self.aliases = {r["alias"]: r["name"] for r in mb.scan(client, mb.ALIASES,
                                                                'alias != ""', ["alias", "name"])}
        self.links: list = []  # near-duplicate links touching new passages
        self.counts: Counter = Counter()  # passages per new article
        self.written = 0
        self.progress, self.total = progress, total_articles

    def passages(self, batch: dict[str, np.ndarray]) -> None:
        mb = self.mb
        ids = [int(i) for i in batch["id"]]
        if not ids:
            return
        passages, attributions = [], []
        for n, pid in enumerate(ids):
            aid = str(batch["article_id"][n])
            atts = [{**a, "article_id": aid,
                     "person": self.person(a["speaker"]) if a["speaker"] else None}
                    for a in json.loads(str(batch["atts"][n]))]
            text = str(batch["text"][n])
            row = {"article_id": aid, "position": int(batch["position"][n]), "text": text,
                   "section": str(batch["section"][n]) or None}
            persons = dict.fromkeys(a["person"] for a in atts if a["person"])
            passages.append(mb.passage_row(pid, row, batch["vector"][n], persons,
                                           mb.signature(aid, text), self.build_id))
            attributions.extend(mb.attribution_row(pid, k, a, self.build_id, pid * 1000 + k)
                                for k, a in enumerate(atts))
            self.counts[aid] += 1
        self.client.upsert(mb.PASSAGES, passages)
        if attributions:
            self.client.upsert(mb.ATTRIBUTIONS, attributions)
        self.written += len(ids)
        self.near_duplicates(passages, np.asarray(batch["vector"], dtype=np.float32))
        if self.progress:
            self.progress("indexing", len(self.counts), self.total)

    def person(self, speaker: str) -> str:
        """Provisional canonical name (people are regrouped once every batch is written)."""
        return self.aliases.get(speaker, speaker)

    def near_duplicates(self, passages: list[dict], vectors: np.ndarray) -> None:
        """Links between this batch and everything written so far (older batches included),
        candidates from Milvus's vector index, judged by dedup's rules."""
        from archive.text.dedup import judge_pair

        mb = self.mb
        self.client.flush(mb.PASSAGES)
        res = self.client.search(
            mb.PASSAGES, data=vectors.tolist(), anns_field="dense", limit=NEIGHBOURS,
            filter=self.scope, output_fields=["id"],
            search_params={"metric_type": "IP",
                           "params": {"nprobe": mb.SERVER_NPROBE, "radius": CANDIDATE_COSINE}})
        wanted = sorted({int(h["id"]) for hits in res for h in hits})
        found = {int(r["id"]): r for r in mb.query_in(
            self.client, mb.PASSAGES, "id", wanted, ["id", "article_id", "text", "dense"])}
        for p, vec, hits in zip(passages, vectors, res):
            for h in hits:
                other = found.get(int(h["id"]))
                if other is None or other["id"] == p["id"]:
                    continue
                link = judge_pair((p["id"], p["article_id"], p["text"]), vec,
                                  (other["id"], other["article_id"], other["text"]),
                                  np.asarray(other["dense"], dtype=np.float32))
                if link is not None:
                    self.links.append(link)

    def articles(self, rows) -> None:  # noqa: ANN001 - iterator of {"article": json}
        """Article rows, and their metadata copied onto their passages (for filters)."""
        mb = self.mb
        batch = []
        for r in rows:
            a = article_from(r["article"])
            batch.append(a)
            if len(batch) >= mb.BATCH:
                self._articles(batch)
                batch = []
        if batch:
            self._articles(batch)

    def _articles(self, articles: list[Article]) -> None:
        mb = self.mb
        self.client.upsert(mb.ARTICLES, [{
            "article_id": a.article_id, "title": mb.clip(a.title), "url": mb.clip(a.url),
            "path": mb.clip(a.path), "byline": mb.clip(a.byline), "note": mb.clip(a.note),
            "date": mb.clip(a.date, 32), "outlet": mb.clip(a.outlet, 256), "story": None,
            "n_passages": int(self.counts.get(a.article_id, 0)),
            "sig": mb.signature(a.article_id), "build_id": self.build_id,
            mb.DUMMY: mb.DUMMY_VECTOR} for a in articles])
        meta = {a.article_id: a for a in articles}
        self.rewrite(f"article_id in {mb.lits(sorted(meta))} and build_id == {self.build_id}",
                     lambda r: {"title": mb.clip(meta[r["article_id"]].title),
                                "outlet": mb.clip(meta[r["article_id"]].outlet, 256),
                                "date": mb.clip(meta[r["article_id"]].date, 32)})

    def rewrite(self, expr: str, change) -> None:  # noqa: ANN001 - row -> new field values
        """Upsert the passages matching `expr` with `change(row)` applied (whole rows: an
        upsert replaces the row; the BM25 field is recomputed by Milvus from the text)."""
        mb = self.mb
        fields = mb.PASSAGE_FIELDS + ["dense", "persons", "sig", "build_id", "fold"]
        batch = []
        for r in mb.scan(self.client, mb.PASSAGES, expr, fields):
            values = change(r)
            if values is None:
                continue
            row = {k: r.get(k) for k in fields}
            row["dense"] = [float(x) for x in row["dense"]]
            row["persons"] = list(row["persons"] or [])
            row.update(values)
            batch.append(row)
            if len(batch) >= mb.BATCH:
                self.client.upsert(mb.PASSAGES, batch)
                batch = []
        if batch:
            self.client.upsert(mb.PASSAGES, batch)

    def clusters(self) -> None:
        """Near-duplicate clusters (smallest member id, as the local build) from the new
        links and the clusters the linked old passages are already in."""
        from archive.text.dedup import _UnionFind

        mb = self.mb
        if not self.links:
            return
        ends = sorted({p for link in self.links for p in (link.a, link.b)})
        current = {int(r["id"]): r.get("cluster") for r in mb.query_in(
            self.client, mb.PASSAGES, "id", ends, ["id", "cluster"])}
        old_clusters = sorted({int(c) for c in current.values() if c is not None})
        members = {}
        for r in mb.query_in(self.client, mb.PASSAGES, "cluster", old_clusters,
                             ["id", "cluster"]):
            members[int(r["id"])] = int(r["cluster"])
        uf = _UnionFind()
        for pid, cluster in members.items():
            uf.union(pid, cluster)  # a cluster id is one of its members
        for link in self.links:
            uf.union(link.a, link.b)
        component = uf.mapping()
        smallest: dict = {}
        for pid, root in component.items():
            smallest[root] = min(pid, smallest.get(root, pid))
        target = {pid: smallest[root] for pid, root in component.items()}
        self.rewrite(f"id in {mb.lits(sorted(target))}",
                     lambda r: None if r.get("cluster") == target[int(r["id"])] else
                     {"cluster": target[int(r["id"])],
                      "fold": mb.fold_key(int(r["id"]), target[int(r["id"])])})

    def people(self) -> None:
        """Group every speaker name of the archive into people (names only reach the
        driver), then fix the attributions and passages whose person changed."""
        from archive.text.names import group_names

        mb = self.mb
        visible = f"build_id <= {self.build_id}"
        named = list(mb.scan(self.client, mb.ATTRIBUTIONS, f'speaker != "" and {visible}',
                             ["speaker", "role", "article_id", "speaker_type"]))
        mentions = [(r["speaker"], r.get("role")) for r in named]
        aliases = group_names(mentions)
        changed = sorted({s for s, _ in mentions
                          if aliases.get(s, s) != self.aliases.get(s, s)})
        fields = mb.ATTRIBUTION_FIELDS + ["key", "build_id"]
        touched: set[int] = set()
        for chunk in mb.chunks(changed, 500):
            rows = list(mb.scan(self.client, mb.ATTRIBUTIONS,
                                f"speaker in {mb.lits(chunk)} and {visible}", fields))
            for r in rows:
                r["person"] = mb.clip(aliases.get(r["speaker"], r["speaker"]))
                r[mb.DUMMY] = mb.DUMMY_VECTOR
                touched.add(int(r["passage_id"]))
            for part in mb.chunks(rows, mb.BATCH):
                self.client.upsert(mb.ATTRIBUTIONS, part)
        self.aliases = aliases
        for chunk in mb.chunks(sorted(touched), 1000):
            persons: dict[int, list[str]] = {}
            for r in sorted(mb.query_in(self.client, mb.ATTRIBUTIONS, "passage_id", chunk,
                                        ["passage_id", "person", "key"]),
                            key=lambda r: r["key"]):
                if r.get("person"):
                    persons.setdefault(int(r["passage_id"]), []).append(r["person"])
            self.rewrite(f"id in {mb.lits(chunk)}", lambda r: {"persons": [
                mb.clip(p, 256) for p in dict.fromkeys(persons.get(int(r["id"]), []))
            ][:mb.MAX_PERSONS]})
        self.write_people(named)

    def write_people(self, rows: list[dict]) -> None:
        """The people and aliases collections from every named attribution (`rows`: speaker,
        role, article_id, speaker_type), as store.write_people derives its tables."""
        from archive.text.names import speaker_types

        quotes: Counter = Counter()
        articles: dict[str, set] = {}
        names: dict[str, set] = {}
        roles: dict[str, set] = {}
        typed = []
        for r in rows:
            p = self.person(r["speaker"])
            typed.append((r["speaker"], r.get("speaker_type")))
            quotes[p] += 1
            articles.setdefault(p, set()).add(r["article_id"])
            names.setdefault(p, set()).add(r["speaker"])
            if r.get("role"):
                roles.setdefault(p, set()).add(r["role"])
        types = speaker_types(typed, self.aliases)
        people = [{"name": p, "aliases": sorted(names[p]), "roles": sorted(roles.get(p, ())),
                   "quotes": quotes[p], "articles": len(articles[p]), "type": types.get(p)}
                  for p in quotes]
        self.mb.write_people(self.client, people,
                             {a: n for a, n in self.aliases.items() if n in quotes})
