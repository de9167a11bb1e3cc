"""Bookmarks checked against the archive and exported: the read side of the notebook.

`resolve_bookmarks` finds each bookmark's passage in the current archive by article id and
passage hash (a rebuild renumbers passages, the hash stays); `export_bookmarks` writes them
as CSV, JSON or Markdown citations a reporter can paste.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from archive.errors import BadRequest
from archive.storage.interface import Backend
from archive.storage.userdb import Bookmark

EXPORT_FORMATS = ("csv", "json", "md")
STATUSES = ("ok", "changed", "removed")


def resolve_bookmarks(backend: Backend, marks: Sequence[Bookmark]) -> list[Bookmark]:
    """Find each bookmark's passage in the archive `backend` (a `Backend`) by article id and
    passage hash: "ok" with the current passage id and metadata, "changed" when the article
    is there but no passage has that text any more, "removed" when the article is gone."""
    found = backend.find_passages([(m.article_id, m.passage_hash) for m in marks])
    articles: dict[str, bool] = {}
    for m in marks:
        row = found.get((m.article_id, m.passage_hash))
        if row is not None:
            m.status, m.passage_id = "ok", int(row["id"])
            m.title, m.outlet, m.date = row.get("title"), row.get("outlet"), row.get("date")
            m.url, m.path = row.get("url") or m.url, row.get("path") or m.path
            continue
        if m.article_id not in articles:
            articles[m.article_id] = backend.article(m.article_id) is not None
        m.status, m.passage_id = ("changed" if articles[m.article_id] else "removed"), None
    return list(marks)


CSV_COLUMNS = ("id", "status", "article_id", "passage_hash", "passage_id", "title", "outlet",
               "date", "url", "path", "speaker", "quote", "tags", "note", "text", "citation",
               "created", "updated")


def export_bookmarks(marks: Sequence[Bookmark], fmt: str) -> str:
    """Bookmarks as CSV (one row each), JSON (a list) or Markdown (citations to paste, with
    notes and tags; a removed one is marked REMOVED)."""
    if fmt == "json":
        return json.dumps([m.to_json() for m in marks], ensure_ascii=False, indent=1)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, CSV_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for m in marks:
            writer.writerow({**m.to_json(), "tags": "; ".join(m.tags)})
        return out.getvalue()
    if fmt == "md":
        lines = []
        for m in marks:
            flag = f" **[{m.flag}]**" if m.flag else ""
            lines.append(f"- {md_escape(m.citation())}{flag}")
            if m.note:
                lines.append(f"  - Note: {md_escape(' '.join(m.note.split()))}")
            if m.tags:
                lines.append(f"  - Tags: {md_escape(', '.join(m.tags))}")
            if m.url:
                lines.append(f"  - <{m.url}>")
        return "\n".join(lines) + ("\n" if lines else "")
    raise BadRequest(f"unknown export format {fmt!r}: choose one of {', '.join(EXPORT_FORMATS)}")


def md_escape(text: str) -> str:
    """Text with Markdown's inline markers escaped, so a passage pastes as written."""
    for ch in "\\`*_[]<>#|":
        text = text.replace(ch, "\\" + ch)
    return text
