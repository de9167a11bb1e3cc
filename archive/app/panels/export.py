"""Export on the search page: download the current result list (CSV, Markdown citations),
and the "Batch questions" expander (the file `archive search --batch` reads, a progress
bar, the results offered as a download).

The rows, citations and writers are the library's (`archive.search`: `rows`, `export`,
`read_batch`, `write_batch`), so the page's files equal the command line's.
"""
from __future__ import annotations

import io
import re
from collections.abc import Sequence

import streamlit as st

from archive.app import html as ui
from archive.errors import BadRequest
from archive.search import Hit, Searcher, export, read_batch, rows, write_batch

MIME = {"csv": "text/csv", "jsonl": "application/x-ndjson", "md": "text/markdown"}
LABELS = {"csv": "CSV", "jsonl": "JSON lines", "md": "Markdown citations"}
BATCH_KEY = "export_batch_result"
MAX_BAD_SHOWN = 20


def file_stem(query: str) -> str:
    """A file name from the question: "what did Lavrov say" -> "what-did-lavrov-say"."""
    stem = re.sub(r"[^a-z0-9]+", "-", query.lower()).strip("-")[:60].strip("-")
    return stem or "results"


def downloads(query: str, hits: Sequence[Hit], backend) -> None:  # noqa: ANN001
    """Download buttons for the result list on screen (the filters already applied)."""
    result = [(query, rows(hits, query, backend))]
    cols = st.columns(2)
    for col, fmt in zip(cols, ("csv", "md")):
        col.download_button(f"Download {LABELS[fmt]}", export(result, fmt).encode("utf-8"),
                            file_name=f"{file_stem(query)}.{fmt}", mime=MIME[fmt],
                            key=f"export_download_{fmt}", icon=":material/download:",
                            on_click="ignore", width="stretch")


def page_defaults() -> dict:
    """The search arguments chosen on the page, used where a batch row sets none."""
    ss = st.session_state
    return {"k": int(ss.get("k", 10)), "mode": ss.get("mode", "hybrid"),
            "date_from": ss.get("date_from") and ss.date_from.isoformat(),
            "date_to": ss.get("date_to") and ss.date_to.isoformat(),
            "outlets": tuple(ss.get("outlets") or ()),
            "include_undated": bool(ss.get("include_undated", False))}


def run_batch_file(s: Searcher, name: str, data: bytes, fmt: str) -> dict:
    """Every question of an uploaded batch file, with a progress bar; the result file."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadRequest(f"{name} is not UTF-8 text: save it as UTF-8 (one question per "
                         "line, or a CSV with a 'query' column)") from None
    questions, bad = read_batch(text, name.lower().endswith(".csv"), page_defaults())
    bar = st.progress(0.0, text=f"0 of {len(questions)} questions")

    def step(i: int, _question) -> None:  # noqa: ANN001
        bar.progress(i / max(len(questions), 1), text=f"{i} of {len(questions)} questions")

    out = io.StringIO(newline="")
    failed = write_batch(s, questions, fmt, out, step)
    return {"data": out.getvalue().encode("utf-8"), "fmt": fmt, "name": name,
            "answered": len(questions) - len(failed), "bad": [str(b) for b in bad + failed]}


def batch_questions(s: Searcher) -> None:
    """The "Batch questions" expander: upload, run with a progress bar, download."""
    with st.expander("Batch questions", icon=":material/checklist:"):
        st.caption("A .txt file with one question per line, or a .csv with a `query` column "
                   "and optional speaker, from, to, outlet, article, mode and k columns. The "
                   "mode, k, dates and outlets chosen on this page apply where a row sets none.")
        upload = st.file_uploader("Questions file", type=["txt", "csv"], key="export_batch_file")
        fmt = st.radio("Results as", tuple(LABELS), format_func=LABELS.get, horizontal=True,
                       key="export_batch_format")
        if st.button("Ask every question", disabled=upload is None, key="export_batch_run",
                     icon=":material/play_arrow:"):
            try:
                st.session_state[BATCH_KEY] = run_batch_file(s, upload.name,
                                                             upload.getvalue(), fmt)
            except BadRequest as exc:
                st.session_state.pop(BATCH_KEY, None)
                st.error(ui.escape(exc), icon=":material/error:")
        result = st.session_state.get(BATCH_KEY)
        if not result:
            return
        st.success(f"{result['answered']:,} questions answered from "
                   f"{ui.escape(result['name'])}.")
        for line in result["bad"][:MAX_BAD_SHOWN]:
            st.warning(ui.escape(line))
        if len(result["bad"]) > MAX_BAD_SHOWN:
            st.caption(f"… and {len(result['bad']) - MAX_BAD_SHOWN} more rows skipped.")
        st.download_button(f"Download the results ({LABELS[result['fmt']]})", result["data"],
                           file_name=f"batch-results.{result['fmt']}", mime=MIME[result["fmt"]],
                           key="export_batch_download", icon=":material/download:",
                           on_click="ignore")
