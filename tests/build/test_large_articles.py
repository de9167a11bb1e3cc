"""Issue 14, case 5: one large article. Per-article cost linear in its length, a size cap per
article (setting and flag) reported like any skip, progress per passage, and a cancel of a
page upload that leaves the archive, the lock and the uploads folder as they were."""
from __future__ import annotations

import dataclasses
import json
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.app.uploads import UploadJob, add_uploads
from archive.build import add, build
from archive.build.pipeline import drop_oversized
from archive.cli import cli
from archive.errors import Cancelled
from archive.models import Article, Paragraph
from archive.quotes import passage_attributions
from archive.search import Searcher
from archive.storage import UPLOADS, IndexDir

GOOD = {
    "budget.txt": "Budget talks resume\n\nThe finance minister said on Monday that the "
                  "budget would be balanced next year.\n\nShe said taxes would not rise.",
    "harbour.txt": "Harbour reopens\n\nThe port authority said the harbour reopened after "
                   "the storm. Fishing boats returned to the quay by noon.",
}
PEOPLE = ["Maria Lopez", "John Carter", "Anna Schmidt", "Peter Novak", "Laura Smith",
          "David Brown", "Sarah Jones", "Michael Green"]


def write_corpus(folder: Path, big_bytes: int) -> Path:
    """Two ordinary articles and one of about `big_bytes` bytes of ordinary paragraphs."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in GOOD.items():
        (folder / name).write_text(text, encoding="utf-8")
    paragraph = ("The council met again on Tuesday to discuss the new road, and residents "
                 "asked for more time to read the plans before any vote is taken.")
    count = big_bytes // (len(paragraph) + 2) + 1
    (folder / "huge.txt").write_text("A very long article\n\n" + "\n\n".join(
        f"{paragraph} ({i})" for i in range(count)), encoding="utf-8")
    return folder


def test_the_size_cap_skips_the_big_article_and_indexes_the_good_ones(tmp_path, fresh_config,
                                                                      embedder):
    corpus = write_corpus(tmp_path / "corpus", 60_000)
    config = dataclasses.replace(fresh_config, max_article_bytes=20_000, attribution=0)
    report = build([corpus], config, embedder=embedder)
    assert report.articles == 2
    [skip] = report.skipped
    assert skip["path"].endswith("huge.txt")
    assert "ARCHIVE_MAX_ARTICLE_BYTES" in skip["reason"]
    # raised above the article: it is indexed by the next build
    raised = dataclasses.replace(config, max_article_bytes=100_000)
    again = build([corpus], raised, embedder=embedder)
    assert again.articles == 3 and again.skipped == []


def test_the_cap_applies_to_the_cleaned_text():
    article = Article("big", "Title", [Paragraph("x" * 500), Paragraph("y" * 600)], "big.txt")
    small = Article("small", "Title", [Paragraph("z" * 50)], "small.txt")
    wanted = {"big": article, "small": small}

    class Report:
        skipped: list = []
    report = Report()
    report.skipped = []
    drop_oversized(wanted, 1_000, report)
    assert list(wanted) == ["small"]
    assert report.skipped[0]["path"] == "big.txt"
    assert "--max-article-mb" in report.skipped[0]["reason"]


def test_the_flag_caps_an_article_for_build_and_add(tmp_path, monkeypatch):
    monkeypatch.setenv("ARCHIVE_ATTRIBUTION", "0")
    corpus = write_corpus(tmp_path / "corpus", 60_000)
    index = str(tmp_path / "index")
    out = CliRunner().invoke(cli, ["build", str(corpus), "--index", index, "--json",
                                   "--max-article-mb", "0.02"])
    assert out.exit_code == 0, out.output
    report = json.loads(out.output)
    assert report["articles"] == 2
    assert [s["path"].endswith("huge.txt") for s in report["skipped"]] == [True]
    strict = CliRunner().invoke(cli, ["add", str(corpus / "huge.txt"), "--index", index,
                                      "--strict", "--max-article-mb", "0.02"])
    assert strict.exit_code == 2 and "huge.txt" in strict.output
    added = CliRunner().invoke(cli, ["add", str(corpus / "huge.txt"), "--index", index,
                                     "--json", "--max-article-mb", "1"])
    assert added.exit_code == 0, added.output
    assert json.loads(added.output)["articles"] == 3


def answers(config, embedder, queries=("finance minister budget", "harbour storm")):
    s = Searcher(config, embedder=embedder)
    try:
        return [[(h.article_id, h.position, round(h.score, 5)) for h in s.search(q, k=5)]
                for q in queries]
    finally:
        s.close()


def test_cancel_leaves_the_index_the_lock_and_the_uploads_as_before(tmp_path, fresh_config,
                                                                    embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in GOOD.items():
        (corpus / name).write_text(text, encoding="utf-8")
    build([corpus], fresh_config, embedder=embedder)
    generation = IndexDir(fresh_config.index_dir).current()
    before = answers(fresh_config, embedder)

    paragraphs = [f"{PEOPLE[i % 8]} said on day {i} that the plan was working. He said "
                  f"more would follow." for i in range(40)]
    upload = ("Day by day\n\n" + "\n\n".join(paragraphs)).encode()
    cancel, ticks = threading.Event(), []

    def progress(stage: str, done: int, total: int) -> None:
        ticks.append((stage, done, total))
        if stage == "attributing" and done >= 5:
            cancel.set()  # the page's Cancel button, pressed in the middle of one article
    with pytest.raises(Cancelled, match="cancelled"):
        add_uploads([("long.txt", upload)], fresh_config, embedder=embedder,
                    progress=progress, cancel=cancel)
    # progress moved per passage inside the one article, and stopped at the next tick
    attributing = [t for t in ticks if t[0] == "attributing"]
    assert attributing[-1][1] == 5 and attributing[-1][2] == 40
    assert IndexDir(fresh_config.index_dir).current() == generation
    assert answers(fresh_config, embedder) == before
    assert not list((Path(fresh_config.index_dir) / UPLOADS).rglob("*.txt"))
    with IndexDir(fresh_config.index_dir).lock():  # free: taken at once
        pass
    report = add([corpus], fresh_config, embedder=embedder)  # and the next build runs
    assert report.articles == 2


def test_attribution_reports_progress_per_passage(tmp_path, fresh_config, embedder):
    corpus = write_corpus(tmp_path / "corpus", 3_000)
    ticks = []
    report = build([corpus], fresh_config, embedder=embedder,
                   progress=lambda stage, done, total: ticks.append((stage, done, total)))
    attributing = [(d, t) for s, d, t in ticks if s == "attributing"]
    assert attributing[0] == (0, report.passages)
    assert [d for d, _ in attributing] == list(range(report.passages + 1))


def attribution_steps(paragraphs: list[str]) -> int:
    """Lines of archive.quotes executed while attributing `paragraphs` (a count of
    operations, not a time: loops and comprehensions count once per iteration)."""
    root = str(Path(passage_attributions.__code__.co_filename).parent)
    count = [0]

    def tracer(frame, event, arg):  # noqa: ANN001, ANN202
        if not frame.f_code.co_filename.startswith(root):
            return None
        count[0] += 1
        return tracer
    sys.settrace(tracer)
    try:
        passage_attributions(paragraphs)
    finally:
        sys.settrace(None)
    return count[0]


def test_attribution_steps_grow_linearly_with_the_article():
    """The people index of an article answered "who is 'she'?" by sorting every mention of
    the article and testing each against every reported-speech span: quadratic (cubic) in
    the article's length. Now 4x the paragraphs costs about 4x the steps."""
    def article(n: int) -> list[str]:
        return [f"{PEOPLE[i % 8]}, the {'finance' if i % 2 else 'health'} minister, told "
                f"reporters on day {i} that the plan was working. She said that {PEOPLE[(i + 3) % 8]}"
                f" agreed. \"We will carry on,\" he said." for i in range(n)]
    short, long = attribution_steps(article(15)), attribution_steps(article(60))
    assert long / short < 5.5, (short, long)


def test_a_cancelled_page_upload_ends_in_its_thread_and_leaves_nothing(tmp_path, fresh_config,
                                                                       embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "budget.txt").write_text(GOOD["budget.txt"], encoding="utf-8")
    build([corpus], fresh_config, embedder=embedder)
    before = answers(fresh_config, embedder)
    job = UploadJob([("harbour.txt", GOOD["harbour.txt"].encode())], fresh_config, embedder)
    job.cancel.set()  # Cancel pressed before the first progress tick
    assert job.start().wait(300) == {"cancelled": True}
    assert not job.running
    assert answers(fresh_config, embedder) == before
    assert not list((Path(fresh_config.index_dir) / UPLOADS).rglob("*.txt"))
    # without a cancel the same job indexes the file
    done = UploadJob([("harbour.txt", GOOD["harbour.txt"].encode())], fresh_config,
                     embedder).start().wait(300)
    assert done["added"] == 1 and done["articles"] == 2
