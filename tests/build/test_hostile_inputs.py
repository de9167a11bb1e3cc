"""Files chosen by a hostile user (issue 14, cases 1-4): none stops, hangs or leaks a build.

Each test builds a good index first, then builds again with the hostile files beside the good
ones, and checks the exit code or report, the `skipped` entry with its reason, that every good
file is indexed and that the index still answers.
"""
from __future__ import annotations

import errno
import json
import os
import shutil
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.build import attribution, build
from archive.cli import cli
from archive.config import load_config
from archive.search import Searcher
from archive.storage import DB_NAME, UPLOADS, IndexDir
from archive.storage.sqlite import Store

HARBOUR = """Port strike ends after ten days

Dock workers in the northern port voted on Tuesday to end a ten-day strike over pay.

"We won a fair raise and we are going back to work," union leader Maria Lopes said.
"""
BRIDGE = """Old river bridge closes for repairs

The council closed the old stone bridge over the river on Monday after engineers found
cracks in two of its arches.

Repairs are expected to take six months, and a ferry will carry cyclists in the meantime.
"""
LIBRARY = """Village library gets a reading garden

Volunteers planted a reading garden behind the village library, with benches under the old
walnut tree and a shelf of books that can be borrowed without a card.
"""
RECORD = {"title": "Glacier retreat measured by drones",
          "text": "Researchers flying drones over the Rhone glacier measured a retreat of forty "
                  "metres since last summer.\n\nThe team said meltwater lakes at the glacier "
                  "snout had doubled in size."}


def corpus_with(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name.replace("__", "/")).parent.mkdir(parents=True, exist_ok=True)
        (folder / name.replace("__", "/")).write_text(text)
    return folder


def indexed_paths(config) -> set[str]:  # noqa: ANN001
    store = Store(IndexDir(config.index_dir).require_current() / DB_NAME)
    try:
        return {r["path"] for r in store.article_rows()}
    finally:
        store.close()


def reasons(report) -> dict[str, str]:  # noqa: ANN001
    skipped = report["skipped"] if isinstance(report, dict) else report.skipped
    return {s["path"]: s["reason"] for s in skipped}


def answers(config, embedder, question: str, expected: str) -> bool:  # noqa: ANN001
    searcher = Searcher(config, embedder=embedder)
    try:
        return any(expected in h.text for h in searcher.search(question, k=3))
    finally:
        searcher.close()


def cli_build(*args: str) -> tuple[int, dict]:
    """`archive build ARGS --json`: the exit code and the report."""
    result = CliRunner().invoke(cli, ["build", *args, "--json"])
    assert "Traceback" not in result.output, result.output
    return result.exit_code, json.loads(result.stdout.strip().splitlines()[-1])


# -- case 1: one bad record, one bad name ---------------------------------------------------------

def test_bad_records_and_a_non_utf8_name_are_skips_not_failures(tmp_path, embedder):
    corpus = corpus_with(tmp_path, **{"harbour.txt": HARBOUR})
    config = load_config(index=str(tmp_path / "index"))
    build([corpus], config, embedder=embedder)
    (corpus / "nested.jsonl").write_text("[" * 100_000 + "]" * 100_000 + "\n"
                                         + json.dumps(RECORD) + "\n")
    (corpus / "number.jsonl").write_text('{"text": "A record with a huge count.", "count": '
                                         + "7" * 5000 + "}\n")
    with open(os.fsencode(corpus) + b"/caf\xe9-bridge.txt", "wb") as f:  # latin-1 name
        f.write(BRIDGE.encode())
    report = build([corpus], config, embedder=embedder)
    why = reasons(report)
    assert "nested too deeply" in why[f"{corpus}/nested.jsonl#1"]
    assert "4300 digits" in why[f"{corpus}/number.jsonl#1"]
    escaped = f"{corpus}/caf\\xe9-bridge.txt"  # the name's bytes escaped, not lost
    assert indexed_paths(config) == {f"{corpus}/harbour.txt", f"{corpus}/nested.jsonl#2",
                                     escaped}
    assert answers(config, embedder, "bridge arches cracks", "cracks in two of its arches")
    assert answers(config, embedder, "what did Maria Lopes say", "Maria Lopes")


def test_a_bad_upload_is_a_skip_and_every_build_still_works(tmp_path, embedder):
    corpus = corpus_with(tmp_path, **{"harbour.txt": HARBOUR})
    config = load_config(index=str(tmp_path / "index"))
    build([corpus], config, embedder=embedder)
    uploads = config.index_dir / UPLOADS
    uploads.mkdir(exist_ok=True)
    (uploads / "hostile.jsonl").write_text("[" * 100_000 + "\n")
    (uploads / "bridge.txt").write_text(BRIDGE)
    code, report = cli_build(str(corpus), "--index", str(config.index_dir))
    assert code == 0
    assert "nested too deeply" in reasons(report)[f"{uploads}/hostile.jsonl#1"]
    assert report["articles"] == 2
    code, report = cli_build(str(corpus), "--index", str(config.index_dir), "--full")
    assert code == 0 and report["articles"] == 2
    assert indexed_paths(config) == {f"{corpus}/harbour.txt", f"{uploads}/bridge.txt"}


def test_a_failing_step_skips_its_article_a_broken_library_stops(tmp_path, embedder,
                                                                  monkeypatch):
    """Attribution raising on one article skips that article; raising ImportError (as every
    article would) stops the build with one line and leaves the previous index answering."""
    corpus = corpus_with(tmp_path, **{"harbour.txt": HARBOUR})
    config = load_config(index=str(tmp_path / "index"))
    build([corpus], config, embedder=embedder)
    (corpus / "bridge.txt").write_text(BRIDGE)
    (corpus / "library.txt").write_text(LIBRARY)
    real = attribution.rule_analysis  # spaCy and the rules (the tagger runs on its own thread)

    def failing(texts, *args, **options):  # noqa: ANN001, ANN202
        if any("arches" in t for t in texts):
            raise ValueError("a parse the rules did not expect")
        return real(texts, *args, **options)
    monkeypatch.setattr(attribution, "rule_analysis", failing)
    report = build([corpus], config, embedder=embedder)
    assert "quotes could not be attributed" in reasons(report)[f"{corpus}/bridge.txt"]
    assert indexed_paths(config) == {f"{corpus}/harbour.txt", f"{corpus}/library.txt"}

    def broken(texts, *args, **options):  # noqa: ANN001, ANN202
        raise ImportError("No module named 'spacy'")
    monkeypatch.setattr(attribution, "rule_analysis", broken)
    result = CliRunner().invoke(cli, ["build", str(corpus), "--index", str(config.index_dir)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "every article would fail alike" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert answers(config, embedder, "reading garden benches", "reading garden")


def test_the_tagger_thread_skips_an_article_it_fails_on_and_stops_on_a_broken_runtime(
        tmp_path, embedder, monkeypatch):
    """The quote tagger reads articles on a thread of its own: raising on one article skips
    that article (the others are indexed with their attributions); raising OSError (a model
    file that cannot be read: every article would fail) stops the build with one line."""
    from archive.embed.tagger import QuoteTagger

    quoted = BRIDGE + '\n"The arches will hold for now," the county engineer said.\n'
    corpus = corpus_with(tmp_path, **{"harbour.txt": HARBOUR, "bridge.txt": quoted,
                                      "library.txt": LIBRARY})
    config = load_config(index=str(tmp_path / "index"))
    real = QuoteTagger.__call__

    def failing(self, texts, previous=None):  # noqa: ANN001, ANN202
        if any("arches" in t for t in texts):
            raise ValueError("a window the model could not read")
        return real(self, texts, previous)
    monkeypatch.setattr(QuoteTagger, "__call__", failing)
    report = build([corpus], config, embedder=embedder)
    assert "quotes could not be attributed" in reasons(report)[f"{corpus}/bridge.txt"]
    assert indexed_paths(config) == {f"{corpus}/harbour.txt", f"{corpus}/library.txt"}

    def broken(self, texts, previous=None):  # noqa: ANN001, ANN202
        raise OSError("model.int8.onnx: Input/output error")
    monkeypatch.setattr(QuoteTagger, "__call__", broken)
    (corpus / "ferry.txt").write_text(HARBOUR.replace("Dock", "Ferry"))
    result = CliRunner().invoke(cli, ["build", str(corpus), "--index", str(config.index_dir)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "every article would fail alike" in result.output
    assert indexed_paths(config) == {f"{corpus}/harbour.txt", f"{corpus}/library.txt"}


# -- case 2: nothing outside the corpus is read, nothing blocks ----------------------------------

def test_links_leaving_the_corpus_are_skipped_links_inside_are_read(tmp_path, embedder):
    corpus = corpus_with(tmp_path, **{"harbour.txt": HARBOUR})
    config = load_config(index=str(tmp_path / "index"))
    build([corpus], config, embedder=embedder)
    corpus_with(tmp_path, **{"texts__real.txt": BRIDGE})
    os.symlink("/etc/passwd", corpus / "notes.txt")
    os.symlink("/dev/zero", corpus / "x.txt")
    os.symlink(corpus / "texts" / "real.txt", corpus / "a-link.txt")  # read first: sorted
    report = build([corpus], config, embedder=embedder)
    why = reasons(report)
    assert "outside the given" in why[f"{corpus}/notes.txt"]
    assert "outside the given" in why[f"{corpus}/x.txt"]
    assert "same article as" in why[f"{corpus}/texts/real.txt"]  # the link was read
    assert indexed_paths(config) == {f"{corpus}/harbour.txt", f"{corpus}/a-link.txt"}
    searcher = Searcher(config, embedder=embedder)
    assert not searcher.search("root:x:0:0", k=5, mode="keyword")  # /etc/passwd not indexed
    searcher.close()
    assert answers(config, embedder, "what did Maria Lopes say", "Maria Lopes")


def test_a_device_named_explicitly_is_not_read(tmp_path, embedder):
    corpus = corpus_with(tmp_path, **{"harbour.txt": HARBOUR})
    os.symlink("/dev/zero", tmp_path / "zero.txt")
    config = load_config(index=str(tmp_path / "index"))
    report = build([corpus, tmp_path / "zero.txt"], config, embedder=embedder)
    assert "character device" in reasons(report)[f"{tmp_path}/zero.txt"]
    assert report.articles == 1


def test_a_fifo_never_blocks_the_build(tmp_path, embedder):
    corpus = corpus_with(tmp_path, **{"harbour.txt": HARBOUR})
    config = load_config(index=str(tmp_path / "index"))
    build([corpus], config, embedder=embedder)
    (corpus / "bridge.txt").write_text(BRIDGE)
    os.mkfifo(corpus / "pipe.txt")
    done: list = []
    worker = threading.Thread(target=lambda: done.append(build([corpus], config,
                                                               embedder=embedder)),
                              daemon=True)
    worker.start()
    worker.join(timeout=600)  # a hang detector, not a speed limit: a blocked open never ends
    assert done, "the build blocked on a FIFO"
    assert "FIFO" in reasons(done[0])[f"{corpus}/pipe.txt"]
    assert indexed_paths(config) == {f"{corpus}/harbour.txt", f"{corpus}/bridge.txt"}
    with IndexDir(config.index_dir).lock():  # the build lock is free again
        pass


# -- case 3: a folder that cannot be listed keeps its articles -----------------------------------

def make_unlistable(folder: Path, how: str, monkeypatch, request) -> None:  # noqa: ANN001
    """`folder` can no longer be listed: without permission (a real chmod 000 where the
    tests do not run as root, who reads everything; else os.walk's scandir refuses it), or
    because it disappears the moment the walk reaches it."""
    if how == "permission" and os.geteuid() != 0:
        folder.chmod(0)
        request.addfinalizer(lambda: folder.chmod(0o755))
        return
    real_scandir = os.scandir

    def scandir(path="."):  # noqa: ANN001, ANN202
        if not isinstance(path, int) and os.path.abspath(os.fsdecode(path)) == str(folder):
            if how == "permission":
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            shutil.rmtree(folder)  # it vanishes during the walk: scandir fails for real
        return real_scandir(path)
    monkeypatch.setattr(os, "scandir", scandir)


@pytest.mark.parametrize("how", ["permission", "vanished"])
def test_an_unlistable_folder_keeps_its_articles_and_fails_strict(how, tmp_path, embedder,
                                                                   monkeypatch, request):
    corpus = corpus_with(tmp_path, **{"harbour.txt": HARBOUR, "sub__bridge.txt": BRIDGE})
    config = load_config(index=str(tmp_path / "index"))
    build([corpus], config, embedder=embedder)
    (corpus / "library.txt").write_text(LIBRARY)
    make_unlistable(corpus / "sub", how, monkeypatch, request)
    report = build([corpus], config, embedder=embedder)  # a mirror build
    assert "cannot be listed" in reasons(report)[f"{corpus}/sub"]
    assert report.removed_articles == 0 and report.articles == 3
    assert indexed_paths(config) == {f"{corpus}/harbour.txt", f"{corpus}/sub/bridge.txt",
                                     f"{corpus}/library.txt"}
    assert answers(config, embedder, "bridge arches cracks", "cracks in two of its arches")
    if how == "permission":
        code, again = cli_build(str(corpus), "--index", str(config.index_dir), "--strict")
        assert code != 0 and f"{corpus}/sub" in reasons(again) and again["articles"] == 3
    else:  # gone for good before the next build: then its articles go too
        again = build([corpus], config, embedder=embedder)
        assert again.removed_articles == 1 and not again.skipped
        assert f"{corpus}/sub/bridge.txt" not in indexed_paths(config)


# -- case 4: a reader whose library is missing ---------------------------------------------------

HTML = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Orchard growers fear late
frost</title></head><body><article><h1>Orchard growers fear late frost</h1>
<p>Apple growers in the valley lit smudge pots through Tuesday night as temperatures fell below
freezing just as the trees came into blossom.</p>
<p>The growers' association said it was too early to know how much of the harvest had been
lost, but older orchards on the valley floor were hit hardest.</p></article></body></html>
"""


def test_a_missing_reader_library_is_a_reported_skip(tmp_path, embedder, monkeypatch):
    corpus = corpus_with(tmp_path, **{"harbour.txt": HARBOUR, "orchard.html": HTML})
    config = load_config(index=str(tmp_path / "index"))
    build([corpus], config, embedder=embedder)
    (corpus / "bridge.txt").write_text(BRIDGE)
    (corpus / "later.html").write_text(HTML.replace("Orchard", "Vineyard"))
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # `import trafilatura` now fails
    report = build([corpus], config, embedder=embedder)
    why = reasons(report)
    for name in ("orchard.html", "later.html"):
        assert "cannot be imported" in why[f"{corpus}/{name}"]
    # the page indexed before is kept by the mirror build; the new text file is indexed
    assert indexed_paths(config) == {f"{corpus}/harbour.txt", f"{corpus}/orchard.html",
                                     f"{corpus}/bridge.txt"}
    assert answers(config, embedder, "smudge pots frost", "smudge pots")
    code, again = cli_build(str(corpus), "--index", str(config.index_dir), "--strict")
    assert code != 0 and "cannot be imported" in reasons(again)[f"{corpus}/later.html"]
