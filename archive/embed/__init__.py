"""Embedding: passage and query text to L2-normalised float32 vectors.

Owns the `Embedder` interface and the embedding backends: `torch` (sentence-transformers on
torch, fp32; `sbert.py`), `onnx-int8` (ONNX Runtime, dynamically quantized; `onnx_int8.py`)
and Ray Data fan-out of either (`ray_data.py`: `RayEmbedder`, `ray_session`, imported from
there because it needs `make_embedder` from here). Only this package imports
sentence-transformers, torch and onnxruntime, all lazily, so importing it is cheap and the
model loads on the first encode. May import `archive.errors` and `archive.config` only.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from archive.config import Config
from archive.embed.common import (AUTO, EMBEDDING_BACKENDS, ONNX_INT8, backend_label,
                                  model_name, resolve_backend)
from archive.embed.onnx_int8 import OnnxEmbedder
from archive.embed.sbert import TorchEmbedder
from archive.embed.tagger import TAGGER_DIR, QuoteTagger, TokenReading

__all__ = ["AUTO", "EMBEDDING_BACKENDS", "Embedder", "OnnxEmbedder", "TorchEmbedder",
           "backend_label", "make_embedder", "model_name", "make_quote_tagger", "QuoteTagger",
           "TokenReading", "TAGGER_DIR", "resolve_backend"]


class Embedder(Protocol):
    """What the build, the searcher and the page need from an embedder."""

    backend: str  # the embedding backend label recorded in the manifest ("torch-fp32", ...)
    model_path: str  # the resolved model folder
    batch_size: int

    @property
    def name(self) -> str:
        """The model's name for the manifest."""

    @property
    def dimension(self) -> int: ...

    @property
    def max_tokens(self) -> int:
        """Longest input in word-piece tokens; longer text is truncated."""

    def count_tokens(self, text: str) -> int: ...

    def encode(self, texts: Sequence[str],
               progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Vectors for `texts`, shape (n, dimension), unit length, in input order."""

    def encode_query(self, text: str) -> np.ndarray: ...

    def versions(self) -> dict[str, str]:
        """Library versions for the manifest."""


def make_quote_tagger(config: Config) -> QuoteTagger | None:
    """The shipped quote tagger when the configuration attributes quotes with it, else None.
    One thread: a build runs it beside spaCy while the embedder uses the other cores, and
    one article's paragraphs are a small batch (threads spin more than they compute)."""
    if not config.attribution or not config.quote_tagger:
        return None
    return QuoteTagger(threads=1)


def make_embedder(config: Config, manifest: dict | None = None) -> Embedder:
    """The embedder the configuration asks for (torch fp32 or ONNX Runtime int8); with
    "auto" (the default), the one the archive of `manifest` was built with, int8 for a new
    archive (`resolve_backend`)."""
    if backend_label(resolve_backend(config.embedding_backend, manifest)) == ONNX_INT8:
        return OnnxEmbedder(config.model_path, config.onnx_batch_size)
    return TorchEmbedder(config.model_path, config.batch_size)

