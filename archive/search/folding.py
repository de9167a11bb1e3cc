"""Fold near-identical passages: one hit per passage cluster, the others as `also_in`."""
from __future__ import annotations

from archive.storage import Backend


def fold_ranked(pool: list[tuple[int, float]], rows: dict[int, dict], backend: Backend,
                k: int) -> list[tuple[int, float, list[dict]]]:
    """Keep the best-ranked member of each cluster; list every other member of its cluster
    (retrieved or not) as {article_id, title, outlet, date, text}."""
    clusters = sorted({rows[d]["cluster"] for d, _ in pool if rows[d].get("cluster") is not None})
    members = backend.cluster_members(clusters) if clusters else {}
    seen: set[int] = set()
    out: list[tuple[int, float, list[dict]]] = []
    for doc, score in pool:
        cluster = rows[doc].get("cluster")
        if cluster is None:
            out.append((doc, score, []))
        elif cluster not in seen:
            seen.add(cluster)
            also = [{"article_id": m["article_id"], "title": m["title"], "outlet": m["outlet"],
                     "date": m["date"], "text": m["text"]}
                    for m in members.get(cluster, []) if m["id"] != doc]
            out.append((doc, score, also))
        if len(out) >= k:
            break
    return out
