"""The archive's Streamlit page: `streamlit run app.py` (or `make run`), on
http://localhost:8501 only.

A launcher only: the pages live in the package (archive/app/pages/) and call the `archive`
library; they hold no SQL or FAISS. ARCHIVE_INDEX chooses the index folder (default ./index);
the model and the index are loaded on first use and cached for every session
(see archive/app/shared.py).

The page has no login and lets anyone who reaches it add files to the archive, so
.streamlit/config.toml binds it to localhost and caps uploads (server.maxUploadSize, MB).
To share it on a network, keep it on localhost and put it behind a reverse proxy that
authenticates and speaks TLS (nginx or Caddy with basic auth, or an SSO proxy such as
oauth2-proxy; the proxy must pass WebSocket upgrades), or let each reader open an SSH tunnel
(`ssh -L 8501:localhost:8501 server`). Never start it with a bare
`--server.address 0.0.0.0`: that serves the archive and its upload form to everyone on the
network, unauthenticated. See README, "Sharing the page".
"""
import streamlit as st

from archive.app import PAGES

st.set_page_config(page_title="News archive", page_icon=":material/newspaper:", layout="wide")

pages = [
    st.Page(PAGES / "search.py", title="Search", icon=":material/search:",
            url_path="search", default=True),
    st.Page(PAGES / "people.py", title="People", icon=":material/groups:", url_path="people"),
    st.Page(PAGES / "story.py", title="Stories", icon=":material/compare:", url_path="story"),
    st.Page(PAGES / "archive.py", title="Archive", icon=":material/inventory_2:",
            url_path="archive"),
    st.Page(PAGES / "saved.py", title="Saved", icon=":material/bookmarks:", url_path="saved"),
]
st.navigation(pages).run()
