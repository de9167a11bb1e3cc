"""archive: an offline, searchable news archive with semantic retrieval.

The public API, loaded on first use (PEP 562), so `import archive` stays cheap:

    import archive

    config = archive.load_config(index="index")
    archive.build_index(["seeds/"], config)          # build or update an archive
    hits = archive.Searcher(config).search("what did Lavrov say", k=5)

- `Searcher` answers queries (`search`, `context`, `article`, `people`, ...) with `Hit`s,
  narrowed by `Filters`.
- `build_index`, `add`, `reembed`, `reattribute` build and maintain an archive; each returns
  a `BuildReport`. `build_index` is `archive.build.build` under another name: the name
  `archive.build` is the subpackage that holds the build.
- `load_config` and `Config`: the settings (environment variables, overrides).
- `ArchiveError` is the base of every error raised on purpose (`IndexNotFound`,
  `IndexMismatch`, `IndexCorrupt`, `BuildLocked`, `BadRequest`, `ModelNotFound`,
  `NotSupported`).

The parts, one folder each (see docs/architecture.md): text, quotes, embed, storage, search,
build, app; `cli` is the `archive` command.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

# public name -> (module, attribute)
_API = {
    "Searcher": ("archive.search", "Searcher"),
    "Hit": ("archive.models", "Hit"),
    "Filters": ("archive.models", "Filters"),
    "load_config": ("archive.config", "load_config"),
    "Config": ("archive.config", "Config"),
    "build_index": ("archive.build", "build"),
    "add": ("archive.build", "add"),
    "reembed": ("archive.build", "reembed"),
    "reattribute": ("archive.build", "reattribute"),
    "BuildReport": ("archive.build", "BuildReport"),
    **{name: ("archive.errors", name) for name in (
        "ArchiveError", "BadRequest", "BuildLocked", "IndexCorrupt", "IndexMismatch",
        "IndexNotFound", "ModelNotFound", "NotSupported")},
}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> object:
    """Import the module that holds a public name on first use, and keep the name here."""
    try:
        module, attribute = _API[name]
    except KeyError:
        raise AttributeError(f"module 'archive' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_API})
