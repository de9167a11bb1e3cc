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

    # One window per run is the fastest (11 ms a BBC paragraph on one thread, against 19 in
    # length-sorted batches of 32 and 25 in one article's batch): the int8 model quantizes
    # its activations per batch and pads every window to the longest. A paragraph's reading
    # is then also the same whatever it is tagged with (benchmarks/README.md).
    def __init__(self, folder: str | Path = TAGGER_DIR, batch_size: int = 1,
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

    def __call__(self, texts: Sequence[str], previous: Sequence[str] | None = None
                 ) -> list[TokenReading]:
        """The readings of paragraphs; `previous` holds the paragraph before each ("" for
        none; by default `texts` are consecutive paragraphs of one article). A model trained
        with context also reads the end of the paragraph before, as segment A."""
        encs = self.tokenizer.encode_batch([t for t in texts], add_special_tokens=False)
        context = int(self.meta.get("context") or 0)
        before = [None] * len(texts)
        if context:
            before = (self.tokenizer.encode_batch(list(previous), add_special_tokens=False)
                      if previous is not None else [None] + encs[:-1])
        windows: list[tuple[int, int, list[int], list[int]]] = []  # (text, first, ctx, ids)
        for i, enc in enumerate(encs):
            ctx = before[i].ids[-context:] if context and before[i] is not None else []
            ids, size = enc.ids, WINDOW - 3 - len(ctx) if ctx else WINDOW - 2
            step = size - OVERLAP
            for start in range(0, max(len(ids) - OVERLAP, 1), step):
                windows.append((i, start, ctx, ids[start:start + size]))
        probs = self._run([(w[2], w[3]) for w in windows])
        out = [np.zeros((len(e.ids), len(self.labels)), dtype=np.float32) for e in encs]
        best = [np.full(len(e.ids), -1, dtype=np.int64) for e in encs]
        for (i, start, _, ids), p in zip(windows, probs):
            pos = np.arange(start, start + len(ids))
            margin = np.minimum(pos - start, start + len(ids) - 1 - pos)  # distance to an edge
            take = margin > best[i][pos]
            out[i][pos[take]] = p[take]
            best[i][pos[take]] = margin[take]
        return [TokenReading([tuple(o) for o in e.offsets], out[i], self.labels)
                for i, e in enumerate(encs)]

    def _run(self, windows: list[tuple[list[int], list[int]]]) -> list[np.ndarray]:
        """Label probabilities of each window's pieces: [CLS] ids [SEP], or with context
        [CLS] context [SEP] ids [SEP] (token types 0, then 1), as in training."""
        cls, sep = self.tokenizer.token_to_id("[CLS]"), self.tokenizer.token_to_id("[SEP]")
        out: list[np.ndarray] = [np.zeros((0, len(self.labels)), np.float32)] * len(windows)
        seqs = [([cls] + c + [sep] if c else [cls], ids + [sep]) for c, ids in windows]
        order = sorted(range(len(seqs)), key=lambda k: len(seqs[k][0]) + len(seqs[k][1]))
        for s in range(0, len(order), self.batch_size):
            idx = order[s:s + self.batch_size]
            n = max(len(seqs[k][0]) + len(seqs[k][1]) for k in idx)
            ids = np.zeros((len(idx), n), dtype=np.int64)
            mask, types = np.zeros_like(ids), np.zeros_like(ids)
            for row, k in enumerate(idx):
                head, body = seqs[k]
                ids[row, :len(head) + len(body)] = head + body
                mask[row, :len(head) + len(body)] = 1
                if len(head) > 1:
                    types[row, len(head):len(head) + len(body)] = 1
            logits = self.session.run(["logits"], {"input_ids": ids, "attention_mask": mask,
                                                   "token_type_ids": types})[0]
            e = np.exp(logits - logits.max(-1, keepdims=True))
            p = e / e.sum(-1, keepdims=True)
            for row, k in enumerate(idx):
                first = len(seqs[k][0])
                out[k] = p[row, first:first + len(windows[k][1])].astype(np.float32)
        return out
