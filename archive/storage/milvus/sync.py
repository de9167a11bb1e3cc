"""Mirroring a published local generation into Milvus, by a diff (`sync_generation`).

The local build writes its generation (SQLite catalogue + FAISS), which is also what
incremental builds diff against. After a generation is published it is mirrored into Milvus:
    base  = the generation Milvus last finished syncing (its folder when it still exists,
            else the row signatures stored in Milvus itself),
    added/changed rows are upserted, removed rows deleted, people/aliases rewritten.
Consistency model (Milvus has no multi-row transactions and no generations):
  1. rows left over by a build that died (build_id > committed) are deleted;
  2. new and changed articles, passages and attributions are upserted with build_id = B,
     in batches; readers only see rows with build_id <= committed, so new rows stay
     invisible, but a changed row replaces its old version at once (a brief window where
     such a row is hidden);
  3. the manifest row is rewritten with committed = B: every new row becomes visible at once;
  4. removed rows are deleted and people/aliases are rewritten (visible as applied);
  5. the manifest records the generation as fully synced.
A build killed between steps leaves Milvus answering from the previous committed rows (plus
whatever step 4 had already applied); the next build repeats the diff from the last fully
synced generation, so it converges. Reads use Strong consistency.

`begin_build` and the row builders (`passage_row`, `attribution_row`, `signature`,
`write_people`) are shared with the distributed build's writer (writer.py).
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from archive.storage.milvus.schema import (
    ALIASES,
    ARTICLES,
    ATTRIBUTIONS,
    BATCH,
    DUMMY,
    DUMMY_VECTOR,
    MANIFEST,
    MAX_PERSONS,
    MAX_TEXT,
    PASSAGES,
    PEOPLE,
    SCHEMA,
    clip,
    connect,
    create_collections,
    default_uri,
    is_lite,
    lits,
    read_state,
    scan,
    write_state,
)
from archive.storage.generations import DB_NAME, VECTORS_NAME
from archive.storage.sqlite import Store, chunks
from archive.storage.vectors import VectorIndex


# -- writing: mirror a published local generation into Milvus ---------------------------------
def begin_build(client, uri: str, state: dict, manifest: dict) -> tuple[dict, int]:  # noqa: ANN001
    """Ready Milvus for a build writing vectors described by `manifest`: collections of
    another schema, model, dimension or embedding backend are dropped (their vectors cannot
    be mixed), the collections are created if missing, and rows of a build that died before
    committing are deleted. Returns the state to build on and the new build's id."""
    old = state.get("manifest") or {}
    if client.has_collection(PASSAGES) and (
            state.get("schema", 1) != SCHEMA
            or any(old.get(k) != manifest.get(k)
                   for k in ("model", "dimension", "embedding_backend"))):
        for name in (PASSAGES, ARTICLES, ATTRIBUTIONS, PEOPLE, ALIASES, MANIFEST):
            if client.has_collection(name):
                client.drop_collection(name)
        state = {}
    create_collections(client, int(manifest["dimension"]), is_lite(uri))
    build_id = int(state.get("committed") or 0) + 1
    for name in (PASSAGES, ARTICLES, ATTRIBUTIONS):
        client.delete(name, filter=f"build_id >= {build_id}")
    return state, build_id


def signature(*values: object) -> str:
    return hashlib.sha1(json.dumps(values, ensure_ascii=False, default=str).encode()
                        ).hexdigest()


def catalogue(gen: Path) -> tuple[dict[int, str], dict[str, str], dict]:
    """(passage id → signature, article id → signature, manifest) of a local generation."""
    store = Store(gen / DB_NAME, readonly=True)
    try:
        return passage_sigs(store), article_sigs(store), store.manifest()
    finally:
        store.close()


# the columns each signature covers, in signature order
PASSAGE_SIG = ("article_id", "position", "section", "text", "cluster", "title", "outlet", "date",
               "page")
ATTRIBUTION_SIG = ("speaker", "speaker_text", "person", "role", "cue", "content",
                   "content_start", "content_end", "direct", "speaker_type", "confidence")
ARTICLE_SIG = ("title", "date", "outlet", "url", "path", "byline", "note", "n_passages", "story")


def passage_sigs(store) -> dict[int, str]:  # noqa: ANN001
    atts: dict[int, list] = {}
    for r in store.attribution_rows():
        atts.setdefault(r["passage_id"], []).append([r[k] for k in ATTRIBUTION_SIG])
    return {int(r["id"]): signature(*(r[k] for k in PASSAGE_SIG), atts.get(r["id"], []))
            for r in store.passage_rows()}


def article_sigs(store) -> dict[str, str]:  # noqa: ANN001
    return {r["article_id"]: signature(*(r[k] for k in ARTICLE_SIG))
            for r in store.article_rows()}


def milvus_sigs(client, committed: int | None) -> tuple[dict[int, str], dict[str, str]]:  # noqa: ANN001
    """Signatures of what Milvus holds (used when the last synced generation is gone)."""
    expr = f"build_id <= {int(committed)}" if committed is not None else "build_id >= 0"
    return ({int(r["id"]): r["sig"] for r in scan(client, PASSAGES, expr, ["id", "sig"])},
            {r["article_id"]: r["sig"] for r in scan(client, ARTICLES, expr,
                                                     ["article_id", "sig"])})


def sync_generation(config, gen: Path, progress=None) -> dict[str, int]:  # noqa: ANN001
    """Make Milvus hold exactly the published generation `gen`; returns what it changed.
    progress: called with the number of passages of each batch written."""
    uri = default_uri(config)
    client = connect(uri)
    try:
        new_p, new_a, manifest = catalogue(gen)
        state = read_state(client)
        if state.get("generation") == gen.name and state.get("synced"):
            return {"upserted": 0, "deleted": 0}
        # 1. (in begin_build) rows of a build that died before committing
        state, build_id = begin_build(client, uri, state, manifest)
        base_name, old_p, old_a = diff_base(client, gen, state)
        upsert_p = [i for i, s in new_p.items() if old_p.get(i) != s]
        delete_p = [i for i in old_p if i not in new_p]
        upsert_a = [a for a, s in new_a.items() if old_a.get(a) != s]
        delete_a = [a for a in old_a if a not in new_a]

        store = Store(gen / DB_NAME, readonly=True)
        vectors = VectorIndex.load(gen / VECTORS_NAME) if upsert_p else None
        try:
            # 2. new and changed rows, invisible to readers until the commit below
            upsert_articles(client, store, sorted(upsert_a), new_a, build_id)
            upsert_passages(client, store, vectors, sorted(upsert_p), new_p, build_id, progress)
            for name in (ARTICLES, PASSAGES, ATTRIBUTIONS):
                client.flush(name)
            # 3. commit: every row written above becomes visible together
            write_state(client, {"committed": build_id, "generation": gen.name,
                                 "synced": False, "manifest": manifest, "base": base_name,
                                 "schema": SCHEMA})
            # 4. removed rows, people and aliases
            delete_rows(client, delete_p, delete_a)
            write_people(client, store.people(), store.aliases())
        finally:
            store.close()
        for name in (ARTICLES, PASSAGES, ATTRIBUTIONS, PEOPLE, ALIASES):
            client.flush(name)
        # 5. fully synced: the next build diffs against this generation
        write_state(client, {"committed": build_id, "generation": gen.name, "synced": True,
                             "manifest": manifest, "schema": SCHEMA})
        return {"upserted": len(upsert_p), "deleted": len(delete_p),
                "articles_upserted": len(upsert_a), "articles_deleted": len(delete_a)}
    finally:
        client.close()


def diff_base(client, gen: Path, state: dict) -> tuple[str | None, dict[int, str], dict[str, str]]:  # noqa: ANN001
    """(name, passage signatures, article signatures) of what Milvus holds: the last fully
    synced generation (a build that died after its commit recorded the generation it
    started from as "base"), read from its folder when it still exists, else from Milvus."""
    committed = state.get("committed")
    base_name = state.get("generation") if state.get("synced") else state.get("base")
    base_gen = gen.parent / str(base_name or "")
    if base_name and (base_gen / DB_NAME).exists():
        old_p, old_a, _ = catalogue(base_gen)
    elif committed is not None:
        old_p, old_a = milvus_sigs(client, committed)
    else:
        old_p, old_a = {}, {}
    return base_name, old_p, old_a


def upsert_articles(client, store, ids: list[str], sigs: dict[str, str],  # noqa: ANN001
                    build_id: int) -> None:
    for chunk in chunks(ids, BATCH):
        client.upsert(ARTICLES, article_rows(store, chunk, sigs, build_id))


def upsert_passages(client, store, vectors, ids: list[int], sigs: dict[int, str],  # noqa: ANN001
                    build_id: int, progress=None) -> None:  # noqa: ANN001
    """Passages with their attributions (an attribution set is replaced whole)."""
    for chunk in chunks(ids, BATCH):
        passages, atts = passage_rows(store, vectors, chunk, sigs, build_id)
        client.delete(ATTRIBUTIONS, filter=f"passage_id in {lits(chunk)}")
        client.upsert(PASSAGES, passages)
        if atts:
            client.insert(ATTRIBUTIONS, atts)
        if progress:
            progress(len(chunk))


def delete_rows(client, passage_ids: list[int], article_ids: list[str]) -> None:  # noqa: ANN001
    for chunk in chunks(passage_ids, 1000):
        client.delete(ATTRIBUTIONS, filter=f"passage_id in {lits(chunk)}")
        client.delete(PASSAGES, filter=f"id in {lits(chunk)}")
    for chunk in chunks(article_ids, 1000):
        client.delete(ARTICLES, filter=f"article_id in {lits(chunk)}")


def fold_key(passage_id: int, cluster: int | None) -> int:
    """The group-by key: a passage's cluster, or a key of its own (-id) when it has none."""
    return -int(passage_id) if cluster is None else int(cluster)


def article_rows(store, ids: Sequence[str], sigs: dict[str, str], build_id: int) -> list[dict]:  # noqa: ANN001
    rows = []
    for r in store.article_rows(ids):
        rows.append({"article_id": r["article_id"], "title": clip(r["title"]),
                     "url": clip(r["url"]), "path": clip(r["path"]), "byline": clip(r["byline"]),
                     "note": clip(r["note"]), "date": clip(r["date"], 32),
                     "outlet": clip(r["outlet"], 256), "story": clip(r["story"], 64),
                     "n_passages": int(r["n_passages"] or 0), "sig": sigs[r["article_id"]],
                     "build_id": build_id, DUMMY: DUMMY_VECTOR})
    return rows


def passage_rows(store, vectors, ids: Sequence[int], sigs: dict[int, str],  # noqa: ANN001
                 build_id: int) -> tuple[list[dict], list[dict]]:
    atts: dict[int, list[dict]] = {}
    for r in store.attribution_rows(ids):
        atts.setdefault(r["passage_id"], []).append(r)
    found = vectors.reconstruct(list(ids))
    vec = {pid: found[i] for i, pid in enumerate(ids)}
    passages, attributions = [], []
    for r in store.passage_rows(ids):
        pid = int(r["id"])
        mine = atts.get(pid, [])
        persons = list(dict.fromkeys(a["person"] for a in mine if a["person"]))[:MAX_PERSONS]
        passages.append(passage_row(pid, r, vec[pid], persons, sigs[pid], build_id))
        attributions.extend(attribution_row(pid, n, a, build_id, int(a["id"]))
                            for n, a in enumerate(mine))
    return passages, attributions


def passage_row(pid: int, r: dict, vector, persons: Sequence[str], sig: str,  # noqa: ANN001
                build_id: int) -> dict:
    """A passages-collection row from `r` (article_id, position, section, text, cluster,
    title, outlet, date, and page when known) and its vector."""
    cluster = r.get("cluster")
    return {"id": pid, "text": clip(r["text"], MAX_TEXT),
            "dense": np.asarray(vector, dtype=np.float32).tolist(),
            "article_id": r["article_id"], "position": int(r["position"]),
            "section": clip(r.get("section")), "title": clip(r.get("title")),
            "outlet": clip(r.get("outlet"), 256), "date": clip(r.get("date"), 32),
            "cluster": None if cluster is None else int(cluster),
            "page": None if r.get("page") is None else int(r["page"]),
            "fold": fold_key(pid, cluster),
            "persons": [clip(p, 256) for p in list(persons)[:MAX_PERSONS]], "sig": sig,
            "build_id": build_id}


def attribution_row(pid: int, n: int, a: dict, build_id: int, ident: int) -> dict:
    """The n-th attribution of passage `pid` as an attributions-collection row."""
    return {"key": pid * 1000 + n, "id": ident, "passage_id": pid,
            "article_id": a["article_id"],
            **{k: clip(a.get(k)) for k in ("speaker", "speaker_text", "person", "role", "cue")},
            "content": clip(a.get("content"), MAX_TEXT), "content_start": a.get("content_start"),
            "content_end": a.get("content_end"), "direct": int(a.get("direct") or 0),
            "speaker_type": clip(a.get("speaker_type"), 32), "confidence": a.get("confidence"),
            "build_id": build_id, DUMMY: DUMMY_VECTOR}


def write_people(client, people: list[dict], aliases: dict[str, str]) -> None:  # noqa: ANN001
    """People and aliases are small: rewritten whole on every build."""
    old_people = {r["name"] for r in scan(client, PEOPLE, 'name != ""', ["name"])}
    old_aliases = {r["alias"] for r in scan(client, ALIASES, 'alias != ""', ["alias"])}
    for chunk in chunks(people, BATCH):
        client.upsert(PEOPLE, [{"name": clip(p["name"]), "aliases": p["aliases"],
                                "roles": p["roles"], "quotes": int(p["quotes"]),
                                "articles": int(p["articles"]),
                                "type": clip(p.get("type"), 32), DUMMY: DUMMY_VECTOR}
                               for p in chunk])
    for chunk in chunks(sorted(aliases.items()), BATCH):
        client.upsert(ALIASES, [{"alias": clip(a), "name": clip(n), DUMMY: DUMMY_VECTOR}
                                for a, n in chunk])
    gone = sorted(old_people - {p["name"] for p in people})
    for chunk in chunks(gone, 1000):
        client.delete(PEOPLE, filter=f"name in {lits(chunk)}")
    gone = sorted(old_aliases - set(aliases))
    for chunk in chunks(gone, 1000):
        client.delete(ALIASES, filter=f"alias in {lits(chunk)}")
