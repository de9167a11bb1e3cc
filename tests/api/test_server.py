"""`archive serve` as a script meets it: a real server process on a free port over the seed
index, queried through HTTP (urllib); every answer equals the CLI's --json for the same
question."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import cli

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 120  # how long to wait for the server to answer before giving up


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(base: str, path: str, **params) -> tuple[int, object, str]:
    """(status, parsed JSON or None, body) of GET base+path?params (lists repeat a key)."""
    query = urllib.parse.urlencode(params, doseq=True)
    url = f"{base}{path}" + (f"?{query}" if query else "")
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            status, body = response.status, response.read().decode("utf-8")
            kind = response.headers.get("content-type", "")
    except urllib.error.HTTPError as exc:
        status, body, kind = exc.code, exc.read().decode("utf-8"), exc.headers.get(
            "content-type", "")
    return status, json.loads(body) if "json" in kind else None, body


@pytest.fixture(scope="module")
def server(seed_index, seed_config, tmp_path_factory):
    """`python -m archive serve --port PORT --index SEED_INDEX` in its own process."""
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "server.log"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "archive", "serve", "--port", str(port),
                                 "--index", seed_config.index], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    try:
        while True:
            try:
                get(base, "/stats")
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"archive serve did not start:\n{log.read_text()}")
                time.sleep(0.2)
        yield base, log
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def cli_json(*args) -> list:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return [json.loads(x) for x in result.stdout.splitlines() if x.strip()]


def test_it_listens_on_localhost_only_by_default(server):
    base, log = server
    assert base.startswith("http://127.0.0.1:")
    assert f"Uvicorn running on {base}" in log.read_text()


def test_search_answers_as_the_cli_json(server, seed_config):
    base, _ = server
    args = dict(mode="keyword", k=3, outlet="CNN")
    expected = cli_json("search", "NATO", "Sherman", "--index", seed_config.index,
                        "--json", "--mode", "keyword", "-k", 3, "--outlet", "CNN")
    status, one, _ = get(base, "/search", q="NATO", **args)
    assert status == 200 and one == expected[0]
    assert one["hits"] and all(h["outlet"] == "CNN" for h in one["hits"])
    status, several, _ = get(base, "/search", q=["NATO", "Sherman"], **args)
    assert status == 200 and several == expected
    status, dated, _ = get(base, "/search", q="Lavrov", mode="keyword", **{"from": "2022-01-20"})
    assert status == 200 and dated["hits"] and all(h["date"] >= "2022-01-20"
                                                   for h in dated["hits"])


def test_hybrid_speaker_search_equals_the_library(server, searcher):
    base, _ = server
    status, answer, _ = get(base, "/search", q="what did Lavrov say", k=4)
    assert status == 200
    assert answer == searcher.ask("what did Lavrov say", k=4).to_json("what did Lavrov say")
    assert answer["understood"]["mode"] == "speaker"
    assert "Lavrov" in answer["hits"][0]["speaker"]
    status, unfolded, _ = get(base, "/search", q="risk of war in the OSCE region", k=5,
                              fold="false")
    assert all(h["also_in"] == [] for h in unfolded["hits"])


def test_speakers_stats_people_and_articles(server, seed_config, searcher):
    base, _ = server
    assert get(base, "/speakers")[1] == cli_json("speakers", "--index", seed_config.index,
                                                 "--json")[0]
    assert get(base, "/stats")[1] == cli_json("stats", "--index", seed_config.index,
                                              "--json")[0]
    status, person, _ = get(base, "/people/sergey%20LAVROV")  # an alias, any case
    assert status == 200 and person["person"]["name"] == "Sergei Lavrov"
    assert person["quotes"] == searcher.backend.quotes_by("Sergei Lavrov")
    assert len(person["quotes"]) == person["person"]["quotes"]
    article_id = searcher.search("Stoltenberg", k=1, mode="keyword")[0].article_id
    status, article, _ = get(base, f"/articles/{article_id}")
    assert status == 200 and article == searcher.article(article_id)
    assert article["passages"]


@pytest.mark.parametrize("path, params, status, needle", [
    ("/search", {"q": "x", "k": 0}, 400, "k must be a whole number"),
    ("/search", {"q": "x", "mode": "fuzzy"}, 400, "unknown mode"),
    ("/search", {"q": "x", "from": "2022-13-45"}, 400, "YYYY-MM-DD"),
    ("/search", {"q": "x", "from": "2022-02-01", "to": "2022-01-01"}, 400, "after"),
    ("/search", {"q": "x", "k": "many"}, 400, "k:"),
    ("/search", {}, 400, "q:"),
    ("/people/Nobody%20Atall", {}, 404, "/speakers"),
    ("/articles/no-such-article", {}, 404, "no article"),
])
def test_mistakes_are_4xx_json_errors(server, path, params, status, needle):
    base, _ = server
    got, body, _ = get(base, path, **params)
    assert got == status and list(body) == ["error"] and needle in body["error"]
    assert "\n" not in body["error"]


def test_openapi_docs_are_served_without_a_cdn(server):
    base, _ = server
    status, schema, _ = get(base, "/openapi.json")
    assert status == 200
    assert {"/search", "/speakers", "/people/{name}", "/articles/{article_id}",
            "/stats"} <= set(schema["paths"])
    names = {p["name"] for p in schema["paths"]["/search"]["get"]["parameters"]}
    assert {"q", "k", "mode", "speaker", "from", "to", "outlet", "article", "fold"} <= names
    status, _, page = get(base, "/docs")
    assert status == 200 and "/docs-assets/swagger-ui-bundle.js" in page
    assert "cdn." not in page
    status, _, script = get(base, "/docs-assets/swagger-ui-bundle.js")
    assert status == 200 and "SwaggerUIBundle" in script


def test_include_undated_answers_as_the_cli(server, seed_config):
    """`include_undated=true` with a date range gives what `--include-undated` gives: the
    dated passages in range plus those of undated articles."""
    base, _ = server
    expected = cli_json("search", "Lavrov", "--index", seed_config.index, "--json", "--mode",
                        "keyword", "-k", 20, "--from", "2022-01-20", "--include-undated")
    status, answer, _ = get(base, "/search", q="Lavrov", mode="keyword", k=20,
                            include_undated="true", **{"from": "2022-01-20"})
    assert status == 200 and answer == expected[0]
    assert any(h["date"] is None for h in answer["hits"])
