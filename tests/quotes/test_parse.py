"""Tests for archive.quotes.parse: the spaCy model, and surnames that are also verbs."""
from __future__ import annotations

from archive.quotes import extract_article, extract_articles, load_nlp, parse_article
from archive.quotes.parse import verb_surnames


def test_load_nlp_is_cached():
    assert load_nlp() is load_nlp()


def test_surname_that_is_a_verb_is_parsed_as_a_name(nlp):
    paragraphs = ["Donald Trump spoke in Ohio on Tuesday.",
                  "Trump avoids condemning Russia’s invasion of Ukraine, including the annexation of Crimea."]
    docs = parse_article(paragraphs, nlp)
    assert [d.text for d in docs] == paragraphs  # offsets and words untouched
    trump = docs[1][0]
    assert trump.text == "Trump" and trump.lemma_ == "Trump" and trump.pos_ == "PROPN"
    assert trump.dep_ == "nsubj" and trump.head.lemma_ == "avoid"
    (attr,) = extract_article(paragraphs, nlp=nlp)[1]
    assert attr.speaker == "Donald Trump" and attr.speaker_text == "Trump"
    other = ["“We will not sign this deal under any circumstances,” Rice said.", "Susan Rice left."]
    assert list(extract_articles([paragraphs, other], nlp=nlp)) == [
        extract_article(paragraphs, nlp=nlp), extract_article(other, nlp=nlp)]


def test_verb_surnames_need_a_first_name_in_the_article(nlp):
    assert verb_surnames(nlp, ["Donald Trump and Jeb Bush met.", "Trump spoke."]) == {"Trump", "Bush"}
    assert verb_surnames(nlp, ["Aces trump kings.", "Will Trump win?"]) == set()
