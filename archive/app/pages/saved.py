"""Saved: the reader's saved searches (run again, new hits marked) and bookmarks (notes,
tags, export; those whose article left the archive marked REMOVED), kept in INDEX/user.db."""
from __future__ import annotations

import streamlit as st

from archive.app.panels.saved import bookmarks_panel, saved_searches_panel
from archive.app.shared import friendly, has_archive, no_archive


def page() -> None:
    st.title("Saved")
    if not has_archive():
        no_archive()
        return
    searches, marks = st.tabs(["Saved searches", "Bookmarks"])
    with searches, friendly():
        saved_searches_panel()
    with marks, friendly():
        bookmarks_panel()


with friendly():
    page()
