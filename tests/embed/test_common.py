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


@pytest.mark.parametrize("backend", ["torch", "onnx"])
def test_counting_while_the_model_encodes(backend, embedder, tmp_path):
    """A build counts the next article's tokens on its thread while the model encodes on
    another: counting must not change how the encoder tokenizes (the torch tokenizer's
    truncation and padding are set per call; shared, a batch came out padded to two
    lengths)."""
    import threading

    from archive.config import load_config
    from archive.embed import OnnxEmbedder

    model = embedder if backend == "torch" else OnnxEmbedder(
        load_config().model_path, 1, cache=tmp_path, threads=2)
    texts = [("word " * n).strip() + "." for n in range(3, 120, 7)] * 4
    expected = model.encode(texts)
    stop, counted = threading.Event(), []

    def count() -> None:
        while not stop.is_set():
            counted.append(model.count_tokens(texts[-1]))
    counter = threading.Thread(target=count)
    counter.start()
    try:
        got = np.stack([model.encode(texts) for _ in range(8)])
    finally:
        stop.set()
        counter.join()
    assert counted and len(set(counted)) == 1
    assert float(np.min(np.sum(got * expected, axis=-1))) > 0.9999
