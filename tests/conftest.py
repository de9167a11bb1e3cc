"""Shared fixtures: the real packaged model, loaded once per session, and a seed index.

Nothing here is mocked: real SQLite, real FAISS, the real all-MiniLM-L6-v2 from its package.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"


def seed_articles() -> list:
    """The seeds read and cleaned (archive.models.Article), in file order."""
    from archive.text.clean import clean_article
    from archive.text.ingest import read_all

    return [a for item in read_all([SEEDS]) if (a := clean_article(item)) is not None]


@pytest.fixture(scope="session")
def embedder():
    from archive.config import load_config
    from archive.embed import TorchEmbedder

    config = load_config()
    return TorchEmbedder(config.model_path, config.batch_size)


@pytest.fixture(scope="session")
def seed_config(tmp_path_factory):
    from archive.config import load_config

    return load_config(index=str(tmp_path_factory.mktemp("seed-index") / "index"))


@pytest.fixture(scope="session")
def seed_index(seed_config, embedder):
    """The seeds built once into a session-wide index folder; returns its BuildReport."""
    from archive.build import build

    return build([SEEDS], seed_config, embedder=embedder)


@pytest.fixture(scope="session")
def searcher(seed_index, seed_config, embedder):
    from archive.search import Searcher

    s = Searcher(seed_config, embedder=embedder)
    yield s
    s.close()


@pytest.fixture
def fresh_config(tmp_path):
    """A config pointing at an empty index folder of the test's own."""
    from archive.config import load_config

    return load_config(index=str(tmp_path / "index"))


@pytest.fixture
def seeds_copy(tmp_path):
    """A writable copy of the seed folder."""
    dst = tmp_path / "seeds"
    shutil.copytree(SEEDS, dst)
    return dst


@pytest.fixture(scope="session")
def ray_local():
    """One local Ray (2 worker CPUs + 1 for the tasks feeding them) for the whole session:
    the distributed-build tests join it instead of starting their own."""
    pytest.importorskip("ray", reason="the distributed build needs ray[data]")
    pytest.importorskip("pymilvus", reason="the distributed build needs pymilvus[milvus-lite]")
    from archive.embed.ray_data import ray_session

    try:
        session = ray_session(None, 2)
        session.__enter__()
    except Exception as exc:  # noqa: BLE001 - Ray raises a bare Exception when it cannot start
        if "timed out during startup" not in str(exc):
            raise
        pytest.skip(f"a local Ray node could not start on this machine: {exc}")
    try:
        yield
    finally:
        session.__exit__(None, None, None)


@pytest.fixture(scope="session")
def archive_of(tmp_path_factory, embedder):
    """Build an archive of articles written in a test: archive_of(name, {file: text}) ->
    (config, BuildReport), with the session's real model."""
    from archive.build import build
    from archive.config import load_config

    def make(name: str, articles: dict[str, str]):
        root = tmp_path_factory.mktemp(name)
        (root / "src").mkdir()
        for file, text in articles.items():
            (root / "src" / file).write_text(text, encoding="utf-8")
        config = load_config(index=str(root / "index"))
        return config, build([root / "src"], config, embedder=embedder)

    return make
