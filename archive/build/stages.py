"""The stages the local build and the distributed build share, so both index alike.

Reading and cleaning (`prepare`, `admit`, `collect`, `read_articles`, `with_uploads`),
inside one isolation boundary per file and per article (whatever a file holds becomes a
reported skip, never a failed build), what a mirror build removes (`to_remove`: never
what it could not read), the per-article size cap on cleaned text (`oversized`,
`drop_oversized`), chunking (`chunk`), attribution of one article's passages
(`attribute_passages`) and the manifest keys that must match for vectors to be mixed
(`expected_manifest`). People grouping is archive.build.people's.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Protocol

from archive.build.report import BuildReport
from archive.config import Config
from archive.errors import BuildFailed, Cancelled
from archive.models import Article, Attribution, Mention, Passage
from archive.quotes import passage_analysis
from archive.storage import UPLOADS
from archive.text import Skipped, clean_article, oversized_paragraph, passages_of, read_all
from archive.text.ingest import MAX_ARTICLE_BYTES

MB = 1_000_000  # bytes in the MB of --max-article-mb and of the size reports


def with_uploads(paths: Sequence[str | Path], config: Config) -> list[str | Path]:
    """`paths` plus the index's own uploads folder: articles added through the page live
    there, and a mirror build (`archive build seeds`) must not drop them. To remove an
    upload, delete its file under <index>/uploads/ and build again."""
    uploads = Path(config.index_dir) / UPLOADS
    if not uploads.is_dir():
        return list(paths)
    given = {Path(p).resolve() for p in paths}
    if any(uploads.resolve() == g or uploads.resolve().is_relative_to(g) for g in given):
        return list(paths)
    return [*paths, uploads]


def prepare(item) -> tuple[Article | None, str | None]:  # noqa: ANN001 - RawArticle | Skipped
    """One read item cleaned into an Article, or (None, why it is skipped); never raises."""
    if isinstance(item, Skipped):
        return None, item.reason
    try:
        size = oversized_paragraph(item.text)
        if size:
            return None, (f"a single paragraph of {size:,} characters: not article text "
                          "(split it into paragraphs)")
        article = clean_article(item)
    except Exception as exc:  # noqa: BLE001 - one bad article must never stop a build
        return None, f"could not be cleaned ({type(exc).__name__}: {short(exc)})"
    if article is None:
        return None, "no article text after removing boilerplate"
    return article, None


def short(exc: BaseException) -> str:
    """An exception's message on one line, at most 200 characters."""
    return " ".join(str(exc).split())[:200]


def admit(report: BuildReport, seen: dict[str, str], article_id: str, path: str,
          reason: str | None) -> bool:
    """True for an article to index. A skipped file (`reason`) or a repeat of an article
    already in `seen` (article id -> path) goes to the report instead."""
    if reason is not None:
        report.skipped.append({"path": path, "reason": reason})
        return False
    if article_id in seen:
        report.skipped.append({"path": path, "reason": f"same article as {seen[article_id]}"})
        return False
    seen[article_id] = path
    return True


class Wanted(dict):
    """Cleaned articles by id (what the build indexes), and `kept`: the paths whose failure
    says nothing of their content (a folder that cannot be listed, a file that cannot be
    opened, a missing library), whose articles already indexed a mirror build keeps."""

    def __init__(self) -> None:
        super().__init__()
        self.kept: list[str] = []


def collect(paths: Iterable[str | Path], report: BuildReport,
            max_bytes: int = MAX_ARTICLE_BYTES) -> Wanted:
    """Cleaned articles by id; unreadable files and repeated articles go to the report.
    A .txt/.html file or a record above `max_bytes` is skipped (Config.max_article_bytes)."""
    articles = Wanted()
    for article in read_articles(paths, report, max_bytes, articles.kept):
        articles[article.article_id] = article
    return articles


def read_articles(paths: Iterable[str | Path], report: BuildReport,
                  max_bytes: int = MAX_ARTICLE_BYTES, kept: list[str] | None = None,
                  cap: int | None = None) -> Iterator[Article]:
    """The cleaned articles under `paths`, one at a time as they are read (what `collect`
    gathers); unreadable files and repeated articles go to the report, and the paths whose
    failure says nothing of their content to `kept`. With `cap`, an article whose cleaned
    text is over `cap` bytes is skipped too (`oversized`), as `drop_oversized` does."""
    seen: dict[str, str] = {}
    for item in read_all(paths, max_bytes):
        if isinstance(item, Skipped) and item.keep and kept is not None:
            kept.append(item.path)
        article, reason = prepare(item)
        if admit(report, seen, article.article_id if article else "", item.path, reason):
            if cap is None or (why := oversized(article, cap)) is None:
                yield article
            else:
                report.skipped.append({"path": article.path, "reason": why})


def article_cap(config: Config) -> int:
    """The per-article size cap in bytes of `config` (ARCHIVE_MAX_ARTICLE_BYTES)."""
    return int(config.max_article_bytes)


def oversized(article: Article, cap: int) -> str | None:
    """Why `article` is skipped when its cleaned text is over `cap` UTF-8 bytes (one huge
    article must not hold the build lock for hours: Config.max_article_bytes), else None."""
    size = article_bytes(article)
    if size <= cap:
        return None
    return (f"article text of {in_mb(size)} is over the {in_mb(cap)} limit per article: "
            "raise it with --max-article-mb or ARCHIVE_MAX_ARTICLE_BYTES")


def drop_oversized(wanted: dict[str, Article], cap: int, report: BuildReport) -> None:
    """Skip (and report) each article of `wanted` whose cleaned text is over `cap` bytes."""
    for article_id, article in list(wanted.items()):
        reason = oversized(article, cap)
        if reason is not None:
            del wanted[article_id]
            report.skipped.append({"path": article.path, "reason": reason})


def in_mb(n: int) -> str:
    """A byte count for a reader: "5.2 MB", or bytes below 0.1 MB."""
    return f"{n / MB:,.1f} MB" if n >= MB // 10 else f"{n:,} bytes"


def article_bytes(article: Article) -> int:
    """Size of an article's cleaned text (title and paragraphs) in UTF-8 bytes."""
    return len(article.title.encode("utf-8", "replace")) + sum(
        len(p.text.encode("utf-8", "replace")) + 1 for p in article.paragraphs)


class Catalogue(Protocol):
    """What `to_remove` reads of an archive: a Store, or the distributed build's writer."""

    def article_rows(self, article_ids: Sequence[str]) -> list[dict]: ...


def to_remove(store: Catalogue, have: set[str], wanted: Mapping[str, object]) -> set[str]:
    """What a mirror build removes: the archive's articles (`have`) that are not `wanted`,
    except those read from a path `wanted.kept` names (a folder that could not be listed, a
    file that could not be opened): what cannot be read now is not dropped. The local and
    the distributed build both decide with it."""
    gone = have - set(wanted)
    kept = [os.path.abspath(p) for p in getattr(wanted, "kept", ())]
    if not gone or not kept:
        return gone
    prefixes = tuple(k.rstrip(os.sep) + os.sep for k in kept) + tuple(k + "#" for k in kept)
    exact = set(kept)
    for row in store.article_rows(sorted(gone)):
        path = os.path.abspath(row["path"] or "")
        if path in exact or path.startswith(prefixes):
            gone.discard(row["article_id"])
    return gone


def isolated(report: BuildReport, article: Article, failed: str, step, *args):  # noqa: ANN001, ANN201
    """`step(*args)` (chunking or attributing one article) inside that article's isolation
    boundary: what it returns, or None when it raised, the article then reported as skipped
    with `failed` and the reason. A failure of the environment every article would share (a
    library that cannot load, a full disk, no memory) stops the build as BuildFailed."""
    try:
        return step(*args)
    except Cancelled:  # the user stopped the build (progress callback): not the article
        raise
    except (ImportError, OSError, MemoryError) as exc:
        raise BuildFailed(f"{article.path}: {failed} ({type(exc).__name__}: {short(exc)}); "
                          "every article would fail alike: repair the installation (pip "
                          "install archive) or free disk space and memory, then build "
                          "again") from exc
    except Exception as exc:  # noqa: BLE001 - one bad article must never stop a build
        report.skipped.append({"path": article.path,
                               "reason": f"{failed} ({type(exc).__name__}: {short(exc)})"})
        return None


def chunk(article: Article, embedder, max_tokens: int) -> list[Passage]:  # noqa: ANN001
    """The article's passages, within the configured and the model's token limits."""
    return passages_of(article, min(max_tokens, embedder.max_tokens), embedder.count_tokens)


def attribute_passages(passages: Sequence[Passage],
                       progress: Callable[[int], None] | None = None,
                       tagger=None) -> Sequence[Passage]:  # noqa: ANN001
    """Who said what in each passage of one article, and whom it names (spaCy loads on the
    first call; one parse for both); the passages, their attributions and mentions filled.
    `progress` gets 1 per passage parsed; `tagger` (archive.embed.make_quote_tagger) adds
    the trained quote tagger's pass."""
    if not passages:
        return passages
    fill_passages(passages, *passage_analysis([p.text for p in passages], progress=progress,
                                              tagger=tagger))
    return passages


def fill_passages(passages: Sequence[Passage], found: Sequence[Sequence[Attribution]],
                  mentions: Sequence[Sequence[Mention]]) -> None:
    """Each passage's attributions and mentions, from one article's analysis."""
    for p, attrs, named in zip(passages, found, mentions):
        p.attributions, p.mentions = list(attrs), list(named)


def expected_manifest(embedder) -> dict[str, object]:  # noqa: ANN001
    """The manifest values stored vectors must share with `embedder`'s to be mixed."""
    return {"model": embedder.name, "dimension": embedder.dimension, "normalized": True,
            "embedding_backend": embedder.backend}
