"""Model changes: detected from the manifest, migrated by `archive build --reembed`, and
`--reattribute` re-extracts quotes without re-embedding."""
from __future__ import annotations

import shutil

import pytest

from archive.build import build, reattribute, reembed
from archive.config import load_config
from archive.errors import IndexMismatch
from archive.storage.generations import DB_NAME, IndexDir
from archive.search.searcher import Searcher
from archive.storage.sqlite import Store


@pytest.fixture
def copied(seed_index, seed_config, tmp_path):
    dst = tmp_path / "index"
    shutil.copytree(seed_config.index_dir, dst)
    return load_config(index=str(dst))


def pretend_other_model(config) -> None:
    store = Store(IndexDir(config.index_dir).require_current() / DB_NAME, readonly=False)
    store.write_manifest({"model": "someone/other-model"})
    store.finish()
    store.close()


def test_model_change_is_detected_and_reembed_migrates(copied, embedder, seeds_copy):
    pretend_other_model(copied)
    with pytest.raises(IndexMismatch, match="--reembed"):
        build([seeds_copy], copied, embedder=embedder)
    with pytest.raises(IndexMismatch, match="--reembed"):
        Searcher(copied, embedder=embedder).search("what did Lavrov say", k=3)
    before = Store(IndexDir(copied.index_dir).require_current() / DB_NAME)
    counts = (before.count("passages"), before.count("attributions"))
    before.close()
    report = reembed(copied, embedder=embedder)
    assert report.embedded_passages == counts[0]
    assert (report.passages, report.attributions) == counts
    searcher = Searcher(copied, embedder=embedder)
    assert searcher.backend.manifest()["model"] == embedder.name
    assert "Lavrov" in (searcher.search("what did Lavrov say", k=1)[0].speaker or "")
    searcher.close()
    assert build([seeds_copy], copied, embedder=embedder).unchanged


def test_reattribute_keeps_vectors_and_passages(copied, embedder):
    generation = IndexDir(copied.index_dir).require_current()
    report = reattribute(copied)
    assert report.embedded_passages == 0 and report.attributions > 0
    assert IndexDir(copied.index_dir).require_current() != generation
    searcher = Searcher(copied, embedder=embedder)
    assert "Lavrov" in (searcher.search("what did Lavrov say", k=1)[0].speaker or "")
    searcher.close()
