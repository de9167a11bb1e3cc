"""Export as a reporter meets it: rows of real result lists, CSV / JSONL / Markdown files,
citations that quote only direct speech, and batch files with good and bad rows."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

import pytest

from archive.errors import BadRequest
from archive.models import Hit
from archive.search import (BATCH_COLUMNS, COLUMNS, ResultWriter, citation, export,
                            make_filters, read_batch, rows, write_batch)

LAVROV_Q = "what did Lavrov say"


def hit(**kw) -> Hit:
    base = dict(rank=1, score=0.5, text="“It is unacceptable,” Lavrov said.", title="Talks end",
                outlet="CNN", date="2022-01-13", path="seeds/a.txt", article_id="a1",
                position=3, passage_id=7, url="https://example.org/a")
    return Hit(**{**base, **kw})


def parse_csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


# -- citations --------------------------------------------------------------------------
def test_citation_quotes_direct_speech_and_reports_reported_speech():
    h = hit(speaker="Sergei Lavrov", quote="It is unacceptable")
    direct = citation(h, True)
    assert direct == "Sergei Lavrov, CNN, 2022-01-13, “Talks end”: “It is unacceptable”"
    assert citation(h) == direct  # unknown: the page's citation, unchanged
    reported = citation(hit(speaker="Sergei Lavrov", quote="the demands were unacceptable."),
                        False)
    assert reported == ("Sergei Lavrov said that the demands were unacceptable, according to "
                        "CNN (2022-01-13), “Talks end”")
    assert "“the demands" not in reported


def test_citation_without_speaker_quotes_the_passage_and_names_missing_metadata():
    h = hit(outlet=None, date=None, title="", text="Plain\npassage.")
    assert citation(h) == "unknown outlet, undated: “Plain passage.”"
    reported_without_quote = citation(hit(speaker=None, quote=None), False)
    assert reported_without_quote.endswith(": ““It is unacceptable,” Lavrov said.”")


# -- rows of a real result list ---------------------------------------------------------
def test_rows_of_a_speaker_query_tell_direct_from_reported(searcher):
    hits = searcher.search(LAVROV_Q, k=10)
    out = rows(hits, LAVROV_Q, searcher.backend)
    assert [tuple(r) for r in out] == [COLUMNS] * len(hits)
    assert [r["rank"] for r in out] == [h.rank for h in hits]
    atts = searcher.backend.attributions_for([h.passage_id for h in hits])
    kinds = set()
    for h, r in zip(hits, out):
        assert r["query"] == LAVROV_Q and r["passage"] == h.text and r["title"] == h.title
        assert r["article_id"] == h.article_id and r["path"] == h.path
        if not h.quote:
            assert r["speech"] is None
            continue
        [att] = [a for a in atts[h.passage_id]
                 if (a["content_start"], a["content_end"]) == (h.quote_start, h.quote_end)]
        assert r["speech"] == ("direct" if att["direct"] else "reported")
        kinds.add(r["speech"])
        if r["speech"] == "direct":
            assert f"“{' '.join(h.quote.split())}”" in r["citation"]
        else:
            assert f"{h.speaker} said that" in r["citation"]
            assert f"“{' '.join(h.quote.split())[:30]}" not in r["citation"]
    assert kinds == {"direct", "reported"}  # the seeds quote Lavrov both ways
    # the hits say themselves whether a quote is direct: no backend needed
    assert [r["speech"] for r in rows(hits, LAVROV_Q)] == [r["speech"] for r in out]
    unknown = [replace(h, direct=None) for h in hits]  # hits of an older searcher
    assert [r["speech"] for r in rows(unknown, LAVROV_Q, searcher.backend)] == [
        r["speech"] for r in out]
    assert all(r["speech"] is None for r in rows(unknown, LAVROV_Q))  # nothing to tell by


def test_rows_name_the_outlets_a_folded_hit_is_also_in(searcher):
    hits = searcher.search("risk of war in the OSCE region", k=5)
    folded = [h for h in hits if h.also_in]
    assert folded, "the seeds hold a story told by two outlets"
    row = rows(folded, "q", searcher.backend)[0]
    assert row["also_in"] == [a["outlet"] or a["title"] for a in folded[0].also_in]


# -- writers ----------------------------------------------------------------------------
def test_csv_export_round_trips_and_neutralises_formulas():
    hits = [hit(speaker="Sergei Lavrov", quote="It is unacceptable",
                also_in=[{"outlet": "BBC", "title": "x"}, {"outlet": None, "title": "Other"}]),
            hit(rank=2, text="=HYPERLINK(\"http://evil\")", title="@cmd")]
    text = export([(LAVROV_Q, rows(hits, LAVROV_Q)), ("nothing", [])], "csv")
    table = parse_csv(text)
    assert list(table[0]) == list(COLUMNS)
    assert [r["rank"] for r in table] == ["1", "2", ""]
    assert table[0]["also_in"] == "BBC; Other" and table[0]["speaker"] == "Sergei Lavrov"
    assert table[1]["passage"] == "'=HYPERLINK(\"http://evil\")" and table[1]["title"] == "'@cmd"
    assert table[2]["query"] == "nothing" and table[2]["passage"] == ""


def test_jsonl_export_is_one_row_per_hit():
    hits = [hit(), hit(rank=2, url=None)]
    lines = export([("q1", rows(hits, "q1")), ("q2", [])], "jsonl").splitlines()
    out = [json.loads(x) for x in lines]
    assert [(o["query"], o["rank"]) for o in out] == [("q1", 1), ("q1", 2), ("q2", None)]
    assert all(list(o) == list(COLUMNS) for o in out)
    assert out[0]["url"] == "https://example.org/a" and out[1]["url"] is None


def test_markdown_export_reads_as_citations_to_paste():
    hits = [hit(speaker="Sergei Lavrov", quote="It is unacceptable"),
            hit(rank=2, speaker="Sergei Lavrov", quote="talks *failed*", url=None)]
    result = rows(hits, "what did *Lavrov* say")
    result[0]["speech"], result[1]["speech"] = "direct", "reported"
    result[1]["citation"] = citation(hits[1], False)
    md = export([("what did *Lavrov* say", result), ("zzz", [])], "md")
    assert md.startswith("## what did \\*Lavrov\\* say\n\n1. Sergei Lavrov, CNN")
    first, second = [x for x in md.splitlines() if x[:3] in ("1. ", "2. ")]
    assert "“It is unacceptable” <https://example.org/a>" in first
    assert second.startswith("2. Sergei Lavrov said that talks \\*failed\\*, according to CNN")
    assert "(file: `seeds/a.txt`)" in second and "“talks" not in second
    assert "## zzz\n\nNo results." in md


def test_unknown_format_is_a_bad_request():
    with pytest.raises(BadRequest, match="csv, jsonl, md"):
        ResultWriter("xlsx", io.StringIO())


# -- batch files ------------------------------------------------------------------------
def test_a_text_batch_is_one_question_per_line():
    questions, bad = read_batch("\ufeffwhat did Lavrov say\n\n# a comment\n  NATO  \n", False,
                                {"k": 3, "mode": "keyword", "outlets": ("CNN",)})
    assert bad == []
    assert [(q.line, q.query, q.k, q.mode) for q in questions] == [
        (1, "what did Lavrov say", 3, "keyword"), (4, "NATO", 3, "keyword")]
    assert questions[0].filters == make_filters(outlets=("CNN",))


def test_a_csv_batch_takes_filter_columns_and_skips_bad_rows_by_line():
    text = ("query,speaker,from,to,outlet,mode,k\n"
            "what did Lavrov say,Lavrov,2022-01-01,2022-12-31,CNN;BBC,keyword,4\n"
            "bad date,,2022-13-45,,,,\n"
            ",,,,,,\n"
            "bad k,,,,,,many\n"
            "\"a question, with a comma\",,,,,dense,\n"
            "bad mode,,,,,fuzzy,\n"
            ",Lavrov,,,,,\n")
    questions, bad = read_batch(text, True, {"k": 7})
    assert [(q.line, q.query) for q in questions] == [(2, "what did Lavrov say"),
                                                      (6, "a question, with a comma")]
    first = questions[0]
    assert (first.speaker, first.mode, first.k) == ("Lavrov", "keyword", 4)
    assert first.filters == make_filters("2022-01-01", "2022-12-31", ("CNN", "BBC"))
    assert (questions[1].mode, questions[1].k) == ("dense", 7)
    assert [b.line for b in bad] == [3, 5, 7, 8]
    assert "YYYY-MM-DD" in str(bad[0]) and str(bad[0]).startswith("line 3: ")
    assert "k must" in bad[1].message and "unknown mode" in bad[2].message
    assert "no question" in bad[3].message


def test_a_csv_without_a_query_column_is_refused():
    with pytest.raises(BadRequest, match="no 'query' column"):
        read_batch("question,speaker\nwhat did Lavrov say,\n", True)


def test_write_batch_puts_the_question_and_its_line_beside_each_row(searcher):
    questions, _ = read_batch("Stoltenberg\n\nzzqxv\n", False, {"k": 2, "mode": "keyword"})
    out, seen = io.StringIO(newline=""), []
    failed = write_batch(searcher, questions, "csv", out, lambda i, q: seen.append(i))
    table = parse_csv(out.getvalue())
    assert failed == [] and seen == [1, 2]
    assert list(table[0]) == list(BATCH_COLUMNS)
    assert [(r["line"], r["query"], r["rank"]) for r in table] == [
        ("1", "Stoltenberg", "1"), ("1", "Stoltenberg", "2"), ("3", "zzqxv", "")]
    assert all("Stoltenberg" in r["passage"] for r in table[:2])


def test_a_batch_row_keeps_the_include_undated_default():
    """The command's --include-undated (or the page's switch) reaches every batch row."""
    from archive.search import read_batch

    text = "query,from\nwhat did Lavrov say,2022-01-01\n"
    with_undated, bad = read_batch(text, True, {"include_undated": True})
    without, _ = read_batch(text, True, {})
    assert not bad
    assert with_undated[0].filters.include_undated is True
    assert without[0].filters.include_undated is False
    assert with_undated[0].filters.date_from == "2022-01-01"
