"""archive.embed's shared pieces: backend labels, the model's manifest name, the model-folder
check and the length-sorted batching every embedder uses (no model loaded here)."""
from __future__ import annotations

import numpy as np
import pytest

from archive.embed import EMBEDDING_BACKENDS, backend_label, model_name
from archive.embed.common import encode_by_length, require_model_dir
from archive.errors import BadRequest, ModelNotFound


def test_backend_labels():
    assert backend_label("torch") == backend_label(" Torch-FP32 ") == "torch-fp32"
    assert backend_label("onnx-int8") == "onnx-int8"
    assert set(EMBEDDING_BACKENDS.values()) == {"torch-fp32", "onnx-int8"}
    with pytest.raises(BadRequest, match="choose auto, torch or onnx-int8"):
        backend_label("tensorrt")


def test_model_name_and_folder(tmp_path):
    assert model_name(str(tmp_path)) == tmp_path.name
    (tmp_path / "README.md").write_text("# all-MiniLM-L6-v2\n")
    assert model_name(str(tmp_path)) == "sentence-transformers/all-MiniLM-L6-v2"
    assert require_model_dir(str(tmp_path)) == str(tmp_path.resolve())
    with pytest.raises(ModelNotFound, match="ARCHIVE_MODEL"):
        require_model_dir(str(tmp_path / "missing"))


def test_encode_by_length_keeps_input_order():
    texts = ["bb", "a", "dddd", "ccc", "eeeee"]
    chunks, done = [], []

    def encode(chunk: list[str]) -> np.ndarray:
        chunks.append(chunk)
        return np.array([[len(t), 0.0] for t in chunk], dtype=np.float32)

    out = encode_by_length(texts, 2, 2, encode, done.append)
    assert out[:, 0].tolist() == [2, 1, 4, 3, 5] and out.dtype == np.float32
    assert chunks == [["eeeee", "dddd"], ["ccc", "bb"], ["a"]]  # longest first
    assert done == [2, 2, 1]
    assert encode_by_length([], 3, 2, encode).shape == (0, 3)
