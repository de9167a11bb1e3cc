"""Story: every outlet's version of one story side by side, with what differs marked.

Opened from a result card's "also reported by" line (?article=ID&article=ID...): the given
articles and every other article of their story clusters are shown in columns. Passages
that a version shares with another are plain (the words that changed are marked); those
found in one version only are highlighted. Without an article in the link, the page lists
the stories the archive holds.
"""
from __future__ import annotations

import streamlit as st

from archive.app import html as ui
from archive.app import storyview
from archive.app.shared import friendly, has_archive, no_archive, searcher
from archive.errors import NotSupported

MAX_COLUMNS = 4
MAX_LISTED = 50


def story_list(s) -> None:  # noqa: ANN001 - Searcher
    """The archive's stories (articles told by several outlets), each a link to its view."""
    try:
        stories = sorted(s.backend.stories(), key=lambda x: -len(x["members"]))
    except NotSupported:  # Milvus keeps no near-duplicate links to list stories from
        st.info("This archive's engine cannot list its stories: open one from a search "
                "result's \"also reported by\" line.")
        return
    if not stories:
        st.info("No story in this archive is told by more than one article yet.")
        return
    st.caption(f"{ui.plural(len(stories), 'story', 'stories')} told by more than one "
               "article. Pick one to compare its versions.")
    for story in stories[:MAX_LISTED]:
        members = sorted(story["members"], key=lambda m: (m.get("date") or "~"))
        href = ui.story_href([m["article_id"] for m in members])
        outlets = ", ".join(ui.escape(m.get("outlet") or "unknown outlet") for m in members)
        st.markdown(f'<div class="story-item"><a href="{href}" target="_self">'
                    f'{ui.escape(members[0].get("title") or "untitled")}</a> '
                    f'<span style="opacity:.7">· {outlets}</span></div>',
                    unsafe_allow_html=True)


def chosen(versions: list[dict]) -> list[dict]:
    """The versions to show: all of them, or (more than fit side by side) the reader's pick."""
    if len(versions) <= MAX_COLUMNS:
        return versions
    label = {v["article_id"]: f'{v.get("outlet") or "unknown outlet"} · '
                              f'{v.get("date") or "undated"} · {v.get("title") or ""}'[:90]
             for v in versions}
    picked = st.multiselect(f"Versions to compare (up to {MAX_COLUMNS})", list(label),
                            default=list(label)[:MAX_COLUMNS], format_func=label.get,
                            max_selections=MAX_COLUMNS)
    return [v for v in versions if v["article_id"] in picked]


def page() -> None:
    st.title("Story")
    if not has_archive():
        no_archive()
        return
    s = searcher()
    ids = [a for a in st.query_params.get_all("article") if ui.ARTICLE_ID.match(a)]
    if not ids:
        story_list(s)
        return
    versions = s.backend.story(ids)
    if not versions:
        st.warning("This story is not in the archive any more (a rebuild may have removed "
                   "its articles). Here are the stories it holds:")
        story_list(s)
        return
    shown = chosen(versions)
    if not shown:
        st.info("Pick at least one version to show.")
        return
    found = storyview.marks(shown)
    st.caption(storyview.summary(shown, found) + ". Highlighted: passages found in one "
               "version only; marked words differ from the same passage elsewhere.")
    if len(shown) == 1:
        st.info("No other article tells this story.")
    for column, version in zip(st.columns(len(shown)), shown):
        with column:
            st.markdown(storyview.version_html(version, found), unsafe_allow_html=True)
            if version.get("url"):
                st.caption(f"Source: {ui.escape(version['url'])}")


with friendly():
    page()
