"""The reader's notebook beside the index: saved searches and bookmarks in INDEX/user.db.

The file lives in the index folder but outside every generation folder (`gen-*`), so a build
(even `--full`) and the cleanup of old generations never touch it. It is the user's own data
and therefore writable: every call opens its own connection (safe from any thread or
process), writes in one `BEGIN IMMEDIATE` transaction and closes again. The schema is
versioned with SQLite's `user_version`; `MIGRATIONS` brings an older file up to date.

A bookmark and a saved search's hits point to a passage by (article id, SHA-1 of its text),
the same hash the index stores for each passage, never by its rowid (a rebuild renumbers
passages). A bookmark is resolved to the current passage when it is read
(`storage.userexport.resolve_bookmarks`, which also exports them): "ok", "changed" (the
article is there, the passage text is not) or "removed" (the article left the archive; an
edited article is a new one, since its id is a hash of its content), never silently dropped.

Plain `sqlite3` (no sqlite-utils: that pulls pandas, and the CLI imports this module).
"""
from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from archive.errors import BadRequest, IndexCorrupt, IndexNotFound, IndexNotWritable
from archive.models import Filters, Hit
from archive.storage.keys import passage_hash

USER_DB = "user.db"
MAX_NAME = 200
# one tuple of statements per schema version; never edit a released one, append a new one
MIGRATIONS: tuple[tuple[str, ...], ...] = ((
    """CREATE TABLE saved_searches (
        id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, query TEXT NOT NULL,
        mode TEXT NOT NULL, k INTEGER NOT NULL, filters TEXT NOT NULL, created TEXT NOT NULL)""",
    """CREATE TABLE saved_runs (
        id INTEGER PRIMARY KEY,
        search_id INTEGER NOT NULL REFERENCES saved_searches(id) ON DELETE CASCADE,
        ran_at TEXT NOT NULL, hits INTEGER NOT NULL, new INTEGER NOT NULL)""",
    """CREATE TABLE saved_hits (
        search_id INTEGER NOT NULL REFERENCES saved_searches(id) ON DELETE CASCADE,
        article_id TEXT NOT NULL, hash TEXT NOT NULL, first_run INTEGER NOT NULL,
        last_run INTEGER NOT NULL, PRIMARY KEY (search_id, article_id, hash))""",
    """CREATE TABLE bookmarks (
        id INTEGER PRIMARY KEY, article_id TEXT NOT NULL, hash TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '', created TEXT NOT NULL, updated TEXT NOT NULL,
        title TEXT, outlet TEXT, date TEXT, url TEXT, path TEXT, text TEXT, speaker TEXT,
        quote TEXT, UNIQUE (article_id, hash))""",
    """CREATE TABLE bookmark_tags (
        bookmark_id INTEGER NOT NULL REFERENCES bookmarks(id) ON DELETE CASCADE,
        tag TEXT NOT NULL, PRIMARY KEY (bookmark_id, tag))""",
), (
    # whether the bookmarked quote is the speaker's own words (NULL: not known)
    "ALTER TABLE bookmarks ADD COLUMN direct INTEGER",
),)


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Tags as typed, trimmed, without empties or repeats (a comma separates several)."""
    out: list[str] = []
    for tag in tags:
        for part in str(tag).split(","):
            part = " ".join(part.split())[:MAX_NAME]
            if part and part not in out:
                out.append(part)
    return out


@dataclass
class SavedSearch:
    """A question with its filters, mode and k, kept under a name to run again."""

    name: str
    query: str
    mode: str = "hybrid"
    k: int = 10
    speaker: str | None = None  # a name as typed (aliases resolve), like `search --speaker`
    date_from: str | None = None
    date_to: str | None = None
    outlets: tuple[str, ...] = ()
    article_ids: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()  # canonical names, as the page's speaker filter sets them
    created: str | None = None
    last_run: str | None = None
    runs: int = 0

    def filters(self) -> Filters:
        return Filters(self.date_from, self.date_to, tuple(self.outlets),
                       tuple(self.article_ids), tuple(self.speakers))

    def search_args(self) -> dict:
        """Keyword arguments of `Searcher.search` that run this search again."""
        return {"query": self.query, "k": self.k, "mode": self.mode,
                "filters": self.filters(), "speaker": self.speaker}

    def summary(self) -> str:
        """Mode, k and filters in the CLI's option words: "hybrid k=10 outlet=CNN"."""
        bits = [self.mode, f"k={self.k}"] + [f"{name}={value}" for name, values in (
            ("speaker", [self.speaker] if self.speaker else []), ("speakers", self.speakers),
            ("from", [self.date_from] if self.date_from else []),
            ("to", [self.date_to] if self.date_to else []), ("outlet", self.outlets),
            ("article", self.article_ids)) for value in values]
        return " ".join(bits)

    def filter_json(self) -> dict:
        return {"speaker": self.speaker, "date_from": self.date_from, "date_to": self.date_to,
                "outlets": list(self.outlets), "article_ids": list(self.article_ids),
                "speakers": list(self.speakers)}

    def to_json(self) -> dict:
        return {"name": self.name, "query": self.query, "mode": self.mode, "k": self.k,
                **self.filter_json(), "created": self.created, "last_run": self.last_run,
                "runs": self.runs}


@dataclass
class SavedRun:
    """One run of a saved search: its hits, which of them no earlier run had returned, and
    when the run before this one was (None on the first run: every hit is new)."""

    search: SavedSearch
    hits: list[Hit]
    new: list[bool]
    ran_at: str
    previous_run: str | None

    @property
    def new_count(self) -> int:
        return sum(self.new)

    def to_json(self) -> dict:
        """`archive search --json`'s object for the query, extended: each hit gains "new"
        and "passage_hash"; the run gains name, ran_at, previous_run and new_hits."""
        hits = [{**h.to_json(), "new": n, "passage_hash": passage_hash(h.text)}
                for h, n in zip(self.hits, self.new)]
        return {"query": self.search.query, "hits": hits, "name": self.search.name,
                "ran_at": self.ran_at, "previous_run": self.previous_run,
                "new_hits": self.new_count}


@dataclass
class Bookmark:
    """A passage kept with a note and tags. title/outlet/date/url/text are as they were when
    it was bookmarked; `status` and `passage_id` are filled by `resolve_bookmarks`."""

    id: int
    article_id: str
    passage_hash: str
    note: str = ""
    tags: list[str] = field(default_factory=list)
    created: str | None = None
    updated: str | None = None
    title: str | None = None
    outlet: str | None = None
    date: str | None = None
    url: str | None = None
    path: str | None = None
    text: str = ""
    speaker: str | None = None  # the quote's speaker and words on the card bookmarked
    quote: str | None = None
    status: str | None = None  # "ok", "changed", "removed"; None until resolved
    passage_id: int | None = None
    direct: bool | None = None  # the quote is the speaker's own words; None: not known

    @property
    def flag(self) -> str | None:
        """"CHANGED" or "REMOVED" when the bookmarked passage is no longer as it was."""
        return self.status.upper() if self.status in ("changed", "removed") else None

    def citation(self) -> str:
        """One line to paste: [speaker,] outlet, date, “title”: “quote or passage”; reported
        speech as "X said that ..., according to OUTLET (date), “title”", never in
        quotation marks (the wording of archive.search.citation)."""
        words = " ".join((self.quote if self.speaker and self.quote else self.text).split())
        words = words if len(words) <= 400 else words[:399].rstrip() + "…"
        if self.speaker and self.quote and self.direct is False:
            said = f"{self.speaker} said that {words.rstrip(' .,;:')}, according to " \
                   f"{self.outlet or 'unknown outlet'} ({self.date or 'undated'})"
            return said + (f", “{' '.join(self.title.split())}”" if self.title else "")
        parts = [self.speaker] if self.speaker and self.quote else []
        parts += [self.outlet or "unknown outlet", self.date or "undated"]
        if self.title:
            parts.append(f"“{' '.join(self.title.split())}”")
        quoted = words[:1] in "“\"" and words[-1:] in "”\""
        return ", ".join(parts) + (f": {words}" if quoted else f": “{words}”")

    def to_json(self) -> dict:
        return {**asdict(self), "citation": self.citation()}


class UserData:
    """The notebook of the index folder `index`: INDEX/user.db, created on first write."""

    def __init__(self, index: str | Path) -> None:
        self.index = Path(index)
        self.path = self.index / USER_DB

    # -- connection and schema ---------------------------------------------------------
    @contextmanager
    def _connect(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        """One connection and one transaction; a read of a notebook never written uses an
        empty in-memory one (nothing is created by listing)."""
        if not self.index.is_dir():
            raise IndexNotFound(f"no index in '{self.index}': build one with "
                                f"'archive build seeds/ --index {self.index}'")
        target = str(self.path) if write or self.path.exists() else ":memory:"
        try:
            conn = sqlite3.connect(target, timeout=30, isolation_level=None)
        except sqlite3.Error as exc:
            raise IndexNotWritable(f"cannot open '{self.path}' ({exc}): make the index folder "
                                   f"writable by you ('chmod u+w {self.index}')") from None
        conn.row_factory = sqlite3.Row
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            self._migrate(conn)
            yield conn
            conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            if "readonly" in str(exc) or "unable to open" in str(exc):
                raise IndexNotWritable(f"cannot write '{self.path}' ({exc}): make it and the "
                                       f"index folder writable by you") from None
            raise self._damaged(exc) from exc
        except sqlite3.DatabaseError as exc:
            raise self._damaged(exc) from exc
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            conn.close()

    def _damaged(self, exc: BaseException) -> IndexCorrupt:
        return IndexCorrupt(f"the notebook '{self.path}' cannot be read ({exc}): move it aside "
                            "(saved searches and bookmarks then start empty) and try again")

    def _migrate(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise IndexCorrupt(f"the notebook '{self.path}' has schema version {version}, "
                               f"newer than this archive knows ({len(MIGRATIONS)}): upgrade "
                               "archive")
        for number, statements in enumerate(MIGRATIONS[version:], start=version + 1):
            for statement in statements:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")

    def schema_version(self) -> int:
        with self._connect() as conn:
            return conn.execute("PRAGMA user_version").fetchone()[0]

    # -- saved searches ----------------------------------------------------------------
    def save_search(self, search: SavedSearch, replace: bool = False,
                    seen: Sequence[Hit] = ()) -> SavedSearch:
        """Keep `search` under its name; `seen` (the hits the user is looking at) counts as
        its first run, so the next run marks only what is new since. A name already taken
        is refused unless `replace`."""
        name = " ".join(search.name.split())[:MAX_NAME]
        if not name or not search.query.strip():
            raise BadRequest("a saved search needs a name and a question")
        with self._connect(write=True) as conn:
            old = conn.execute("SELECT id FROM saved_searches WHERE name = ?", [name]).fetchone()
            if old and not replace:
                raise BadRequest(f"there is already a saved search named {name!r}: choose "
                                 f"another name, or delete it first ('archive saved delete "
                                 f"{name!r}')")
            if old:
                conn.execute("DELETE FROM saved_searches WHERE id = ?", [old["id"]])
            created = now()
            cur = conn.execute(
                "INSERT INTO saved_searches (name, query, mode, k, filters, created) "
                "VALUES (?, ?, ?, ?, ?, ?)", [name, search.query.strip(), search.mode,
                                              int(search.k), json.dumps(search.filter_json()),
                                              created])
            if seen:
                self._record(conn, cur.lastrowid, seen, created)
        return self.saved_search(name)

    def saved_searches(self) -> list[SavedSearch]:
        """Every saved search, by name, with its number of runs and the last run's time."""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT s.*, COUNT(r.id) AS runs, MAX(r.ran_at) AS last_run FROM saved_searches "
                "s LEFT JOIN saved_runs r ON r.search_id = s.id GROUP BY s.id ORDER BY s.name"
            ).fetchall()
        return [self._search(r) for r in rows]

    def saved_search(self, name: str) -> SavedSearch:
        for search in self.saved_searches():
            if search.name == name:
                return search
        raise BadRequest(f"no saved search named {name!r}: see them with 'archive saved list'")

    @staticmethod
    def _search(row: sqlite3.Row) -> SavedSearch:
        f = json.loads(row["filters"])
        return SavedSearch(
            name=row["name"], query=row["query"], mode=row["mode"], k=row["k"],
            speaker=f.get("speaker"), date_from=f.get("date_from"), date_to=f.get("date_to"),
            outlets=tuple(f.get("outlets") or ()), article_ids=tuple(f.get("article_ids") or ()),
            speakers=tuple(f.get("speakers") or ()), created=row["created"],
            last_run=row["last_run"], runs=row["runs"])

    def delete_search(self, name: str) -> None:
        with self._connect(write=True) as conn:
            if not conn.execute("DELETE FROM saved_searches WHERE name = ?", [name]).rowcount:
                raise BadRequest(f"no saved search named {name!r}: see them with "
                                 "'archive saved list'")

    def run_search(self, name: str,
                   search: Callable[[SavedSearch], list[Hit]]) -> SavedRun:
        """Run the saved search `name` with `search` (e.g. `lambda s:
        searcher.search(**s.search_args())`), record its hits and mark those no earlier
        run returned."""
        saved = self.saved_search(name)
        return self.record_run(saved, search(saved))

    def record_run(self, saved: SavedSearch, hits: Sequence[Hit]) -> SavedRun:
        """Record `hits` as a run of `saved` now; which of them are new."""
        with self._connect(write=True) as conn:
            row = conn.execute("SELECT id FROM saved_searches WHERE name = ?",
                               [saved.name]).fetchone()
            if row is None:
                raise BadRequest(f"no saved search named {saved.name!r}: see them with "
                                 "'archive saved list'")
            previous = conn.execute("SELECT MAX(ran_at) FROM saved_runs WHERE search_id = ?",
                                    [row["id"]]).fetchone()[0]
            ran_at = now()
            new = self._record(conn, row["id"], hits, ran_at)
        return SavedRun(saved, list(hits), new, ran_at, previous)

    @staticmethod
    def _record(conn: sqlite3.Connection, search_id: int, hits: Sequence[Hit],
                ran_at: str) -> list[bool]:
        keys = [(h.article_id, passage_hash(h.text)) for h in hits]
        seen = {(r[0], r[1]) for r in conn.execute(
            "SELECT article_id, hash FROM saved_hits WHERE search_id = ?", [search_id])}
        new = [key not in seen for key in keys]
        run = conn.execute("INSERT INTO saved_runs (search_id, ran_at, hits, new) "
                           "VALUES (?, ?, ?, ?)", [search_id, ran_at, len(hits), 0]).lastrowid
        for aid, h in dict.fromkeys(keys):
            conn.execute("INSERT INTO saved_hits (search_id, article_id, hash, first_run, "
                         "last_run) VALUES (?, ?, ?, ?, ?) ON CONFLICT (search_id, article_id, "
                         "hash) DO UPDATE SET last_run = excluded.last_run",
                         [search_id, aid, h, run, run])
        conn.execute("UPDATE saved_runs SET new = ? WHERE id = ?", [sum(new), run])
        return new

    def last_hits(self, name: str) -> list[tuple[str, str]]:
        """(article id, passage hash) of every hit the last run of `name` returned."""
        with self._connect() as conn:
            return [(r[0], r[1]) for r in conn.execute(
                "SELECT h.article_id, h.hash FROM saved_hits h JOIN saved_searches s ON "
                "s.id = h.search_id WHERE s.name = ? AND h.last_run = (SELECT MAX(id) FROM "
                "saved_runs WHERE search_id = s.id) ORDER BY h.article_id, h.hash", [name])]

    # -- bookmarks -----------------------------------------------------------------------
    def add_bookmark(self, passage: dict, note: str = "",
                     tags: Iterable[str] = ()) -> Bookmark:
        """Bookmark `passage` (a row as `Backend.fetch` gives it, or a Hit's fields). The same
        passage bookmarked again keeps one bookmark: a new note replaces the old one, tags
        are added."""
        text = passage.get("text") or ""
        if not passage.get("article_id") or not text:
            raise BadRequest("a bookmark needs a passage: its article id and its text")
        key = [passage["article_id"], passage_hash(text)]
        stamp = now()
        with self._connect(write=True) as conn:
            conn.execute(
                "INSERT INTO bookmarks (article_id, hash, note, created, updated, title, outlet, "
                "date, url, path, text, speaker, quote, direct) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
                "?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [*key, note or "", stamp, stamp, *(passage.get(c) for c in (
                    "title", "outlet", "date", "url", "path")), text,
                 passage.get("speaker"), passage.get("quote"),
                 None if passage.get("direct") is None else int(bool(passage["direct"]))])
            bid = conn.execute("SELECT id FROM bookmarks WHERE article_id = ? AND hash = ?",
                               key).fetchone()[0]
            if note:
                conn.execute("UPDATE bookmarks SET note = ?, updated = ? WHERE id = ?",
                             [note, stamp, bid])
            self._add_tags(conn, bid, tags)
        return self.bookmark(bid)

    @staticmethod
    def _add_tags(conn: sqlite3.Connection, bid: int, tags: Iterable[str]) -> None:
        for tag in clean_tags(tags):
            conn.execute("INSERT OR IGNORE INTO bookmark_tags (bookmark_id, tag) VALUES (?, ?)",
                         [bid, tag])

    def bookmarks(self, tag: str | None = None, text: str | None = None) -> list[Bookmark]:
        """Bookmarks, newest first; `tag` keeps those with that tag, `text` those whose note,
        tags, title, outlet or passage contain it (case-insensitive)."""
        with self._connect() as conn:
            rows = conn.execute("SELECT * FROM bookmarks ORDER BY id DESC").fetchall()
            tags: dict[int, list[str]] = {}
            for bid, t in conn.execute("SELECT bookmark_id, tag FROM bookmark_tags "
                                       "ORDER BY tag"):
                tags.setdefault(bid, []).append(t)
        marks = [Bookmark(id=r["id"], article_id=r["article_id"], passage_hash=r["hash"],
                          note=r["note"], tags=tags.get(r["id"], []), created=r["created"],
                          updated=r["updated"], title=r["title"], outlet=r["outlet"],
                          date=r["date"], url=r["url"], path=r["path"], text=r["text"] or "",
                          speaker=r["speaker"], quote=r["quote"],
                          direct=None if r["direct"] is None else bool(r["direct"]))
                 for r in rows]
        if tag:
            marks = [m for m in marks if tag.strip().casefold() in
                     {t.casefold() for t in m.tags}]
        if text and text.strip():
            needle = text.strip().casefold()
            marks = [m for m in marks if needle in " ".join(
                [m.note, *m.tags, m.title or "", m.outlet or "", m.text]).casefold()]
        return marks

    def bookmark(self, bookmark_id: int) -> Bookmark:
        for mark in self.bookmarks():
            if mark.id == int(bookmark_id):
                return mark
        raise BadRequest(f"no bookmark {bookmark_id}: see them with 'archive bookmarks list'")

    def tags(self) -> list[tuple[str, int]]:
        """Every tag with its number of bookmarks, most used first."""
        with self._connect() as conn:
            return [(r[0], r[1]) for r in conn.execute(
                "SELECT tag, COUNT(*) FROM bookmark_tags GROUP BY tag "
                "ORDER BY COUNT(*) DESC, tag")]

    def _update(self, bookmark_id: int, change: Callable[[sqlite3.Connection], None]) -> Bookmark:
        with self._connect(write=True) as conn:
            if not conn.execute("UPDATE bookmarks SET updated = ? WHERE id = ?",
                                [now(), int(bookmark_id)]).rowcount:
                raise BadRequest(f"no bookmark {bookmark_id}: see them with "
                                 "'archive bookmarks list'")
            change(conn)
        return self.bookmark(bookmark_id)

    def set_note(self, bookmark_id: int, note: str) -> Bookmark:
        return self._update(bookmark_id, lambda conn: conn.execute(
            "UPDATE bookmarks SET note = ? WHERE id = ?", [note or "", int(bookmark_id)]))

    def set_tags(self, bookmark_id: int, add: Iterable[str] = (),
                 remove: Iterable[str] = ()) -> Bookmark:
        """Add and remove tags of a bookmark (removing one it lacks is not an error)."""
        def change(conn: sqlite3.Connection) -> None:
            for tag in clean_tags(remove):
                conn.execute("DELETE FROM bookmark_tags WHERE bookmark_id = ? AND tag = ?",
                             [int(bookmark_id), tag])
            self._add_tags(conn, int(bookmark_id), add)
        return self._update(bookmark_id, change)

    def delete_bookmark(self, bookmark_id: int) -> None:
        with self._connect(write=True) as conn:
            if not conn.execute("DELETE FROM bookmarks WHERE id = ?",
                                [int(bookmark_id)]).rowcount:
                raise BadRequest(f"no bookmark {bookmark_id}: see them with "
                                 "'archive bookmarks list'")
