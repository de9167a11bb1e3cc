"""Saved searches and bookmarks on the page: the reader's notebook (INDEX/user.db).

On the Search page: `save_search_box` (save the question with its filters; the hits on the
screen count as its first run) and `bookmark_box` (in each result card: keep the passage with
a note and tags). On the Saved page: `saved_searches_panel` (run a saved search again, its
new hits marked) and `bookmarks_panel` (filter, edit, delete, export; a bookmark whose
article left the archive is marked REMOVED). All article text is shown escaped.
"""
from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from archive.app import html as ui
from archive.app.shared import friendly, index_folder, searcher
from archive.models import Filters, Hit
from archive.search import validate
from archive.storage import (
    Bookmark,
    SavedRun,
    SavedSearch,
    UserData,
    export_bookmarks,
    passage_hash,
    resolve_bookmarks,
)

NEW_STYLE = ("display:inline-block;background:#2da44e;color:#fff;border-radius:1em;"
             "padding:.05em .6em;font-size:.8em;font-weight:700;margin-right:.4em")
GONE_STYLE = NEW_STYLE.replace("#2da44e", "#cf222e")
TAG_STYLE = NEW_STYLE.replace("#2da44e", "#57606a").replace("700", "500")
MIME = {"csv": "text/csv", "json": "application/json", "md": "text/markdown"}


def notebook() -> UserData:
    return UserData(index_folder())


def flag(label: str, style: str = NEW_STYLE) -> str:
    return f'<span class="flag" style="{style}">{ui.escape(label)}</span>'


# -- on the Search page -------------------------------------------------------------------
def save_search_box(query: str, mode: str, k: int, filters: Filters,
                    hits: Sequence[Hit]) -> None:
    """"Save this search": a name (the question by default), then Save; the hits shown now
    are recorded, so a later run marks only what is new."""
    with st.popover("Save this search", icon=":material/bookmark_add:"):
        name = st.text_input("Name", key="save_search_name", placeholder=query[:80],
                             help="Leave empty to use the question as the name.")
        replace = st.checkbox("Replace a saved search of the same name",
                              key="save_search_replace")
        if st.button("Save", key="save_search_button", icon=":material/save:"):
            with friendly():
                validate(mode, k)
                saved = notebook().save_search(SavedSearch(
                    name=(name or query).strip(), query=query, mode=mode, k=k,
                    date_from=filters.date_from, date_to=filters.date_to,
                    outlets=filters.outlets, article_ids=filters.article_ids,
                    speakers=filters.speakers), replace=replace, seen=hits)
                st.success(f"Saved “{saved.name}”: run it again on the Saved page.",
                           icon=":material/check:")


def bookmark_box(hit: Hit) -> None:
    """A card's "Bookmark" expander: note, tags, Save (the same passage again updates it)."""
    digest = passage_hash(hit.text)
    key = f"{hit.passage_id}-{digest[:12]}"
    kept = any(m.passage_hash == digest for m in notebook().bookmarks()
               if m.article_id == hit.article_id)
    with st.expander("Bookmarked" if kept else "Bookmark",
                     icon=":material/bookmark_added:" if kept else ":material/bookmark:"):
        note = st.text_area("Note", key=f"bm_note_{key}", height=68)
        tags = st.text_input("Tags", key=f"bm_tags_{key}", placeholder="comma-separated")
        if st.button("Save bookmark", key=f"bm_save_{key}", icon=":material/bookmark_add:"):
            with friendly():
                mark = notebook().add_bookmark(hit.to_json(), note, [tags])
                st.success(f"Bookmarked (#{mark.id}): see it on the Saved page.",
                           icon=":material/check:")


# -- on the Saved page --------------------------------------------------------------------
def saved_searches_panel() -> None:
    """Every saved search with Run and Delete; a run's hits are listed with NEW marks."""
    book = notebook()
    searches = book.saved_searches()
    if not searches:
        st.info("No saved searches yet. Search on the Search page, then “Save this search”.")
    runs: dict[str, SavedRun] = st.session_state.setdefault("saved_runs", {})
    for s in searches:
        with st.container(border=True):
            st.markdown(f"<div class='saved-search'><b>{ui.escape(s.name)}</b> · "
                        f"“{ui.escape(s.query)}”</div>", unsafe_allow_html=True)
            st.caption(ui.escape(s.summary()) + " · " + (
                f"{ui.plural(s.runs, 'run')}, last {s.last_run}" if s.runs else "never run"))
            run_col, delete_col = st.columns(2)
            if run_col.button("Run", key=f"run_{s.name}", icon=":material/play_arrow:"):
                runs[s.name] = book.run_search(
                    s.name, lambda saved: searcher().search(**saved.search_args()))
                st.rerun()  # the list shows the new run count
            if delete_col.button("Delete", key=f"delete_{s.name}", icon=":material/delete:"):
                book.delete_search(s.name)
                runs.pop(s.name, None)
                st.rerun()
            if s.name in runs:
                show_run(runs[s.name])


def show_run(run: SavedRun) -> None:
    since = (f"since the last run ({run.previous_run})" if run.previous_run
             else "(first run)")
    st.markdown(f"**{ui.plural(run.new_count, 'new hit')}** {ui.escape(since)} · "
                f"{ui.plural(len(run.hits), 'hit')} in all")
    terms = ui.highlight_terms(run.search.query)
    for hit, new in zip(run.hits, run.new):
        with st.container(border=True):
            st.markdown(f"<div class='saved-hit'>{flag('NEW') if new else ''}"
                        f"{ui.card_html(hit, terms)}</div>", unsafe_allow_html=True)


def bookmarks_panel() -> None:
    """Bookmarks, newest first, checked against the archive; filter by tag or words, edit
    the note and tags, delete, download as CSV, JSON or Markdown."""
    book = notebook()
    everything = book.bookmarks()
    if not everything:
        st.info("No bookmarks yet. Open “Bookmark” on a search result to keep a passage.")
        return
    tags = sorted({t for m in everything for t in m.tags}, key=str.casefold)
    tag_col, text_col = st.columns(2)
    tag = tag_col.selectbox("Tag", ["All tags", *tags], key="bm_filter_tag")
    words = text_col.text_input("Find in bookmarks", key="bm_filter_text",
                                placeholder="words in the note, tags or passage")
    marks = book.bookmarks(tag=None if tag == "All tags" else tag, text=words)
    marks = resolve_bookmarks(searcher().backend, marks)
    gone = sum(m.status == "removed" for m in marks)
    st.caption(ui.plural(len(marks), "bookmark")
               + (f" · {gone} whose article left the archive" if gone else ""))
    cols = st.columns(3)
    for col, (fmt, label) in zip(cols, (("csv", "CSV"), ("json", "JSON"), ("md", "Markdown"))):
        col.download_button(f"Download {label}", export_bookmarks(marks, fmt),
                            file_name=f"bookmarks.{fmt}", mime=MIME[fmt], key=f"bm_dl_{fmt}",
                            icon=":material/download:")
    for m in marks:
        bookmark_card(book, m)


def bookmark_card(book: UserData, m: Bookmark) -> None:
    with st.container(border=True):
        status = {"removed": flag("REMOVED", GONE_STYLE),
                  "changed": flag("CHANGED", GONE_STYLE)}.get(m.status or "", "")
        tags = "".join(flag(t, TAG_STYLE) for t in m.tags)
        st.markdown(f"<div class='bookmark'>{status}<b>#{m.id}</b> "
                    f"{ui.escape(m.citation())}<div>{tags}</div></div>", unsafe_allow_html=True)
        if m.status == "removed":
            st.caption("This version of the article is no longer in the archive (removed, "
                       "or edited since); the passage is shown as it was when bookmarked.")
        elif m.status == "changed":
            st.caption("The article is still here but no longer has this passage word for "
                       "word; shown as it was when bookmarked.")
        note = st.text_area("Note", value=m.note, key=f"bm_edit_note_{m.id}", height=68)
        new_tags = st.text_input("Tags", value=", ".join(m.tags), key=f"bm_edit_tags_{m.id}")
        save_col, delete_col = st.columns(2)
        if save_col.button("Save changes", key=f"bm_update_{m.id}", icon=":material/save:"):
            book.set_note(m.id, note)
            book.set_tags(m.id, add=[new_tags], remove=m.tags)
            st.rerun()
        if delete_col.button("Delete", key=f"bm_delete_{m.id}", icon=":material/delete:"):
            book.delete_bookmark(m.id)
            st.rerun()
