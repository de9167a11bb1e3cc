"""Fold near-identical passages: one hit per passage cluster, the others as `also_in`.

Of a cluster, the copy shown is the one holding most of the question's words (two
translations of one story word a sentence differently: the one with the reader's words is
the one to quote); on a tie, the best-ranked one.
"""
from __future__ import annotations

from collections.abc import Collection, Sequence

from archive.storage import Backend
from archive.text.terms import distinct_words


def best_copy(doc: int, members: Sequence[dict], terms: Collection[str],
              allowed: Collection[int] | None = None) -> int:
    """The member (by id) whose text holds the most distinct `terms`; `doc` unless another
    holds strictly more. `allowed` limits the choice (None: any member)."""
    if not terms or not members:
        return doc
    wanted = set(terms)

    def held(text: str) -> int:
        return len(wanted.intersection(distinct_words(text)))

    best, most = doc, next((held(m["text"]) for m in members if m["id"] == doc), -1)
    for m in members:
        if m["id"] != doc and (allowed is None or m["id"] in allowed):
            n = held(m["text"])
            if n > most:
                best, most = m["id"], n
    return best


def first_per_cluster(ranked: Sequence[tuple[int, float]],
                      rows: dict[int, dict]) -> list[tuple[int, float]]:
    """The best-ranked passage of each cluster (every passage without one), in order."""
    seen: set[int] = set()
    out = []
    for doc, score in ranked:
        cluster = rows.get(doc, {}).get("cluster")
        if cluster is None or cluster not in seen:
            out.append((doc, score))
            if cluster is not None:
                seen.add(cluster)
    return out


def fold_ranked(pool: list[tuple[int, float]], rows: dict[int, dict], backend: Backend,
                k: int, terms: Collection[str] = (),
                allowed: Collection[int] | None = None) -> list[tuple[int, float, list[dict]]]:
    """Keep one member of each cluster at the cluster's best rank, the copy that holds most
    of `terms` (see best_copy); list every other member of its cluster (retrieved or not)
    as {article_id, title, outlet, date, text}."""
    best = first_per_cluster(pool, rows)[:k]
    clusters = sorted({rows[d]["cluster"] for d, _ in best if rows[d].get("cluster") is not None})
    members = backend.cluster_members(clusters) if clusters else {}
    out: list[tuple[int, float, list[dict]]] = []
    for doc, score in best:
        cluster = rows[doc].get("cluster")
        if cluster is None:
            out.append((doc, score, []))
            continue
        group = members.get(cluster, [])
        shown = best_copy(doc, group, terms, allowed)
        also = [{"article_id": m["article_id"], "title": m["title"], "outlet": m["outlet"],
                 "date": m["date"], "text": m["text"]}
                for m in group if m["id"] != shown]
        out.append((shown, score, also))
    return out
