"""The archive's Streamlit page: `streamlit run app.py` (or `make run`).

A launcher only: the pages live in the package (archive/app/pages/) and call the `archive`
library; they hold no SQL or FAISS. ARCHIVE_INDEX chooses the index folder (default ./index);
the model and the index are loaded on first use and cached for every session
(see archive/app/shared.py).
"""
import streamlit as st

from archive.app import PAGES

st.set_page_config(page_title="News archive", page_icon=":material/newspaper:", layout="wide")

pages = [
    st.Page(PAGES / "search.py", title="Search", icon=":material/search:",
            url_path="search", default=True),
    st.Page(PAGES / "people.py", title="People", icon=":material/groups:", url_path="people"),
    st.Page(PAGES / "archive.py", title="Archive", icon=":material/inventory_2:",
            url_path="archive"),
]
st.navigation(pages).run()
