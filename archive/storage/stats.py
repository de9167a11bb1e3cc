"""Read-only views of a built index for `archive stats`, `speakers` and `duplicates`.

These open only SQLite (no model, no FAISS), so they answer at once.
"""
from __future__ import annotations

import json

from archive.config import Config
from archive.storage.generations import DB_NAME, VECTORS_NAME, IndexDir
from archive.storage.sqlite import Store


def open_store(config: Config) -> Store:
    return Store(IndexDir(config.index_dir).require_current() / DB_NAME, readonly=True)


def index_stats(config: Config) -> dict[str, object]:
    gen = IndexDir(config.index_dir).require_current()
    store = Store(gen / DB_NAME, readonly=True)
    manifest = store.manifest()
    size = sum(p.stat().st_size for p in (gen / DB_NAME, gen / VECTORS_NAME) if p.exists())
    stats = {
        "index": str(config.index_dir), "generation": gen.name,
        "articles": store.count("articles"), "passages": store.count("passages"),
        "attributions": store.count("attributions"), "people": store.count("people"),
        "story_clusters": len(store.stories()),
        "model": manifest.get("model"), "dimension": manifest.get("dimension"),
        "built_at": manifest.get("built_at"), "bytes_on_disk": size,
        "versions": manifest.get("versions", {}),
    }
    store.close()
    return stats


def story_clusters(config: Config) -> list[dict]:
    store = open_store(config)
    out = []
    links = store.links()
    fetched = store.fetch(sorted({x for a, b, _, _ in links for x in (a, b)}))
    for row in store.stories():
        members = json.loads(row["members"])
        ids = {m["article_id"] for m in members}
        shared = [(a, b, kind, sim) for a, b, kind, sim in links
                  if fetched.get(a, {}).get("article_id") in ids
                  and fetched.get(b, {}).get("article_id") in ids]
        out.append({"story": row["story"], "members": members, "shared_passages": len(shared),
                    "mean_similarity": round(sum(s for *_, s in shared) / len(shared), 4)
                    if shared else None})
    store.close()
    return out
