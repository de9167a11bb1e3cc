"""Tests for archive.build.embedding: passages handed to the model as their articles are cut."""
from __future__ import annotations

import numpy as np
import pytest

from archive.build import embedding as embedding_mod
from archive.build.embedding import Embedding
from archive.build.report import BuildReport
from archive.errors import Cancelled
from archive.storage.sqlite import passage_hash
from tests.conftest import seed_articles


@pytest.fixture(scope="module")
def texts():
    return [p.text for article in seed_articles() for p in article.paragraphs][:40]


def test_parts_keep_order_reuse_vectors_and_report_progress(embedder, texts, monkeypatch):
    """Texts added article by article come back in order, each the vector the model gives it
    (a reusable vector is taken as it is, not embedded), in parts that grow; progress ends
    with every embedded passage done."""
    monkeypatch.setattr(embedding_mod, "FIRST_PART", 4)
    reused = np.full(embedder.dimension, 0.5, dtype=np.float32)
    seen, report = [], BuildReport(index="x")
    with Embedding(embedder, lambda stage, done, total: seen.append((stage, done, total)),
                   report, lambda hashes: {h: reused for h in hashes
                                           if h == passage_hash(texts[5])}) as embedding:
        for start in range(0, len(texts), 3):  # articles of three passages
            embedding.add(texts[start:start + 3])
        got = embedding.result()
    sizes = [embedding.sent, len(embedding.parts)]
    assert got.shape == (len(texts), embedder.dimension)
    np.testing.assert_array_equal(got[5], reused)
    rest = [i for i in range(len(texts)) if i != 5]
    alone = embedder.encode([texts[i] for i in rest])
    assert float(np.min(np.sum(got[rest] * alone, axis=1))) > 0.9999
    assert sizes == [len(texts), 4]  # parts of 6 (>= 4), 6 (>= 6), 12 (>= 12), the last 16
    assert report.embedded_passages == len(texts) - 1 and report.reused_passages == 1
    assert seen[-1] == ("embedding", len(texts) - 1, len(texts) - 1)
    assert all(done <= total for _, done, total in seen)


def test_a_failure_while_cutting_stops_the_model(embedder, texts):
    """An exception inside the block (a cut that raised BuildFailed, a cancel) stops the
    model at its next chunk: what was sent is not all embedded first."""
    calls = []

    def progress(stage, done, total):
        calls.append(done)

    with pytest.raises(RuntimeError):
        with Embedding(embedder, progress, BuildReport(index="x")) as embedding:
            embedding.add([f"{t} ({n})" for n in range(20) for t in texts])  # 800 passages
            raise RuntimeError("cutting failed")
    with pytest.raises(Cancelled):
        embedding.parts[0].result()
    assert len(calls) <= 1  # at most the chunk that was running


def test_a_repeated_text_is_embedded_once(embedder, texts, monkeypatch):
    """A text added again, in the same part or a later one, takes the vector of its first
    occurrence and is counted as reused; what reaches the model is each distinct text once,
    and every vector is the one the text has alone."""
    monkeypatch.setattr(embedding_mod, "FIRST_PART", 4)
    asked = []
    real = embedder.encode

    def encode(batch, progress=None):
        asked.extend(batch)
        return real(batch, progress=progress)

    monkeypatch.setattr(embedder, "encode", encode)
    added = [texts[0], texts[1], texts[0], texts[2], texts[3], texts[1], texts[4], texts[0]]
    report = BuildReport(index="x")
    with Embedding(embedder, None, report) as embedding:
        for start in range(0, len(added), 2):
            embedding.add(added[start:start + 2])
        got = embedding.result()
    assert sorted(asked) == sorted(set(added)) and len(asked) == 5
    assert report.embedded_passages == 5 and report.reused_passages == 3
    alone = real(added)
    assert float(np.min(np.sum(got * alone, axis=1))) > 0.9999
