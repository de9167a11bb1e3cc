"""Screenshots of the page for docs/screenshots/: Search (with results), Stories, People.

    .venv/bin/python benchmarks/screenshots.py [--index DIR] [--out docs/screenshots]

Builds the seeds into a temporary index (unless --index names a built one), starts
`streamlit run app.py` on a free localhost port over it, and drives headless Chromium
(/usr/bin/chromium with /usr/bin/chromedriver, as tests/app/test_browser.py does) to each
view, waiting for its content before the shot. Each PNG is reduced to a 128-colour palette so
it stays small (well under 300 KB). Prints one line per file with its size.
"""
from __future__ import annotations

import argparse
import io
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
SIZE = (1400, 1500)
# (file, address under the server, CSS selector that shows the view has rendered)
VIEWS = [
    ("search.png", "/?q=" + quote("what did Lavrov say") + "&k=5", "div.hit"),
    ("story.png", None, "div.version"),  # the story of the first card's "also reported by"
    ("people.png", "/people?person=" + quote("Sergey Lavrov"), "div.quote-row"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit(index: Path, log: Path):
    """`streamlit run app.py` over `index` on a free localhost port; yields its URL."""
    port = free_port()
    env = {**os.environ, "ARCHIVE_INDEX": str(index), "HF_HUB_OFFLINE": "1",
           "TRANSFORMERS_OFFLINE": "1"}
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
             "--server.headless", "true", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(180):
                try:
                    with urllib.request.urlopen(url + "/_stcore/health", timeout=2):
                        break
                except OSError:
                    if proc.poll() is not None:
                        raise RuntimeError(f"streamlit exited; see {log}") from None
                    time.sleep(0.5)
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def chromium():  # noqa: ANN201 - a selenium WebDriver
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--no-first-run", "--hide-scrollbars",
                f"--window-size={SIZE[0]},{SIZE[1]}"):
        options.add_argument(arg)
    options.binary_location = CHROMIUM
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def shoot(driver, url: str, selector: str, path: Path) -> int:  # noqa: ANN001
    """Open `url`, wait for `selector` and for the page to settle, save a small PNG."""
    from PIL import Image
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url)
    WebDriverWait(driver, 180).until(EC.presence_of_element_located((By.CSS_SELECTOR, selector)))
    WebDriverWait(driver, 60).until_not(EC.presence_of_element_located(
        (By.CSS_SELECTOR, '[data-testid="stStatusWidget"]')))
    time.sleep(2)  # charts and fonts finish drawing
    image = Image.open(io.BytesIO(driver.get_screenshot_as_png())).convert("RGB")
    image.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    return path.stat().st_size


def story_url(driver) -> str:  # noqa: ANN001
    """The story link of the first "also reported by" line on the search page shown."""
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, "a.story-link").get_attribute("href")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, help="a built index (default: build the seeds)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        index = args.index
        if index is None:
            from archive.build import build
            from archive.config import load_config

            index = Path(tmp) / "index"
            build([ROOT / "seeds"], load_config(index=str(index)))
        with streamlit(index, Path(tmp) / "streamlit.log") as url:
            driver = chromium()
            try:
                link = None
                for name, address, selector in VIEWS:
                    size = shoot(driver, link if address is None else url + address,
                                 selector, args.out / name)
                    link = link or story_url(driver)
                    print(f"{args.out / name}: {size / 1000:.0f} KB")
            finally:
                driver.quit()


if __name__ == "__main__":
    main()
