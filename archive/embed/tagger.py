"""The quote tagger's model: the packaged MiniLM-L6 fine-tuned on PolNeAR train as a token
classifier (Source / Cue / Content, BIO), shipped as int8 ONNX in `data/quote_tagger/` with its
tokenizer and `tagger.json` (labels, version, training summary; benchmarks/train_quote_tagger.py
reproduces it).

This module only runs the network: per paragraph, the word pieces' character offsets and
their label probabilities. What the labels mean (spans, how they combine with the rules, the
confidence of an attribution) is archive.quotes' business (`archive.quotes.tagged`), so the
two parts share nothing but this plain reading. onnxruntime is imported on first use.

Paragraphs longer than the model's window are read in windows of WINDOW word pieces that
overlap by OVERLAP; each piece keeps the reading of the window where it sits furthest from an
edge. Batches are length-sorted, so padding stays small.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import tokenizers

from archive.errors import ModelNotFound

TAGGER_DIR = Path(__file__).resolve().parent / "data" / "quote_tagger"
WINDOW = 256  # word pieces per window, [CLS] and [SEP] included
OVERLAP = 64


@dataclass
class TokenReading:
    """The tagger's reading of one paragraph: character offsets of its word pieces and,
    per piece, the probability of each label (`labels` order)."""

    offsets: list[tuple[int, int]]
    probs: np.ndarray  # (pieces, labels), float32
    labels: tuple[str, ...]


class QuoteTagger:
    """Runs the shipped quote tagger over paragraphs (callable: texts -> readings)."""

    def __init__(self, folder: str | Path = TAGGER_DIR, batch_size: int = 32,
                 threads: int | None = None) -> None:
        self.folder = Path(folder)
        if not (self.folder / "model.int8.onnx").exists():
            raise ModelNotFound(
                f"quote tagger not found in '{self.folder}': reinstall archive (its weights "
                "ship with the package), retrain it with benchmarks/train_quote_tagger.py, "
                "or set ARCHIVE_QUOTE_TAGGER=0 to attribute with the rules alone")
        self.meta = json.loads((self.folder / "tagger.json").read_text(encoding="utf-8"))
        self.labels = tuple(self.meta["labels"])
        self.batch_size = batch_size
        self.threads = threads

    @property
    def version(self) -> str:
        """What a manifest records: the tagger's version and the training it came from."""
        t = self.meta.get("training", {})
        return f"quote-tagger-v{self.meta['version']} ({t.get('articles', '?')} PolNeAR articles)"

    @cached_property
    def tokenizer(self) -> tokenizers.Tokenizer:
        tok = tokenizers.Tokenizer.from_file(str(self.folder / "tokenizer.json"))
        tok.no_truncation()
        tok.no_padding()
        return tok

    @cached_property
    def session(self):  # noqa: ANN201 - onnxruntime.InferenceSession
        import onnxruntime as ort  # lazy: needed only when a build attributes quotes

        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if self.threads:
            options.intra_op_num_threads = self.threads
        return ort.InferenceSession(str(self.folder / "model.int8.onnx"), options,
                                    providers=["CPUExecutionProvider"])

    def __call__(self, texts: Sequence[str]) -> list[TokenReading]:
        encs = self.tokenizer.encode_batch([t for t in texts], add_special_tokens=False)
        windows: list[tuple[int, int, list[int]]] = []  # (text, first piece, ids)
        for i, enc in enumerate(encs):
            ids, step = enc.ids, WINDOW - 2 - OVERLAP
            for start in range(0, max(len(ids) - OVERLAP, 1), step):
                windows.append((i, start, ids[start:start + WINDOW - 2]))
        probs = self._run([w[2] for w in windows])
        out = [np.zeros((len(e.ids), len(self.labels)), dtype=np.float32) for e in encs]
        best = [np.full(len(e.ids), -1, dtype=np.int64) for e in encs]
        for (i, start, ids), p in zip(windows, probs):
            pos = np.arange(start, start + len(ids))
            margin = np.minimum(pos - start, start + len(ids) - 1 - pos)  # distance to an edge
            take = margin > best[i][pos]
            out[i][pos[take]] = p[take]
            best[i][pos[take]] = margin[take]
        return [TokenReading([tuple(o) for o in e.offsets], out[i], self.labels)
                for i, e in enumerate(encs)]

    def _run(self, pieces: list[list[int]]) -> list[np.ndarray]:
        """Label probabilities for each window of word-piece ids ([CLS] and [SEP] added)."""
        cls, sep = self.tokenizer.token_to_id("[CLS]"), self.tokenizer.token_to_id("[SEP]")
        out: list[np.ndarray] = [np.zeros((0, len(self.labels)), np.float32)] * len(pieces)
        order = sorted(range(len(pieces)), key=lambda k: len(pieces[k]))
        for s in range(0, len(order), self.batch_size):
            idx = order[s:s + self.batch_size]
            n = max(len(pieces[k]) for k in idx) + 2
            ids = np.zeros((len(idx), n), dtype=np.int64)
            mask = np.zeros_like(ids)
            for row, k in enumerate(idx):
                seq = [cls] + pieces[k] + [sep]
                ids[row, :len(seq)] = seq
                mask[row, :len(seq)] = 1
            logits = self.session.run(["logits"], {"input_ids": ids, "attention_mask": mask,
                                                   "token_type_ids": np.zeros_like(ids)})[0]
            e = np.exp(logits - logits.max(-1, keepdims=True))
            p = e / e.sum(-1, keepdims=True)
            for row, k in enumerate(idx):
                out[k] = p[row, 1:len(pieces[k]) + 1].astype(np.float32)
        return out
