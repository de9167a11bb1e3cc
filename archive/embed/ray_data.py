"""Distributed embedding with Ray Data (`archive build --ray [ADDRESS]`).

`RayEmbedder` has the interface the build uses (name, dimension, max_tokens, count_tokens,
encode, encode_query, versions), so the shared pipeline (collect, clean, chunk, attribute,
fold, write to the configured storage engine) is unchanged; only `encode` fans out:

    ray.data.from_items(passages) → map_batches(EmbedBatch, concurrency=N, num_cpus=1)
    → iter_batches back to the driver, which writes the vectors to the backend in batches.

`EmbedBatch` is a callable class, so Ray constructs it once per worker (actor) and the
packaged model is loaded once per worker, not per batch. Workers run the same
`archive.embed` code as a single process, so the vectors are the same up to float noise
(cosine >= 0.9999, checked by tests/embed/test_ray.py).

Ray is imported only here, and only when a build asks for it. With no address a local Ray
is started for the build (num_cpus = workers) and shut down after it; with an address
(`ray://head:10001` or `auto`) the build joins that cluster, and every node must have this
package and the model package installed (`pip install 'archive[scale]'`).
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np

from archive.config import Config, load_config
from archive.embed import Embedder, make_embedder

OFFLINE_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
               "HF_HUB_DISABLE_PROGRESS_BARS": "1", "TOKENIZERS_PARALLELISM": "false"}
RAY_BATCH = 256  # passages per map_batches call (the model still batches by batch_size)


@contextmanager
def ray_session(address: str | None, workers: int | None) -> Iterator[int]:
    """Ray for one build: joins `address` (or the already initialised Ray), or starts a
    local Ray with `workers` CPUs and shuts it down afterwards. Yields the worker count."""
    import ray  # lazy: optional extra (archive[scale]), seconds to import
    import ray.data

    started = False
    if not ray.is_initialized():
        os.environ.update({k: v for k, v in OFFLINE_ENV.items() if k not in os.environ})
        # one CPU beyond the workers' actors, for the tasks that feed them
        kwargs = {"num_cpus": (workers or 2) + 1} if address is None else {}
        start_ray(ray, address, kwargs)
        started = True
    try:
        ray.data.DataContext.get_current().enable_progress_bars = False
        yield workers or max(1, int(ray.cluster_resources().get("CPU", 2)) - 1)
    finally:
        if started:
            ray.shutdown()


def start_ray(ray, address: str | None, kwargs: dict) -> None:  # noqa: ANN001 - the ray module
    """ray.init, tried twice for a local node: Ray waits a fixed 30 s for its raylet to
    register and, on a busy laptop or after an earlier local session in the same process,
    the first start can miss that window ("The current node timed out during startup")."""
    for attempt in (1, 2):
        try:
            ray.init(address=address, include_dashboard=False, log_to_driver=False,
                     configure_logging=False, runtime_env={"env_vars": dict(OFFLINE_ENV)},
                     **kwargs)
            return
        except Exception as exc:  # noqa: BLE001 - Ray raises a bare Exception here
            if address is not None or attempt == 2 or "timed out during startup" not in str(exc):
                raise
            ray.shutdown()


class EmbedBatch:
    """Ray Data UDF: loads the embedder once per worker, embeds a batch of passages."""

    def __init__(self, model_path: str, batch_size: int, embedding_backend: str) -> None:
        os.environ.update({k: v for k, v in OFFLINE_ENV.items() if k not in os.environ})
        config = load_config(model=model_path, batch_size=batch_size,
                             embedding_backend=embedding_backend)
        self.embedder = make_embedder(config)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        vectors = self.embedder.encode([str(t) for t in batch["text"]])
        return {"i": np.asarray(batch["i"], dtype=np.int64), "vector": vectors}


class RayEmbedder:
    """An embedder whose `encode` runs on Ray workers; everything else is the local one."""

    def __init__(self, config: Config, address: str | None = None, workers: int | None = None,
                 local: Embedder | None = None, manifest: dict | None = None) -> None:
        self.config = config
        self.address = address
        self.workers = workers
        # tokenizer, name, queries: in the driver ("auto": the backend of `manifest`'s archive)
        self.local = local or make_embedder(config, manifest)

    def __getattr__(self, name: str):  # noqa: ANN204
        """Everything but `encode` and `versions` is the local embedder's (name, backend,
        model_path, dimension, max_tokens, batch_size, count_tokens, encode_query): the
        manifest must not depend on how the vectors were computed."""
        if name == "local":  # not set yet (e.g. while unpickling): no recursion
            raise AttributeError(name)
        return getattr(self.local, name)

    def versions(self) -> dict[str, str]:
        import ray  # lazy: optional extra

        return {**self.local.versions(), "ray": ray.__version__}

    def encode(self, texts: Sequence[str],
               progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Vectors for `texts` in input order, embedded by `workers` Ray workers."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        import ray  # lazy: optional extra
        import ray.data

        with ray_session(self.address, self.workers) as workers:
            # longest first, so each batch pads little (as Embedder.encode does in one process)
            order = np.argsort([len(t) for t in texts], kind="stable")[::-1]
            ds = ray.data.from_items([{"i": int(i), "text": texts[i]} for i in order],
                                     override_num_blocks=max(workers * 4, 1))
            ds = ds.map_batches(
                EmbedBatch, fn_constructor_kwargs={
                    "model_path": self.local.model_path, "batch_size": self.batch_size,
                    "embedding_backend": self.local.backend},  # resolved: as the driver
                batch_size=RAY_BATCH, compute=ray.data.ActorPoolStrategy(size=workers),
                num_cpus=1, batch_format="numpy")
            for batch in ds.iter_batches(batch_size=RAY_BATCH, batch_format="numpy"):
                out[batch["i"]] = np.asarray(batch["vector"], dtype=np.float32)
                if progress:
                    progress(len(batch["i"]))
        return out
