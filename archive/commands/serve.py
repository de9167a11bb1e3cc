"""`archive serve`: the read-only HTTP JSON API (archive.api) on localhost.

FastAPI and uvicorn load only when the server starts (`archive.api` loads its server module
on first use), so `archive --help` stays fast.
"""
from __future__ import annotations

import click

from archive import api
from archive.config import load_config
from archive.errors import ArchiveError
from archive.storage import ENGINES

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. The API has no login: keep it on localhost, or put "
              "it behind an authenticating proxy.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535),
              help="Port to listen on.")
@click.option("--index", "index", default=None,
              help="Index folder (default: $ARCHIVE_INDEX or ./index).")
@click.option("--backend", type=click.Choice(ENGINES), default=None,
              help="Storage and search engine: local (FAISS + SQLite, default) or milvus.")
@click.option("--milvus-uri", default=None, help="Milvus for --backend milvus: a file path "
              "(Milvus Lite) or http://host:19530 (default: $ARCHIVE_MILVUS_URI).")
def serve(host: str, port: int, index: str | None, backend: str | None,
          milvus_uri: str | None) -> None:
    """Serve a read-only JSON API: /search, /speakers, /people/NAME, /articles/ID, /stats,
    with OpenAPI docs at /docs."""
    if host not in LOCAL_HOSTS:
        click.echo(f"warning: serving on {host}: anyone who reaches this address can read "
                   "the archive (the API has no login)", err=True)
    try:
        config = load_config(index=index, backend=backend, milvus_uri=milvus_uri)
        api.run_server(config, host=host, port=port)
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from None
