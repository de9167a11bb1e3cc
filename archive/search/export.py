"""Getting results out: rows, citations, CSV / JSONL / Markdown writers, batch questions.

A result list (the `Hit`s of one query, with the filters already applied) becomes `rows`:
one flat dict per hit with the question beside it, a "speech" column saying whether the
quote is the speaker's own words ("direct") or reported speech ("reported"), and a ready
`citation`. Citations never put reported speech in quotation marks: "X said that ...,
according to OUTLET (date)". The writers stream rows into an open text file, so a batch of
questions is written as it runs. A batch file is one question per line (.txt) or a CSV
with a `query` column and optional filter columns; a bad row is reported with its line
number and skipped (`read_batch`), never the whole batch.

Pure library code: the CLI (`archive search --format/--batch`), the page and the HTTP API
call it. Spreadsheet formulas in article text (a cell starting with `=`, `+`, `-`, `@`) are
neutralised in CSV with a leading apostrophe.
"""
from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from archive.errors import BadRequest
from archive.models import Filters, Hit
from archive.search.searcher import Answer, Searcher, make_filters, validate

FORMATS = ("csv", "jsonl", "md")
COLUMNS = ("query", "rank", "speaker", "speech", "quote", "passage", "title", "outlet", "date",
           "url", "path", "article_id", "passage_id", "also_in", "citation")
BATCH_COLUMNS = ("line", *COLUMNS)
# optional columns of a batch CSV besides `query`
BATCH_FILTERS = ("speaker", "from", "to", "outlet", "article", "mode", "k")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CITATION_LIMIT = 400


def one_line(text: str | None, limit: int | None = None) -> str:
    """Whitespace runs as one space; cut at `limit` characters with an ellipsis."""
    s = re.sub(r"\s+", " ", text or "").strip()
    if limit and len(s) > limit:
        s = s[: limit - 1].rstrip() + "…"
    return s


# -- citations --------------------------------------------------------------------------
def source_parts(hit) -> tuple[str, str, str]:  # noqa: ANN001 - a Hit or a hit-like row
    """(outlet, date, title) as a citation names them; page numbers ("p. 3") follow the
    date when the hit has one."""
    outlet = one_line(getattr(hit, "outlet", None)) or "unknown outlet"
    date = one_line(getattr(hit, "date", None)) or "undated"
    page = getattr(hit, "page", None)
    if page:
        date += f", p. {page}"
    return outlet, date, one_line(getattr(hit, "title", None))


def citation(hit, direct: bool | None = None) -> str:  # noqa: ANN001
    """A one-line citation to paste (plain text).

    Reported speech (`direct` False) reads "X said that ..., according to OUTLET (date),
    “Title”", never in quotation marks. Otherwise: speaker, outlet, date and title, then the
    quote (or, with no speaker, the passage) in quotation marks.
    """
    speaker = one_line(getattr(hit, "speaker", None))
    quote = getattr(hit, "quote", None) if speaker else None
    outlet, date, title = source_parts(hit)
    if speaker and quote and direct is False:
        said = one_line(quote, CITATION_LIMIT).rstrip(" .,;:")
        text = f"{speaker} said that {said}, according to {outlet} ({date})"
        return text + (f", “{title}”" if title else "")
    words = one_line(quote or getattr(hit, "text", ""), CITATION_LIMIT)
    parts = ([speaker] if speaker else []) + [outlet, date]
    if title:
        parts.append(f"“{title}”")
    return ", ".join(parts) + f": “{words}”"


def speech_kinds(hits: Sequence[Hit], backend=None) -> list[str | None]:  # noqa: ANN001
    """"direct", "reported" or None (no quote) for each hit: the hit's own `direct` flag
    when it has one, else its attribution looked up in `backend` by passage and offsets."""
    looked: dict[int, list[dict]] = {}
    unknown = [h.passage_id for h in hits if h.quote and getattr(h, "direct", None) is None]
    if unknown and backend is not None:
        looked = backend.attributions_for(unknown)
    out: list[str | None] = []
    for h in hits:
        if not h.quote:
            out.append(None)
            continue
        direct = getattr(h, "direct", None)
        if direct is None:
            match = [a for a in looked.get(h.passage_id, [])
                     if (a["content_start"], a["content_end"]) == (h.quote_start, h.quote_end)]
            direct = bool(match[0]["direct"]) if match else None
        out.append(None if direct is None else ("direct" if direct else "reported"))
    return out


def also_names(hit: Hit) -> list[str]:
    return [one_line(a.get("outlet") or a.get("title")) or "another article"
            for a in hit.also_in]


def rows(hits: Sequence[Hit], query: str, backend=None) -> list[dict]:  # noqa: ANN001
    """One flat dict per hit (keys: COLUMNS); `backend` tells direct from reported quotes."""
    out = []
    for h, speech in zip(hits, speech_kinds(hits, backend)):
        direct = None if speech is None else speech == "direct"
        out.append({
            "query": query, "rank": h.rank, "speaker": h.speaker, "speech": speech,
            "quote": h.quote, "passage": h.text, "title": h.title, "outlet": h.outlet,
            "date": h.date, "url": h.url, "path": h.path, "article_id": h.article_id,
            "passage_id": h.passage_id, "also_in": also_names(h),
            "citation": citation(h, direct)})
    return out


def empty_row(query: str) -> dict:
    """The row of a question with no result: the question, every other column empty."""
    return {c: ([] if c == "also_in" else None) for c in COLUMNS} | {"query": query}


# -- writers ----------------------------------------------------------------------------
def csv_cell(value: object) -> object:
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value  # a spreadsheet would run it as a formula
    return "" if value is None else value


MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def md_text(text: str) -> str:
    return MD_SPECIAL.sub(r"\\\1", text)


def markdown_item(row: dict) -> str:
    """One row as a Markdown list item a reporter can paste: the citation, its link."""
    line = f"{row['rank']}. {md_text(row['citation'])}"
    if row.get("url"):
        line += f" <{row['url']}>"
    elif row.get("path"):
        line += f" (file: `{str(row['path']).replace('`', '')}`)"
    if row.get("also_in"):
        line += "\n   Also reported by: " + md_text(", ".join(row["also_in"]))
    return line


class ResultWriter:
    """Writes the rows of successive result lists to `out` as csv, jsonl (one row per line)
    or md (a heading per question, then its citations as a numbered list)."""

    def __init__(self, fmt: str, out: TextIO, columns: Sequence[str] = COLUMNS) -> None:
        if fmt not in FORMATS:
            raise BadRequest(f"unknown export format '{fmt}': choose one of {', '.join(FORMATS)}")
        self.fmt, self.out, self.columns = fmt, out, tuple(columns)
        self._csv = None
        if fmt == "csv":
            self._csv = csv.writer(out)
            self._csv.writerow(self.columns)

    def write(self, query: str, result: Sequence[dict], line: int | None = None) -> None:
        """One question's rows (an empty list writes the question with no result); `line`
        fills the "line" column of a batch."""
        if self.fmt == "md":
            self.out.write(f"## {md_text(one_line(query))}\n\n")
            items = [markdown_item(r) for r in result] or ["No results."]
            self.out.write("\n".join(items) + "\n\n")
            return
        extra = {"line": line} if "line" in self.columns else {}
        for row in result or [empty_row(query)]:
            row = {**row, **extra}
            if self._csv is not None:
                self._csv.writerow([csv_cell(row.get(c)) for c in self.columns])
            else:
                self.out.write(json.dumps({c: row.get(c) for c in self.columns},
                                          ensure_ascii=False) + "\n")


def export(results: Iterable[tuple[str, Sequence[dict]]], fmt: str) -> str:
    """(query, rows) pairs as one csv / jsonl / md text (the page's download button)."""
    buffer = io.StringIO(newline="")
    writer = ResultWriter(fmt, buffer)
    for query, result in results:
        writer.write(query, result)
    return buffer.getvalue()


# -- batch questions --------------------------------------------------------------------
@dataclass
class Question:
    """One question of a batch file, with its line number and checked search arguments."""

    line: int
    query: str
    k: int = 10
    mode: str = "hybrid"
    speaker: str | None = None
    filters: Filters = field(default_factory=Filters)
    fold: bool = True


@dataclass
class BadRow:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message} (skipped)"


def split_values(value: str | None) -> list[str]:
    """An outlet/article cell: several values separated by ';'."""
    return [v.strip() for v in (value or "").split(";") if v.strip()]


def question_from(line: int, cells: dict[str, str | None], defaults: dict) -> Question:
    """A batch row's question; its filter cells replace the defaults (the command's options).
    BadRequest for a bad cell."""
    get = {k: (cells.get(k) or "").strip() for k in ("query", *BATCH_FILTERS)}
    if not get["query"]:
        raise BadRequest("no question in the query column")
    raw_k = get["k"] or str(defaults.get("k", 10))
    if not raw_k.isdigit():
        raise BadRequest(f"k must be a whole number, not {raw_k!r}")
    q = Question(line, get["query"], int(raw_k), get["mode"] or defaults.get("mode", "hybrid"),
                 get["speaker"] or defaults.get("speaker"), fold=defaults.get("fold", True))
    validate(q.mode, q.k)
    q.filters = make_filters(get["from"] or defaults.get("date_from"),
                             get["to"] or defaults.get("date_to"),
                             split_values(get["outlet"]) or defaults.get("outlets", ()),
                             split_values(get["article"]) or defaults.get("articles", ()),
                             include_undated=defaults.get("include_undated", False))
    return q


def batch_cells(text: str, is_csv: bool) -> Iterator[tuple[int, dict[str, str | None]]]:
    """(line number, cells) of each question row of a batch file's text."""
    if not is_csv:
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip() and not line.lstrip().startswith("#"):
                yield number, {"query": line}
        return
    reader = csv.DictReader(io.StringIO(text, newline=""))
    names = {(n or "").strip().lower(): n for n in reader.fieldnames or ()}
    if "query" not in names:
        raise BadRequest("the batch CSV has no 'query' column: its first line must name "
                         f"the columns (query, and optionally {', '.join(BATCH_FILTERS)})")
    for row in reader:
        cells = {key: row.get(name) for key, name in names.items()}
        if any((v or "").strip() for v in cells.values() if isinstance(v, str)):
            yield reader.line_num, cells


def read_batch(text: str, is_csv: bool, defaults: dict | None = None
               ) -> tuple[list[Question], list[BadRow]]:
    """The questions of a batch file's text and the rows that were skipped, with why.

    `defaults` holds the search arguments a row does not set: k, mode, speaker, date_from,
    date_to, outlets, articles, fold.
    """
    questions, bad = [], []
    for number, cells in batch_cells(text.lstrip("\ufeff"), is_csv):
        try:
            questions.append(question_from(number, cells, defaults or {}))
        except BadRequest as exc:
            bad.append(BadRow(number, str(exc)))
    return questions, bad


def read_batch_file(path: str | Path, defaults: dict | None = None
                    ) -> tuple[list[Question], list[BadRow]]:
    """`read_batch` of a file: a .csv is a table with a `query` column, anything else one
    question per line (blank lines and lines starting with # are skipped)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadRequest(f"cannot read the batch file {path}: {exc}; give a UTF-8 text file "
                         "with one question per line, or a CSV with a 'query' column") from None
    return read_batch(text, path.suffix.lower() == ".csv", defaults)


def answer_batch(searcher: Searcher, questions: Sequence[Question],
                 progress: Callable[[int, Question], None] | None = None
                 ) -> Iterator[tuple[Question, Answer | None, str | None]]:
    """(question, answer, error) for each question, with one Searcher (the model loads
    once). A question the library refuses gives answer None and the error's message, and
    the batch goes on; `progress(i, question)` is called after each."""
    for i, q in enumerate(questions, start=1):
        try:
            answer, error = searcher.ask(q.query, k=q.k, mode=q.mode, filters=q.filters,
                                         speaker=q.speaker, fold=q.fold), None
        except BadRequest as exc:
            answer, error = None, str(exc)
        if progress is not None:
            progress(i, q)
        yield q, answer, error


def run_batch(searcher: Searcher, questions: Sequence[Question],
              progress: Callable[[int, Question], None] | None = None
              ) -> Iterator[tuple[Question, list[Hit] | None, str | None]]:
    """(question, hits, error) for each question: `answer_batch` without the reading."""
    for q, answer, error in answer_batch(searcher, questions, progress):
        yield q, (answer.hits if answer is not None else None), error


def write_batch(searcher: Searcher, questions: Sequence[Question], fmt: str, out: TextIO,
                progress: Callable[[int, Question], None] | None = None) -> list[BadRow]:
    """Run a batch and write every question's rows (with its line number) to `out`;
    returns the questions that failed while searching."""
    writer = ResultWriter(fmt, out, BATCH_COLUMNS if fmt != "md" else COLUMNS)
    failed = []
    for q, hits, error in run_batch(searcher, questions, progress):
        if hits is None:
            failed.append(BadRow(q.line, error or "failed"))
            continue
        writer.write(q.query, rows(hits, q.query, searcher.backend), q.line)
    return failed


__all__ = ["BATCH_COLUMNS", "BATCH_FILTERS", "COLUMNS", "FORMATS", "BadRow", "answer_batch",
           "Question", "ResultWriter", "citation", "export", "one_line", "read_batch",
           "read_batch_file", "rows", "run_batch", "speech_kinds", "write_batch"]
