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
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager

import click

from archive.commands import user as user_commands
from archive.commands.mentions import mentions as mentions_command
from archive.commands.serve import serve as serve_command
from archive.commands.shell import BACKEND_HELP, INDEX_HELP, MILVUS_HELP, friendly
from archive.config import SETTINGS, load_config
from archive.embed.ray_data import RayEmbedder
from archive.search import (
    FORMATS,
    ResultWriter,
    Searcher,
    answer_batch,
    describe,
    make_filters,
    read_batch_file,
    validate,
    write_batch,
)
from archive.search import rows as export_rows
from archive.storage import ENGINES, engine_class, open_backend

MAX_ARTICLE_HELP = ("Skip (and report) any article whose cleaned text is over this many MB "
                    "(1 MB = 1,000,000 bytes; default: $ARCHIVE_MAX_ARTICLE_BYTES or 5).")


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
              reattribute: bool = False, max_article_mb: float | None = None) -> None:
    # lazy: the build loads faiss and sqlite_utils (with pandas), which --help does not need
    from archive.build import build, build_distributed, current_manifest
    from archive.build import reattribute as redo_attribution
    from archive.build import reembed as migrate

    config = load_config(index=index, backend=backend, milvus_uri=milvus_uri,
                         max_article_bytes=None if max_article_mb is None
                         else int(max_article_mb * 1_000_000))
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
            embedder = RayEmbedder(config, address, manifest=current_manifest(config))
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
@click.option("--max-article-mb", type=click.FloatRange(min=0, min_open=True), default=None,
              help=MAX_ARTICLE_HELP)
@friendly
def build_cmd(paths: tuple[str, ...], index: str | None, full: bool, as_json: bool,
              strict: bool, reembed: bool, backend: str | None, milvus_uri: str | None,
              ray_address: str | None, reattribute: bool,
              max_article_mb: float | None) -> None:
    """Build or refresh the index from files and folders (default: seeds/).

    The index then holds exactly the articles found under PATHS; only new or changed
    articles are embedded.
    """
    run_build(paths, index, full, True, as_json, strict, reembed, backend, milvus_uri,
              ray_address, reattribute, max_article_mb)


@cli.command("add")
@click.argument("paths", nargs=-1, type=click.Path(), required=True)
@click.option("--index", "index", default=None, help=INDEX_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the build report as JSON.")
@click.option("--strict", is_flag=True, help="Exit non-zero when any file was skipped.")
@click.option("--backend", type=click.Choice(ENGINES), default=None,
              help=BACKEND_HELP)
@click.option("--milvus-uri", default=None, help=MILVUS_HELP)
@click.option("--max-article-mb", type=click.FloatRange(min=0, min_open=True), default=None,
              help=MAX_ARTICLE_HELP)
@friendly
def add_cmd(paths: tuple[str, ...], index: str | None, as_json: bool, strict: bool,
            backend: str | None, milvus_uri: str | None, max_article_mb: float | None) -> None:
    """Add articles to the index, keeping everything it already holds."""
    run_build(paths, index, False, False, as_json, strict, False, backend, milvus_uri,
              max_article_mb=max_article_mb)


@cli.command("search")
@click.argument("queries", nargs=-1)
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
@click.option("--include-undated", is_flag=True, help="With --from/--to, also search articles "
              "that have no date (else left out, and counted on stderr).")
@click.option("--backend", type=click.Choice(ENGINES), default=None,
              help=BACKEND_HELP)
@click.option("--milvus-uri", default=None, help=MILVUS_HELP)
@click.option("--format", "fmt", type=click.Choice(("text", *FORMATS)), default=None,
              help="text (the default), csv, jsonl (one row per hit) or md (citations to "
              "paste); by default the --output file's extension, or csv with --batch.")
@click.option("--output", "output", type=click.Path(dir_okay=False), default=None,
              help="Write the results to this file instead of stdout.")
@click.option("--batch", "batch", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Ask every question of FILE: one per line, or a .csv with a query column "
              "and optional speaker, from, to, outlet, article, mode, k columns (a row's "
              "cells override the options). Bad rows are reported and skipped.")
@friendly
def search_cmd(queries: tuple[str, ...], index: str | None, k: int, mode: str, as_json: bool,
               speaker: str | None, date_from: str | None, date_to: str | None,
               outlets: tuple[str, ...], articles: tuple[str, ...], no_fold: bool,
               backend: str | None, milvus_uri: str | None, fmt: str | None,
               output: str | None, batch: str | None, include_undated: bool = False) -> None:
    """Search the index. Several QUERIES (or a --batch file) load the model once."""
    if bool(queries) == bool(batch):
        raise click.UsageError("give one or more QUERY, or --batch FILE (not both)")
    fmt = output_format(fmt, output, as_json, batch)
    validate(mode, k)
    filters = make_filters(date_from, date_to, outlets, articles,
                           include_undated=include_undated)
    searcher = Searcher(load_config(index=index, backend=backend, milvus_uri=milvus_uri))
    left_out = searcher.backend.undated_count(filters) if filters.dated() else 0
    if left_out:
        click.echo(f"note: {left_out} passages without a date are left out by the date "
                   "filter; add --include-undated to search them too", err=True)
    with open_output(output) as out:
        if batch:
            defaults = {"k": k, "mode": mode, "speaker": speaker, "date_from": date_from,
                        "date_to": date_to, "outlets": outlets, "articles": articles,
                        "fold": not no_fold, "include_undated": include_undated}
            search_batch(searcher, batch, defaults, fmt, out)
            return
        writer = ResultWriter(fmt, out) if fmt in FORMATS else None
        for query in queries:
            answer = searcher.ask(query, k=k, mode=mode, filters=filters, speaker=speaker,
                                  fold=not no_fold)
            if writer is not None:
                writer.write(query, export_rows(answer.hits, query, searcher.backend))
            else:
                emit(query, answer, fmt, out)


def output_format(fmt: str | None, output: str | None, as_json: bool, batch: str | None) -> str:
    """json, text, csv, jsonl or md: --json, else --format, else the --output file's
    extension, else csv for a batch and text for queries."""
    if as_json:
        if fmt not in (None, "jsonl"):
            raise click.UsageError("--json and --format: choose one")
        return "json" if fmt is None else fmt
    suffix = output.rsplit(".", 1)[-1].lower() if output and "." in output else ""
    return fmt or (suffix if suffix in FORMATS else "csv" if batch else "text")


class EchoOut:
    """stdout as a file for the writers (through click.echo, so tests capture it)."""

    def write(self, text: str) -> None:
        click.echo(text, nl=False)


@contextmanager
def open_output(output: str | None) -> Iterator:
    if output is None:
        yield EchoOut()
        return
    with open(output, "w", encoding="utf-8", newline="") as out:
        yield out


def emit(query: str, answer, fmt: str, out, line: int | None = None) -> None:  # noqa: ANN001
    """One query's answer as its JSON object (--json: query, hits, understood[, line]) or
    text (how the question was read, then the hits)."""
    if fmt == "json":
        value = answer.to_json(query)
        if line is not None:
            value["line"] = line
        out.write(json.dumps(value, ensure_ascii=False) + "\n")
    else:
        print_hits(query, answer.hits, None if isinstance(out, EchoOut) else out,
                   describe(answer.understood))


def search_batch(searcher: Searcher, path: str, defaults: dict, fmt: str, out) -> None:  # noqa: ANN001
    """Every question of a batch file with one Searcher; bad rows and failed questions
    reported on stderr with their line numbers, progress on stderr unless --json."""
    questions, bad = read_batch_file(path, defaults)
    for row in bad:
        click.echo(f"{path}: {row}", err=True)
    failed: list = []
    with click.progressbar(length=len(questions), label="Searching", hidden=fmt == "json",
                           file=sys.stderr) as bar:
        def step(i, q):  # noqa: ANN001, ANN202
            bar.update(1)
        if fmt in FORMATS:
            failed = write_batch(searcher, questions, fmt, out, step)
        else:
            for q, answer, error in answer_batch(searcher, questions, step):
                if answer is None:
                    failed.append(f"line {q.line}: {error} (skipped)")
                else:
                    emit(q.query, answer, fmt, out, q.line)
    for row in failed:
        click.echo(f"{path}: {row}", err=True)
    if fmt != "json":
        answered = len(questions) - len(failed)
        click.echo(f"{answered} question{'' if answered == 1 else 's'} answered, "
                   f"{len(bad) + len(failed)} skipped", err=True)


def print_hits(query: str, hits, out=None, reading: str | None = None) -> None:  # noqa: ANN001
    click.secho(f"# {query}", bold=True, file=out)
    if reading:
        click.echo(f"  ({reading})", file=out)
    if not hits:
        click.echo("  no results", file=out)
    for h in hits:
        source = " · ".join(x for x in (h.outlet, h.date, h.title) if x)
        click.echo(f"{h.rank:>3}. [{h.score:.4f}] {source}", file=out)
        if h.speaker:
            click.echo(f"     {h.speaker} ({h.cue}): {h.quote}", file=out)
        click.echo(f"     {h.text}", file=out)
        if h.also_in:
            click.echo("     also reported by: " + ", ".join(
                a["outlet"] or a["title"] for a in h.also_in), file=out)
    click.echo(file=out)


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


cli.add_command(user_commands.saved)  # archive saved ...: saved searches (user.db)
cli.add_command(user_commands.bookmarks)  # archive bookmarks ...: bookmarks (user.db)
cli.add_command(serve_command)  # archive serve: the read-only HTTP JSON API
cli.add_command(mentions_command)  # archive mentions: names the passages mention


def main() -> None:
    cli(prog_name="archive")


if __name__ == "__main__":
    main()
