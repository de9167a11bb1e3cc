"""The new passages' vectors, computed on a thread of their own while the build goes on.

Passages go to the model as soon as their article is cut (`Embedding.add`), so the model
starts on the first articles while the rest are still being chunked, and runs on while the
build attributes them or looks for copies among them: the model runtimes spend their time in
native code, outside the interpreter lock. Before, the model waited for every article to be
cut (2-3 s of all BBC, with one core idle).

Parts grow with what was sent (64, 64, 128, 256, ... up to 4,096 passages): the first starts
the model at once, and the later ones keep a batching backend's length-sorted batches
(torch, batches of 32) about as full as one call over everything. The int8 backend runs one
passage at a time, so how passages are parted changes none of its vectors.

A text added again (a byline under every column, a syndicated paragraph in several stories,
the same wire copy twice) is embedded once and its vector copied: 3.5% of all BBC's
passages repeat one before them, time the model no longer spends. A text the archive already
holds (an edited article's unchanged paragraphs, a story filed again) takes its stored
vector.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

from archive.build.report import BuildReport, Progress
from archive.errors import Cancelled
from archive.storage import fault_point
from archive.storage.sqlite import passage_hash

FIRST_PART = 64
LARGEST_PART = 4096


class Embedding:
    """Vectors of the texts `add`ed, in order, embedded on a second thread; `result` waits
    for them. A text the archive holds (`stored`: a paragraph of an edited article that did
    not change, a story filed again) takes its stored vector instead, and a text added
    before takes the vector of its first occurrence. Leaving the `with` block on an
    exception stops the model at its next chunk of passages (a failed or cancelled build
    never waits for the rest to embed)."""

    def __init__(self, embedder, progress: Progress | None,  # noqa: ANN001
                 report: BuildReport,
                 stored: Callable[[list[str]], Mapping[str, np.ndarray]] | None = None
                 ) -> None:
        """`stored`: the vectors the archive holds for the text hashes it is given (asked
        once per part)."""
        self.embedder, self.report, self.stored = embedder, report, stored
        self.progress = progress
        self.stop = threading.Event()
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="archive-embed")
        self.parts: list[Future] = []
        self.pending: list[str] = []
        self.sent = 0  # texts handed to the model's thread
        self.first: dict[str, int] = {}  # text -> where it was first added (embedded there)
        self.repeats: list[tuple[int, int]] = []  # (where a text is repeated, where first)
        self.done = 0
        self.bar = None
        report.embedded_passages = report.reused_passages = 0

    def __enter__(self) -> Embedding:
        return self

    def __exit__(self, kind, exc, tb) -> None:  # noqa: ANN001
        if exc is not None:
            self.stop.set()
        self.pool.shutdown(wait=True, cancel_futures=exc is not None)
        if self.bar is not None:
            self.bar.close()

    def add(self, texts: Sequence[str]) -> None:
        """Hand `texts` (one article's passages) to the model."""
        self.pending.extend(texts)
        if len(self.pending) >= min(LARGEST_PART, max(FIRST_PART, self.sent)):
            self.send()

    def send(self) -> None:
        texts, self.pending = self.pending, []
        if not texts:
            return
        reused, todo, ask = {}, [], {}
        for i, text in enumerate(texts):
            first = self.first.get(text)
            if first is not None:
                self.repeats.append((self.sent + i, first))
                continue
            self.first[text] = self.sent + i
            if self.stored is None:
                todo.append(i)
            else:
                ask[passage_hash(text)] = i
        if ask:
            found = self.stored(list(ask))
            reused = {i: found[h] for h, i in ask.items() if h in found}
            todo = [i for h, i in ask.items() if h not in found]
        self.report.embedded_passages += len(todo)  # the progress total, as parts come
        self.report.reused_passages += len(texts) - len(todo)
        self.sent += len(texts)
        if todo and self.progress is None and self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(desc="embedding", unit="passage", disable=None, leave=False)
        self.parts.append(self.pool.submit(self.embed, texts, todo, reused))

    def embed(self, texts: list[str], todo: list[int], reused: dict[int, np.ndarray]
              ) -> np.ndarray:
        """On the model's thread: the vectors of one part."""
        out = np.zeros((len(texts), self.embedder.dimension), dtype=np.float32)
        for i, vector in reused.items():
            out[i] = vector
        if todo:
            out[todo] = self.embedder.encode([texts[i] for i in todo], progress=self.advance)
        return out

    def advance(self, n: int) -> None:
        if self.stop.is_set():
            raise Cancelled("the build stopped while embedding")
        self.done += n
        if self.progress is not None:
            self.progress("embedding", self.done, self.report.embedded_passages)
        elif self.bar is not None:
            self.bar.total = self.report.embedded_passages
            self.bar.update(n)
        fault_point("embedding")  # crash tests: killed after the first chunk embedded

    def result(self) -> np.ndarray:
        """The vectors of every text added, in the order they were added."""
        self.send()
        if not self.parts:
            return np.zeros((0, self.embedder.dimension), dtype=np.float32)
        out = np.concatenate([part.result() for part in self.parts])
        if self.repeats:
            where, first = zip(*self.repeats)
            out[list(where)] = out[list(first)]
        return out
