"""The Streamlit page, run in-process with AppTest against real indexes (no mocks).

Every page and state: results, filters and the URL, people, archive counts, uploads (good
and bad files, a held build lock), an empty index, a library error, and a hostile article
that must reach the page as text only.
"""
from __future__ import annotations

import html
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from apptest_support import new_app

from archive.search import make_filters

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
SEARCH, PEOPLE, ARCHIVE = ("archive/app/pages/search.py", "archive/app/pages/people.py",
                           "archive/app/pages/archive.py")
LAVROV_Q = "what did Lavrov say"
HOSTILE = """Breaking <img src=x onerror=alert(1)> news about the summit

The summit ended with a statement that read <script>alert(1)</script> in full, officials said on Friday in Geneva.

“We will not accept <img src=x onerror=alert(1)> any demands,” said John Smith, the spokesman of the ministry.

Another paragraph mentions *stars*, $x$ math, :smile: emoji and [a link](javascript:alert(1)) at the summit.
"""
TEXT_KINDS = ("markdown", "caption", "info", "warning", "error", "success", "title",
              "subheader", "header")


def cards(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if 'class="hit"' in m.value]


def visible(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def all_text(at: AppTest) -> list[str]:
    out = []
    for kind in TEXT_KINDS:
        out.extend(str(e.value) for e in getattr(at, kind))
    return out


def same_results(at: AppTest, hits) -> None:
    shown = cards(at)
    assert len(shown) == len(hits)
    for card, h in zip(shown, hits):
        text = visible(card)
        assert h.title in text and " ".join(h.text.split()) in " ".join(text.split())


@pytest.fixture
def seed_app(monkeypatch, seed_index, seed_config):
    def make(page: str | None = None, **params) -> AppTest:
        return new_app(monkeypatch, seed_config.index_dir, page, **params)
    return make


@pytest.fixture
def writable_index(tmp_path, seed_index, seed_config):
    """A copy of the seed index the test may add to."""
    dst = tmp_path / "index"
    shutil.copytree(seed_config.index_dir, dst)
    return dst


@pytest.fixture(scope="module")
def hostile_index(tmp_path_factory, embedder):
    from archive.build import build
    from archive.config import load_config

    folder = tmp_path_factory.mktemp("hostile")
    (folder / "src").mkdir()
    (folder / "src" / "hostile.txt").write_text(HOSTILE)
    config = load_config(index=str(folder / "index"))
    report = build([folder / "src"], config, embedder=embedder)
    assert report.articles == 1
    return config.index_dir


# -- search ------------------------------------------------------------------------------
def test_search_from_link_shows_lavrovs_words_first(seed_app, searcher):
    at = seed_app(q=LAVROV_Q)
    expected = searcher.search(LAVROV_Q, k=10)
    same_results(at, expected)
    first = visible(cards(at)[0])
    assert "Lavrov" in first
    assert at.text_input(key="q").value == LAVROV_Q
    # the citation of the first card names its outlet and passage
    assert at.code[0].value.startswith(expected[0].speaker or expected[0].outlet or "unknown")
    assert not at.error


def test_first_card_carries_lavrovs_badge_and_quote(seed_app, searcher):
    """Needs speaker attribution in the index (archive/quotes/, archive/text/names.py)."""
    at = seed_app(q=LAVROV_Q)
    first = searcher.search(LAVROV_Q, k=10)[0]
    assert first.speaker and "Lavrov" in first.speaker
    card = cards(at)[0]
    badge = re.search(r'<span class="speaker"[^>]*>(.*?)</span>', card)
    assert badge and "Lavrov" in visible(badge.group(1))
    quote = re.search(r'<span class="quote"[^>]*>(.*?)</span>', card)
    assert quote and visible(quote.group(1)).strip()
    assert visible(quote.group(1)) in first.quote or first.quote in visible(card)
    assert first.speaker in at.code[0].value


def test_typing_a_question_updates_the_url(seed_app):
    at = seed_app()
    assert not cards(at)
    assert any("Type a question" in i.value for i in at.info)
    at.text_input(key="q").input("how many Russian troops are at the border").run()
    assert cards(at)
    assert at.query_params["q"] == "how many Russian troops are at the border"
    card = cards(at)[0]
    assert "<mark" in card  # query terms highlighted


def test_example_question_runs_a_search(seed_app):
    at = seed_app()
    button = next(b for b in at.button if b.label == LAVROV_Q)
    button.click().run()
    assert at.text_input(key="q").value == LAVROV_Q
    assert cards(at) and "Lavrov" in visible(cards(at)[0])
    assert at.query_params["q"] == LAVROV_Q


def test_mode_and_k_live_under_advanced_and_in_the_url(seed_app, searcher):
    at = seed_app(q=LAVROV_Q)
    advanced = next(e for e in at.expander if e.label == "Advanced")
    assert advanced.radio(key="mode") and advanced.number_input(key="k")
    at.radio(key="mode").set_value("keyword").run()
    at.number_input(key="k").set_value(3).run()
    same_results(at, searcher.search(LAVROV_Q, k=3, mode="keyword"))
    assert at.query_params["mode"] == "keyword" and at.query_params["k"] == "3"
    # and the link opens the same search
    again = seed_app(q=LAVROV_Q, mode="keyword", k="3")
    assert at.radio(key="mode").value == "keyword"
    same_results(again, searcher.search(LAVROV_Q, k=3, mode="keyword"))


def test_outlet_filter_restricts_results(seed_app, searcher):
    at = seed_app(q=LAVROV_Q)
    unfiltered = cards(at)
    outlets = [o for o, _ in searcher.backend.outlets()]
    assert "CNN" in outlets and len(outlets) > 1
    at.multiselect(key="outlets").set_value(["CNN"]).run()
    expected = searcher.search(LAVROV_Q, k=10, filters=make_filters(outlets=["CNN"]))
    same_results(at, expected)
    assert cards(at) != unfiltered
    assert all("CNN ·" in visible(c) for c in cards(at))
    assert at.query_params["outlet"] == "CNN"


def test_date_filter_restricts_results(seed_app, searcher):
    at = seed_app(q=LAVROV_Q)
    unfiltered = cards(at)
    at.date_input(key="date_from").set_value(date(2022, 1, 20)).run()
    expected = searcher.search(LAVROV_Q, k=10, filters=make_filters("2022-01-20"))
    assert expected and all(h.date and h.date >= "2022-01-20" for h in expected)
    same_results(at, expected)
    assert cards(at) != unfiltered
    assert at.query_params["from"] == "2022-01-20"
    at.date_input(key="date_to").set_value(date(2022, 1, 21)).run()
    assert not cards(at)
    assert any("dropping some filters" in i.value for i in at.info)


def test_speaker_filter_restricts_results(seed_app, searcher):
    """Needs speaker attribution in the index (archive/quotes/, archive/text/names.py)."""
    people = searcher.backend.people()
    assert people, "the seed index has no attributed quotes"
    at = seed_app(q="NATO")
    unfiltered = cards(at)
    options = at.multiselect(key="speakers").options
    assert len(options) == len(people)
    name = people[0]["name"]
    at.multiselect(key="speakers").set_value([name]).run()
    expected = searcher.search("NATO", k=10, filters=make_filters(speakers=[name]))
    same_results(at, expected)
    assert cards(at) != unfiltered
    quoted = {q["passage_id"] for q in searcher.backend.quotes_by(name)}
    assert {h.passage_id for h in expected} <= quoted
    assert at.query_params["speaker"] == name


def test_filters_from_the_link_are_applied(seed_app, searcher):
    at = seed_app(q=LAVROV_Q, outlet="CNN", **{"from": "2020-01-01"})
    assert at.multiselect(key="outlets").value == ["CNN"]
    assert at.date_input(key="date_from").value == date(2020, 1, 1)
    same_results(at, searcher.search(LAVROV_Q, k=10, filters=make_filters(
        "2020-01-01", None, ["CNN"])))


def test_bad_link_values_are_ignored_with_a_note(seed_app):
    at = seed_app(q=LAVROV_Q, mode="nonsense", k="many", outlet="No Such Outlet",
                  **{"from": "yesterday"})
    assert cards(at)
    note = " ".join(visible(w.value) for w in at.warning)
    for bad in ("mode=nonsense", "k=many", "outlet=No Such Outlet", "from=yesterday"):
        assert bad in note


def test_library_error_is_one_line(seed_app):
    at = seed_app(q=LAVROV_Q, **{"from": "2022-02-01", "to": "2022-01-01"})
    assert not at.exception
    assert len(at.error) == 1
    assert "after" in at.error[0].value and "\n" not in at.error[0].value


def test_context_article_and_folded_copies(seed_app, searcher):
    at = seed_app(q=LAVROV_Q)
    hits = searcher.search(LAVROV_Q, k=10)
    labels = [e.label for e in at.expander]
    assert labels.count("Context") == len(hits) and labels.count("Whole article") == len(hits)
    context = next(e for e in at.expander if e.label == "Context").markdown[0].value
    around = searcher.backend.neighbours(hits[0].passage_id, 2, 2)
    assert len(around) > 1 and context.count("<p ") == len(around)
    assert 'class="marked"' in context
    article = next(e for e in at.expander if e.label == "Whole article").markdown[0].value
    assert article.count('class="marked"') == 1
    assert visible(article).count(hits[0].text) >= 1
    folded = [h for h in hits if h.also_in]
    assert folded, "the seeds hold near-identical passages"
    text = " ".join(visible(c) for c in (m.value for m in at.markdown))
    assert "also reported by" in text
    for h in folded:
        for other in h.also_in:
            assert other["text"] not in [x.text for x in hits]


# -- people --------------------------------------------------------------------------------
def test_people_page_lists_people_and_their_quotes(seed_app, searcher):
    """Needs speaker attribution in the index (archive/quotes/, archive/text/names.py)."""
    people = searcher.backend.people()
    assert people, "the seed index has no attributed quotes"
    at = seed_app(PEOPLE)
    box = at.selectbox(key="person")
    assert box.options == [f"{p['name']} ({p['quotes']} quotes)" for p in people]
    lavrov = next(p["name"] for p in people if "Lavrov" in p["name"])
    box.set_value(lavrov).run()
    quotes = searcher.backend.quotes_by(lavrov)
    rows = [m.value for m in at.markdown if 'class="quote-row"' in m.value]
    assert len(rows) == len(quotes)
    dates = [q["date"] or "" for q in quotes]
    assert dates == sorted(dates)
    assert visible(quotes[0]["content"]) in visible(rows[0])
    assert at.query_params["person"] == lavrov


def test_people_page_without_attributions(monkeypatch, tmp_path, embedder):
    from archive.build import build
    from archive.config import load_config

    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.txt").write_text("Plain title\n\nA paragraph with no quote in it.\n")
    config = load_config(index=str(tmp_path / "index"), attribution=0)
    build([tmp_path / "src"], config, embedder=embedder)
    at = new_app(monkeypatch, config.index_dir, PEOPLE)
    assert any("No one is quoted" in i.value for i in at.info)


# -- archive -------------------------------------------------------------------------------
def test_archive_page_shows_counts_and_model(seed_app, searcher):
    at = seed_app(ARCHIVE)
    counts = searcher.counts()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Articles": f"{counts['articles']:,}", "Passages": f"{counts['passages']:,}",
                       "Quotes": f"{counts['attributions']:,}", "People": f"{counts['people']:,}"}
    info = visible(" ".join(m.value for m in at.markdown))
    manifest = searcher.backend.manifest()
    assert manifest["model"] in info and manifest["built_at"] in info
    assert len(at.file_uploader) == 1
    add = next(b for b in at.button if b.label == "Add to the archive")
    assert add.disabled  # nothing to add until files are chosen


def upload(at: AppTest, files) -> AppTest:
    at.file_uploader[0].set_value(files).run()
    next(b for b in at.button if b.label == "Add to the archive").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_upload_indexes_good_files_and_names_bad_ones(monkeypatch, writable_index):
    at = new_app(monkeypatch, writable_index, ARCHIVE)
    before = int(next(m.value for m in at.metric if m.label == "Articles").replace(",", ""))
    good = ("Zelensky visits Kharkiv front line\n\nPresident Volodymyr Zelensky visited the "
            "Kharkiv front line on Tuesday and met soldiers of the 92nd brigade near the "
            "village of Tsyrkuny.\n\nHe thanked them for holding the line.\n").encode()
    upload(at, [("kharkiv.txt", good, "text/plain"),
                ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "image/png"),
                ("empty.txt", b"", "text/plain")])
    assert any("Added 1 article" in s.value for s in at.success)
    warnings = [visible(w.value) for w in at.warning]
    assert any("photo.png" in w and "unsupported file type" in w for w in warnings)
    assert any("empty.txt" in w and "empty file" in w for w in warnings)
    assert not any("kharkiv.txt" in w for w in warnings)
    after = int(next(m.value for m in at.metric if m.label == "Articles").replace(",", ""))
    assert after == before + 1
    saved = list((writable_index / "uploads").glob("*/kharkiv.txt"))
    assert len(saved) == 1
    # the uploader was emptied, and the new article is found by the search page
    assert not at.file_uploader[0].value
    at.switch_page(SEARCH).run()
    at.text_input(key="q").input("Zelensky Kharkiv soldiers").run()
    assert "Zelensky visits Kharkiv" in visible(cards(at)[0])
    # nothing already indexed was lost
    at.text_input(key="q").input(LAVROV_Q).run()
    assert "Lavrov" in visible(cards(at)[0])


def test_upload_function_path(writable_index, embedder):
    """The same handling as the button, called with real bytes."""
    from archive.app.uploads import add_uploads, skipped_lines
    from archive.config import load_config

    seen = []
    report, names = add_uploads(
        [("note.csv", b"title,text\nA,\n"), ("story.jsonl",
          b'{"title": "Grain deal", "text": "The grain deal was extended by Turkey and the UN '
          b'for another four months, officials said."}\nnot json\n')],
        load_config(index=str(writable_index)), embedder=embedder,
        progress=lambda stage, done, total: seen.append((stage, done, total)))
    assert report.added_articles == 1
    lines = dict(skipped_lines(report, names))
    assert "invalid JSON" in lines["story.jsonl#2"]
    assert "no text field" in lines["note.csv#2"]
    assert any(stage == "embedding" and done == total for stage, done, total in seen)


def test_upload_while_another_build_runs(monkeypatch, writable_index):
    from archive.storage import IndexDir

    at = new_app(monkeypatch, writable_index, ARCHIVE)
    with IndexDir(writable_index).lock():
        upload(at, [("late.txt", b"Late news\n\nSomething happened late on Friday.\n",
                     "text/plain")])
    assert len(at.error) == 1
    assert "Another build is running" in at.error[0].value


# -- empty and hostile ---------------------------------------------------------------------
@pytest.mark.parametrize("page", [None, PEOPLE, ARCHIVE])
def test_empty_index_says_the_build_command(monkeypatch, tmp_path, page):
    at = new_app(monkeypatch, tmp_path / "nothing-here", page, q=LAVROV_Q)
    assert any("archive build seeds" in c.value for c in at.code)
    assert any("no archive here yet" in i.value for i in at.info)
    assert not at.error and not cards(at)



def test_an_archive_on_any_engine_is_recognised(monkeypatch, tmp_path, seed_index, seed_config):
    """The page asks the configured engine: a Milvus-only archive (built with `--ray
    --backend milvus`, no local generation) is an archive too."""
    from archive.app.shared import has_archive

    assert has_archive(str(seed_config.index_dir))
    assert not has_archive(str(tmp_path / "nothing-here"))
    pytest.importorskip("pymilvus", reason="the Milvus engine needs pymilvus[milvus-lite]")
    lite = tmp_path / "milvus.db"
    lite.write_bytes(b"")  # a Milvus Lite file, only looked for, never opened here
    monkeypatch.setenv("ARCHIVE_BACKEND", "milvus")
    monkeypatch.setenv("ARCHIVE_MILVUS_URI", str(lite))
    assert has_archive(str(tmp_path / "nothing-here"))

def test_hostile_article_is_shown_as_text(monkeypatch, hostile_index):
    at = new_app(monkeypatch, hostile_index, None, q="summit statement", k="5")
    assert cards(at)
    rendered = all_text(at)
    for value in rendered:
        assert "<script" not in value.lower() and "<img" not in value.lower(), value
    joined = " ".join(rendered)
    assert "&lt;script&gt;alert&#40;1&#41;&lt;/script&gt;" in joined
    assert "&lt;img src&#61;x onerror&#61;alert&#40;1&#41;&gt;" in joined
    seen = " ".join(visible(v) for v in rendered)
    assert "<script>alert(1)</script>" in seen  # shown, as text
    assert "[a link](javascript:alert(1))" in seen and "$x$" in seen
    # citations are code blocks: shown verbatim, never interpreted
    assert any("<img src=x onerror=alert(1)>" in c.value for c in at.code)
    # the other pages too
    for page in (PEOPLE, ARCHIVE):
        at.switch_page(page).run()
        assert not at.exception
        for value in all_text(at):
            assert "<script" not in value.lower() and "<img" not in value.lower(), value


# -- issue 14, cases 6 and 7: a page safe to share ------------------------------------------
def test_config_binds_localhost_and_caps_uploads():
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "localhost"
    assert 0 < config["server"]["maxUploadSize"] <= 200  # MB, below Streamlit's default
    assert config["server"]["headless"] is True
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["toolbarMode"] == "viewer"


def test_upload_with_a_long_non_latin_name_keeps_the_batch(monkeypatch, writable_index,
                                                             tmp_path):
    at = new_app(monkeypatch, writable_index, ARCHIVE)
    long_name = "Заявление министерства иностранных дел о переговорах " * 4 + ".txt"
    assert len(long_name) >= 200 and len(long_name.encode()) > 255
    first = ("Ferry service resumes on the northern route\n\nThe ferry between the two "
             "islands resumed on Monday after a storm damaged the pier last month.\n\n"
             "Harbour master Ola Nordmann said repairs took three weeks.\n").encode()
    second = ("Library reopens after renovation\n\nThe city library reopened on Saturday "
              "after a two-year renovation of its reading rooms.\n\nThe director, Eva Lind, "
              "said visitors had waited long enough.\n").encode()
    upload(at, [(long_name, first, "text/plain"), ("library.txt", second, "text/plain")])
    assert not at.error, [e.value for e in at.error]
    assert any("Added 2 articles" in s.value for s in at.success)
    assert not at.warning, [w.value for w in at.warning]
    assert not any(str(tmp_path) in text for text in all_text(at))
    saved = [p.name for p in (writable_index / "uploads").glob("*/*.txt")]
    assert len(saved) == 2 and all(len(n.encode()) <= 255 for n in saved)


@pytest.mark.parametrize("page", [None, PEOPLE, ARCHIVE])
def test_damaged_pointer_is_one_error_line_without_server_paths(monkeypatch, writable_index,
                                                                 tmp_path, page):
    (writable_index / "CURRENT").write_text("../../..\n")
    at = new_app(monkeypatch, writable_index, page, q=LAVROV_Q)
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "INDEX/CURRENT" in errors[0], errors
    assert "archive build" in errors[0]
    assert not any(str(tmp_path) in text for text in all_text(at))


def test_a_cancelled_upload_says_so_and_leaves_the_archive_unchanged(monkeypatch,
                                                                     writable_index, embedder):
    """Issue 14 case 5: the page's upload runs in a thread with a Cancel button; a cancelled
    job ends the page's watch with a note, the files removed, the counts unchanged."""
    from archive.app.uploads import UploadJob
    from archive.config import load_config

    at = new_app(monkeypatch, writable_index, ARCHIVE)
    before = {m.label: m.value for m in at.metric}
    job = UploadJob([("late.txt", b"Late news\n\nSomething happened late on Friday in the "
                     b"capital, officials said.\n")], load_config(index=str(writable_index)),
                    embedder)
    job.cancel.set()
    at.session_state["upload_job"] = job.start()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Cancelled" in i.value for i in at.info)
    assert {m.label: m.value for m in at.metric} == before
    assert not list((writable_index / "uploads").rglob("late.txt"))
    assert any(b.label == "Add to the archive" for b in at.button)


# -- export and batch questions (archive/app/panels/export.py) ------------------------------
@pytest.fixture
def served_files(monkeypatch):
    """What the page's download buttons would serve: {file name: bytes}, recorded where
    Streamlit stores them (its in-memory media storage, as AppTest runs it)."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    files: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        files[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return files


def csv_table(data: bytes) -> list[dict]:
    import csv
    import io

    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def test_the_result_list_downloads_as_csv_and_markdown(seed_app, searcher, served_files):
    at = seed_app(q="NATO allies", mode="keyword", outlet="CNN", k="4")
    labels = [b.label for b in at.download_button]
    assert "Download CSV" in labels and "Download Markdown citations" in labels
    hits = searcher.search("NATO allies", k=4, mode="keyword",
                           filters=make_filters(outlets=["CNN"]))
    assert len(hits) == 4
    table = csv_table(served_files["nato-allies.csv"])
    assert [(r["rank"], r["article_id"], r["passage"]) for r in table] == [
        (str(h.rank), h.article_id, h.text) for h in hits]
    assert all(r["query"] == "NATO allies" and r["outlet"] == "CNN" for r in table)
    md = served_files["nato-allies.md"].decode("utf-8")
    assert md.startswith("## NATO allies\n\n1. ") and md.count("\n4. ") == 1


def test_batch_questions_run_with_progress_and_offer_the_results(seed_app, served_files):
    at = seed_app()
    at.file_uploader(key="export_batch_file").set_value(
        [("questions.csv", b"query,outlet,from\nNATO,CNN,\nLavrov,,2022-13-45\nSherman,,\n",
          "text/csv")]).run()
    at.radio(key="export_batch_format").set_value("csv")
    next(b for b in at.button if b.label == "Ask every question").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.get("progress")) == 1
    assert any("2 questions answered from questions.csv" in visible(s.value) for s in at.success)
    assert any("line 3:" in visible(w.value) and "YYYY-MM-DD" in visible(w.value)
               for w in at.warning)
    assert any(b.label == "Download the results (CSV)" for b in at.download_button)
    table = csv_table(served_files["batch-results.csv"])
    assert {(r["line"], r["query"]) for r in table} == {("2", "NATO"), ("4", "Sherman")}
    assert all(r["outlet"] == "CNN" for r in table if r["query"] == "NATO")


# -- timelines and mentions (issue 17) -----------------------------------------------------
def charts(at: AppTest) -> list:
    return at.get("vega_lite_chart")


def test_people_page_shows_mentions_and_statements_over_time(seed_app, searcher):
    people = searcher.backend.people()
    # the most quoted person with both dated and undated statements (the seeds' CNN articles
    # are undated); which one depends on the attributions sure enough to label
    lavrov = next(p["name"] for p in people if p["type"] == "person" and len(
        {bool(q["date"]) for q in searcher.backend.quotes_by(p["name"])}) == 2)
    at = seed_app(PEOPLE)
    at.selectbox(key="person").set_value(lavrov).run()
    quotes = searcher.backend.quotes_by(lavrov)
    mentioned = next(m for m in searcher.backend.mentioned() if m["name"] == lavrov)
    line = next(m.value for m in at.markdown if 'class="mention-line"' in m.value)
    quoted = len({q["passage_id"] for q in quotes})
    assert visible(line) == (f"mentioned in {mentioned['passages']} passages, "
                             f"quoted in {quoted} passages")
    assert len(charts(at)) == 2  # everyone's quotes, and this person's over time
    undated = sum(1 for q in quotes if not q["date"])
    assert undated, "the seeds' CNN articles are undated"
    assert any(f"{undated} undated" in c.value for c in at.caption)
    rows = lambda: [m.value for m in at.markdown if 'class="quote-row"' in m.value]  # noqa: E731
    assert len(rows()) == len(quotes)
    at.toggle(key="timeline_undated").set_value(False).run()
    assert len(rows()) == len(quotes) - undated
    at.radio(key="timeline_by").set_value("week").run()
    assert len(charts(at)) == 2
    at.text_input(key="timeline_topic").set_value("zzqx nothing").run()
    assert rows() == [] and len(charts(at)) == 1


def test_search_page_histogram_undated_switch_and_mention_facet(seed_app, searcher):
    query = "NATO Russia security talks"  # its top 10 hold dated and undated passages
    hits = searcher.search(query, k=10)
    assert any(h.date for h in hits) and not all(h.date for h in hits)
    at = seed_app(q=query)
    assert len(charts(at)) == 1  # the result dates
    facet = at.multiselect(key="mentions")
    assert facet.options and "NATO" in " ".join(facet.options)
    at.date_input(key="date_from").set_value(date(2022, 1, 12)).run()
    left_out = searcher.backend.undated_count(make_filters("2022-01-12"))
    assert left_out and any(f"{left_out} passages without a date left out" in c.value
                            for c in at.caption)
    at.toggle(key="include_undated").set_value(True).run()
    expected = searcher.search(query, k=10, filters=make_filters(
        "2022-01-12", include_undated=True))
    same_results(at, expected)
    assert not any("without a date left out" in c.value for c in at.caption)
    at.multiselect(key="mentions").set_value(["NATO"]).run()
    expected = searcher.search(query, k=10, filters=make_filters(
        "2022-01-12", include_undated=True, mentions=["NATO"]))
    same_results(at, expected)


def test_the_page_embeds_queries_with_the_configured_embedding_backend(monkeypatch):
    """An onnx-int8 archive is searched with the int8 embedder it was built with: the page's
    shared embedder follows ARCHIVE_EMBEDDING_BACKEND (it used to be torch always)."""
    from archive.app import shared
    from archive.config import load_config

    monkeypatch.setenv("ARCHIVE_EMBEDDING_BACKEND", "onnx-int8")
    config = load_config()
    lazy = shared.LazyEmbedder(config.model_path, config.batch_size, config.embedding_backend)
    assert lazy.backend == "onnx-int8"
    monkeypatch.setenv("ARCHIVE_EMBEDDING_BACKEND", "torch")
    config = load_config()
    torch = shared.LazyEmbedder(config.model_path, config.batch_size, config.embedding_backend)
    assert torch.backend == "torch-fp32"
    # the default: the backend the page's archive was built with
    auto = shared.LazyEmbedder(config.model_path, config.batch_size, "auto",
                               lambda: {"embedding_backend": "torch-fp32"})
    assert auto.backend == "torch-fp32"
    assert shared.LazyEmbedder(config.model_path, config.batch_size, "auto",
                               lambda: {"embedding_backend": "onnx-int8"}).backend == "onnx-int8"
