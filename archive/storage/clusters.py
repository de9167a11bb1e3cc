"""The SQL of near-duplicate links and story clusters, mixed into `Store`
(archive.storage.sqlite).

`passage_links` holds the links (a < b, kind, similarity), `passages.cluster` each linked
passage's cluster, `articles.story` each article's story cluster, and `article_sizes` the
number of passages of each article long enough to be compared (what the story rule divides
by), so that a build adding a few articles reads only what they touch: their passages, their
neighbours, and the articles that have links.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from archive.storage.filters import PASSAGES_JOIN, execute_in


class ClusterTables:
    """Links and clusters; `self.db` is the Store's database, `self._rows` its batched
    reader."""

    def create_clusters(self) -> None:
        self.db.execute("CREATE TABLE IF NOT EXISTS article_sizes (article_id TEXT PRIMARY "
                        "KEY, eligible INTEGER NOT NULL)")

    def all_passages(self) -> Iterator[tuple[int, str, str]]:
        yield from self.db.execute("SELECT id, article_id, text FROM passages ORDER BY id")

    def passages_of_articles(self, article_ids: Sequence[str]) -> list[tuple[int, str, str]]:
        """(id, article_id, text) of the given articles' passages, in id order."""
        return self._texts("article_id", article_ids)

    def passage_texts(self, ids: Sequence[int]) -> list[tuple[int, str, str]]:
        """(id, article_id, text) of the given passages, in id order."""
        return self._texts("id", ids)

    def _texts(self, column: str, values: Sequence) -> list[tuple[int, str, str]]:
        return sorted(execute_in(self.db, "SELECT id, article_id, text FROM passages WHERE "
                                 f"{column} IN ({{marks}})", values))

    def article_of(self, ids: Iterable[int]) -> dict[int, str]:
        """Passage id -> article id."""
        return self._pairs("SELECT id, article_id FROM passages WHERE id", ids)

    def article_sizes(self, article_ids: Iterable[str]) -> dict[str, int]:
        """Comparable passages per article, for the articles that have a count (articles
        stored before the counts were kept have none: the caller counts them)."""
        return self._pairs("SELECT article_id, eligible FROM article_sizes WHERE article_id",
                           article_ids)

    def _pairs(self, select: str, keys: Iterable) -> dict:
        """{first column: second} of `select` ("... WHERE column") IN the distinct keys."""
        return dict(execute_in(self.db, select + " IN ({marks})", sorted(set(keys))))

    def set_article_sizes(self, sizes: dict[str, int]) -> None:
        with self.db.atomic():
            self.db.conn.executemany("INSERT OR REPLACE INTO article_sizes VALUES (?, ?)",
                                     list(sizes.items()))

    def links(self) -> list[tuple[int, int, str, float]]:
        return [tuple(r) for r in self.db.execute(
            "SELECT a, b, kind, similarity FROM passage_links")]

    def write_clusters(self, links: Iterable[tuple[int, int, str, float]],
                       passage_cluster: dict[int, int], article_story: dict[str, str]) -> None:
        """Replace the links, the passages' clusters (only linked passages have one) and
        the articles' stories (`article_story`: every article whose story changed; the
        others keep theirs)."""
        with self.db.atomic():
            self.db.execute("DELETE FROM passage_links")
            self.db.conn.executemany("INSERT OR REPLACE INTO passage_links VALUES (?, ?, ?, ?)",
                                     list(links))
            self.db.execute("UPDATE passages SET cluster = NULL WHERE cluster IS NOT NULL")
            self.db.conn.executemany("UPDATE passages SET cluster = ? WHERE id = ?",
                                     [(c, p) for p, c in passage_cluster.items()])
            self.db.conn.executemany("UPDATE articles SET story = ? WHERE article_id = ?",
                                     [(s, a) for a, s in article_story.items()])

    def stories_of(self) -> dict[str, str]:
        """Article id -> story of every article whose story is another article's (its
        story's other members, or the one that named it, may have gone since)."""
        return dict(self.db.execute("SELECT article_id, story FROM articles WHERE story IS "
                                    "NOT NULL AND story != article_id"))

    def cluster_members(self, clusters: Sequence[int]) -> dict[int, list[dict]]:
        out: dict[int, list[dict]] = {}
        for r in self._rows("SELECT p.id, p.cluster, p.text, p.article_id, a.title, a.outlet, "
                            f"a.date {PASSAGES_JOIN}", "p.cluster", clusters, "ORDER BY p.id"):
            out.setdefault(r["cluster"], []).append(r)
        return out

    def stories(self) -> list[dict]:
        return list(self.db.query("""
            SELECT story, json_group_array(json_object('article_id', article_id, 'title', title,
                   'outlet', outlet, 'date', date, 'passages', n_passages)) AS members
            FROM articles WHERE story IS NOT NULL GROUP BY story HAVING COUNT(*) > 1"""))
