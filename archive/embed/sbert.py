"""The `torch` embedding backend: sentence-transformers on torch, fp32 vectors.

The only module that imports sentence-transformers (and, with onnx_int8's export, torch). The
model loads lazily, on the first encode, so `archive --help` and `archive stats` stay fast.
"""
from __future__ import annotations

import copy
import os
import threading
from collections.abc import Callable, Sequence

import numpy as np

from archive.embed.common import (QUERY_THREADS, TORCH_FP32, encode_by_length, model_name,
                                  require_model_dir)
from archive.errors import ModelNotFound

# torch's thread count is process-wide: a question at a time switches it to QUERY_THREADS
_QUERY_LOCK = threading.Lock()


class TorchEmbedder:
    """A local sentence-transformers model producing L2-normalised float32 vectors."""

    backend = TORCH_FP32  # the embedding backend, as the manifest records it

    def __init__(self, model_path: str, batch_size: int = 32) -> None:
        self.model_path = require_model_dir(model_path)
        self.batch_size = batch_size
        self._model = None
        self._counter = None

    @property
    def model(self):  # noqa: ANN201 - SentenceTransformer, imported lazily
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
            from sentence_transformers import SentenceTransformer  # lazy: loads torch (~2 s)
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # the variables above are read at first import

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
        getter = (getattr(model, "get_embedding_dimension", None)
                  or model.get_sentence_embedding_dimension)
        return int(getter())

    @property
    def max_tokens(self) -> int:
        return int(self.model.max_seq_length)

    def count_tokens(self, text: str) -> int:
        """Word-piece tokens of `text`, special tokens included, counted on a copy of the
        model's tokenizer: a call sets the tokenizer's truncation and padding, and a build
        counts the next article's passages while the model encodes the last ones (sharing
        one tokenizer, a batch came out padded to two lengths)."""
        if self._counter is None:
            self._counter = copy.deepcopy(self.model.tokenizer)
        return len(self._counter(text, add_special_tokens=True, truncation=False,
                                 verbose=False)["input_ids"])

    def encode(self, texts: Sequence[str],
               progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Vectors for `texts`, shape (n, dim), float32, unit length, in input order."""
        return encode_by_length(texts, self.dimension, self.batch_size * 8, self._encode_chunk,
                                progress)

    def _encode_chunk(self, texts: list[str]) -> np.ndarray:
        return self.model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                 convert_to_numpy=True, show_progress_bar=False)

    def versions(self) -> dict[str, str]:
        import sentence_transformers  # lazy: loads torch
        import torch  # lazy: heavy

        return {"sentence_transformers": sentence_transformers.__version__,
                "torch": torch.__version__}

    def encode_query(self, text: str) -> np.ndarray:
        import torch  # lazy: already loaded with the model

        model = self.model
        with _QUERY_LOCK:
            team = torch.get_num_threads()
            torch.set_num_threads(QUERY_THREADS)
            try:
                return np.asarray(model.encode(
                    [text], batch_size=1, normalize_embeddings=True, convert_to_numpy=True,
                    show_progress_bar=False)[0], dtype=np.float32)
            finally:
                torch.set_num_threads(team)
