"""The Streamlit page: `streamlit run app.py` runs the pages in `PAGES` (search, people,
stories, archive, saved) by file path.

Owns everything the reader sees: `html` (pure markup helpers: escaping, highlighting,
citations, result cards), `storyview` (a story's versions side by side), `uploads` (saving
uploaded files under <index>/uploads/ and adding them with a cancellable build), `shared`
(the model and Searcher cached per server process, error display), `panels/` (the search
page's export, batch, saved-search/bookmark and timeline widgets) and the thin page scripts
in `pages/`. The only part that imports streamlit (in
`shared` and the pages). May import every other part; nothing imports it.
"""
from pathlib import Path

from archive.app import html

PAGES = Path(__file__).resolve().parent / "pages"  # the page scripts, run by file path

__all__ = ["PAGES", "html"]
