"""Archive: what the index holds, and adding articles to it while others keep searching."""
from __future__ import annotations

import time

import streamlit as st

from archive.app import html as ui
from archive.app.shared import friendly, has_archive, index_folder, no_archive, searcher
from archive.app.uploads import UploadJob
from archive.config import load_config
from archive.text import COMPRESSED, SUPPORTED

STAGES = {"attributing": "Finding quotes and speakers", "embedding": "Embedding passages"}


def overview() -> None:
    s = searcher()
    counts, manifest = s.counts(), s.backend.manifest()
    cols = st.columns(4)
    for col, (label, key) in zip(cols, (("Articles", "articles"), ("Passages", "passages"),
                                        ("Quotes", "attributions"), ("People", "people"))):
        col.metric(label, f"{counts[key]:,}")
    first, last = s.backend.date_range()
    rows = {
        "Model": f"{manifest.get('model')} ({manifest.get('dimension')} dimensions)",
        "Last build": str(manifest.get("built_at") or "unknown"),
        "Dates": f"{first or '?'} to {last or '?'}",
        "Index folder": index_folder(),
    }
    st.markdown("".join(f"<div><b>{ui.escape(k)}:</b> {ui.escape(v)}</div>"
                        for k, v in rows.items()), unsafe_allow_html=True)
    outlets = s.backend.outlets()
    if outlets:
        with st.expander(f"Outlets ({len(outlets)})"):
            st.dataframe([{"outlet": o, "articles": n} for o, n in outlets],
                         hide_index=True, width="stretch")


def show_result() -> None:
    result = st.session_state.get("upload_result")
    if not result:
        return
    if result.get("error"):
        st.error(result["error"], icon=":material/error:")
        return
    if result.get("cancelled"):
        st.info("Cancelled: the files were removed and the archive is unchanged.",
                icon=":material/cancel:")
        return
    if result["added"]:
        st.success(f"Added {result['added']} article{'s' if result['added'] != 1 else ''} "
                   f"({result['embedded']} passages embedded). The archive now holds "
                   f"{result['articles']} articles; searches use them at once.",
                   icon=":material/check_circle:")
    elif result["articles"]:
        st.info("Nothing new was added: these articles are already in the archive, or none "
                "could be read.")
    for name, reason in result["skipped"]:
        st.warning(f"Not added: **{ui.escape(name)}**: {ui.escape(reason)}",
                   icon=":material/block:")


def index_files(files) -> None:
    """Start adding `files` in a background thread (archive.app.uploads.UploadJob) and watch it."""
    job = UploadJob([(f.name, f.getvalue()) for f in files], load_config(index=index_folder()),
                    embedder=searcher().embedder).start()
    st.session_state.upload_job = job
    watch(job)


def watch(job: UploadJob) -> None:
    """Progress of the running upload with a Cancel button, until the build ends. A click
    reruns the page (Streamlit stops this run at its next element), and the new run sets
    the job's cancel event, which stops the build at its next progress tick."""
    cancel = st.button("Cancel", icon=":material/cancel:", key="cancel-upload",
                       disabled=job.cancel.is_set())
    if cancel:
        job.cancel.set()
    bar = st.progress(0.0, text="Reading and cleaning the articles…")
    while job.running:  # each bar update is where a click's rerun stops this run
        stage, done, total = job.progress
        text = (f"{STAGES.get(stage, stage.capitalize())}: {done:,} of {total:,}" if total
                else "Reading and cleaning the articles…")
        bar.progress(min(1.0, done / total) if total else 0.0,
                     text="Cancelling…" if job.cancel.is_set() else text)
        time.sleep(0.25)
    bar.empty()
    st.session_state.pop("upload_job", None)
    st.session_state.upload_result = job.result
    st.session_state.upload_round = st.session_state.get("upload_round", 0) + 1
    st.rerun()


def upload() -> None:
    st.subheader("Add articles")
    st.caption("Plain text (title on the first line), HTML pages, PDFs, Word documents, "
               "e-mails (.eml), web crawls (.warc), JSON, JSON Lines or CSV with a text "
               "column, each also compressed (.gz, .bz2, .xz). Files are kept under the index "
               "folder (uploads/) and added to what the archive already holds; searching goes "
               "on while they are indexed.")
    show_result()
    job = st.session_state.get("upload_job")
    if job is not None:  # a rerun while an upload is being added (a Cancel click)
        watch(job)
        return
    files = st.file_uploader("Article files", accept_multiple_files=True,
                             key=f"upload-{st.session_state.get('upload_round', 0)}",
                             help="Accepted: " + ", ".join(sorted(SUPPORTED))
                             + ", each also as " + ", ".join(sorted(COMPRESSED)))
    if st.button("Add to the archive", type="primary", disabled=not files,
                 icon=":material/upload:"):
        index_files(files)


def page() -> None:
    st.title("Archive")
    if has_archive():
        with friendly():
            overview()
    else:
        no_archive()
    with friendly():
        upload()


page()
