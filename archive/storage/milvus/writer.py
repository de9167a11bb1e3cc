"""`StreamWriter`: the rows of a distributed build, written straight into Milvus.

The build (archive.build.distributed) streams passages with their vectors and attributions
from its workers; this module turns them into collection rows with build_id = B and keeps
the consistency model of the mirror sync (archive.storage.milvus.sync): readers see
build_id <= committed, so every row of the build stays invisible until `commit`; a killed
build leaves its rows invisible and the next `begin` deletes them.

Records the build hands over:
  passage      {"id", "article_id", "position", "section", "text", "vector",
                "attributions": [attribution fields + "article_id", "person"]}
  article      archive.models.Article
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np

from archive.models import Article
from archive.storage.milvus.schema import (ALIASES, ARTICLES, ATTRIBUTION_FIELDS, ATTRIBUTIONS,
                                           BATCH, DUMMY, DUMMY_VECTOR, MAX_PERSONS,
                                           PASSAGE_FIELDS, PASSAGES, PEOPLE, SCHEMA,
                                           SERVER_NPROBE, clip, connect, count_rows, lits,
                                           query_in, read_state, scan, write_state)
from archive.storage.milvus.sync import (attribution_row, begin_build, fold_key, passage_row,
                                         signature, write_people)
from archive.storage.sqlite import chunks

CORE = (ARTICLES, PASSAGES, ATTRIBUTIONS)


class StreamWriter:
    """One distributed build's connection to Milvus (`with writer:` connects and closes)."""

    batch = BATCH  # rows per upsert: the build hands over passages in batches of this size

    def __init__(self, uri: str) -> None:
        self.uri = uri
        self.client = None
        self.build_id = 0

    def __enter__(self) -> StreamWriter:
        self.client = connect(self.uri)
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()

    # -- the build's frame ----------------------------------------------------------------
    def state(self) -> dict:
        """The manifest row: committed build, generation, next_article, manifest."""
        return read_state(self.client)

    def begin(self, state: dict, manifest: dict) -> dict:
        """Ready Milvus for this build (see sync.begin_build); returns the state to build on."""
        state, self.build_id = begin_build(self.client, self.uri, state, manifest)
        return state

    def article_ids(self, committed: int) -> set[str]:
        """The articles readers of build `committed` see."""
        return {r["article_id"] for r in scan(self.client, ARTICLES,
                                              f"build_id <= {committed}", ["article_id"])}

    def article_rows(self, article_ids: Sequence[str]) -> list[dict]:
        """article_id and path of the given articles (as Store.article_rows: what a mirror
        build checks before removing an article it could not read this time)."""
        return query_in(self.client, ARTICLES, "article_id", article_ids,
                        ["article_id", "path"])

    def counts(self, committed: int) -> dict[str, int]:
        """Rows readers of build `committed` see, per collection (people: all)."""
        visible = f"build_id <= {committed}"
        return {"articles": count_rows(self.client, ARTICLES, visible),
                "passages": count_rows(self.client, PASSAGES, visible),
                "attributions": count_rows(self.client, ATTRIBUTIONS, visible),
                "people": count_rows(self.client, PEOPLE, 'name != ""')}

    def flush(self, everything: bool = False) -> None:
        for name in CORE + ((PEOPLE, ALIASES) if everything else ()):
            self.client.flush(name)

    def commit(self, generation: str, next_article: int, manifest: dict) -> None:
        """Every row of this build becomes visible at once (one manifest row)."""
        write_state(self.client, {
            "committed": self.build_id, "generation": generation, "synced": True,
            "schema": SCHEMA, "next_article": next_article,
            "manifest": {**manifest, "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                                time.gmtime())}})

    def drop_older(self) -> None:
        """After a --full build's commit: the rows of every earlier build."""
        for name in (ATTRIBUTIONS, PASSAGES, ARTICLES):
            self.client.delete(name, filter=f"build_id < {self.build_id}")

    def delete_articles(self, article_ids: Sequence[str]) -> None:
        for chunk in chunks(article_ids, 1000):
            for name in (ATTRIBUTIONS, PASSAGES, ARTICLES):
                self.client.delete(name, filter=f"article_id in {lits(chunk)}")

    # -- passages and articles ------------------------------------------------------------
    def write_passages(self, records: Sequence[dict]) -> None:
        """Passage records (see the module docstring) with their attributions."""
        passages, attributions = [], []
        for r in records:
            pid, atts = r["id"], r["attributions"]
            persons = dict.fromkeys(a["person"] for a in atts if a["person"])
            passages.append(passage_row(pid, r, r["vector"], persons,
                                        signature(r["article_id"], r["text"]), self.build_id))
            attributions.extend(attribution_row(pid, k, a, self.build_id, pid * 1000 + k)
                                for k, a in enumerate(atts))
        self.client.upsert(PASSAGES, passages)
        if attributions:
            self.client.upsert(ATTRIBUTIONS, attributions)

    def neighbours(self, vectors: np.ndarray, limit: int, radius: float,
                   this_build_only: bool) -> list[list[dict]]:
        """For each vector, up to `limit` passages (id, article_id, text, dense) within
        cosine `radius`, from everything visible plus this build's rows, or from this
        build's rows only."""
        self.client.flush(PASSAGES)
        scope = f"build_id {'==' if this_build_only else '<='} {self.build_id}"
        res = self.client.search(
            PASSAGES, data=vectors.tolist(), anns_field="dense", limit=limit,
            filter=scope, output_fields=["id"],
            search_params={"metric_type": "IP",
                           "params": {"nprobe": SERVER_NPROBE, "radius": radius}})
        wanted = sorted({int(h["id"]) for hits in res for h in hits})
        found = {int(r["id"]): r for r in query_in(
            self.client, PASSAGES, "id", wanted, ["id", "article_id", "text", "dense"])}
        return [[found[int(h["id"])] for h in hits if int(h["id"]) in found] for hits in res]

    def write_articles(self, articles: Iterable[Article], n_passages: Mapping[str, int]) -> None:
        """Article rows, and their metadata copied onto this build's passages (filters)."""
        batch: list[Article] = []
        for a in articles:
            batch.append(a)
            if len(batch) >= BATCH:
                self._articles(batch, n_passages)
                batch = []
        if batch:
            self._articles(batch, n_passages)

    def _articles(self, articles: list[Article], n_passages: Mapping[str, int]) -> None:
        self.client.upsert(ARTICLES, [{
            "article_id": a.article_id, "title": clip(a.title), "url": clip(a.url),
            "path": clip(a.path), "byline": clip(a.byline), "note": clip(a.note),
            "date": clip(a.date, 32), "outlet": clip(a.outlet, 256), "story": None,
            "n_passages": int(n_passages.get(a.article_id, 0)),
            "sig": signature(a.article_id), "build_id": self.build_id,
            DUMMY: DUMMY_VECTOR} for a in articles])
        meta = {a.article_id: a for a in articles}
        self._rewrite(f"article_id in {lits(sorted(meta))} and build_id == {self.build_id}",
                      lambda r: {"title": clip(meta[r["article_id"]].title),
                                 "outlet": clip(meta[r["article_id"]].outlet, 256),
                                 "date": clip(meta[r["article_id"]].date, 32)})

    def _rewrite(self, expr: str, change: Callable[[dict], dict | None]) -> None:
        """Upsert the passages matching `expr` with `change(row)` applied (whole rows: an
        upsert replaces the row; the BM25 field is recomputed by Milvus from the text)."""
        fields = PASSAGE_FIELDS + ["dense", "persons", "sig", "build_id", "fold"]
        batch = []
        for r in scan(self.client, PASSAGES, expr, fields):
            values = change(r)
            if values is None:
                continue
            row = {k: r.get(k) for k in fields}
            row["dense"] = [float(x) for x in row["dense"]]
            row["persons"] = list(row["persons"] or [])
            row.update(values)
            batch.append(row)
            if len(batch) >= BATCH:
                self.client.upsert(PASSAGES, batch)
                batch = []
        if batch:
            self.client.upsert(PASSAGES, batch)

    # -- near-duplicate clusters ----------------------------------------------------------
    def clusters_of(self, passage_ids: Sequence[int]) -> dict[int, int | None]:
        return {int(r["id"]): r.get("cluster") for r in query_in(
            self.client, PASSAGES, "id", passage_ids, ["id", "cluster"])}

    def members_of(self, clusters: Sequence[int]) -> dict[int, int]:
        """Passage id -> cluster, for every passage in `clusters`."""
        return {int(r["id"]): int(r["cluster"]) for r in query_in(
            self.client, PASSAGES, "cluster", clusters, ["id", "cluster"])}

    def set_clusters(self, cluster: Mapping[int, int]) -> None:
        """Passage id -> its cluster (and group-by key), rewriting only passages that move."""
        self._rewrite(f"id in {lits(sorted(cluster))}",
                      lambda r: None if r.get("cluster") == cluster[int(r["id"])] else
                      {"cluster": cluster[int(r["id"])],
                       "fold": fold_key(int(r["id"]), cluster[int(r["id"])])})

    # -- people -----------------------------------------------------------------------------
    def aliases(self) -> dict[str, str]:
        return {r["alias"]: r["name"] for r in scan(self.client, ALIASES, 'alias != ""',
                                                     ["alias", "name"])}

    def named_attributions(self) -> list[dict]:
        """speaker, role, speaker_text, article_id, speaker_type, confidence of every
        attribution with a speaker."""
        return list(scan(self.client, ATTRIBUTIONS,
                         f'speaker != "" and build_id <= {self.build_id}',
                         ["speaker", "role", "speaker_text", "article_id", "speaker_type",
                          "confidence"]))

    def described_attributions(self) -> list[tuple[int, str, str]]:
        """(id, article_id, speaker phrase) of every attribution whose speaker is unresolved
        and whose phrase begins with "the" or "The" (the candidates of
        archive.quotes.descriptions), as the local Store gives them."""
        rows = scan(self.client, ATTRIBUTIONS, '(speaker is null or speaker == "") and '
                    '(speaker_text like "the %" or speaker_text like "The %") and '
                    f'build_id <= {self.build_id}',
                    ["id", "article_id", "speaker_text"])
        return [(int(r["id"]), r["article_id"], r["speaker_text"]) for r in rows]

    def set_described(self, speakers: Mapping[int, str]) -> None:
        """Give these attributions (by id) a person speaker; `set_persons` then labels
        them like any other of that person's."""
        fields = ATTRIBUTION_FIELDS + ["key", "build_id"]
        for chunk in chunks(sorted(speakers), 500):
            rows = query_in(self.client, ATTRIBUTIONS, "id", chunk, fields)
            for r in rows:
                r["speaker"], r["speaker_type"] = clip(speakers[int(r["id"])]), "person"
                r[DUMMY] = DUMMY_VECTOR
            for part in chunks(rows, BATCH):
                self.client.upsert(ATTRIBUTIONS, part)

    def set_persons(self, person: Mapping[str, str | None], min_confidence: float = 0.0) -> None:
        """Speaker -> person (None: nobody) on the attributions of these speakers (nobody on
        one below `min_confidence`), then the persons of the passages quoting them."""
        fields = ATTRIBUTION_FIELDS + ["key", "build_id"]
        touched: set[int] = set()
        for chunk in chunks(sorted(person), 500):
            rows = list(scan(self.client, ATTRIBUTIONS,
                             f"speaker in {lits(chunk)} and build_id <= {self.build_id}", fields))
            for r in rows:
                sure = r.get("confidence") is None or r["confidence"] >= min_confidence
                r["person"] = clip(person[r["speaker"]]) if sure else None
                r[DUMMY] = DUMMY_VECTOR
                touched.add(int(r["passage_id"]))
            for part in chunks(rows, BATCH):
                self.client.upsert(ATTRIBUTIONS, part)
        for chunk in chunks(sorted(touched), 1000):
            persons: dict[int, list[str]] = {}
            for r in sorted(query_in(self.client, ATTRIBUTIONS, "passage_id", chunk,
                                     ["passage_id", "person", "key"]), key=lambda r: r["key"]):
                if r.get("person"):
                    persons.setdefault(int(r["passage_id"]), []).append(r["person"])
            self._rewrite(f"id in {lits(chunk)}", lambda r: {"persons": [
                clip(p, 256) for p in dict.fromkeys(persons.get(int(r["id"]), []))
            ][:MAX_PERSONS]})

    def write_people(self, people: list[dict], aliases: dict[str, str]) -> None:
        write_people(self.client, people, aliases)
