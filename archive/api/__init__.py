"""The read-only HTTP JSON API (`archive serve`): FastAPI on uvicorn, localhost by default.

`create_app(config)` (in `server`) answers /search, /speakers, /people/{name},
/articles/{article_id} and /stats with the same JSON as the CLI's --json, and documents
itself at /docs (OpenAPI at /openapi.json); `run_server(config, host, port)` serves it.
The only part that imports fastapi and uvicorn, and only when a server starts: the names
below load `server` on first use (PEP 562), so `archive --help` stays fast.

May import archive.search and archive.storage (public names), archive.config, archive.errors.
"""
from __future__ import annotations

import importlib

__all__ = ["create_app", "run_server"]


def __getattr__(name: str) -> object:
    """Load `archive.api.server` (fastapi, uvicorn) when one of its names is first used."""
    if name not in __all__:
        raise AttributeError(f"module 'archive.api' has no attribute {name!r}")
    value = getattr(importlib.import_module("archive.api.server"), name)
    globals()[name] = value
    return value
