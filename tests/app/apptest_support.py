"""What the AppTest modules share: running app.py in-process on an index, on one page."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


def new_app(monkeypatch, index, page: str | None = None, **params) -> AppTest:  # noqa: ANN001
    """app.py over `index` with these query parameters, switched to `page`, run once; no
    exception on the page."""
    monkeypatch.setenv("ARCHIVE_INDEX", str(index))
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at
