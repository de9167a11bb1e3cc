"""What every page shares: the cached model and Searcher, the index in use, error display.

The model is loaded once per server process and only when a page needs it (searching or
indexing); a Searcher is cached per index folder and follows new generations by itself.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import streamlit as st

from archive.app.uploads import public_message
from archive.config import load_config
from archive.embed import AUTO, Embedder, make_embedder, resolve_backend
from archive.errors import ArchiveError, IndexNotFound
from archive.search import Searcher
from archive.storage import archive_exists

log = logging.getLogger("archive.app")
BUILD_COMMAND = "archive build seeds"


def index_folder() -> str:
    """The index folder chosen by ARCHIVE_INDEX (default ./index), as an absolute path."""
    return str(Path(load_config().index).expanduser().resolve())


@st.cache_resource(show_spinner="Loading the language model…")
def get_embedder(model_path: str, batch_size: int, embedding_backend: str) -> Embedder:
    """The embedder the settings ask for (torch fp32 or ONNX int8), one per server process:
    an onnx-int8 archive is searched with the int8 model it was built with."""
    return make_embedder(load_config(model=model_path, batch_size=batch_size,
                                     embedding_backend=embedding_backend))


class LazyEmbedder:
    """Stands in for the shared embedder; loads it on first use (People and Archive pages
    never need the model). With embedding_backend "auto", `manifest()` (the archive's, set
    once its Searcher exists) says which backend."""

    def __init__(self, model_path: str, batch_size: int, embedding_backend: str,
                 manifest: Callable[[], dict] | None = None) -> None:
        self._args = (model_path, batch_size, embedding_backend)
        self.manifest = manifest

    def __getattr__(self, name: str):
        model_path, batch_size, setting = self._args
        if setting == AUTO:  # resolved once: the page's archive keeps its backend
            setting = resolve_backend(setting, self.manifest() if self.manifest else None)
            self._args = (model_path, batch_size, setting)
        return getattr(get_embedder(model_path, batch_size, setting), name)


@st.cache_resource(show_spinner=False)
def get_searcher(index: str) -> Searcher:
    """One Searcher per index folder, shared by every session (read-only store)."""
    config = load_config(index=index)
    lazy = LazyEmbedder(config.model_path, config.batch_size, config.embedding_backend)
    searcher = Searcher(config, embedder=lazy)
    lazy.manifest = lambda: searcher.backend.manifest()
    return searcher


def searcher() -> Searcher:
    return get_searcher(index_folder())


def has_archive(index: str | None = None) -> bool:
    """Whether the configured storage engine holds an archive: a published local generation,
    or a Milvus archive (built with `--ray --backend milvus` there may be no local one)."""
    return archive_exists(load_config(index=index or index_folder()))


def no_archive() -> None:
    st.info("There is no archive here yet. Build one from the seed articles with one command, "
            "then reload this page:")
    st.code(f"{BUILD_COMMAND} --index {index_folder()}", language="bash")
    st.caption("From a fresh checkout, `make run` sets everything up and starts this page. "
               "You can also add your own articles on the Archive page.")


def show_error(exc: BaseException) -> None:
    """One line, never a traceback, and no server path: the index folder reads INDEX."""
    if isinstance(exc, IndexNotFound):
        no_archive()
    elif isinstance(exc, ArchiveError):
        st.error(public_message(str(exc), index_folder()), icon=":material/error:")
    else:
        log.exception("unexpected error in the page")
        st.error(f"Something went wrong ({type(exc).__name__}): "
                 f"{public_message(str(exc), index_folder())}. The details are in the "
                 "server log.", icon=":material/error:")


@contextmanager
def friendly() -> Iterator[None]:
    """Show library errors as one line; let Streamlit's own control flow pass."""
    try:
        yield
    except ArchiveError as exc:
        show_error(exc)
    except Exception as exc:  # noqa: BLE001 - the page must never show a traceback
        # (st.stop / st.rerun raise BaseException subclasses, which pass through)
        show_error(exc)
