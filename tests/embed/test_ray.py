"""`archive build --ray`: Ray Data embedding on a local Ray (2 workers) gives the vectors of a
single process (cosine >= 0.9999) and an index that answers identically. Kept small (two
seed articles, ~40 passages): starting Ray and loading the model in two workers is the cost.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from archive.search import MODES, Searcher

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
QUERIES = ("what did Lavrov say", "NATO expansion to the east", "written answer", "sanctions")


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory, embedder):
    """The same two seed articles built with one process and with Ray (2 local workers)."""
    pytest.importorskip("ray", reason="Ray embedding needs ray[data] (pip install 'archive[scale]')")
    from archive.build import build
    from archive.config import load_config
    from archive.embed.ray_data import RayEmbedder

    root = tmp_path_factory.mktemp("ray")
    corpus = root / "corpus"
    corpus.mkdir()
    for f in sorted(SEEDS.glob("*.txt"))[:2]:
        shutil.copy(f, corpus / f.name)
    plain = load_config(index=str(root / "plain"), attribution=0)
    distributed = load_config(index=str(root / "ray"), attribution=0)
    reports = {"plain": build([corpus], plain, embedder=embedder),
               "ray": build([corpus], distributed,
                            embedder=RayEmbedder(distributed, workers=2, local=embedder))}
    return {"plain": plain, "ray": distributed}, reports


def vectors_of(config) -> tuple[list[str], np.ndarray]:
    from archive.storage import DB_NAME, VECTORS_NAME, IndexDir
    from archive.storage.sqlite import Store
    from archive.storage.vectors import VectorIndex

    gen = IndexDir(config.index_dir).require_current()
    store = Store(gen / DB_NAME, readonly=True)
    rows = list(store.all_passages())
    store.close()
    return [r[2] for r in rows], VectorIndex.load(gen / VECTORS_NAME).reconstruct(
        [r[0] for r in rows])


def test_ray_vectors_equal_single_process(two_builds):
    configs, reports = two_builds
    assert reports["ray"].embedded_passages == reports["plain"].embedded_passages >= 20
    texts_a, a = vectors_of(configs["plain"])
    texts_b, b = vectors_of(configs["ray"])
    assert texts_a == texts_b
    cosine = (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    assert float(cosine.min()) >= 0.9999, float(cosine.min())


@pytest.mark.parametrize("mode", MODES)
def test_ray_index_answers_identically(two_builds, embedder, mode):
    configs, _ = two_builds
    plain, ray = (Searcher(configs[k], embedder=embedder) for k in ("plain", "ray"))
    try:
        for query in QUERIES:
            a, b = plain.search(query, k=8, mode=mode), ray.search(query, k=8, mode=mode)
            assert [h.passage_id for h in a] == [h.passage_id for h in b]
            assert [h.score for h in a] == pytest.approx([h.score for h in b], abs=1e-4)
    finally:
        plain.close()
        ray.close()


def test_cli_help_never_imports_ray_or_milvus():
    code = ("import sys; from click.testing import CliRunner; from archive.cli import cli; "
            "r = CliRunner().invoke(cli, ['build', '--help']); assert r.exit_code == 0; "
            "assert '--ray' in r.output and '--backend' in r.output and '--milvus-uri' in r.output; "
            "bad = [m for m in ('ray', 'pymilvus', 'torch') if m in sys.modules]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
