"""The ONNX Runtime int8 backend: export + quantize once per session (into a session folder,
so the export path itself is tested), agreement with the torch embedder on real text, the
Embedder interface, and the rule that fp32 and int8 vectors never share an index."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

ort = pytest.importorskip("onnxruntime", reason="onnxruntime is not installed: the onnx-int8 "
                          "embedding backend cannot run (pip install onnxruntime onnx)")

from archive.errors import IndexMismatch  # noqa: E402
from tests.conftest import SEEDS, seed_articles  # noqa: E402


@pytest.fixture(scope="session")
def onnx_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("onnx-cache")


@pytest.fixture(scope="session")
def onnx_embedder(onnx_cache):
    from archive.config import load_config
    from archive.embed import OnnxEmbedder

    config = load_config()
    emb = OnnxEmbedder(config.model_path, config.batch_size, cache=onnx_cache)
    emb.onnx_path  # export + quantize now, once for the session
    return emb


@pytest.fixture(scope="session")
def sentences():
    out = []
    for article in seed_articles():
        out += [p.text for p in article.paragraphs if len(p.text) > 40][:5]
    return out[:20]


def test_cached_export_happens_once(onnx_embedder, onnx_cache):
    from archive.embed.onnx_int8 import INT8_NAME, cached_model

    path = onnx_embedder.onnx_path
    assert path.name == INT8_NAME and path.parent.parent == onnx_cache
    stamp = path.stat().st_mtime_ns
    assert cached_model(onnx_embedder.model_path, onnx_cache) == path  # no second export
    assert path.stat().st_mtime_ns == stamp
    assert not list(onnx_cache.glob(".export-*"))  # no leftovers


def test_int8_agrees_with_torch(onnx_embedder, embedder, sentences):
    assert len(sentences) >= 15
    fp32 = embedder.encode(sentences)
    int8 = onnx_embedder.encode(sentences)
    assert int8.shape == fp32.shape and int8.dtype == np.float32
    assert np.allclose(np.linalg.norm(int8, axis=1), 1.0, atol=1e-4)
    cosines = (fp32 * int8).sum(axis=1)
    assert cosines.mean() >= 0.99
    assert cosines.min() >= 0.98
    # the nearest sentence of each query under int8 is the nearest under fp32, or ties with
    # it there ("what did Lavrov say": two sentences 0.0006 apart under fp32, whose order a
    # new onnxruntime or transformers release may swap)
    queries = ["what did Lavrov say", "NATO", "written answer from the United States"]
    q32, q8 = embedder.encode(queries), onnx_embedder.encode(queries)
    exact = q32 @ fp32.T
    chosen = exact[np.arange(len(queries)), (q8 @ int8.T).argmax(axis=1)]
    assert (exact.max(axis=1) - chosen <= 0.005).all()


def test_interface_matches_torch(onnx_embedder, embedder, sentences):
    assert onnx_embedder.backend == "onnx-int8" and embedder.backend == "torch-fp32"
    assert onnx_embedder.name == embedder.name
    assert onnx_embedder.dimension == embedder.dimension == 384
    assert onnx_embedder.max_tokens == embedder.max_tokens == 256
    for text in sentences[:5] + ["", "a " * 400]:
        assert onnx_embedder.count_tokens(text) == embedder.count_tokens(text)
    assert onnx_embedder.encode([]).shape == (0, 384)
    one = onnx_embedder.encode_query(sentences[0])
    batch = onnx_embedder.encode(sentences[:3])  # order kept despite length sorting
    # dynamic quantization scales activations per batch tensor, so a text's int8 vector
    # depends very slightly on its batch-mates (padding included): close, not equal
    assert float(one @ batch[0]) >= 0.99
    assert float(one @ batch[1]) < 0.99
    long = onnx_embedder.encode(["word " * 1000])  # truncated at 256 tokens, no error
    assert long.shape == (1, 384)
    assert set(onnx_embedder.versions()) == {"onnxruntime", "tokenizers"}


def test_make_embedder_picks_backend():
    from archive.config import load_config
    from archive.embed import OnnxEmbedder, TorchEmbedder, make_embedder
    from archive.errors import BadRequest

    assert isinstance(make_embedder(load_config(embedding_backend="onnx-int8")), OnnxEmbedder)
    assert isinstance(make_embedder(load_config(embedding_backend="torch")), TorchEmbedder)
    # the default, "auto": int8 for a new archive, else the backend the archive was built with
    # (one made before int8 vectors records none: torch)
    auto = load_config(embedding_backend="auto")
    assert isinstance(make_embedder(auto), OnnxEmbedder)
    assert isinstance(make_embedder(auto, {"embedding_backend": "onnx-int8"}), OnnxEmbedder)
    assert isinstance(make_embedder(auto, {"embedding_backend": "torch-fp32"}), TorchEmbedder)
    assert isinstance(make_embedder(auto, {"model": "m"}), TorchEmbedder)
    # a named backend is used whatever the archive holds (the manifest check then says so)
    assert isinstance(make_embedder(load_config(embedding_backend="onnx-int8"),
                                    {"embedding_backend": "torch-fp32"}), OnnxEmbedder)
    with pytest.raises(BadRequest):
        make_embedder(load_config(embedding_backend="tensorrt"))


def test_backends_never_share_an_index(tmp_path, embedder, onnx_embedder):
    from archive.build import build
    from archive.build.stages import expected_manifest
    from archive.config import load_config
    from archive.search import Searcher
    from archive.storage import DB_NAME, IndexDir, check_manifest
    from archive.storage.sqlite import Store

    src = tmp_path / "in"
    src.mkdir()
    for f in sorted(SEEDS.iterdir())[:2]:
        shutil.copy(f, src)
    torch_cfg = load_config(index=str(tmp_path / "index"), attribution=0)
    build([src], torch_cfg, embedder=embedder)
    gen = IndexDir(torch_cfg.index_dir).require_current()
    store = Store(gen / DB_NAME)
    manifest = store.manifest()
    store.close()
    assert manifest["embedding_backend"] == "torch-fp32"
    assert manifest["faiss_index"] == "IndexIDMap2(IndexFlatIP)"
    assert manifest["faiss_params"]["type"] == "flat"

    onnx_cfg = load_config(index=str(tmp_path / "index"), attribution=0,
                           embedding_backend="onnx-int8")
    with pytest.raises(IndexMismatch, match="--full"):
        check_manifest(manifest, expected_manifest(onnx_embedder), gen)
    with pytest.raises(IndexMismatch, match="--full"):  # extending it, even with no changes
        build([src], onnx_cfg, embedder=onnx_embedder)
    with pytest.raises(IndexMismatch, match="--full"):  # embedder chosen from the config
        build([src], onnx_cfg)
    # the default ("auto") keeps extending and searching the archive with its own backend
    auto_cfg = load_config(index=str(tmp_path / "index"), attribution=0)
    assert auto_cfg.embedding_backend == "auto"
    assert build([src], auto_cfg).unchanged
    searcher = Searcher(auto_cfg)
    assert searcher.search("Lavrov", k=1, understand=False)
    assert searcher.embedder.backend == "torch-fp32"
    searcher.close()
    searcher = Searcher(onnx_cfg, embedder=onnx_embedder)
    with pytest.raises(IndexMismatch, match="--full"):
        searcher.search("what did Lavrov say", mode="dense", understand=False)
    searcher.close()

    # --full rebuilds it with the int8 backend, which then searches fine
    report = build([src], onnx_cfg, full=True, embedder=onnx_embedder)
    assert report.passages > 0
    searcher = Searcher(onnx_cfg, embedder=onnx_embedder)
    assert searcher.backend.manifest()["embedding_backend"] == "onnx-int8"
    hits = searcher.search("Lavrov", k=3, understand=False)
    assert hits
    searcher.close()


def test_questions_are_encoded_on_one_thread_and_match_passages(onnx_embedder, embedder,
                                                                sentences):
    """A question runs on QUERY_THREADS threads (torch's team is switched back after it;
    ONNX Runtime has a session of its own for questions) and gets the vector the same text
    gets as a passage."""
    import torch

    team = torch.get_num_threads()
    for e in (embedder, onnx_embedder):
        one = e.encode_query(sentences[0])
        assert one.dtype == np.float32 and one.shape == (384,)
        assert float(one @ e.encode([sentences[0]])[0]) == pytest.approx(1.0, abs=1e-5)
    assert torch.get_num_threads() == team
    assert onnx_embedder.query_session is not onnx_embedder.session


def test_one_passage_per_run_side_by_side_gives_each_passage_its_own_vector(onnx_cache,
                                                                           sentences):
    """The build's setting (ARCHIVE_ONNX_BATCH_SIZE=1): passages run one at a time on two
    threads; a passage's vector is the same whatever it is embedded with and in whatever
    order, and agrees with batches of 32 as closely as int8 agrees with itself."""
    from archive.config import load_config
    from archive.embed import OnnxEmbedder

    config = load_config()
    streamed = OnnxEmbedder(config.model_path, 1, cache=onnx_cache, threads=2)
    assert streamed.stream_count == 2
    together = streamed.encode(sentences)
    alone = np.stack([streamed.encode([s])[0] for s in sentences])
    np.testing.assert_array_equal(together, alone)
    reversed_ = streamed.encode(sentences[::-1])[::-1]
    np.testing.assert_array_equal(together, reversed_)
    one_thread = OnnxEmbedder(config.model_path, 1, cache=onnx_cache, threads=1)
    assert one_thread.stream_count == 1
    np.testing.assert_allclose(one_thread.encode(sentences), together, atol=1e-5)
    batched = OnnxEmbedder(config.model_path, 32, cache=onnx_cache).encode(sentences)
    assert float(np.min(np.sum(batched * together, axis=1))) > 0.97


def test_counted_passages_embed_from_their_kept_ids(onnx_cache, sentences):
    """A build counts a passage's tokens to cut it, then embeds it: the int8 embedder keeps
    the counted ids and the encoder uses them, and the vectors are those of tokenizing
    anew; a text over the window is not kept, and what is kept stays bounded."""
    from archive.config import load_config
    from archive.embed import OnnxEmbedder
    from archive.embed import onnx_int8

    config = load_config()
    fresh = OnnxEmbedder(config.model_path, 1, cache=onnx_cache, threads=2).encode(sentences)
    counting = OnnxEmbedder(config.model_path, 1, cache=onnx_cache, threads=2)
    counts = [counting.count_tokens(s) for s in sentences]
    assert len(counting._counted) == len(set(sentences)) and min(counts) > 2
    np.testing.assert_array_equal(counting.encode(sentences), fresh)
    assert not counting._counted  # each kept id list is used once
    long_text = " ".join(sentences) * 3
    assert counting.count_tokens(long_text) > counting.max_tokens and not counting._counted
    old, onnx_int8.COUNTED_KEPT = onnx_int8.COUNTED_KEPT, 3
    try:
        for s in sentences:
            counting.count_tokens(s)
        assert list(counting._counted) == sentences[-3:]
    finally:
        onnx_int8.COUNTED_KEPT = old
    batched = OnnxEmbedder(config.model_path, 32, cache=onnx_cache)
    batched.count_tokens(sentences[0])
    assert not batched._counted  # batches pad: they tokenize together
