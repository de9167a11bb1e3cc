"""SQLite storage via sqlite-utils: the only module that speaks SQL.

One database per index generation holds articles, passages (their rowid is the FAISS id),
attributions, people, mentions, near-duplicate clusters and the manifest; the Store keeps
the generation's keyword index (`keywords`, Tantivy, in the folder beside the database) in
step with the passages. The FTS5 table over passage text and title is read only in a
generation made before the keyword index (and emptied when a build copies one). Serving
connections are read-only. The filter and keyword-search SQL (`filters`), the mentions
table's (`mentions`) and the clusters' (`clusters`) are mixed into `Store` from modules of
their own.
"""
from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Iterable, Sequence
from importlib.metadata import version
from pathlib import Path

import sqlite_utils

from archive.errors import IndexCorrupt
from archive.models import Article, Attribution, Passage
from archive.storage.filters import (PASSAGES_JOIN, FilterQueries, chunks,  # noqa: F401
                                     fts_query, marks)
from archive.storage.generations import disk_full, rebuild_hint  # noqa: F401 - publish imports
from archive.storage.keys import passage_hash  # noqa: F401 - the build imports it from here
from archive.storage.clusters import ClusterTables
from archive.storage.keywords import KEYWORDS_NAME, KeywordIndex
from archive.storage.mentions import MentionTables
from archive.storage.people import MENTIONS, SPEAKERS, PeopleTables

FTS_TOKENIZE = "porter unicode61 remove_diacritics 2"
# a passage with its article's metadata, as search and the Milvus mirror read it
PASSAGE_COLUMNS = ("p.id, p.article_id, p.position, p.section, p.text, p.cluster, a.title, "
                   "a.outlet, a.date")
# every table create_schema makes (all present since the first release)
TABLES = ("articles", "passages", "passages_fts", "attributions", "people", "aliases",
          "passage_links", "manifest")


def connect(path: Path, readonly: bool) -> sqlite_utils.Database:
    if readonly:
        if not path.is_file():
            raise IndexCorrupt(f"database '{path}' is missing: {rebuild_hint(index_of(path))}")
        try:
            conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True,
                                   check_same_thread=False)
        except sqlite3.Error as exc:
            raise damaged(path, exc) from exc
    else:
        conn = sqlite3.connect(str(path), check_same_thread=False)
    db = sqlite_utils.Database(conn, execute_plugins=False)
    if not readonly:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
    return db


def index_of(path: Path) -> Path:
    """The index folder of a generation's database (<index>/<generation>/archive.db)."""
    return path.parent.parent


def damaged(path: Path, exc: BaseException) -> IndexCorrupt:
    """One line for a database SQLite (or the JSON in it) could not read."""
    detail = (str(exc).splitlines() or [type(exc).__name__])[0][:200]
    return IndexCorrupt(f"database '{path}' is damaged ({detail}): "
                        f"{rebuild_hint(index_of(path))}")


def guard_reads(cls: type) -> type:
    """Every public method of a read-only Store turns SQLite or JSON damage met while
    reading (a truncated file, a dropped table, a value that is not JSON) into
    IndexCorrupt naming the file; a writable Store's errors pass unchanged."""
    def guarded(method):  # noqa: ANN001, ANN202
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
            try:
                return method(self, *args, **kwargs)
            except (sqlite3.DatabaseError, json.JSONDecodeError) as exc:
                if not self.readonly:
                    raise
                raise damaged(self.path, exc) from exc
        return wrapper

    for base in reversed(cls.__mro__[:-1]):  # the mixed-in FilterQueries, MentionTables too
        for name, value in list(vars(base).items()):
            if callable(value) and not name.startswith("_") and name != "close":
                setattr(cls, name, guarded(value))
    return cls


@guard_reads
class Store(FilterQueries, MentionTables, ClusterTables, PeopleTables):
    """Articles, passages, attributions, mentions and clusters of one index generation."""

    def __init__(self, path: str | Path, readonly: bool = True) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self.changed = {}  # PeopleTables: names whose rows this Store added or removed
        self.db = connect(self.path, readonly)
        self.page = "p.page"  # the PDF page column; "NULL AS page" in an index made before it
        folder = self.path.parent / KEYWORDS_NAME
        self.keywords: KeywordIndex | None = None  # None: an old generation, FTS5 answers
        if not readonly:
            self.create_schema()
            fresh = not KeywordIndex.exists(folder)
            self.keywords = KeywordIndex(folder, writable=True)
            if fresh:
                self.index_keywords()
        else:
            self.check()
            if KeywordIndex.exists(folder):
                self.keywords = KeywordIndex(folder)
            elif self.db.execute("SELECT 1 FROM manifest WHERE key = 'keyword_index'"
                                 ).fetchone():
                raise IndexCorrupt(f"keyword index '{folder}' is missing: "
                                   f"{rebuild_hint(index_of(self.path))}")

    # -- schema -------------------------------------------------------------------------
    def create_schema(self) -> None:
        self.db.executescript(f"""
        CREATE TABLE IF NOT EXISTS articles (
            article_id TEXT PRIMARY KEY, title TEXT, date TEXT, outlet TEXT, url TEXT,
            path TEXT, byline TEXT, note TEXT, n_passages INTEGER, story TEXT);
        CREATE TABLE IF NOT EXISTS passages (
            id INTEGER PRIMARY KEY, article_id TEXT NOT NULL REFERENCES articles(article_id),
            position INTEGER NOT NULL, section TEXT, text TEXT NOT NULL, hash TEXT NOT NULL,
            cluster INTEGER, page INTEGER);
        CREATE INDEX IF NOT EXISTS passages_article ON passages(article_id, position);
        CREATE INDEX IF NOT EXISTS passages_hash ON passages(hash);
        CREATE INDEX IF NOT EXISTS passages_cluster ON passages(cluster);
        CREATE INDEX IF NOT EXISTS articles_date ON articles(date);
        CREATE INDEX IF NOT EXISTS articles_outlet ON articles(outlet);
        CREATE VIRTUAL TABLE IF NOT EXISTS passages_fts USING fts5(
            text, title, tokenize='{FTS_TOKENIZE}');
        CREATE TABLE IF NOT EXISTS attributions (
            id INTEGER PRIMARY KEY, passage_id INTEGER NOT NULL REFERENCES passages(id),
            article_id TEXT NOT NULL, speaker TEXT, speaker_text TEXT, person TEXT, role TEXT,
            cue TEXT, content TEXT, content_start INTEGER, content_end INTEGER,
            direct INTEGER, speaker_type TEXT);
        CREATE INDEX IF NOT EXISTS attributions_passage ON attributions(passage_id);
        CREATE INDEX IF NOT EXISTS attributions_person ON attributions(person);
        CREATE INDEX IF NOT EXISTS attributions_article ON attributions(article_id);
        CREATE TABLE IF NOT EXISTS people (
            name TEXT PRIMARY KEY, aliases TEXT, roles TEXT, quotes INTEGER, articles INTEGER,
            type TEXT);
        CREATE TABLE IF NOT EXISTS aliases (alias TEXT PRIMARY KEY, name TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS passage_links (
            a INTEGER NOT NULL, b INTEGER NOT NULL, kind TEXT, similarity REAL,
            PRIMARY KEY (a, b));
        CREATE TABLE IF NOT EXISTS manifest (key TEXT PRIMARY KEY, value TEXT);
        """)
        # columns added after the first release: an index built before them gains them
        # on its next build (its rows read as NULL: untyped)
        for table, column in (("attributions", "speaker_type"), ("people", "type")):
            if column not in {c.name for c in self.db[table].columns}:
                self.db.execute(f"ALTER TABLE {table} ADD COLUMN {column} TEXT")
        self.create_mentions()
        if "page" not in {c.name for c in self.db["passages"].columns}:  # PDF pages
            self.db.execute("ALTER TABLE passages ADD COLUMN page INTEGER")
        if "confidence" not in {c.name for c in self.db["attributions"].columns}:
            self.db.execute("ALTER TABLE attributions ADD COLUMN confidence REAL")
        self.create_clusters()
        self.create_people()

    def check(self) -> None:
        try:
            tables = set(self.db.table_names())
        except sqlite3.DatabaseError as exc:
            raise damaged(self.path, exc) from exc
        missing = set(TABLES) - tables
        if missing:
            raise IndexCorrupt(f"database '{self.path}' lacks tables {sorted(missing)}: "
                               f"{rebuild_hint(index_of(self.path))}")
        try:  # an index built before PDF pages were kept reads every page as NULL
            if "page" not in {c.name for c in self.db["passages"].columns}:
                self.page = "NULL AS page"
        except sqlite3.DatabaseError as exc:
            raise damaged(self.path, exc) from exc

    def close(self) -> None:
        if self.keywords is not None:
            self.keywords.close()  # changes not committed by finish() are dropped
        self.db.close()

    # -- manifest -----------------------------------------------------------------------
    def manifest(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for r in self.db.query("SELECT key, value FROM manifest"):
            try:
                out[r["key"]] = json.loads(r["value"])
            except (TypeError, ValueError) as exc:
                raise IndexCorrupt(f"database '{self.path}' holds a manifest value for "
                                   f"{str(r['key'])[:80]!r} that is not JSON: "
                                   f"{rebuild_hint(index_of(self.path))}") from exc
        return out

    def write_manifest(self, values: dict[str, object]) -> None:
        with self.db.atomic():
            for key, value in values.items():
                self.db.execute("INSERT OR REPLACE INTO manifest VALUES (?, ?)",
                                [key, json.dumps(value)])

    # -- writing ------------------------------------------------------------------------
    def article_ids(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT article_id FROM articles")}

    def add_article(self, article: Article, passages: Sequence[Passage]) -> list[int]:
        """Insert an article with its passages and attributions; returns the passage rowids."""
        ids: list[int] = []
        keywords = self.keywords.add if self.keywords is not None else self.add_fts
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                [article.article_id, article.title, article.date, article.outlet, article.url,
                 article.path, article.byline, article.note, len(passages)])
            for p in passages:
                cur = self.db.execute(
                    "INSERT INTO passages (article_id, position, section, text, hash, page) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    [p.article_id, p.position, p.section, p.text, passage_hash(p.text),
                     p.page])
                rowid = int(cur.lastrowid)
                ids.append(rowid)
                keywords([(rowid, p.text, article.title, article.date, article.outlet,
                           article.article_id)])
                self._insert_attributions(rowid, article.article_id, p.attributions)
                self.insert_mentions(rowid, article.article_id, p.mentions)
        return ids

    def _insert_attributions(self, passage_id: int, article_id: str,
                             attributions: Iterable[Attribution]) -> None:
        attributions = list(attributions)
        self.note_names(SPEAKERS, (a.speaker for a in attributions))
        self.db.conn.executemany(
            "INSERT INTO attributions (passage_id, article_id, speaker, speaker_text, person, "
            "role, cue, content, content_start, content_end, direct, speaker_type, confidence) "
            "VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(passage_id, article_id, a.speaker, a.speaker_text, a.role, a.cue, a.content,
              a.content_start, a.content_end, int(a.direct), a.speaker_type, a.confidence)
             for a in attributions])

    def replace_attributions(self, article_id: str,
                             by_passage: dict[int, list[Attribution]]) -> None:
        """Swap an article's attributions for freshly extracted ones (re-attribution)."""
        self.note_names(SPEAKERS, self.article_names(SPEAKERS, [article_id]))
        with self.db.atomic():
            self.db.execute("DELETE FROM attributions WHERE article_id = ?", [article_id])
            for passage_id, attributions in by_passage.items():
                self._insert_attributions(passage_id, article_id, attributions)

    def delete_articles(self, article_ids: Iterable[str]) -> list[int]:
        """Remove articles with everything hanging off them; returns the removed passage ids."""
        removed: list[int] = []
        article_ids = list(article_ids)
        for kind in (SPEAKERS, MENTIONS):
            self.note_names(kind, self.article_names(kind, article_ids))
        with self.db.atomic():
            for aid in article_ids:
                pids = [r[0] for r in self.db.execute(
                    "SELECT id FROM passages WHERE article_id = ?", [aid])]
                for pid in pids:
                    if self.keywords is None:
                        self.db.execute("DELETE FROM passages_fts WHERE rowid = ?", [pid])
                    self.db.execute("DELETE FROM passage_links WHERE a = ? OR b = ?", [pid, pid])
                self.db.execute("DELETE FROM attributions WHERE article_id = ?", [aid])
                self.db.execute("DELETE FROM mentions WHERE article_id = ?", [aid])
                self.db.execute("DELETE FROM article_sizes WHERE article_id = ?", [aid])
                self.db.execute("DELETE FROM passages WHERE article_id = ?", [aid])
                self.db.execute("DELETE FROM articles WHERE article_id = ?", [aid])
                removed.extend(pids)
        if self.keywords is not None:
            self.keywords.delete(removed)
        return removed

    def passage_ids_of_hashes(self, hashes: Sequence[str]) -> dict[str, int]:
        """hash → id of a stored passage with that text hash (the first stored), for reusing
        the vector of a text the archive already holds."""
        out: dict[str, int] = {}
        for chunk in chunks(list(hashes), 500):
            marks = ",".join("?" * len(chunk))
            for h, pid in self.db.execute(
                    f"SELECT hash, min(id) FROM passages WHERE hash IN ({marks}) GROUP BY hash",
                    list(chunk)):
                out[h] = pid
        return out

    def finish(self) -> None:
        """Make the generation self-contained for read-only, immutable opening."""
        self.db.execute("PRAGMA optimize")
        if self.keywords is not None:
            self.keywords.commit()
            self.write_manifest({"keyword_index": "tantivy"})  # its absence is damage
        else:
            self.db.execute("INSERT INTO passages_fts(passages_fts) VALUES ('optimize')")
        self.db.conn.commit()
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.db.execute("PRAGMA journal_mode=DELETE")

    # -- attribution and people -----------------------------------------------------------
    def aliases(self) -> dict[str, str]:
        return {r[0]: r[1] for r in self.db.execute("SELECT alias, name FROM aliases")}

    def people(self) -> list[dict]:
        return [{"name": r["name"], "aliases": json.loads(r["aliases"]),
                 "roles": json.loads(r["roles"]), "quotes": r["quotes"],
                 "articles": r["articles"], "type": r.get("type")}
                for r in self.db.query("SELECT * FROM people ORDER BY quotes DESC, name")]

    def attributions_for(self, passage_ids: Sequence[int]) -> dict[int, list[dict]]:
        out: dict[int, list[dict]] = {}
        for r in self._rows("SELECT * FROM attributions", "passage_id", passage_ids,
                            "ORDER BY passage_id, content_start"):
            out.setdefault(r["passage_id"], []).append(r)
        return out

    def passages_quoting(self, people: Sequence[str], limit: int = 100_000) -> list[int]:
        marks = ",".join("?" * len(people))
        return [r[0] for r in self.db.execute(
            f"SELECT DISTINCT passage_id FROM attributions WHERE person IN ({marks}) LIMIT ?",
            [*people, limit])]

    def quotes_of(self, people: Sequence[str]) -> list[tuple[int, bool, str | None]]:
        marks = ",".join("?" * len(people))
        return [(r[0], bool(r[1]), r[2]) for r in self.db.execute(
            f"SELECT passage_id, direct, cue FROM attributions WHERE person IN ({marks}) "
            "ORDER BY passage_id, id", list(people))]

    def unsure_quotes(self, speakers: Sequence[str], min_confidence: float
                      ) -> list[tuple[int, bool, str | None]]:
        marks = ",".join("?" * len(speakers))
        return [(r[0], bool(r[1]), r[2]) for r in self.db.execute(
            f"SELECT passage_id, direct, cue FROM attributions WHERE speaker IN ({marks}) "
            "AND person IS NULL AND confidence >= ? ORDER BY passage_id, id",
            [*speakers, min_confidence])]

    def quotes_by(self, person: str) -> list[dict]:
        return list(self.db.query("""
            SELECT t.*, a.title, a.outlet, a.date, p.text AS passage FROM attributions t
            JOIN passages p ON p.id = t.passage_id JOIN articles a ON a.article_id = t.article_id
            WHERE t.person = ? ORDER BY a.date, t.article_id, p.position""", [person]))

    # -- reading ------------------------------------------------------------------------
    def count(self, table: str = "passages") -> int:
        if table not in {"passages", "articles", "attributions", "people", "passage_links"}:
            raise ValueError(f"unknown table {table}")
        return int(self.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

    def passage_ids(self) -> list[int]:
        return [r[0] for r in self.db.execute("SELECT id FROM passages ORDER BY id")]

    def fetch(self, ids: Sequence[int]) -> dict[int, dict]:
        """Passages with their article's metadata, keyed by passage id."""
        return {r["id"]: r for r in self._rows(
            f"SELECT {PASSAGE_COLUMNS}, {self.page}, a.url, a.path, a.byline, a.story "
            f"{PASSAGES_JOIN}",
            "p.id", ids)}

    # -- whole rows, for mirroring a generation into another engine --------------------------
    def article_rows(self, article_ids: Sequence[str] | None = None) -> list[dict]:
        """Every column of the given articles (of every article when None)."""
        return self._rows("SELECT * FROM articles", "article_id", article_ids)

    def passage_rows(self, ids: Sequence[int] | None = None) -> list[dict]:
        """Passages (id, article_id, position, section, text, cluster, page) with their
        article's title, outlet and date; of every passage when `ids` is None."""
        return self._rows(f"SELECT {PASSAGE_COLUMNS}, {self.page} {PASSAGES_JOIN}", "p.id", ids)

    def attribution_rows(self, passage_ids: Sequence[int] | None = None) -> list[dict]:
        """Every column of the attributions of the given passages (of all when None), in
        passage then insertion order within each batch of 500 passages."""
        return self._rows("SELECT * FROM attributions", "passage_id", passage_ids,
                          "ORDER BY passage_id, id")

    def _rows(self, select: str, column: str, values: Sequence | None,
              order: str = "") -> list[dict]:
        """Rows of `select` (no WHERE): all when `values` is None, else those whose `column`
        is one of `values`, queried 500 values at a time."""
        if values is None:
            return list(self.db.query(f"{select} {order}"))
        out: list[dict] = []
        for chunk in chunks(values, 500):
            out.extend(self.db.query(f"{select} WHERE {column} IN ({marks(chunk)}) {order}",
                                     list(chunk)))
        return out

    def article(self, article_id: str) -> dict | None:
        rows = list(self.db.query("SELECT * FROM articles WHERE article_id = ?", [article_id]))
        return rows[0] if rows else None

    def article_passages(self, article_id: str) -> list[dict]:
        return list(self.db.query("SELECT id, position, section, text FROM passages "
                                  "WHERE article_id = ? ORDER BY position", [article_id]))

    def story_rows(self, article_ids: Sequence[str]) -> tuple[list[dict], list[dict]]:
        """(articles, passages) of a story view: the given articles and every other article
        of their story clusters, and their passages (id, article_id, position, section,
        text, cluster, page) in reading order."""
        articles = {r["article_id"]: r for r in self._rows("SELECT * FROM articles",
                                                            "article_id", article_ids)}
        stories = sorted({r["story"] for r in articles.values() if r["story"]})
        for r in self._rows("SELECT * FROM articles", "story", stories):
            articles.setdefault(r["article_id"], r)
        passages = self._rows(f"SELECT p.id, p.article_id, p.position, p.section, p.text, "
                              f"p.cluster, {self.page} FROM passages p", "p.article_id",
                              list(articles), "ORDER BY p.article_id, p.position")
        return list(articles.values()), passages

    def neighbours(self, passage_id: int, before: int = 1, after: int = 1) -> list[dict]:
        """The passage and its neighbours in the same article, in reading order."""
        row = self.db.execute("SELECT article_id, position FROM passages WHERE id = ?",
                              [passage_id]).fetchone()
        if not row:
            return []
        return list(self.db.query(
            "SELECT id, position, section, text FROM passages WHERE article_id = ? AND "
            "position BETWEEN ? AND ? ORDER BY position", [row[0], row[1] - before, row[1] + after]))

    def outlets(self) -> list[tuple[str, int]]:
        return [(r[0], r[1]) for r in self.db.execute(
            "SELECT outlet, COUNT(*) FROM articles WHERE outlet IS NOT NULL AND outlet != '' "
            "GROUP BY outlet ORDER BY COUNT(*) DESC, outlet")]

    def date_range(self) -> tuple[str | None, str | None]:
        row = self.db.execute("SELECT MIN(date), MAX(date) FROM articles").fetchone()
        return row[0], row[1]


def copy_database(src: Path, dst: Path) -> None:
    """Copy a published SQLite database with the backup API (consistent, page by page),
    after checking it is whole (its tables and manifest; IndexCorrupt names it if not)."""
    published = Store(src, readonly=True)
    try:
        published.manifest()
    finally:
        published.close()
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    target = sqlite3.connect(str(dst))
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def sqlite_versions() -> dict[str, str]:
    """Versions of the SQLite libraries a generation is written with, for its manifest."""
    return {"sqlite_utils": version("sqlite-utils"), "sqlite": sqlite3.sqlite_version}
