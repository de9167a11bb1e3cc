"""`archive serve`: the read-only HTTP JSON API (archive.api) on localhost.

FastAPI and uvicorn load only when the server starts (`archive.api` loads its server module
on first use), so `archive --help` stays fast.
"""
from __future__ import annotations

import click

from archive import api
from archive.commands.shell import BACKEND_HELP, INDEX_HELP, MILVUS_HELP, friendly
from archive.config import load_config
from archive.storage import ENGINES

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. The API has no login: keep it on localhost, or put "
              "it behind an authenticating proxy.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535),
              help="Port to listen on.")
@click.option("--index", "index", default=None, help=INDEX_HELP)
@click.option("--backend", type=click.Choice(ENGINES), default=None, help=BACKEND_HELP)
@click.option("--milvus-uri", default=None, help=MILVUS_HELP)
@friendly
def serve(host: str, port: int, index: str | None, backend: str | None,
          milvus_uri: str | None) -> None:
    """Serve a read-only JSON API: /search, /speakers, /people/NAME, /articles/ID, /stats,
    with OpenAPI docs at /docs."""
    if host not in LOCAL_HOSTS:
        click.echo(f"warning: serving on {host}: anyone who reaches this address can read "
                   "the archive (the API has no login)", err=True)
    config = load_config(index=index, backend=backend, milvus_uri=milvus_uri)
    api.run_server(config, host=host, port=port)
