"""`archive mentions`: the people, organisations and places the archive's passages name.

Names are canonical after the speakers' alias grouping ("Lavrov" counts for "Sergei
Lavrov"), each with the passages and articles naming it and, for a quoted person, how many
passages quote them. The Milvus engine keeps no mentions: the command says so in one line.
"""
from __future__ import annotations

import json
from contextlib import closing

import click

from archive.commands.shell import BACKEND_HELP, INDEX_HELP, MILVUS_HELP, friendly
from archive.config import load_config
from archive.storage import ENGINES, open_backend

TYPES = ("person", "org", "place")


@click.command("mentions")
@click.option("--index", "index", default=None, help=INDEX_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON (one list).")
@click.option("--type", "kind", type=click.Choice(TYPES), default=None,
              help="Only people, organisations (org) or places.")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Only the N most mentioned names.")
@click.option("--backend", type=click.Choice(ENGINES), default=None, help=BACKEND_HELP)
@click.option("--milvus-uri", default=None, help=MILVUS_HELP)
@friendly
def mentions(index: str | None, as_json: bool, kind: str | None, limit: int | None,
             backend: str | None, milvus_uri: str | None) -> None:
    """Who and what the passages mention (people, organisations, places), how often, and
    how often a mentioned person is quoted."""
    config = load_config(index=index, backend=backend, milvus_uri=milvus_uri)
    with closing(open_backend(config)) as storage:
        rows = mention_rows(storage.mentioned(), storage.people(), kind, limit)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    if not rows:
        click.echo("no mentioned names (an index built before mentions were stored needs "
                   "'archive build --full')")
    for r in rows:
        click.echo(f"{r['passages']:>5} passages {r['articles']:>4} articles "
                   f"{r['quoted']:>4} quoted  {r['name']}  <{r['type']}>")


def mention_rows(mentioned: list[dict], people: list[dict], kind: str | None,
                 limit: int | None) -> list[dict]:
    """The rows the command prints: {name, type, passages, articles, mentions, quoted}."""
    quoted = {p["name"]: p["quotes"] for p in people}
    rows = [{**m, "quoted": quoted.get(m["name"], 0)} for m in mentioned
            if kind is None or m["type"] == kind]
    return rows[:limit] if limit else rows
