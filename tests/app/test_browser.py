"""The page in a real headless Chromium: open a shared search link, see Lavrov's words.

Needs /usr/bin/chromium and /usr/bin/chromedriver (`make browser` installs them); skipped
with that reason when they are missing. The screenshot goes to test-output/ (git-ignored).
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
QUERY = "what did Lavrov say"

pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_server(url: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"streamlit did not answer on {url} within {timeout} s")


@pytest.fixture
def browser_index(seed_index, seed_config):
    """The seeds built into a tmp index with the session embedder (conftest's seed_index)."""
    return seed_config


@pytest.fixture
def server(browser_index, tmp_path):
    with streamlit_server(browser_index.index_dir, tmp_path) as url:
        yield url


@contextmanager
def streamlit_server(index_dir, tmp_path):
    """`streamlit run app.py` on a free localhost port over `index_dir`; yields its URL."""
    port = free_port()
    env = {**os.environ, "ARCHIVE_INDEX": str(index_dir), "HF_HUB_OFFLINE": "1",
           "TRANSFORMERS_OFFLINE": "1", "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    log = open(tmp_path / "streamlit.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
         "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
        log.close()


@pytest.fixture
def driver():
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        pytest.skip(f"needs {CHROMIUM} and {CHROMEDRIVER} (install with `make browser`)")
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-dev-shm-usage",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1400,1800"):
        options.add_argument(arg)
    options.binary_location = str(CHROMIUM)
    d = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield d
    finally:
        d.quit()


def test_shared_search_link_shows_lavrovs_words(driver, browser_index, server, embedder,
                                                 tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    from archive.search import Searcher

    searcher = Searcher(browser_index, embedder=embedder)
    first = searcher.search(QUERY, k=10)[0]
    searcher.close()
    assert "Lavrov" in first.text and first.speaker and "Lavrov" in first.speaker

    driver.get(f"{server}/?q=what+did+Lavrov+say")
    wait = WebDriverWait(driver, 120)
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "div.hit")))
    cards = driver.find_elements(By.CSS_SELECTOR, "div.hit")
    first_card = cards[0].text
    shot = tmp_path / "search-lavrov.png"
    driver.save_screenshot(str(shot))
    out = ROOT / "test-output"
    out.mkdir(exist_ok=True)
    shutil.copy(shot, out / shot.name)

    assert first.title in first_card
    assert " ".join(first.text.split()) in " ".join(first_card.split())
    assert first.speaker in first_card  # the speaker badge
    # the search box holds the shared question and no error is on the page
    box = driver.find_element(By.CSS_SELECTOR, "input[aria-label='Ask the archive']")
    assert box.get_attribute("value") == QUERY
    assert not driver.find_elements(By.CSS_SELECTOR, "[data-testid='stException']")


@pytest.fixture
def notebook_server(seed_index, seed_config, tmp_path):
    """The page over a copy of the seed index, so the user.db it writes is the test's own."""
    index = tmp_path / "index"
    shutil.copytree(seed_config.index_dir, index)
    with streamlit_server(index, tmp_path) as url:
        yield url, index


def test_save_a_search_and_find_it_on_the_saved_page(driver, notebook_server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    from archive.storage import UserData

    url, index = notebook_server
    wait = WebDriverWait(driver, 120)
    driver.get(f"{url}/?q=what+did+Lavrov+say")
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "div.hit")))
    button = "//button[.//p[normalize-space()='{}']]"
    wait.until(EC.element_to_be_clickable((By.XPATH, button.format("Save this search")))).click()
    name = wait.until(EC.visibility_of_element_located(
        (By.CSS_SELECTOR, "input[aria-label='Name']")))
    name.send_keys("Lavrov in the browser", Keys.TAB)
    wait.until(EC.element_to_be_clickable((By.XPATH, button.format("Save")))).click()
    wait.until(EC.text_to_be_present_in_element(
        (By.CSS_SELECTOR, "[data-testid='stAlertContentSuccess']"), "Lavrov in the browser"))
    assert [s.name for s in UserData(index).saved_searches()] == ["Lavrov in the browser"]

    driver.get(f"{url}/saved")
    card = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "div.saved-search")))
    assert "Lavrov in the browser" in card.text and "what did Lavrov say" in card.text
    wait.until(EC.element_to_be_clickable((By.XPATH, button.format("Run")))).click()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "div.saved-hit")))
    page = driver.find_element(By.TAG_NAME, "body").text
    assert "0 new hits" in page  # the hits on screen when saving were its first run
    out = ROOT / "test-output"
    out.mkdir(exist_ok=True)
    driver.save_screenshot(str(out / "saved-page.png"))
    assert not driver.find_elements(By.CSS_SELECTOR, "[data-testid='stException']")


@pytest.fixture
def downloading_driver(driver, tmp_path):
    """The headless browser with downloads allowed into a folder of the test's own."""
    folder = tmp_path / "downloads"
    folder.mkdir()
    driver.execute_cdp_cmd("Page.setDownloadBehavior",
                           {"behavior": "allow", "downloadPath": str(folder)})
    return driver, folder


def test_export_download_holds_the_hits_on_screen(downloading_driver, browser_index, server,
                                                  embedder):
    """Click "Download CSV" under a search: the file that arrives is the result list, with
    the same passages, in the same order, as the library's answer."""
    import csv

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    from archive.search import Searcher

    driver, folder = downloading_driver
    searcher = Searcher(browser_index, embedder=embedder)
    expected = [h.passage_id for h in searcher.search(QUERY, k=10)]
    searcher.close()

    driver.get(f"{server}/?q=what+did+Lavrov+say")
    wait = WebDriverWait(driver, 120)
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "div.hit")))
    button = wait.until(EC.element_to_be_clickable(
        (By.XPATH, "//button[contains(., 'Download CSV')]")))
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    button.click()
    deadline = time.monotonic() + 60
    files: list[Path] = []
    while time.monotonic() < deadline:
        files = [p for p in folder.iterdir() if p.suffix == ".csv"]
        if files:
            break
        time.sleep(0.5)
    assert files, "no CSV arrived in the download folder"
    with files[0].open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [int(r["passage_id"]) for r in rows] == expected[: len(rows)] and rows
    assert all(r["query"] == QUERY for r in rows)
    assert rows[0]["citation"]
