"""The archive's Streamlit page: `streamlit run app.py` (or `make run`).

Thin on purpose: the pages in app_pages/ call the `archive` library and hold no SQL or FAISS.
ARCHIVE_INDEX chooses the index folder (default ./index); the model and the index are loaded
on first use and cached for every session (see app_pages/shared.py).
"""
import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:  # `app_pages` sits beside this file
    sys.path.insert(0, str(ROOT))

st.set_page_config(page_title="News archive", page_icon=":material/newspaper:", layout="wide")

pages = [
    st.Page(ROOT / "app_pages" / "search_page.py", title="Search", icon=":material/search:",
            url_path="search", default=True),
    st.Page(ROOT / "app_pages" / "people_page.py", title="People", icon=":material/groups:",
            url_path="people"),
    st.Page(ROOT / "app_pages" / "archive_page.py", title="Archive",
            icon=":material/inventory_2:", url_path="archive"),
]
st.navigation(pages).run()
