"""Keyword retrieval: a Tantivy index of passage text and title in every generation.

`<generation>/keywords/` sits beside archive.db and vectors.faiss and is published with them.
Tantivy (Rust; BM25 with block-max WAND pruning, so a query costs what its best matches cost,
not what every matching passage costs) replaced SQLite FTS5, whose bm25() scores every
passage holding any query term: at a million passages that was most of a hybrid query's
time (benchmarks/README.md, "Keyword retrieval at 1M").

Documents: `id` (the passage rowid = the FAISS id; indexed and a fast field), `text` (the
passage followed by its article's title, stemmed English, frequencies without positions: no
phrase queries are asked), and what the common filters need natively: `date` (yyyymmdd as
an integer, UNDATED without one), `outlet` and `article` (raw terms). Filters on people
(quoted, mentioned) arrive as passage ids from SQLite.

The title is part of each passage's text rather than a field of its own: on the known-item
development sets that beat a separate title field at every weight tried (0.1, 0.3 as FTS5
had it, 1.0), and FTS5 itself (benchmarks/README.md, "Keyword retrieval at 1M").

A new generation starts as hard links to the previous generation's files: Tantivy never
changes a file once written (a commit writes new segment and delete files and replaces
meta.json by rename), so adding 1% of an archive writes about 1% of it.
"""
from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable, Sequence
from importlib.metadata import version
from pathlib import Path

import tantivy as t

from archive.errors import IndexCorrupt
from archive.storage.generations import rebuild_hint
from archive.models import Filters
from archive.text.terms import query_terms

KEYWORDS_NAME = "keywords"
ANALYZER = "archive_en"
UNDATED = -1
WRITER_HEAP = 48_000_000  # bytes; the writer flushes a segment when it is full
LOCKS = (".tantivy-writer.lock", ".tantivy-meta.lock")


def date_key(date: str | None) -> int:
    """A stored date as an integer that orders like the ISO string it comes from
    ("2016-05-03" -> 20160503, "2016-05" -> 20160500); UNDATED for none."""
    digits = re.sub(r"\D", "", date or "")[:8]
    return int(digits.ljust(8, "0")) if digits else UNDATED


def analyzer():  # noqa: ANN201 - tantivy.TextAnalyzer
    """Words (letters and digits), at most 40 characters, lower-cased, accents folded,
    Snowball English stems: what FTS5's "porter unicode61 remove_diacritics 2" did."""
    return (t.TextAnalyzerBuilder(t.Tokenizer.simple()).filter(t.Filter.remove_long(40))
            .filter(t.Filter.lowercase()).filter(t.Filter.ascii_fold())
            .filter(t.Filter.stemmer("english")).build())


def schema():  # noqa: ANN201 - tantivy.Schema
    sb = t.SchemaBuilder()
    sb.add_integer_field("id", indexed=True, fast=True)
    sb.add_text_field("text", tokenizer_name=ANALYZER, index_option="freq")
    sb.add_integer_field("date", indexed=True, fast=True)
    sb.add_text_field("outlet", tokenizer_name="raw", index_option="basic")
    sb.add_text_field("article", tokenizer_name="raw", index_option="basic")
    return sb.build()


def copy_keywords(src: Path, dst: Path) -> bool:
    """Start `dst` as the keyword index in `src` (hard links where the file system allows,
    else copies); False when `src` has none (a generation made before Tantivy)."""
    if not (src / "meta.json").is_file():
        return False
    dst.mkdir(parents=True, exist_ok=True)
    for f in src.iterdir():
        if f.name in LOCKS or not f.is_file():
            continue
        try:
            os.link(f, dst / f.name)
        except OSError:
            shutil.copy2(f, dst / f.name)
    return True


def tantivy_version() -> str:
    return version("tantivy")


def corrupt(path: Path, exc: BaseException) -> IndexCorrupt:
    detail = (str(exc).splitlines() or [type(exc).__name__])[0][:200]
    return IndexCorrupt(f"keyword index '{path}' is damaged ({detail}): "
                        f"{rebuild_hint(path.parent.parent)}")


class KeywordIndex:
    """One generation's keyword index: read-only for search, or writable while a build
    fills it (`add`, `delete`, then `commit`)."""

    def __init__(self, path: Path, writable: bool = False) -> None:
        self.path = Path(path)
        self.writable = writable
        self._writer = None
        try:
            if writable and not (self.path / "meta.json").exists():
                self.path.mkdir(parents=True, exist_ok=True)
                self.index = t.Index(schema(), path=str(self.path))
            else:
                if not (self.path / "meta.json").is_file():
                    raise FileNotFoundError("meta.json is missing")
                self.index = t.Index.open(str(self.path))
            self.analyzer = analyzer()
            self.index.register_tokenizer(ANALYZER, self.analyzer)
            self.schema = self.index.schema
            self.searcher = self.index.searcher()
        except (ValueError, OSError) as exc:
            raise corrupt(self.path, exc) from exc

    @staticmethod
    def exists(path: Path) -> bool:
        return (Path(path) / "meta.json").is_file()

    def count(self) -> int:
        return int(self.searcher.num_docs)

    # -- writing --------------------------------------------------------------------------
    def writer(self):  # noqa: ANN201 - tantivy.IndexWriter, opened on first use
        if self._writer is None:
            self._writer = self.index.writer(WRITER_HEAP, 1)
        return self._writer

    def add(self, rows: Iterable[tuple[int, str, str | None, str | None, str | None, str]]
            ) -> None:
        """Index passages given as (id, text, title, date, outlet, article_id)."""
        w = self.writer()
        for pid, text, title, date, outlet, article_id in rows:
            w.add_document(t.Document(id=int(pid), text=f"{text}\n{title or ''}",
                                      date=date_key(date), outlet=outlet or "",
                                      article=article_id))

    def delete(self, ids: Iterable[int]) -> None:
        w = self.writer()
        for pid in ids:
            w.delete_documents_by_term("id", int(pid))

    def commit(self) -> None:
        """Make what was added and deleted durable (and, once the writer's merges end, the
        segments final); a read after it sees the changes."""
        if self._writer is None:
            return
        self._writer.commit()
        self._writer.wait_merging_threads()  # the writer is spent: a next change opens one
        self._writer = None
        self.index.reload()
        self.searcher = self.index.searcher()

    def close(self) -> None:
        if self._writer is not None:
            self._writer.rollback()
            self._writer = None

    # -- search ---------------------------------------------------------------------------
    def query(self, text: str):  # noqa: ANN201 - tantivy.Query, or None without a word
        """BM25 over passage text and title for the question's topic words
        (archive.text.terms), OR-ed. Built term by term, never parsed: any user text is a
        valid query."""
        tokens = list(dict.fromkeys(self.analyzer.analyze(" ".join(query_terms(text)))))
        if not tokens:
            return None
        return t.Query.boolean_query([(t.Occur.Should, t.Query.term_query(
            self.schema, "text", w)) for w in tokens])

    def restrictions(self, f: Filters, ids: Sequence[int] | None) -> list:
        """The filters as Tantivy queries: dates, outlets and articles natively; `ids` (the
        passages SQLite allows, for filters on people) as a set of ids."""
        s = self.schema
        out = []
        if f.dated():
            lo, hi = date_key(f.date_from) if f.date_from else 0, date_key(f.date_to or "9999")
            span = (t.Query.range_query(s, "date", t.FieldType.Integer, lo, hi) if hi >= lo
                    else t.Query.empty_query())
            if f.include_undated:
                span = t.Query.boolean_query([(t.Occur.Should, span), (
                    t.Occur.Should, t.Query.term_query(s, "date", UNDATED))])
            out.append(span)
        if f.outlets:
            out.append(t.Query.term_set_query(s, "outlet", list(f.outlets)))
        if f.article_ids:
            out.append(t.Query.term_set_query(s, "article", list(f.article_ids)))
        if ids is not None:
            out.append(t.Query.term_set_query(s, "id", [int(i) for i in ids]))
        return out

    def search(self, text: str, limit: int, f: Filters | None = None,
               ids: Sequence[int] | None = None) -> list[tuple[int, float]]:
        """(passage id, BM25 score), best first; `ids` restricts to those passages. A
        writable index commits what it was given first, so it answers for it."""
        self.commit()
        query = self.query(text)
        if query is None or limit <= 0 or (ids is not None and not ids):
            return []
        limits = self.restrictions(f or Filters(), ids)
        if limits:  # filters decide membership only: they add no score
            query = t.Query.boolean_query([(t.Occur.Must, query)] + [
                (t.Occur.Must, t.Query.const_score_query(q, 0.0)) for q in limits])
        try:
            hits = self.searcher.search(query, limit, count=False).hits
            pids = self.searcher.fast_field_values("id", [a for _, a in hits])
        except ValueError as exc:
            raise corrupt(self.path, exc) from exc
        return [(int(p), float(score)) for (score, _), p in zip(hits, pids)]
