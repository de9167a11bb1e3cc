"""`Backend`: everything search, the CLI and the page ask of a storage engine.

Each engine (`archive.storage.local.LocalBackend`, `archive.storage.milvus.MilvusBackend`)
implements every method; what an engine does differently is declared in its capability
flags, never probed. Rows are plain dicts with the same keys on every engine.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol

from archive.config import Config
from archive.models import Filters

if TYPE_CHECKING:
    import numpy as np

Ranked = list[tuple[int, float]]  # (passage id, score), best first


class Backend(Protocol):
    """One opened archive: retrieval, lookups, browsing, counts and statistics."""

    # -- capabilities ----------------------------------------------------------------------
    groups: ClassVar[bool]
    """dense/keyword/hybrid honour group=True: one passage per near-duplicate cluster, so k
    results are k distinct stories. Without it `group` is ignored and the caller folds."""
    fuses_hybrid: ClassVar[bool]
    """`hybrid` fuses dense and keyword ranks inside the engine; without it `hybrid` raises
    NotSupported and the caller fuses the two rankings itself."""
    distributed_build: ClassVar[bool]
    """The distributed (Ray) build can fill this engine directly, with no local generation."""
    stores_mentions: ClassVar[bool]
    """The engine keeps the names each passage mentions: `mentioned`, `mentions_in` and
    `Filters.mentions` answer; without it they raise NotSupported."""

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def open(cls, config: Config, expected: dict[str, object] | None = None) -> Backend:
        """The archive `config` names; `expected` is checked by `check_manifest`."""

    @classmethod
    def exists(cls, config: Config) -> bool:
        """Whether there is an archive to open (cheap: no model, no full open)."""

    @classmethod
    def mirror(cls, config: Config, generation: Path) -> None:
        """Make this engine hold the published local generation `generation` (a build always
        writes one; an engine other than local gets the diff against what it last held)."""

    @classmethod
    def stream_writer(cls, config: Config):  # noqa: ANN206 - the engine's writer
        """The writer a distributed build fills this engine with (not connected yet);
        NotSupported when the engine cannot be filled that way (distributed_build False)."""

    def refresh(self) -> bool:
        """Follow the latest published build; False when this handle cannot follow it and
        must be reopened (a new local generation). Raises IndexNotFound when it is gone."""

    def manifest(self) -> dict[str, object]: ...
    def close(self) -> None: ...

    # -- retrieval -------------------------------------------------------------------------
    def dense(self, vector: np.ndarray, k: int, filters: Filters,
              group: bool = False) -> Ranked: ...
    def keyword(self, text: str, k: int, filters: Filters, group: bool = False) -> Ranked: ...
    def hybrid(self, vector: np.ndarray, text: str, n: int, filters: Filters,
               rrf_k: int = 60, group: bool = False) -> Ranked: ...
    def filtered_ids(self, filters: Filters) -> list[int]:
        """Every passage id the filters allow."""

    def undated_count(self, filters: Filters) -> int:
        """Passages the filters would allow but for their date range, whose article has no
        date: what the range leaves out (0 without one, or with `include_undated`)."""

    # -- lookups ---------------------------------------------------------------------------
    def fetch(self, ids: Sequence[int]) -> dict[int, dict]:
        """Passages with their article's metadata, keyed by passage id."""

    def find_passages(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], dict]:
        """(article id, passage hash) → that passage now, in `fetch`'s shape; keys that match
        no passage are absent. Bookmarks find their passage again this way after a rebuild
        renumbered it (the hash is the SHA-1 of the passage text: `storage.passage_hash`)."""

    def attributions_for(self, ids: Sequence[int]) -> dict[int, list[dict]]: ...
    def passages_quoting(self, people: Sequence[str]) -> list[int]: ...
    def quotes_of(self, people: Sequence[str]) -> list[tuple[int, bool, str | None]]:
        """(passage id, direct, cue) of every attribution labelled as one of `people`'s,
        by passage id: what speaker ranking needs, in one round trip."""
    def unsure_quotes(self, speakers: Sequence[str], min_confidence: float
                      ) -> list[tuple[int, bool, str | None]]:
        """`quotes_of`'s rows for attributions labelled as nobody's words although their
        extracted speaker is one of `speakers` (a name as written: "Obama", "Henry Crespo"):
        those the build kept below ARCHIVE_LABEL_CONFIDENCE, with a confidence of at least
        `min_confidence`. Ranked as a person's probable words, never labelled as theirs."""
    def cluster_members(self, clusters: Sequence[int]) -> dict[int, list[dict]]: ...
    def aliases(self) -> dict[str, str]:
        """alias → canonical person name."""

    # -- browsing --------------------------------------------------------------------------
    def neighbours(self, passage_id: int, before: int = 1, after: int = 1) -> list[dict]:
        """The passage and its neighbours in its article: [{id, position, section, text}]."""

    def article(self, article_id: str) -> dict | None: ...
    def article_passages(self, article_id: str) -> list[dict]: ...
    def story(self, article_ids: Sequence[str]) -> list[dict]:
        """The story view: the given articles and every other article of their story
        clusters, oldest first, each its row (article_id, title, outlet, date, url, story)
        with "passages": [{id, position, section, text, cluster, page}] in reading order
        (`cluster` links near-identical passages across the versions). Unknown ids are
        left out."""

    def people(self) -> list[dict]:
        """Quoted people: [{name, aliases, roles, quotes, articles, type}], most quoted first."""

    def quotes_by(self, person: str) -> list[dict]:
        """Every attribution to `person`, by date, with passage and article metadata."""

    def mentioned(self) -> list[dict]:
        """Names mentioned in passages (people, organisations, places), canonical after the
        speakers' alias grouping: [{name, type, passages, articles, mentions}], most
        mentioned first (stores_mentions)."""

    def mentions_in(self, ids: Sequence[int]) -> dict[int, list[dict]]:
        """The names each passage mentions: [{name, person, type, start, end}] in text
        order (stores_mentions)."""

    def places_near(self, people: Sequence[str]) -> dict[str, dict[str, int]]:
        """For each of `people`, the places the articles quoting them name, and in how many
        of those articles: {person: {place: articles}} ({} without stores_mentions)."""

    def outlets(self) -> list[tuple[str, int]]: ...
    def date_range(self) -> tuple[str | None, str | None]: ...

    # -- counts and statistics -------------------------------------------------------------
    def count(self, table: str = "passages") -> int:
        """Rows of "passages", "articles", "attributions" or "people"."""

    def stats(self) -> dict[str, object]:
        """What `archive stats` prints: location, counts, model, build time, size."""

    def stories(self) -> list[dict]:
        """What `archive duplicates` prints: story clusters with their member articles, the
        near-duplicate passage pairs they share and the pairs' mean similarity."""


STORY_ARTICLE = ("article_id", "title", "outlet", "date", "url", "story")
STORY_PASSAGE = ("id", "position", "section", "text", "cluster", "page")


def story_view(articles: Sequence[dict], passages: Sequence[dict]) -> list[dict]:
    """`Backend.story`'s shape from article rows and passage rows (with article_id), on
    every engine: articles oldest first (undated last), passages in reading order."""
    by_article: dict[str, list[dict]] = {}
    for p in sorted(passages, key=lambda p: int(p["position"])):
        by_article.setdefault(p["article_id"], []).append({k: p.get(k) for k in STORY_PASSAGE})
    out = [{**{k: a.get(k) for k in STORY_ARTICLE},
            "passages": by_article.get(a["article_id"], [])} for a in articles]
    return sorted(out, key=lambda a: (a["date"] is None, a["date"] or "", a["outlet"] or "",
                                      a["article_id"]))
