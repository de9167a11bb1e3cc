"""Incremental people grouping (archive.build.people): regrouping only what a build touched
gives exactly what regrouping every name gives, through adds and removals that join and
split surname clusters. Real SQLite Stores, no model: the attributions and mentions are
written as the build would write them."""
from __future__ import annotations

import random
import shutil
import sqlite3

import pytest

from archive.build.people import group_people
from archive.models import Article, Attribution, Mention, Paragraph, Passage
from archive.storage.sqlite import Store

# surnames that chain: Kovachenko ~ Kovalenko ~ Kovalenkov ~ Kovalev, but Kovachenko and
# Kovalev are not close (a removed middle splits the cluster); namesakes (two Clintons,
# two Nowaks), transliterations, bare surnames, initials, an organisation named like a person
SPEAKERS = ["Oleg Kovachenko", "Kovachenko", "Olga Kovalenko", "Kovalenko", "Ivan Kovalenkov",
            "Ivan Kovalev", "Kovalev", "I. Kovalev", "Hillary Clinton", "Bill Clinton",
            "Clinton", "Sergei Ryabkov", "Sergey Riabkov", "Ryabkov", "Anna Nowak",
            "Tomasz Nowak", "Nowak", "Jens Stoltenberg", "Stoltenberg", "Maria Zakharova",
            "Zaharova", "Ursula von der Leyen", "von der Leyen", "Kremlin", "NATO"]
MENTIONED = [("Kovalenko", "person"), ("Oleg Kovachenko", "person"), ("Stoltenberg", "org"),
             ("Kovalev", "org"), ("Clinton", "person"), ("Chelsea Clinton", "person"),
             ("Moscow", "place"), ("Nowak", "org"), ("Piotr Nowak", "person"),
             ("Zakharova", "person"), ("Maria Zaharova", "person"), ("Ivan Kovalev", "person")]
THRESHOLD = 0.5
TABLES = {"aliases": "SELECT alias, name FROM aliases ORDER BY alias",
          "people": "SELECT * FROM people ORDER BY name",
          "attributions": "SELECT id, speaker, person FROM attributions ORDER BY id",
          "mentions": "SELECT rowid, name, person FROM mentions ORDER BY rowid",
          "grouped": "SELECT * FROM grouped_names ORDER BY kind, name"}


def article(rng: random.Random, n: int) -> tuple[Article, list[Passage]]:
    aid = f"a{n:03d}"
    passages = []
    for pos in range(rng.randint(1, 3)):
        attrs = [Attribution(speaker=s, speaker_text=rng.choice([s, "he", f"Minister {s}"]),
                             cue="said", content="words", content_start=0, content_end=5,
                             direct=rng.random() < 0.5, role=rng.choice([None, "Minister"]),
                             speaker_type="person" if s not in ("Kremlin", "NATO") else "organization",
                             confidence=rng.choice([0.2, 0.9, 1.0]))
                 for s in rng.sample(SPEAKERS, rng.randint(0, 3))]
        mentions = [Mention(name, kind, 0, 5)
                    for name, kind in rng.sample(MENTIONED, rng.randint(0, 3))]
        passages.append(Passage(aid, pos, f"words of passage {pos} of {aid}",
                                attributions=attrs, mentions=mentions))
    return Article(aid, f"Title {n}", [Paragraph(p.text) for p in passages], f"/x/{aid}"), passages


def snapshot(path) -> dict[str, list]:
    db = sqlite3.connect(path)
    try:
        return {name: db.execute(sql).fetchall() for name, sql in TABLES.items()}
    finally:
        db.close()


def regrouped_in_full(store: Store, tmp_path) -> dict[str, list]:
    """The same catalogue with every name regrouped (as an archive made before grouping was
    kept is, on its first build)."""
    full = tmp_path / "full" / "archive.db"
    shutil.rmtree(full.parent, ignore_errors=True)
    full.parent.mkdir()
    db = sqlite3.connect(full)
    store.db.conn.backup(db)
    db.close()
    store = Store(full, readonly=False)
    try:
        store.forget_grouping()
        group_people(store, THRESHOLD)
        store.db.conn.commit()
    finally:
        store.close()
    return snapshot(full)


@pytest.mark.parametrize("seed", range(6))
def test_incremental_grouping_equals_a_full_regroup(tmp_path, seed):
    rng = random.Random(seed)
    path = tmp_path / "gen" / "archive.db"
    path.parent.mkdir()
    store = Store(path, readonly=False)
    have: list[str] = []
    n = 0
    try:
        for step in range(8):
            if have and step % 2:
                gone = rng.sample(have, min(len(have), rng.randint(1, 3)))
                store.delete_articles(gone)
                have = [a for a in have if a not in gone]
            for _ in range(rng.randint(1, 4)):
                art, passages = article(rng, n)
                n += 1
                store.add_article(art, passages)
                have.append(art.article_id)
            group_people(store, THRESHOLD)
            store.db.conn.commit()
            got = snapshot(path)
            assert got == regrouped_in_full(store, tmp_path), f"seed {seed}, step {step}"
    finally:
        store.close()
    assert got["people"] and got["mentions"]  # the comparison compared something


def test_a_build_that_touches_nobody_regroups_nothing(tmp_path):
    path = tmp_path / "gen" / "archive.db"
    path.parent.mkdir()
    store = Store(path, readonly=False)
    try:
        art, passages = article(random.Random(1), 0)
        passages[0].attributions.append(Attribution("Ivan Kovalev", "Kovalev", "said", "x", 0,
                                                    1, True, confidence=1.0))
        store.add_article(art, passages)
        group_people(store, THRESHOLD)
        store.db.execute("UPDATE people SET quotes = -1")  # a marker a regroup would undo
        group_people(store, THRESHOLD)
        assert {r[0] for r in store.db.execute("SELECT quotes FROM people")} == {-1}
    finally:
        store.close()
