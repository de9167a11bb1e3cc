"""The `mentions` table of a generation's SQLite database, mixed into `Store`.

One row per person, organisation or place named in a passage (spaCy's entities, found by
archive.quotes at build time): the name as written, `person` (its canonical name after the
speakers' alias grouping, archive.text.mention_people) and its type ("person", "org",
"place"). An index built before mentions were stored has no such table: it reads as no
mentions, and filtering by one asks for a rebuild.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from archive.errors import BadRequest
from archive.models import Filters, Mention
from archive.storage.people import MENTIONS

MENTIONS_SCHEMA = """
CREATE TABLE IF NOT EXISTS mentions (
    passage_id INTEGER NOT NULL, article_id TEXT NOT NULL, name TEXT NOT NULL, person TEXT,
    type TEXT, start INTEGER, end INTEGER);
CREATE INDEX IF NOT EXISTS mentions_passage ON mentions(passage_id);
CREATE INDEX IF NOT EXISTS mentions_person ON mentions(person);
CREATE INDEX IF NOT EXISTS mentions_article ON mentions(article_id);
CREATE INDEX IF NOT EXISTS mentions_name ON mentions(name);
"""


class MentionTables:
    """Writing and reading mentions; `self.db` is the Store's sqlite_utils Database."""

    def create_mentions(self) -> None:
        self.db.executescript(MENTIONS_SCHEMA)

    def has_mentions(self) -> bool:
        return "mentions" in self.db.table_names()

    def insert_mentions(self, passage_id: int, article_id: str,
                        mentions: Iterable[Mention]) -> None:
        mentions = list(mentions)
        self.note_names(MENTIONS, (m.name for m in mentions))  # PeopleTables, in Store
        self.db.conn.executemany(
            "INSERT INTO mentions (passage_id, article_id, name, person, type, start, end) "
            "VALUES (?, ?, ?, NULL, ?, ?, ?)",
            [(passage_id, article_id, m.name, m.type, m.start, m.end) for m in mentions])

    def replace_mentions(self, article_id: str, by_passage: dict[int, list[Mention]]) -> None:
        """Swap an article's mentions for freshly found ones (re-attribution)."""
        self.note_names(MENTIONS, self.article_names(MENTIONS, [article_id]))
        with self.db.atomic():
            self.db.execute("DELETE FROM mentions WHERE article_id = ?", [article_id])
            for passage_id, mentions in by_passage.items():
                self.insert_mentions(passage_id, article_id, mentions)

    def write_mention_people(self, people: dict[str, str]) -> None:
        """Each mention's canonical person (name as written → canonical name)."""
        with self.db.atomic():
            self.db.conn.executemany("UPDATE mentions SET person = ? WHERE name = ?",
                                     [(person, name) for name, person in people.items()])

    def places_near(self, people: Sequence[str]) -> dict[str, dict[str, int]]:
        """For each of `people`, the places named in the articles quoting them: {person:
        {place as written: articles}}; people never quoted are left out."""
        if not self.has_mentions() or not people:
            return {}
        marks = ",".join("?" * len(people))
        out: dict[str, dict[str, int]] = defaultdict(dict)
        for person, name, n in self.db.execute(
                f"""SELECT q.person, m.name, COUNT(DISTINCT m.article_id) FROM
                    (SELECT DISTINCT person, article_id FROM attributions
                     WHERE person IN ({marks})) q
                    JOIN mentions m ON m.article_id = q.article_id
                    WHERE m.type = 'place' GROUP BY q.person, m.name""", list(people)):
            out[person][name] = n
        return dict(out)

    def mentioned(self) -> list[dict]:
        """Every mentioned (canonical) name: {name, type, passages, articles, mentions},
        most mentioned first; `type` is the one spaCy gave it most often."""
        if not self.has_mentions():
            return []
        types: dict[str, Counter] = defaultdict(Counter)
        for person, kind, n in self.db.execute(
                "SELECT person, type, COUNT(*) FROM mentions GROUP BY person, type"):
            types[person][kind] += n
        rows = self.db.execute(
            "SELECT person, COUNT(DISTINCT passage_id), COUNT(DISTINCT article_id), COUNT(*) "
            "FROM mentions WHERE person IS NOT NULL GROUP BY person")
        out = [{"name": p, "type": types[p].most_common(1)[0][0], "passages": n,
                "articles": a, "mentions": m} for p, n, a, m in rows]
        return sorted(out, key=lambda r: (-r["passages"], r["name"]))

    def mentions_in(self, passage_ids: Sequence[int]) -> dict[int, list[dict]]:
        """The mentions of each passage: [{name, person, type, start, end}] in text order."""
        if not self.has_mentions():
            return {}
        out: dict[int, list[dict]] = {}
        for r in self._rows("SELECT passage_id, name, person, type, start, end FROM mentions",
                            "passage_id", passage_ids, "ORDER BY passage_id, start"):
            out.setdefault(r.pop("passage_id"), []).append(r)
        return out

    def mention_clause(self, f: Filters) -> tuple[str | None, list]:
        """The WHERE part for `f.mentions` (passages naming one of them), or None."""
        if not f.mentions:
            return None, []
        if not self.has_mentions():
            raise BadRequest("this index was built before mentions were stored: rebuild it "
                             "with 'archive build --full' to filter by mentioned names")
        marks = ",".join("?" * len(f.mentions))
        return (f"p.id IN (SELECT passage_id FROM mentions WHERE person IN ({marks}))",
                list(f.mentions))
