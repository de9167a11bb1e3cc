"""archive.app.html: escaping, highlighting (quote offsets, query terms, overlaps), citations."""
from __future__ import annotations

import html
import re
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.app import html as ui
from archive.app import storyview
def visible(markup: str) -> str:
    """The text a browser shows for our markup: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def hit(**kw):
    base = dict(rank=1, score=0.5, text="Lavrov said the demands were unacceptable.",
                title="Talks end", outlet="CNN", date="2022-01-13", speaker=None, quote=None,
                quote_start=None, quote_end=None, also_in=[], cue=None)
    base.update(kw)
    return SimpleNamespace(**base)


# -- escaping ------------------------------------------------------------------------------
def test_escape_neutralises_html():
    out = ui.escape('<script>alert(1)</script> <img src=x onerror="alert(1)"> & \'')
    assert "<" not in out and ">" not in out and '"' not in out and "'" not in out
    assert "&lt;script&gt;" in out
    assert visible(out) == '<script>alert(1)</script> <img src=x onerror="alert(1)"> & \''


@pytest.mark.parametrize("text", ["*bold*", "_it_", "$x^2$", ":smile:", ":red[alert]",
                                  "[link](javascript:alert(1))", "`code`", "# heading",
                                  "1. item", "- item", "a | b", "~~strike~~", "\\*"])
def test_escape_neutralises_markdown(text):
    out = ui.escape(text)
    bare = re.sub(r"&#\d+;|&[a-z]+;", "", out)  # what is left besides character references
    for c in "*_$:[]()`#|~\\":
        assert c not in bare
    assert visible(out) == text


def test_escape_keeps_one_line_and_handles_none():
    assert ui.escape(None) == ""
    assert "\n" not in ui.escape("a\n\nb\r\nc")
    assert visible(ui.escape("a\n\nb")) == "a b"


def test_entities_are_not_double_escaped():
    assert ui.escape("'") == "&#39;"
    assert ui.escape("&amp;") == "&amp;amp;"
    assert visible(ui.escape("&amp; &#35;")) == "&amp; &#35;"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_escape_round_trips_and_leaves_no_markup(text):
    out = ui.escape(text)
    assert "<" not in out and ">" not in out
    assert visible(out) == re.sub(r"[\r\n\u2028\u2029]+", " ", text)


# -- highlighting --------------------------------------------------------------------------
def test_highlight_terms_drop_question_words():
    assert ui.highlight_terms("what did Lavrov say") == ["lavrov"]
    assert set(ui.highlight_terms("how many Russian troops are at the border")) == {
        "many", "russian", "troops", "border"}
    assert ui.highlight_terms("what did") == ["what", "did"]  # nothing but question words: keep them
    assert ui.highlight_terms("") == []


def test_term_spans_match_word_starts_case_insensitively():
    text = "Russian troops massed; the Russians moved 100,000 troops to borders."
    spans = ui.term_spans(text, ["russian", "troops", "border"])
    words = [text[a:b] for a, b in spans]
    assert words == ["Russian", "troops", "Russians", "troops", "borders"]
    assert ui.term_spans("prussian", ["russian"]) == []


def test_highlight_marks_quote_by_offsets():
    text = "Lavrov said “the demands are unacceptable” on Thursday."
    start = text.index("“")
    end = text.index("”") + 1
    out = ui.highlight(text, (), (start, end))
    assert out.count('class="quote"') == 1
    inner = re.search(r'<span class="quote"[^>]*>(.*?)</span>', out).group(1)
    assert visible(inner) == text[start:end]
    assert visible(out) == text


def test_highlight_marks_terms_inside_and_outside_the_quote():
    text = "Lavrov said “Lavrov will not discuss it” today."
    start, end = text.index("“"), text.index("”") + 1
    out = ui.highlight(text, ["lavrov"], (start, end))
    assert visible(out) == text
    assert out.count("<mark") == 2
    # the second Lavrov is inside the quote span: the mark is nested in it
    assert re.search(r'<span class="quote"[^>]*><mark[^>]*>Lavrov</mark></span>', out)
    marked = [visible(m) for m in re.findall(r"<mark[^>]*>(.*?)</mark>", out)]
    assert marked == ["Lavrov", "Lavrov"]


def test_highlight_overlapping_terms_merge():
    text = "Russians and Russia"
    out = ui.highlight(text, ["russia", "russians"])
    assert visible(out) == text
    assert [visible(m) for m in re.findall(r"<mark[^>]*>(.*?)</mark>", out)] == [
        "Russians", "Russia"]


def test_highlight_quote_overlapping_a_term_boundary():
    text = "Foreign Minister Lavrov"
    # quote covers "Minister Lav" - cuts the term in the middle
    start, end = text.index("Minister"), text.index("rov")
    out = ui.highlight(text, ["lavrov"], (start, end))
    assert visible(out) == text
    # well nested: every opened tag is closed before its parent closes
    stack = []
    for m in re.finditer(r"<(/?)(span|mark)\b[^>]*>", out):
        if m.group(1):
            assert stack and stack.pop() == m.group(2)
        else:
            stack.append(m.group(2))
    assert not stack


def test_highlight_escapes_hostile_text_and_ignores_bad_offsets():
    text = "<script>alert(1)</script> said <img src=x onerror=alert(1)>"
    out = ui.highlight(text, ["script", "img"], (-5, 10_000))
    assert "<script" not in out and "<img" not in out
    assert visible(out) == text
    assert ui.highlight("", ["x"], (0, 3)) == ""
    assert visible(ui.highlight("abc", (), (None, None))) == "abc"


@settings(max_examples=200, deadline=None)
@given(st.text(), st.lists(st.text(min_size=1, max_size=6), max_size=4),
       st.integers(-5, 50), st.integers(-5, 50))
def test_highlight_never_loses_text_or_leaks_markup(text, terms, a, b):
    out = ui.highlight(text, terms, (min(a, b), max(a, b)))
    assert visible(out).replace(" ", "") == re.sub(r"[\r\n\u2028\u2029 ]", "", text)
    stripped = re.sub(r'</?(span|mark)( (class|style)="[^"]*")*>', "", out)
    assert "<" not in stripped and ">" not in stripped


# -- cards, citations ----------------------------------------------------------------------
def test_card_shows_badge_quote_and_source():
    text = "“It is unacceptable,” Lavrov said."
    h = hit(text=text, speaker="Sergei Lavrov", quote="It is unacceptable,",
            quote_start=1, quote_end=20)
    out = ui.card_html(h, ["lavrov"])
    assert 'class="speaker"' in out and "Sergei Lavrov" in visible(out)
    assert 'class="quote"' in out
    assert "CNN · 2022-01-13" in visible(out) and "score" not in visible(out)
    assert "Talks end" in visible(out)


def test_card_without_speaker_has_no_badge():
    out = ui.card_html(hit(outlet=None, date=None), [])
    assert 'class="speaker"' not in out and 'class="quote"' not in out
    assert "unknown outlet · undated" in visible(out)


def test_card_escapes_every_field():
    bad = "<script>alert(1)</script>"
    out = ui.card_html(hit(title=bad, outlet=bad, date=bad, text=bad, speaker=bad), ["alert"])
    assert "<script" not in out
    assert visible(out).count(bad) == 5


def test_citation_with_speaker_quotes_the_quote():
    h = hit(speaker="Sergei Lavrov", quote="It is\nunacceptable.")
    assert ui.citation(h) == ("Sergei Lavrov, CNN, 2022-01-13, “Talks end”: "
                              "“It is unacceptable.”")


def test_citation_without_speaker_or_metadata():
    h = hit(outlet=None, date=None, title="", text="Plain passage.")
    assert ui.citation(h) == "unknown outlet, undated: “Plain passage.”"
    long = ui.citation(hit(text="word " * 500))
    assert len(long) < 500 and long.endswith("…”")


def test_also_and_paragraphs_and_quote_rows():
    also = ui.also_html([{"outlet": "BBC", "date": "2022-01-14", "title": "t"},
                         {"outlet": None, "date": None, "title": "<b>x</b>"}])
    assert visible(also) == "also reported by BBC (2022-01-14), <b>x</b>"
    paras = [{"id": 1, "section": None, "text": "one"},
             {"id": 2, "section": "Next <i>", "text": "two"},
             {"id": 3, "section": "Next <i>", "text": "three"}]
    out = ui.paragraphs_html(paras, 2, ["two"])
    assert out.count('class="marked"') == 1 and out.count("Next &lt;i&gt;") == 1
    assert visible(out) == "oneNext <i>twothree"
    row = {"date": "2022-01-13", "outlet": "CNN", "title": "T", "cue": "said",
           "passage": "He said “no” twice.", "content": "no", "content_start": 9,
           "content_end": 11}
    q = ui.quote_html(row)
    assert re.search(r'<span class="quote"[^>]*>no</span>', q)
    assert visible(ui.quote_html({"content": "only content"})).endswith("only content")


def test_plural():
    assert ui.plural(1, "article") == "1 article"
    assert ui.plural(1204, "passage") == "1,204 passages"
    assert ui.plural(2, "person", "people") == "2 people"


# -- page polish: why a hit ranks, PDF pages, the story link ---------------------------------
@pytest.mark.parametrize("reason, colour", [("own words", "#1a7f37"), ("reported", "#8250df"),
                                            ("mentions Sergey Lavrov", "#6e7781")])
def test_card_says_why_a_hit_ranks_instead_of_its_score(reason, colour):
    out = ui.card_html(hit(score=0.0164, reason=reason), [])
    assert 'class="reason"' in out and colour in out
    assert visible(out).count(reason) == 1
    assert "0.0164" not in visible(out) and "score" not in visible(out)


def test_plain_topic_hit_has_no_reason_label():
    assert 'class="reason"' not in ui.card_html(hit(reason=None), [])
    assert 'class="reason"' not in ui.card_html(hit(), [])  # a hit-like row without one


def test_reason_is_escaped():
    out = ui.card_html(hit(reason="mentions <b>Smith</b>"), [])
    assert "<b>Smith" not in out and "mentions <b>Smith</b>" in visible(out)


def test_pdf_page_in_card_and_citation():
    h = hit(page=3, speaker="Sergei Lavrov", quote="It is unacceptable.", direct=True)
    assert "CNN · 2022-01-13 · p. 3" in visible(ui.card_html(h, []))
    assert "2022-01-13, p. 3" in ui.citation(h)
    assert "p. " not in visible(ui.card_html(hit(page=None), []))


def test_also_reported_by_links_to_the_story_view():
    also = [{"article_id": "bbb222", "outlet": "BBC", "date": "2022-01-14"},
            {"article_id": "ccc333", "outlet": "DW", "date": None}]
    out = ui.also_html(also, "aaa111")
    href = re.search(r'href="([^"]+)"', out).group(1)
    assert html.unescape(href) == "story?article=aaa111&article=bbb222&article=ccc333"
    assert 'target="_self"' in out
    assert visible(out).startswith("also reported by BBC (2022-01-14), DW · compare")


def test_story_link_carries_only_plain_article_ids():
    href = html.unescape(ui.story_href(["abc", '"><script>', None, "abc", "x" * 65, "d-e_f"]))
    assert href == "story?article=abc&article=d-e_f"


# -- the story view's marks -------------------------------------------------------------------
def version(article_id, outlet, passages):
    return {"article_id": article_id, "outlet": outlet, "date": "2022-01-13", "title": "T",
            "url": None, "story": "s", "passages": [
                {"id": i, "position": n, "section": None, "text": t, "cluster": c, "page": None}
                for n, (i, t, c) in enumerate(passages)]}


def test_story_marks_shared_and_only_passages():
    a = version("a", "CNN", [(1, "Talks ended in Geneva on Monday.", 7), (2, "A CNN aside.", None)])
    b = version("b", "BBC", [(3, "Talks ended in Geneva late on Monday.", 7), (4, "Other.", 9)])
    found = storyview.marks([a, b])
    assert found[1] == {"kind": "shared", "reference": "Talks ended in Geneva late on Monday."}
    assert found[3]["reference"] == "Talks ended in Geneva on Monday."
    assert found[2]["kind"] == "only" and found[4]["kind"] == "only"  # cluster 9: one version
    out = storyview.version_html(b, found)
    assert re.findall(r'<ins class="diff"[^>]*>([^<]*)</ins>', out) == ["late"]
    assert out.count('class="only"') == 1 and "1 only here" in visible(out)
    assert storyview.summary([a, b], found) == "2 versions · 2 passages shared · 2 only in one version"


def test_word_diff_escapes_and_keeps_the_text():
    out = storyview.word_diff_html("<b>x</b> said *this*", "x said this")
    assert "<b>" not in out
    assert visible(out) == "<b>x</b> said *this*"
    assert storyview.word_diff_html("same words", "Same words") == "same words"


def test_a_rewrite_is_labelled_not_marked_word_by_word():
    a = version("a", "CNN", [(1, "US and Russian officials made a pessimistic note about "
                                 "the talks in Vienna.", 7)])
    b = version("b", "CNN", [(2, "The meeting in Vienna concluded a week of intensive "
                                 "engagement, officials said.", 7)])
    out = storyview.version_html(b, storyview.marks([a, b]))
    assert 'class="shared reworded"' in out and "reworded elsewhere" in visible(out)
    assert '<ins class="diff"' not in out
