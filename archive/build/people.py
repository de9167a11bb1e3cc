"""People grouping at build time: who each speaker name and each mentioned name is.

`group_people` regroups only what a build touched. Grouping (archive.text.names) clusters
names by similar surnames, and a cluster's names are grouped on their own; so regrouping
the names whose surnames are joined to a touched name's (`connected_surnames`) gives each
of them exactly what regrouping every name would, and every other name keeps its person.
The first grouping of an archive (or of one made before this was kept) regroups all names.
The distributed build groups its people itself (archive.build.distributed).
"""
from __future__ import annotations

from archive.storage.sqlite import Store
from archive.text import group_names, mention_people
from archive.text.names import (connected_surnames, fold, speaker_types, split_name,
                                surname_block)
from archive.text.roles import people_table

SPEAKER, MENTION, OTHER = "speaker", "mention", "other"  # the kinds of grouped names


def group_people(store: Store, min_confidence: float = 0.0) -> None:
    """Regroup the speaker names whose attributions the build added or removed into people
    (aliases, people, each attribution's person; an attribution below `min_confidence`
    labels nobody), then the mentioned names onto them (`mention_people`: the speakers'
    grouping is unchanged by it)."""
    speakers, mentioned = store.changed_names()
    full = not store.grouping_kept()
    if full:
        speakers, mentioned = store.all_names()
    elif not speakers and not mentioned:
        return
    regrouped = _speakers(store, speakers, min_confidence, full)
    _mentions(store, mentioned, regrouped, full)
    if full:
        store.mark_grouping_kept()


def _speakers(store: Store, touched: set[str], min_confidence: float, full: bool) -> set[str]:
    """Regroup the touched speakers and every speaker their surnames join; returns the
    names regrouped."""
    names = set(touched)
    if not full:
        surnames = connected_surnames(_surnames(touched),
                                      lambda block: store.block_surnames([SPEAKER], block))
        names |= store.names_with_surnames(SPEAKER, surnames)
    rows = store.speaker_rows(None if full else names, min_confidence)
    aliases = group_names([(speaker, role) for speaker, role, _, _ in rows],
                          speaker_types((speaker, kind) for speaker, _, _, kind in rows))
    people = people_table(rows, aliases, store.speaker_roles(aliases))
    store.replace_people(None if full else names, aliases, people, min_confidence)
    store.set_grouped(SPEAKER, None if full else names, [_row(n) for n in aliases])
    return names


def _mentions(store: Store, touched: set[str], speakers: set[str], full: bool) -> None:
    """Regroup the touched mentioned names, and every mentioned name whose surname joins
    theirs or a regrouped speaker's, onto the speakers' people."""
    names = set(touched)
    if full:
        aliases = store.aliases()
    else:
        seeds = _surnames(touched | speakers) | {fold(n) for n in touched}
        surnames = connected_surnames(
            seeds, lambda block: store.block_surnames([SPEAKER, MENTION], block))
        names |= (store.names_with_surnames(MENTION, surnames)
                  | store.names_with_surnames(OTHER, surnames))
        aliases = store.aliases_of(names | store.names_with_surnames(SPEAKER, surnames))
    counts = store.mention_counts(None if full else names)
    store.write_mention_people(mention_people(counts, aliases))
    persons = {name for name, kind, _ in counts if kind == "person"}
    others = {name for name, kind, _ in counts if kind != "person"}
    store.set_grouped(MENTION, None if full else names, [_row(n) for n in sorted(persons)])
    store.set_grouped(OTHER, None if full else names, [(n, fold(n), None) for n in sorted(others)])


def _surnames(names: set[str]) -> set[str]:
    return {parts.surname for n in names if (parts := split_name(n)) is not None}


def _row(name: str) -> tuple[str, str | None, str | None]:
    """A grouped name's row: (name, surname, block); a name with no surname has neither."""
    parts = split_name(name)
    return (name, None, None) if parts is None else (
        name, parts.surname, surname_block(parts.surname))
