"""Sentence embeddings with ONNX Runtime, dynamically quantized to int8 (`embedding_backend =
onnx-int8`).

The packaged sentence-transformers folder (a BERT encoder in Hugging Face format, mean pooling,
L2 normalisation) is exported once with `torch.onnx.export` (inputs input_ids, attention_mask,
token_type_ids; dynamic batch and sequence axes), quantized with
`onnxruntime.quantization.quantize_dynamic` (per-channel int8 weights of every MatMul), and
cached under `ARCHIVE_ONNX_CACHE` (default `~/.cache/archive/onnx/<model-hash>/`), so the
export (the only place torch is imported) happens once per model. Inference needs only
onnxruntime, `tokenizers` and numpy: the model's tokenizer.json, truncation at the model's
max_seq_length (256), padding to the longest text of each batch, mean pooling over the
attention mask, L2 normalisation.

Dynamic quantization computes each activation's int8 scale over the whole batch tensor, so a
text's vector depends very slightly on the texts batched with it (cosine > 0.99 between a
text encoded alone and in a batch of 3 on the seeds); vectors are deterministic for a given
batch.

Vectors are close to the torch fp32 ones (cosine about 0.99) but not equal: an index records
the backend that built it ("embedding_backend" in the manifest) and the two never share one.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import tokenizers

from archive.embed.common import (ONNX_INT8, QUERY_THREADS, encode_by_length, model_name,
                                  require_model_dir)
from archive.errors import ModelNotFound

# STREAMS_NOTE: the int8 model quantizes its activations per run and pads a batch to its
# longest passage, so one passage per run is the fastest, and several single-threaded runs
# side by side (ONNX Runtime's run is thread-safe) beat one run on a team of threads, which
# waits for its slowest member: BBC paragraphs on two cores, 11.7 ms a passage in batches
# of 32 on two threads, 7.7 one at a time on two threads, 4.9 two at a time on one thread
# each (benchmarks/README.md, "Build throughput with attribution"). A passage's vector is
# then the same whatever it is embedded with.
MAX_STREAMS = 8
# Token ids kept from count_tokens for the encoder (see OnnxEmbedder.count_tokens): at most
# this many passages, about 0.5 KB each
COUNTED_KEPT = 1 << 14

EXPORT_VERSION = 1  # bump when the export or quantization recipe changes
FP32_NAME = "model.onnx"
INT8_NAME = "model.int8.onnx"
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def cache_root() -> Path:
    env = os.environ.get("ARCHIVE_ONNX_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "archive" / "onnx"


def model_hash(model_path: str | Path) -> str:
    """A key for the model folder's content: names, sizes and a hash of the small files plus
    the first and last MiB of the weights (hashing 90 MB on every start would cost ~0.3 s)."""
    root = Path(model_path)
    h = hashlib.sha256(f"export-v{EXPORT_VERSION}".encode())
    for f in sorted(p for p in root.iterdir() if p.is_file()):
        size = f.stat().st_size
        h.update(f"{f.name}:{size}".encode())
        with open(f, "rb") as fh:
            if size <= 4 << 20:
                h.update(fh.read())
            else:
                h.update(fh.read(1 << 20))
                fh.seek(-(1 << 20), os.SEEK_END)
                h.update(fh.read())
    return h.hexdigest()[:16]


def max_seq_length(model_path: str | Path) -> int:
    cfg = Path(model_path) / "sentence_bert_config.json"
    if cfg.exists():
        value = json.loads(cfg.read_text()).get("max_seq_length")
        if value:
            return int(value)
    return 256


def export_onnx(model_path: str | Path, out_dir: str | Path) -> Path:
    """Export the transformer to `out_dir/model.onnx` (fp32) and quantize it to
    `out_dir/model.int8.onnx`; returns the int8 path. Imports torch (only here)."""
    import torch  # lazy: heavy, and needed only for the one-time export
    from onnxruntime.quantization import QuantType, quantize_dynamic  # lazy: export only
    from transformers import AutoModel  # lazy: loads torch

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    model = AutoModel.from_pretrained(str(model_path), local_files_only=True)
    model.eval()

    class Wrapper(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):  # noqa: ANN001, ANN201
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    dummy = tuple(torch.ones((2, 16), dtype=torch.int64) for _ in INPUTS)
    axes = {name: {0: "batch", 1: "sequence"} for name in INPUTS}
    axes["last_hidden_state"] = {0: "batch", 1: "sequence"}
    fp32 = out_dir / FP32_NAME
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(Wrapper(model), dummy, str(fp32), input_names=list(INPUTS),
                          output_names=["last_hidden_state"], dynamic_axes=axes,
                          opset_version=17, do_constant_folding=True, dynamo=False)
    int8 = out_dir / INT8_NAME
    root_logger = logging.getLogger()
    level = root_logger.level
    root_logger.setLevel(logging.ERROR)  # quantize_dynamic logs a pre-processing hint
    try:
        quantize_dynamic(str(fp32), str(int8), per_channel=True, weight_type=QuantType.QInt8,
                         op_types_to_quantize=["MatMul"])
    finally:
        root_logger.setLevel(level)
    return int8


def cached_model(model_path: str | Path, cache: str | Path | None = None) -> Path:
    """The quantized model for `model_path`, exported on first use (one process at a time,
    under a lock; written to a temporary folder and renamed into place)."""
    root = Path(cache) if cache else cache_root()
    target = root / model_hash(model_path)
    if (target / INT8_NAME).exists():
        return target / INT8_NAME
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "a+") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            if (target / INT8_NAME).exists():
                return target / INT8_NAME
            tmp = Path(tempfile.mkdtemp(prefix=".export-", dir=root))
            try:
                export_onnx(model_path, tmp)
                (tmp / FP32_NAME).unlink()  # 90 MB nobody reads again
                (tmp / "source.json").write_text(json.dumps(
                    {"model_path": str(model_path), "export_version": EXPORT_VERSION}))
                os.replace(tmp, target)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)
    return target / INT8_NAME


class OnnxEmbedder:
    """The `archive.embed.Embedder` interface, running the int8 ONNX model."""

    backend = ONNX_INT8  # the embedding backend, as the manifest records it

    def __init__(self, model_path: str, batch_size: int = 32, cache: str | Path | None = None,
                 threads: int | None = None) -> None:
        """`threads`: the cores to use (default: all). With batch_size 1 (the build's
        default, ARCHIVE_ONNX_BATCH_SIZE) passages run one at a time on that many threads,
        each a single-threaded run of the one session; with larger batches one run at a
        time uses them all."""
        resolved = require_model_dir(model_path)
        if not (Path(model_path) / "tokenizer.json").exists():
            raise ModelNotFound(f"'{model_path}' has no tokenizer.json: the onnx-int8 backend "
                                "needs a fast tokenizer file; use embedding_backend=torch")
        self.model_path = resolved
        self.batch_size = batch_size
        self.cache = cache
        self.threads = threads
        self._session = None
        self._query_session = None
        self._streams: ThreadPoolExecutor | None = None
        self._tokenizer = None
        self._counter = None
        self._counted: dict[str, np.ndarray] = {}
        self._counted_lock = threading.Lock()
        self._max_tokens = max_seq_length(self.model_path)
        self._dimension: int | None = None

    # -- lazily loaded parts --------------------------------------------------------------
    @property
    def onnx_path(self) -> Path:
        return cached_model(self.model_path, self.cache)

    @property
    def session(self):  # noqa: ANN201 - onnxruntime.InferenceSession
        if self._session is None:
            self._session = self._open(self._session_threads)
        return self._session

    @property
    def _session_threads(self) -> int | None:
        """Threads of the passages' session: one per run when runs go side by side."""
        return 1 if self.stream_count > 1 else self.threads

    @property
    def stream_count(self) -> int:
        """Passages embedded at once, each on one thread (see STREAMS_NOTE)."""
        if self.batch_size != 1:
            return 1
        return max(1, self.threads or min(os.cpu_count() or 1, MAX_STREAMS))

    @property
    def query_session(self):  # noqa: ANN201 - onnxruntime.InferenceSession
        """A session of QUERY_THREADS threads for questions: the passages' own when it has
        as many (one model in memory, not two)."""
        if self._query_session is None:
            self._query_session = (self.session if self._session_threads == QUERY_THREADS
                                   else self._open(QUERY_THREADS))
        return self._query_session

    def _open(self, threads: int | None):  # noqa: ANN202 - onnxruntime.InferenceSession
        import onnxruntime as ort  # lazy: ~0.2 s, needed only when the backend runs

        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if threads:
            options.intra_op_num_threads = threads
        session = ort.InferenceSession(str(self.onnx_path), options,
                                       providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in session.get_inputs()}
        return session

    @property
    def tokenizer(self):  # noqa: ANN201 - tokenizers.Tokenizer
        if self._tokenizer is None:
            tok = tokenizers.Tokenizer.from_file(str(Path(self.model_path) / "tokenizer.json"))
            tok.enable_truncation(max_length=self._max_tokens)
            pad_id = tok.token_to_id("[PAD]") or 0
            tok.enable_padding(pad_id=pad_id, pad_token="[PAD]")  # to the longest in a batch
            self._tokenizer = tok
        return self._tokenizer

    # -- the Embedder interface -----------------------------------------------------------
    @property
    def name(self) -> str:
        return model_name(self.model_path)

    @property
    def dimension(self) -> int:
        if self._dimension is None:
            cfg = Path(self.model_path) / "config.json"
            hidden = json.loads(cfg.read_text()).get("hidden_size") if cfg.exists() else None
            self._dimension = int(hidden) if hidden else int(self._run(["x"]).shape[1])
        return self._dimension

    @property
    def max_tokens(self) -> int:
        return self._max_tokens

    def count_tokens(self, text: str) -> int:
        """Word-piece tokens of `text`, special tokens included (no truncation).

        The ids of a text that fits the window are kept (the last COUNTED_KEPT) for the
        encoder, which runs them one text at a time: a build counts a passage to cut it and
        then embeds it, and tokenizing costs about a twentieth of the int8 model's run."""
        if self._counter is None:
            tok = tokenizers.Tokenizer.from_file(str(Path(self.model_path) / "tokenizer.json"))
            tok.no_truncation()
            tok.no_padding()
            self._counter = tok
        ids = self._counter.encode(text, add_special_tokens=True).ids
        if self.batch_size == 1 and len(ids) <= self._max_tokens:
            with self._counted_lock:
                self._counted.pop(text, None)
                self._counted[text] = np.array(ids, dtype=np.int32)
                if len(self._counted) > COUNTED_KEPT:
                    del self._counted[next(iter(self._counted))]
        return len(ids)

    def _token_ids(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(input ids, attention mask) of `texts`: a single text's ids as count_tokens kept
        them (the same tokenizer, untruncated because it fits), else tokenized here."""
        if len(texts) == 1:
            with self._counted_lock:
                kept = self._counted.pop(texts[0], None)
            if kept is not None:
                return kept[None, :].astype(np.int64), np.ones((1, len(kept)), dtype=np.int64)
        encodings = self.tokenizer.encode_batch(list(texts), add_special_tokens=True)
        return (np.array([e.ids for e in encodings], dtype=np.int64),
                np.array([e.attention_mask for e in encodings], dtype=np.int64))

    def _run(self, texts: Sequence[str], session=None) -> np.ndarray:  # noqa: ANN001
        ids, mask = self._token_ids(texts)
        feeds = {"input_ids": ids, "attention_mask": mask,
                 "token_type_ids": np.zeros_like(ids)}
        session = session or self.session
        hidden = session.run(None, {k: v for k, v in feeds.items() if k in self._inputs})[0]
        m = mask[:, :, None].astype(np.float32)
        pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)

    def encode(self, texts: Sequence[str],
               progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Vectors for `texts`, shape (n, dim), float32, unit length, in input order."""
        return encode_by_length(texts, self.dimension, max(self.batch_size * 8, 64),
                                self._run_batches, progress)

    def _run_batches(self, texts: list[str]) -> np.ndarray:
        batches = [texts[b:b + self.batch_size] for b in range(0, len(texts), self.batch_size)]
        if self.stream_count == 1:
            return np.concatenate([self._run(b) for b in batches])
        if self._streams is None:
            self._streams = ThreadPoolExecutor(self.stream_count,
                                               thread_name_prefix="archive-onnx")
        session = self.session  # opened here, once, not by the first runs at the same time
        return np.concatenate(list(self._streams.map(lambda b: self._run(b, session), batches)))

    def encode_query(self, text: str) -> np.ndarray:
        return self._run([text], self.query_session)[0]

    def versions(self) -> dict[str, str]:
        import onnxruntime  # lazy: ~0.2 s, needed only when the backend runs

        return {"onnxruntime": onnxruntime.__version__, "tokenizers": tokenizers.__version__}
