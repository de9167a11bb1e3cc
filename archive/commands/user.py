"""`archive saved ...` and `archive bookmarks ...`: the reader's notebook from the command line.

Saved searches and bookmarks live in INDEX/user.db (`archive.storage.UserData`), beside the
index and outside its generations, so they survive every build. A bookmark names its
passage by article id and passage hash and is resolved against the archive when listed:
a passage whose article left the archive is listed as REMOVED, never dropped.
"""
from __future__ import annotations

import json
import shlex
from collections.abc import Callable
from contextlib import closing

import click

from archive.commands.shell import BACKEND_HELP, MILVUS_HELP, friendly
from archive.config import Config, load_config
from archive.errors import BadRequest
from archive.search import Searcher, make_filters, validate
from archive.storage import (
    ENGINES,
    EXPORT_FORMATS,
    Bookmark,
    SavedRun,
    SavedSearch,
    UserData,
    archive_exists,
    export_bookmarks,
    open_backend,
    resolve_bookmarks,
)

INDEX_HELP = "Index folder (default: $ARCHIVE_INDEX or ./index); user.db lives in it."


def index_option(fn: Callable) -> Callable:
    return click.option("--index", "index", default=None, help=INDEX_HELP)(fn)


def engine_options(fn: Callable) -> Callable:
    fn = click.option("--milvus-uri", default=None, help=MILVUS_HELP)(fn)
    return click.option("--backend", type=click.Choice(ENGINES), default=None,
                        help=BACKEND_HELP)(fn)


def notebook(config: Config) -> UserData:
    return UserData(config.index_dir)


# -- saved searches ---------------------------------------------------------------------
@click.group("saved")
def saved() -> None:
    """Saved searches: keep a question with its filters, run it again later and see which
    hits are new since the last run."""


@saved.command("add")
@click.argument("name")
@click.argument("query")
@click.option("--speaker", default=None, help="Only passages quoting this person.")
@click.option("--from", "date_from", default=None, help="Earliest date, YYYY-MM-DD.")
@click.option("--to", "date_to", default=None, help="Latest date, YYYY-MM-DD.")
@click.option("--outlet", "outlets", multiple=True, help="Only these outlets (repeatable).")
@click.option("--article", "articles", multiple=True,
              help="Only these article ids (repeatable).")
@click.option("--mode", default="hybrid", show_default=True, help="hybrid, dense or keyword.")
@click.option("-k", "k", default=10, show_default=True, type=int, help="Hits per run.")
@click.option("--replace", is_flag=True, help="Replace a saved search of the same name.")
@index_option
@friendly
def saved_add(name: str, query: str, speaker: str | None, date_from: str | None,
              date_to: str | None, outlets: tuple[str, ...], articles: tuple[str, ...],
              mode: str, k: int, replace: bool, index: str | None) -> None:
    """Save QUERY under NAME, with its filters (the same options as `archive search`)."""
    validate(mode, k)
    f = make_filters(date_from, date_to, outlets, articles)
    search = notebook(load_config(index=index)).save_search(SavedSearch(
        name=name, query=query, mode=mode, k=k, speaker=speaker or None,
        date_from=f.date_from, date_to=f.date_to, outlets=f.outlets, article_ids=f.article_ids),
        replace=replace)
    click.echo(f"Saved {search.name!r}: run it with 'archive saved run "
               f"{shlex.quote(search.name)}'.")


@saved.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@index_option
@friendly
def saved_list(as_json: bool, index: str | None) -> None:
    """The saved searches, with their filters, number of runs and last run."""
    searches = notebook(load_config(index=index)).saved_searches()
    if as_json:
        click.echo(json.dumps([s.to_json() for s in searches], ensure_ascii=False))
        return
    if not searches:
        click.echo("no saved searches (save one with 'archive saved add NAME QUERY')")
    for s in searches:
        click.echo(f"{s.name}: {s.query!r}  [{s.summary()}]  "
                   + (f"{s.runs} runs, last {s.last_run}" if s.runs else "never run"))


@saved.command("run")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="One JSON object: the query and its hits "
              "as `archive search --json`, each hit with \"new\" and \"passage_hash\".")
@index_option
@engine_options
@friendly
def saved_run(name: str, as_json: bool, index: str | None, backend: str | None,
              milvus_uri: str | None) -> None:
    """Run the saved search NAME; hits no earlier run returned are marked NEW."""
    config = load_config(index=index, backend=backend, milvus_uri=milvus_uri)
    searcher = Searcher(config)
    try:
        run = notebook(config).run_search(name, lambda s: searcher.search(**s.search_args()))
    finally:
        searcher.close()
    if as_json:
        click.echo(json.dumps(run.to_json(), ensure_ascii=False))
    else:
        print_run(run)


def print_run(run: SavedRun) -> None:
    since = f"since {run.previous_run}" if run.previous_run else "(first run)"
    click.secho(f"# {run.search.name}: {run.search.query}  —  {run.new_count} new {since}",
                bold=True)
    if not run.hits:
        click.echo("  no results")
    for hit, new in zip(run.hits, run.new):
        source = " · ".join(x for x in (hit.outlet, hit.date, hit.title) if x)
        click.echo(f"{hit.rank:>3}. {'NEW ' if new else ''}{source}")
        if hit.speaker:
            click.echo(f"     {hit.speaker} ({hit.cue}): {hit.quote}")
        click.echo(f"     {hit.text}")


@saved.command("delete")
@click.argument("name")
@index_option
@friendly
def saved_delete(name: str, index: str | None) -> None:
    """Delete the saved search NAME and its run history."""
    notebook(load_config(index=index)).delete_search(name)
    click.echo(f"Deleted the saved search {name!r}.")


# -- bookmarks ----------------------------------------------------------------------------
@click.group("bookmarks")
def bookmarks() -> None:
    """Bookmarks: passages kept with a note and tags; they survive rebuilds, and one whose
    article left the archive is listed as REMOVED."""


@bookmarks.command("add")
@click.option("--passage-id", type=int, default=None,
              help="The passage's id now (passage_id in `archive search --json`).")
@click.option("--article", "article_id", default=None, help="The article id (with "
              "--passage-hash).")
@click.option("--passage-hash", default=None,
              help="SHA-1 of the passage text (passage_hash in `archive saved run --json`).")
@click.option("--note", default="", help="A note to keep with it.")
@click.option("--tag", "tags", multiple=True, help="A tag (repeatable, or comma-separated).")
@click.option("--json", "as_json", is_flag=True, help="Print the bookmark as JSON.")
@index_option
@engine_options
@friendly
def bookmarks_add(passage_id: int | None, article_id: str | None, passage_hash: str | None,
                  note: str, tags: tuple[str, ...], as_json: bool, index: str | None,
                  backend: str | None, milvus_uri: str | None) -> None:
    """Bookmark a passage: --passage-id N, or --article ID --passage-hash H."""
    by_id = passage_id is not None and article_id is None and passage_hash is None
    if not by_id and not (passage_id is None and article_id and passage_hash):
        raise BadRequest("name the passage either with --passage-id N or with --article ID "
                         "and --passage-hash H")
    config = load_config(index=index, backend=backend, milvus_uri=milvus_uri)
    with closing(open_backend(config)) as storage:
        if passage_id is not None:
            row = storage.fetch([passage_id]).get(passage_id)
            where = f"no passage {passage_id} in the archive"
        else:
            row = storage.find_passages([(article_id, passage_hash)]).get(
                (article_id, passage_hash))
            where = f"no passage with hash {passage_hash} in article {article_id!r}"
    if row is None:
        raise BadRequest(f"{where}: take passage_id from 'archive search --json'")
    mark = notebook(config).add_bookmark(row, note, tags)
    if as_json:
        click.echo(json.dumps(mark.to_json(), ensure_ascii=False))
    else:
        click.echo(f"Bookmarked #{mark.id}: {mark.citation()}")


@bookmarks.command("list")
@click.option("--tag", default=None, help="Only bookmarks with this tag.")
@click.option("--text", default=None, help="Only bookmarks whose note, tags, title, outlet "
              "or passage contain these words.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default=None,
              help="Export: csv (one row each), json, or md (citations to paste).")
@index_option
@engine_options
@friendly
def bookmarks_list(tag: str | None, text: str | None, as_json: bool, fmt: str | None,
                   index: str | None, backend: str | None, milvus_uri: str | None) -> None:
    """The bookmarks, newest first, each checked against the archive: REMOVED when its
    article left it, CHANGED when the article no longer has that passage."""
    config = load_config(index=index, backend=backend, milvus_uri=milvus_uri)
    marks = notebook(config).bookmarks(tag=tag, text=text)
    if marks and archive_exists(config):
        with closing(open_backend(config)) as storage:
            marks = resolve_bookmarks(storage, marks)
    if as_json or fmt:
        click.echo(export_bookmarks(marks, fmt or "json").rstrip("\n"))
        return
    if not marks:
        click.echo("no bookmarks" + (" match" if tag or text else
                                     " (add one with 'archive bookmarks add')"))
    for m in marks:
        print_bookmark(m)


def print_bookmark(m: Bookmark) -> None:
    flag = f"[{m.flag}] " if m.flag else ""
    click.echo(f"#{m.id} {flag}{m.citation()}")
    if m.tags:
        click.echo(f"     tags: {', '.join(m.tags)}")
    if m.note:
        click.echo(f"     note: {m.note}")


@bookmarks.command("note")
@click.argument("bookmark_id", metavar="ID", type=int)
@click.argument("text")
@index_option
@friendly
def bookmarks_note(bookmark_id: int, text: str, index: str | None) -> None:
    """Replace the note of bookmark ID with TEXT ("" clears it)."""
    notebook(load_config(index=index)).set_note(bookmark_id, text)
    click.echo(f"Note of bookmark #{bookmark_id} saved.")


@bookmarks.command("tag")
@click.argument("bookmark_id", metavar="ID", type=int)
@click.option("--add", "add", multiple=True, help="A tag to add (repeatable).")
@click.option("--remove", "remove", multiple=True, help="A tag to remove (repeatable).")
@index_option
@friendly
def bookmarks_tag(bookmark_id: int, add: tuple[str, ...], remove: tuple[str, ...],
                  index: str | None) -> None:
    """Add or remove tags of bookmark ID."""
    mark = notebook(load_config(index=index)).set_tags(bookmark_id, add, remove)
    click.echo(f"Bookmark #{mark.id} tags: {', '.join(mark.tags) or '(none)'}")


@bookmarks.command("delete")
@click.argument("bookmark_id", metavar="ID", type=int)
@index_option
@friendly
def bookmarks_delete(bookmark_id: int, index: str | None) -> None:
    """Delete bookmark ID."""
    notebook(load_config(index=index)).delete_bookmark(bookmark_id)
    click.echo(f"Deleted bookmark #{bookmark_id}.")
