"""The `archive` command: a thin click shell over the library.

Library errors (ArchiveError) become one clear line and exit code 1; heavy modules (torch,
the model, faiss) are imported inside the commands that need them, so `--help` and `stats`
answer at once. The names and the --json shapes here are a contract: extend, never reshape.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path

import click

from .config import SETTINGS, load_config
from .errors import ArchiveError

INDEX_HELP = "Index folder (default: $ARCHIVE_INDEX or ./index)."


def friendly(fn: Callable) -> Callable:
    """Turn the library's own errors into one line on stderr and a non-zero exit."""
    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ArchiveError as exc:
            raise click.ClickException(str(exc)) from None
    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="archive", prog_name="archive")
def cli() -> None:
    """archive: an offline, searchable news archive with semantic retrieval.

    Build an index from scraped articles, then ask it questions such as
    "what did Lavrov say".
    """


def print_report(report, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False))
        return
    if report.unchanged:
        click.echo(f"Nothing changed: {report.articles} articles, {report.passages} passages "
                   f"in {report.index} ({report.seconds:.1f} s).")
    else:
        click.echo(f"Indexed {report.articles} articles, {report.passages} passages into "
                   f"{report.index} (+{report.added_articles} / -{report.removed_articles} "
                   f"articles; {report.embedded_passages} passages embedded, "
                   f"{report.reused_passages} reused; {report.attributions} attributions, "
                   f"{report.people} people, {report.story_clusters} story clusters) in "
                   f"{report.seconds:.1f} s.")
    for s in report.skipped:
        click.echo(f"  skipped {s['path']}: {s['reason']}")


def run_build(paths: tuple[str, ...], index: str | None, full: bool, mirror: bool,
              as_json: bool, strict: bool, reembed: bool = False) -> None:
    from .build import build, reembed as migrate

    config = load_config(index=index)
    if reembed:
        report = migrate(config)
    else:
        report = build(list(paths) or ["seeds"], config, full=full, mirror=mirror)
    print_report(report, as_json)
    if strict and report.skipped:
        sys.exit(2)
    if report.articles == 0:
        raise click.ClickException("no article could be indexed from the given paths")


@cli.command("build")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--index", "index", default=None, help=INDEX_HELP)
@click.option("--full", is_flag=True, help="Rebuild from scratch, re-embedding everything.")
@click.option("--json", "as_json", is_flag=True, help="Print the build report as JSON.")
@click.option("--strict", is_flag=True, help="Exit non-zero when any file was skipped.")
@click.option("--reembed", is_flag=True, help="Re-embed every passage with the configured "
              "model (after a model change), keeping articles and attributions.")
@friendly
def build_cmd(paths: tuple[str, ...], index: str | None, full: bool, as_json: bool,
              strict: bool, reembed: bool) -> None:
    """Build or refresh the index from files and folders (default: seeds/).

    The index then holds exactly the articles found under PATHS; only new or changed
    articles are embedded.
    """
    run_build(paths, index, full, True, as_json, strict, reembed)


@cli.command("add")
@click.argument("paths", nargs=-1, type=click.Path(), required=True)
@click.option("--index", "index", default=None, help=INDEX_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the build report as JSON.")
@click.option("--strict", is_flag=True, help="Exit non-zero when any file was skipped.")
@friendly
def add_cmd(paths: tuple[str, ...], index: str | None, as_json: bool, strict: bool) -> None:
    """Add articles to the index, keeping everything it already holds."""
    run_build(paths, index, False, False, as_json, strict)


@cli.command("search")
@click.argument("queries", nargs=-1, required=True)
@click.option("--index", "index", default=None, help=INDEX_HELP)
@click.option("-k", "k", default=10, show_default=True, type=int, help="Hits per query.")
@click.option("--mode", default="hybrid", show_default=True,
              help="hybrid, dense or keyword.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per query per line.")
@click.option("--speaker", default=None, help="Only passages quoting this person.")
@click.option("--from", "date_from", default=None, help="Earliest date, YYYY-MM-DD.")
@click.option("--to", "date_to", default=None, help="Latest date, YYYY-MM-DD.")
@click.option("--outlet", "outlets", multiple=True, help="Only these outlets (repeatable).")
@click.option("--article", "articles", multiple=True, help="Only these article ids (repeatable).")
@click.option("--no-fold", is_flag=True, help="Show every copy of near-identical passages.")
@friendly
def search_cmd(queries: tuple[str, ...], index: str | None, k: int, mode: str, as_json: bool,
               speaker: str | None, date_from: str | None, date_to: str | None,
               outlets: tuple[str, ...], articles: tuple[str, ...], no_fold: bool) -> None:
    """Search the index. Several QUERIES in one call load the model once."""
    from .search import Searcher, make_filters, validate

    validate(mode, k)
    filters = make_filters(date_from, date_to, outlets, articles)
    searcher = Searcher(load_config(index=index))
    for query in queries:
        hits = searcher.search(query, k=k, mode=mode, filters=filters, speaker=speaker,
                               fold=not no_fold)
        if as_json:
            click.echo(json.dumps({"query": query, "hits": [h.to_json() for h in hits]},
                                  ensure_ascii=False))
        else:
            print_hits(query, hits)


def print_hits(query: str, hits) -> None:
    click.secho(f"# {query}", bold=True)
    if not hits:
        click.echo("  no results")
    for h in hits:
        source = " · ".join(x for x in (h.outlet, h.date, h.title) if x)
        click.echo(f"{h.rank:>3}. [{h.score:.4f}] {source}")
        if h.speaker:
            click.echo(f"     {h.speaker} ({h.cue}): {h.quote}")
        click.echo(f"     {h.text}")
        if h.also_in:
            click.echo("     also reported by: " + ", ".join(
                a["outlet"] or a["title"] for a in h.also_in))
    click.echo()


@cli.command("stats")
@click.option("--index", "index", default=None, help=INDEX_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@friendly
def stats_cmd(index: str | None, as_json: bool) -> None:
    """Counts, model, build time and size on disk of the index."""
    from .stats import index_stats

    stats = index_stats(load_config(index=index))
    if as_json:
        click.echo(json.dumps(stats, ensure_ascii=False))
        return
    for key, value in stats.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in value.items())
        click.echo(f"{key:>14}: {value}")


@cli.command("speakers")
@click.option("--index", "index", default=None, help=INDEX_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@friendly
def speakers_cmd(index: str | None, as_json: bool) -> None:
    """Who is quoted, how often, in how many articles, with aliases and roles."""
    from .stats import open_store

    store = open_store(load_config(index=index))
    people = store.people()
    if as_json:
        click.echo(json.dumps(people, ensure_ascii=False))
        return
    for p in people:
        aliases = ", ".join(a for a in p["aliases"] if a != p["name"])
        roles = "; ".join(p["roles"])
        click.echo(f"{p['quotes']:>5} quotes {p['articles']:>4} articles  {p['name']}"
                   + (f"  (also: {aliases})" if aliases else "") + (f"  [{roles}]" if roles else ""))


@cli.command("duplicates")
@click.option("--index", "index", default=None, help=INDEX_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@friendly
def duplicates_cmd(index: str | None, as_json: bool) -> None:
    """Story clusters: articles that tell the same story, and how alike their members are."""
    from .stats import story_clusters

    clusters = story_clusters(load_config(index=index))
    if as_json:
        click.echo(json.dumps(clusters, ensure_ascii=False))
        return
    if not clusters:
        click.echo("no story clusters")
    for c in clusters:
        click.secho(f"story {c['story']}: {len(c['members'])} articles, "
                    f"{c['shared_passages']} near-duplicate passage pairs", bold=True)
        for m in c["members"]:
            click.echo(f"  {m['article_id']}  {m['outlet'] or '-'}  {m['date'] or '-'}  {m['title']}")


@cli.command("settings")
def settings_cmd() -> None:
    """The settings, their environment variables and defaults."""
    for s in SETTINGS:
        click.echo(f"{s.env:<20} default {s.default!r:<10} {s.help}")


def main() -> None:
    cli(prog_name="archive")


if __name__ == "__main__":
    main()
