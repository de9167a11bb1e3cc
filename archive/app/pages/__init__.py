"""The page scripts (search, people, story, archive, saved): run by Streamlit from app.py by file path, never
imported; each reads its widgets, calls the library through `archive.app.shared`, renders."""
