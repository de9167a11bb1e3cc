"""The `archive` command: a thin click shell over the library.

Library errors (ArchiveError) become one clear line and exit code 1. The storage engine is
whatever the configuration names: every command opens the archive with
`archive.storage.open_backend`. The model loads on the first query, and the build (SQLite,
FAISS, Ray) is imported by the commands that build, so `--help` answers at once. The names
and the --json shapes here are a contract: extend, never reshape.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Callable
from contextlib import closing
from functools import wraps

import click

from archive.config import SETTINGS, load_config
from archive.embed.ray_data import RayEmbedder
from archive.errors import ArchiveError
from archive.search import Searcher, make_filters, validate
from archive.storage import ENGINES, engine_class, open_backend

INDEX_HELP = "Index folder (default: $ARCHIVE_INDEX or ./index)."
BACKEND_HELP = "Storage and search engine: local (FAISS + SQLite, default) or milvus."
MILVUS_HELP = ("Milvus for --backend milvus: a file path (Milvus Lite, in-process) or "
               "http://host:19530 (default: $ARCHIVE_MILVUS_URI or INDEX/milvus.db).")


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
              as_json: bool, strict: bool, reembed: bool = False, backend: str | None = None,
              milvus_uri: str | None = None, ray_address: str | None = None,
              reattribute: bool = False) -> None:
    # lazy: the build loads faiss and sqlite_utils (with pandas), which --help does not need
    from archive.build import (build, build_distributed, reattribute as redo_attribution,
                               reembed as migrate)

    config = load_config(index=index, backend=backend, milvus_uri=milvus_uri)
    address = None if ray_address == "local" else ray_address
    embedder = None
    if ray_address is not None and not reembed and not reattribute \
            and engine_class(config).distributed_build:
        # the distributed build: Ray workers clean, attribute and embed; the driver streams
        # their rows into the engine in batches (no local copy of the archive)
        report = build_distributed(list(paths) or ["seeds"], config, address=address,
                                   full=full, mirror=mirror)
    else:
        if ray_address is not None:  # embed on a Ray cluster (or a local one)
            embedder = RayEmbedder(config, address)
        if reembed:
            report = migrate(config, embedder=embedder)
        elif reattribute:
            report = redo_attribution(config)
        else:
            report = build(list(paths) or ["seeds"], config, full=full, mirror=mirror,
                           embedder=embedder)
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
@click.option("--backend", type=click.Choice(ENGINES), default=None,
              help=BACKEND_HELP)
@click.option("--milvus-uri", default=None, help=MILVUS_HELP)
@click.option("--ray", "ray_address", is_flag=False, flag_value="local", default=None,
              metavar="[ADDRESS]", help="Embed with Ray Data: on the cluster at ADDRESS, or "
              "on a local Ray started for this build when no address is given. With "
              "--backend milvus the whole build runs on Ray and writes straight to Milvus.")
@click.option("--reattribute", is_flag=True, help="Extract quotes and speakers again over "
              "the whole archive (after the rules improved), without re-embedding.")
@friendly
def build_cmd(paths: tuple[str, ...], index: str | None, full: bool, as_json: bool,
              strict: bool, reembed: bool, backend: str | None, milvus_uri: str | None,
              ray_address: str | None, reattribute: bool) -> None:
    """Build or refresh the index from files and folders (default: seeds/).

    The index then holds exactly the articles found under PATHS; only new or changed
    articles are embedded.
    """
    run_build(paths, index, full, True, as_json, strict, reembed, backend, milvus_uri,
              ray_address, reattribute)


@cli.command("add")
@click.argument("paths", nargs=-1, type=click.Path(), required=True)
@click.option("--index", "index", default=None, help=INDEX_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the build report as JSON.")
@click.option("--strict", is_flag=True, help="Exit non-zero when any file was skipped.")
@click.option("--backend", type=click.Choice(ENGINES), default=None,
              help=BACKEND_HELP)
@click.option("--milvus-uri", default=None, help=MILVUS_HELP)
@friendly
def add_cmd(paths: tuple[str, ...], index: str | None, as_json: bool, strict: bool,
            backend: str | None, milvus_uri: str | None) -> None:
    """Add articles to the index, keeping everything it already holds."""
    run_build(paths, index, False, False, as_json, strict, False, backend, milvus_uri)


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
@click.option("--backend", type=click.Choice(ENGINES), default=None,
              help=BACKEND_HELP)
@click.option("--milvus-uri", default=None, help=MILVUS_HELP)
@friendly
def search_cmd(queries: tuple[str, ...], index: str | None, k: int, mode: str, as_json: bool,
               speaker: str | None, date_from: str | None, date_to: str | None,
               outlets: tuple[str, ...], articles: tuple[str, ...], no_fold: bool,
               backend: str | None, milvus_uri: str | None) -> None:
    """Search the index. Several QUERIES in one call load the model once."""
    validate(mode, k)
    filters = make_filters(date_from, date_to, outlets, articles)
    searcher = Searcher(load_config(index=index, backend=backend, milvus_uri=milvus_uri))
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


def show(config, read: Callable, as_json: bool, render: Callable) -> None:  # noqa: ANN001
    """Open the archive, read one view of it with `read(backend)`, print it as JSON or
    through `render` (one function for stats, speakers and duplicates)."""
    with closing(open_backend(config)) as storage:
        value = read(storage)
    if as_json:
        click.echo(json.dumps(value, ensure_ascii=False))
    else:
        render(value)


@cli.command("stats")
@click.option("--index", "index", default=None, help=INDEX_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@friendly
def stats_cmd(index: str | None, as_json: bool) -> None:
    """Counts, model, build time and size on disk of the index."""
    show(load_config(index=index), lambda storage: storage.stats(), as_json, render_stats)


def render_stats(stats: dict) -> None:
    for key, value in stats.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in value.items())
        click.echo(f"{key:>14}: {value}")


@cli.command("speakers")
@click.option("--index", "index", default=None, help=INDEX_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.option("--backend", type=click.Choice(ENGINES), default=None,
              help=BACKEND_HELP)
@click.option("--milvus-uri", default=None, help=MILVUS_HELP)
@friendly
def speakers_cmd(index: str | None, as_json: bool, backend: str | None,
                 milvus_uri: str | None) -> None:
    """Who is quoted, how often, in how many articles, with aliases and roles."""
    config = load_config(index=index, backend=backend, milvus_uri=milvus_uri)
    show(config, lambda storage: storage.people(), as_json, render_people)


def render_people(people: list[dict]) -> None:
    for p in people:
        aliases = ", ".join(a for a in p["aliases"] if a != p["name"])
        roles = "; ".join(p["roles"])
        kind = p.get("type")
        click.echo(f"{p['quotes']:>5} quotes {p['articles']:>4} articles  {p['name']}"
                   + (f"  <{kind}>" if kind and kind != "person" else "")
                   + (f"  (also: {aliases})" if aliases else "") + (f"  [{roles}]" if roles else ""))


@cli.command("duplicates")
@click.option("--index", "index", default=None, help=INDEX_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@friendly
def duplicates_cmd(index: str | None, as_json: bool) -> None:
    """Story clusters: articles that tell the same story, and how alike their members are."""
    show(load_config(index=index), lambda storage: storage.stories(), as_json, render_stories)


def render_stories(clusters: list[dict]) -> None:
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
