"""The stages the local build and the distributed build share, so both index alike.

Reading and cleaning (`prepare`, `admit`, `collect`, `with_uploads`), chunking (`chunk`),
attribution of one article's passages (`attribute_passages`), people grouping
(`group_people`, over the catalogue; the distributed build groups with the same
`group_names` and tallies with `archive.text.names.people_table`) and the manifest keys
that must match for vectors to be mixed (`expected_manifest`).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from archive.build.report import BuildReport
from archive.config import Config
from archive.models import Article, Passage
from archive.quotes import passage_attributions
from archive.storage import UPLOADS
from archive.storage.sqlite import Store
from archive.text import (Skipped, clean_article, group_names, oversized_paragraph,
                          passages_of, read_all)
from archive.text.names import people_table


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
    """One read item cleaned into an Article, or (None, why it is skipped)."""
    if isinstance(item, Skipped):
        return None, item.reason
    size = oversized_paragraph(item.text)
    if size:
        return None, (f"a single paragraph of {size:,} characters: not article text (split "
                      "it into paragraphs)")
    try:
        article = clean_article(item)
    except Exception as exc:  # noqa: BLE001 - one bad article must never stop a build
        return None, f"could not be cleaned: {exc}"
    if article is None:
        return None, "no article text after removing boilerplate"
    return article, None


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


def collect(paths: Iterable[str | Path], report: BuildReport) -> dict[str, Article]:
    """Cleaned articles by id; unreadable files and repeated articles go to the report."""
    articles: dict[str, Article] = {}
    seen: dict[str, str] = {}
    for item in read_all(paths):
        article, reason = prepare(item)
        if admit(report, seen, article.article_id if article else "", item.path, reason):
            articles[article.article_id] = article
    return articles


def chunk(article: Article, embedder, max_tokens: int) -> list[Passage]:  # noqa: ANN001
    """The article's passages, within the configured and the model's token limits."""
    return passages_of(article, min(max_tokens, embedder.max_tokens), embedder.count_tokens)


def attribute_passages(passages: Sequence[Passage]) -> None:
    """Who said what in each passage of one article (spaCy loads on the first call)."""
    if not passages:
        return
    for p, found in zip(passages, passage_attributions([p.text for p in passages])):
        p.attributions = list(found)


def group_people(store: Store) -> None:
    """Regroup every speaker name of the catalogue into people: aliases, people, types
    (the distributed build tallies its people with the same `people_table`)."""
    mentions = store.named_mentions()
    aliases = group_names([(speaker, role) for speaker, role, _, _ in mentions])
    store.write_people(aliases, people_table(mentions, aliases))


def expected_manifest(embedder) -> dict[str, object]:  # noqa: ANN001
    """The manifest values stored vectors must share with `embedder`'s to be mixed."""
    return {"model": embedder.name, "dimension": embedder.dimension, "normalized": True,
            "embedding_backend": getattr(embedder, "backend", "torch-fp32")}
