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
    with Embedding(embedder, {passage_hash(texts[5]): reused},
                   lambda stage, done, total: seen.append((stage, done, total)),
                   report) as embedding:
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
        with Embedding(embedder, {}, progress, BuildReport(index="x")) as embedding:
            embedding.add(texts * 20)  # one part of 800 passages
            raise RuntimeError("cutting failed")
    with pytest.raises(Cancelled):
        embedding.parts[0].result()
    assert len(calls) <= 1  # at most the chunk that was running
