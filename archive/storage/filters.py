"""The SQL of filters and keyword search, mixed into `Store` (archive.storage.sqlite).

`Filters` become one WHERE clause over passages `p` joined to their articles `a`: a date
range (articles without a date only with `include_undated`), outlets, article ids, quoted
people and mentioned names. `keyword_search` asks the generation's keyword index (Tantivy:
archive.storage.keywords), with the passages SQLite allows when the filters name people;
in a generation made before it, FTS5's BM25 under that clause. `undated_count` says how
many passages a date range leaves out for having no date.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence

from archive.models import Filters
from archive.text.terms import query_terms

# a passage with its article's metadata, as search and the Milvus mirror read it
PASSAGES_JOIN = "FROM passages p JOIN articles a ON a.article_id = p.article_id"
UNDATED = "(a.date IS NULL OR a.date = '')"


def fts_query(text: str) -> str:
    """An FTS5 MATCH expression for any user text: every query term quoted, OR-ed together.

    Quoting each token makes FTS5 operators (AND, NEAR, *, ^, :, parentheses, quotes) plain
    words, so no user text can be a syntax error. Returns "" when the text has no word.
    """
    return " OR ".join(f'"{w}"' for w in query_terms(text))


def marks(values: Sequence) -> str:
    return ",".join("?" * len(values))


def chunks(items: Iterable, size: int) -> Iterator[list]:
    """`items` in lists of at most `size` (SQLite binds at most a few thousand values)."""
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i:i + size]


def execute_in(db, sql: str, values: Iterable, before: Sequence = (),  # noqa: ANN001
               after: Sequence = ()) -> list[tuple]:
    """The rows of `sql` run for `values` 500 at a time, "{marks}" standing for their
    placeholders (SQLite binds at most a few thousand values); `before` and `after` are
    the statement's other parameters, around them."""
    out: list[tuple] = []
    for chunk in chunks(values, 500):
        out.extend(db.execute(sql.format(marks=marks(chunk)), [*before, *chunk, *after]))
    return out


class FilterQueries:
    """Filtered reads; `self.db` is the Store's database, `self.mention_clause` comes from
    archive.storage.mentions.MentionTables."""

    def _filter_sql(self, f: Filters, dates: bool = True) -> tuple[str, list]:
        where, args = [], []
        if dates and f.dated():
            span = "(a.date >= ? AND a.date <= ?)"
            where.append(f"({UNDATED} OR {span})" if f.include_undated else span)
            args.extend([f.date_from or "0000-00-00", f.date_to or "9999-12-31"])
        for values, sql in ((f.outlets, "a.outlet IN ({})"), (f.article_ids,
                            "p.article_id IN ({})"), (f.speakers, "p.id IN (SELECT passage_id "
                            "FROM attributions WHERE person IN ({}))")):
            if values:
                where.append(sql.format(marks(values)))
                args.extend(values)
        clause, values = self.mention_clause(f)
        if clause:
            where.append(clause)
            args.extend(values)
        return (" AND ".join(where) or "1"), args

    def undated_count(self, f: Filters) -> int:
        """Passages the other filters allow whose article has no date: what a date range
        leaves out (0 without a date range, or with include_undated)."""
        if not f.dated() or f.include_undated:
            return 0
        where, args = self._filter_sql(f, dates=False)
        return int(self.db.execute(f"SELECT COUNT(*) {PASSAGES_JOIN} WHERE {where} AND "
                                   f"{UNDATED}", args).fetchone()[0])

    def filtered_ids(self, f: Filters) -> list[int]:
        """Passage ids allowed by the filters (for restricting the dense search)."""
        where, args = self._filter_sql(f)
        return [r[0] for r in self.db.execute(f"SELECT p.id {PASSAGES_JOIN} WHERE {where}", args)]

    def keyword_search(self, text: str, limit: int,
                       f: Filters | None = None) -> list[tuple[int, float]]:
        """BM25 over passage text and title: (id, score), best first."""
        f = f or Filters()
        if self.keywords is not None:
            people = f.speakers or f.mentions
            ids = self.filtered_ids(f) if people else None
            return self.keywords.search(text, limit, f, ids)
        return self.fts_search(text, limit, f)

    def add_fts(self, rows: list[tuple]) -> None:
        """FTS5 rows (id, text, title, ...): a writable Store without a keyword index."""
        self.db.conn.executemany("INSERT INTO passages_fts (rowid, text, title) VALUES "
                                 "(?, ?, ?)", [r[:3] for r in rows])

    def index_keywords(self) -> None:
        """Fill a new keyword index with every passage (a generation copied from one made
        before it) and empty the FTS5 table it replaces."""
        self.keywords.add(self.db.execute(
            "SELECT p.id, p.text, a.title, a.date, a.outlet, p.article_id FROM passages p "
            "JOIN articles a ON a.article_id = p.article_id ORDER BY p.id"))
        self.keywords.commit()
        if self.db.execute("SELECT 1 FROM passages_fts LIMIT 1").fetchone():
            self.db.execute("DELETE FROM passages_fts")
            self.db.conn.commit()

    def fts_search(self, text: str, limit: int, f: Filters) -> list[tuple[int, float]]:
        """FTS5's BM25 (a generation made before the keyword index). bm25() is
        lower-is-better; the score returned is its negation."""
        match = fts_query(text)
        if not match:
            return []
        where, args = self._filter_sql(f)
        sql = (f"SELECT fts.rowid, bm25(passages_fts, 1.0, 0.3) AS s FROM passages_fts fts "
               f"JOIN passages p ON p.id = fts.rowid JOIN articles a ON a.article_id = p.article_id "
               f"WHERE passages_fts MATCH ? AND {where} ORDER BY s LIMIT ?")
        try:
            return [(int(r[0]), -float(r[1])) for r in self.db.execute(sql, [match, *args, limit])]
        except sqlite3.OperationalError as exc:  # defensive: fts_query quotes every token
            if "fts5" in str(exc).lower() or "syntax" in str(exc).lower():
                return []
            raise
