"""Tests for archive.quotes.scan: pairing quotation marks."""
from __future__ import annotations

from archive.quotes import find_quotes


def test_find_quotes_curly_straight_and_unclosed():
    text = 'He said “we will win,” and then "never again". “Still going'
    spans = find_quotes(text)
    assert [text[s.start : s.end] for s in spans] == ["we will win", "never again", "Still going"]
    assert [s.closed for s in spans] == [True, True, False]


def test_line_break_ends_a_quotation():
    text = 'Update 9:15 "the polls are closing\nLater, "We will win this state," Mr. Ortega said.'
    spans = find_quotes(text)
    assert [text[s.start : s.end] for s in spans] == ["the polls are closing", "We will win this state"]
    assert [s.closed for s in spans] == [False, True]


def test_find_quotes_keeps_a_nested_double_quote_inside():
    text = "“I’d rather live in what he calls “hell” than live under him.” ― Ana Ruiz"
    (q,) = find_quotes(text)
    assert text[q.start : q.end] == "I’d rather live in what he calls “hell” than live under him."
