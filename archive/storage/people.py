"""The SQL of people grouping, mixed into `Store` (archive.storage.sqlite).

`aliases` (each speaker name as written -> its person), `people` (one row per person) and
`mentions.person` are what grouping writes. To regroup only what a build touched
(archive.build.people), the Store notes every speaker and mentioned name whose rows it adds
or removes, and `grouped_names` keeps each grouped name's surname and comparison block:

- kind "speaker": the names of confident speakers (the aliases' keys);
- kind "mention": the names of mentions typed as people;
- kind "other": the names of other mentions (organisations, places), with the folded name
  as `surname`: a person of that surname may own them ("Stoltenberg").

The grouping itself is archive.text.names'; only the rows it reads and writes are here.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from archive.storage.filters import execute_in, marks

PEOPLE_SCHEMA = """
CREATE TABLE IF NOT EXISTS grouped_names (
    kind TEXT NOT NULL, name TEXT NOT NULL, surname TEXT, block TEXT,
    PRIMARY KEY (kind, name));
CREATE INDEX IF NOT EXISTS grouped_names_block ON grouped_names(kind, block);
CREATE INDEX IF NOT EXISTS grouped_names_surname ON grouped_names(kind, surname);
CREATE INDEX IF NOT EXISTS attributions_speaker ON attributions(speaker);
"""
# the manifest key saying grouped_names is complete (absent: an archive made before it, or
# a build that never grouped; the next grouping then regroups every name and fills it)
KEPT_KEY = "people_grouping"
SPEAKERS, MENTIONS = "speakers", "mentions"


class PeopleTables:
    """Grouping's reads and writes; `self.db` is the Store's database."""

    def create_people(self) -> None:
        self.db.executescript(PEOPLE_SCHEMA)

    # -- what changed -------------------------------------------------------------------
    # names whose rows this Store added or removed, by kind: kept in memory (a generation is
    # published whole or not at all, and its grouping runs before it is)
    changed: dict[str, set[str]]

    def note_names(self, kind: str, names: Iterable[str | None]) -> None:
        """Remember names whose rows were added or removed (kind SPEAKERS or MENTIONS)."""
        self.changed.setdefault(kind, set()).update(n for n in names if n)

    def changed_names(self) -> tuple[set[str], set[str]]:
        """(speakers, mentioned names) noted since the last call, which forgets them."""
        changed, self.changed = self.changed, {}
        return changed.get(SPEAKERS, set()), changed.get(MENTIONS, set())

    def grouping_kept(self) -> bool:
        return self.db.execute("SELECT 1 FROM manifest WHERE key = ?", [KEPT_KEY]
                               ).fetchone() is not None

    def article_names(self, kind: str, article_ids: Sequence[str]) -> set[str]:
        """The speakers (kind SPEAKERS) or mentioned names (MENTIONS) of these articles."""
        sql = ("SELECT DISTINCT speaker FROM attributions WHERE speaker IS NOT NULL AND "
               "article_id IN ({marks})" if kind == SPEAKERS else
               "SELECT DISTINCT name FROM mentions WHERE article_id IN ({marks})")
        return {r[0] for r in execute_in(self.db, sql, article_ids)}

    # -- speakers described, not named ("The Republican nominee") --------------------------
    def described_attributions(self, article_ids: Iterable[str] | None = None
                               ) -> list[tuple[int, str, str]]:
        """(id, article_id, speaker phrase) of every attribution (of these articles; None:
        the whole archive) whose speaker is unresolved and whose phrase begins with "the"
        (the candidates of archive.quotes.descriptions)."""
        sql = ("SELECT id, article_id, speaker_text FROM attributions WHERE speaker IS NULL "
               "AND speaker_text LIKE 'the %'")  # LIKE ignores ASCII case: "The ..." too
        if article_ids is None:
            return [tuple(r) for r in self.db.execute(sql)]
        return [tuple(r) for r in execute_in(self.db, sql + " AND article_id IN ({marks})",
                                             sorted(set(article_ids)))]

    def articles_taught(self, article_ids: Iterable[str]) -> set[str]:
        """These articles and every other one quoting a person these articles give a role:
        the descriptions those roles may resolve ("The Republican nominee" in an older
        article, once a new one calls its speaker that)."""
        ids = sorted(set(article_ids))
        given = sorted({r[0] for r in execute_in(
            self.db, "SELECT DISTINCT speaker FROM attributions WHERE article_id IN ({marks}) "
            "AND role IS NOT NULL AND speaker_type = 'person'", ids)})
        return set(ids) | {r[0] for r in execute_in(
            self.db, "SELECT DISTINCT article_id FROM attributions WHERE speaker IN ({marks}) "
            "AND speaker_type = 'person'", given)}

    def quoted_people(self, article_ids: Iterable[str]) -> list[tuple[str, str]]:
        """(article_id, speaker) of the people these articles quote."""
        return [tuple(r) for r in execute_in(
            self.db, "SELECT DISTINCT article_id, speaker FROM attributions WHERE speaker IS "
            "NOT NULL AND speaker_type = 'person' AND article_id IN ({marks})",
            sorted(set(article_ids)))]

    def set_described(self, speakers: dict[int, str]) -> None:
        """Give these attributions (by id) a person speaker; the names are noted for
        regrouping (archive.build.people)."""
        with self.db.atomic():
            self.db.conn.executemany(
                "UPDATE attributions SET speaker = ?, speaker_type = 'person' WHERE id = ?",
                [(name, i) for i, name in speakers.items()])
        self.note_names(SPEAKERS, speakers.values())

    # -- grouped names --------------------------------------------------------------------
    def all_names(self) -> tuple[set[str], set[str]]:
        """Every speaker and every mentioned name (a full regroup)."""
        return ({r[0] for r in self.db.execute(
                    "SELECT DISTINCT speaker FROM attributions WHERE speaker IS NOT NULL")},
                {r[0] for r in self.db.execute("SELECT DISTINCT name FROM mentions")})

    def block_surnames(self, kinds: Sequence[str], block: str) -> list[str]:
        """The surnames of grouped names of these kinds in one comparison block."""
        return [r[0] for r in self.db.execute(
            f"SELECT DISTINCT surname FROM grouped_names WHERE kind IN ({marks(kinds)}) "
            "AND block = ?", [*kinds, block])]

    def names_with_surnames(self, kind: str, surnames: Iterable[str]) -> set[str]:
        return {r[0] for r in execute_in(
            self.db, "SELECT name FROM grouped_names WHERE kind = ? AND surname IN ({marks})",
            sorted(surnames), [kind])}

    def set_grouped(self, kind: str, names: Iterable[str] | None,
                    rows: Iterable[tuple[str, str | None, str | None]]) -> None:
        """Replace the grouped rows of `names` (None: all of this kind) by `rows` (name,
        surname, block)."""
        with self.db.atomic():
            if names is None:
                self.db.execute("DELETE FROM grouped_names WHERE kind = ?", [kind])
            execute_in(self.db, "DELETE FROM grouped_names WHERE kind = ? AND name IN "
                       "({marks})", sorted(names or ()), [kind])
            self.db.conn.executemany("INSERT OR REPLACE INTO grouped_names VALUES (?, ?, ?, ?)",
                                     [(kind, *row) for row in rows])

    def mark_grouping_kept(self) -> None:
        self.db.execute("INSERT OR REPLACE INTO manifest VALUES (?, ?)", [KEPT_KEY, '"kept"'])

    def forget_grouping(self) -> None:
        """Make the next grouping regroup every name (as for an archive made before the
        grouping was kept)."""
        self.db.execute("DELETE FROM manifest WHERE key = ?", [KEPT_KEY])
        self.db.execute("DELETE FROM grouped_names")
        self.changed = {}

    # -- speakers ---------------------------------------------------------------------------
    def speaker_rows(self, names: Iterable[str] | None, min_confidence: float = 0.0
                     ) -> list[tuple[str, str | None, str, str | None]]:
        """(speaker, role, article_id, speaker_type) of these speakers' (None: every
        speaker's) attributions with a confidence of at least `min_confidence` (or none:
        made without the tagger)."""
        sql = ("SELECT speaker, role, article_id, speaker_type FROM attributions WHERE "
               "(confidence IS NULL OR confidence >= ?) AND ")
        if names is None:
            return [tuple(r) for r in self.db.execute(sql + "speaker IS NOT NULL",
                                                      [min_confidence])]
        return [tuple(r) for r in execute_in(self.db, sql + "speaker IN ({marks})",
                                             sorted(names), [min_confidence])]

    def speaker_roles(self, names: Iterable[str]) -> list[tuple[str, str | None, str]]:
        """(speaker, role, speaker phrase) of these speakers' attributions with a role or a
        phrase that may give one after the name ("NAME, a ROLE"), whatever their confidence
        (archive.text.names.people_table)."""
        return [tuple(r) for r in execute_in(
            self.db, "SELECT speaker, role, speaker_text FROM attributions WHERE speaker IN "
            "({marks}) AND (role IS NOT NULL OR speaker_text LIKE '%,%')", sorted(names))]

    def aliases_of(self, names: Iterable[str]) -> dict[str, str]:
        return dict(execute_in(self.db, "SELECT alias, name FROM aliases WHERE alias IN "
                               "({marks})", sorted(names)))

    def replace_people(self, names: Iterable[str] | None, aliases: dict[str, str],
                       people: list[dict], min_confidence: float = 0.0) -> None:
        """Regrouped speaker `names` (None: every speaker): their aliases, the people rows of
        everyone they were or now are, and the person of each of their attributions (NULL
        below `min_confidence`: the speaker is kept, no passage is labelled as their
        words)."""
        if names is None:
            with self.db.atomic():
                self.db.execute("DELETE FROM aliases")
                self.db.execute("DELETE FROM people")
            names = sorted(self.all_names()[0])
        names = sorted(names)
        before = set(self.aliases_of(names).values())
        with self.db.atomic():
            execute_in(self.db, "DELETE FROM aliases WHERE alias IN ({marks})", names)
            execute_in(self.db, "DELETE FROM people WHERE name IN ({marks})",
                       sorted(before | {p["name"] for p in people}))
            self.db.conn.executemany("INSERT OR REPLACE INTO aliases VALUES (?, ?)",
                                     sorted(aliases.items()))
            self.db.conn.executemany(
                "INSERT INTO people (name, aliases, roles, quotes, articles, type) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(p["name"], json.dumps(p["aliases"]), json.dumps(p["roles"]), p["quotes"],
                  p["articles"], p["type"]) for p in people])
            execute_in(self.db, "UPDATE attributions SET person = CASE WHEN confidence IS "
                       "NULL OR confidence >= ? THEN (SELECT name FROM aliases WHERE alias = "
                       "attributions.speaker) END WHERE speaker IN ({marks})", names,
                       [min_confidence])

    # -- mentions ---------------------------------------------------------------------------
    def mention_counts(self, names: Iterable[str] | None) -> list[tuple[str, str, int]]:
        """(name, type, mentions) of these mentioned names (None: of all)."""
        if names is None:
            return [tuple(r) for r in self.db.execute(
                "SELECT name, type, COUNT(*) FROM mentions GROUP BY name, type")]
        return [tuple(r) for r in execute_in(
            self.db, "SELECT name, type, COUNT(*) FROM mentions WHERE name IN ({marks}) "
            "GROUP BY name, type", sorted(names))]
