"""Attributions a journalist can cite: a name inside a role phrase wins over resolving the
role, a qualified role is never guessed, an unnamed official stays unnamed, and a manner or
mood is not speech. Sentences written for these tests (not from the seeds)."""
from __future__ import annotations

import pytest

ENVOY = "Britain's envoy Margaret Holloway told the assembly that the ceasefire had failed."


def speakers(article, paragraphs: list[str]) -> list[list[tuple[str | None, str]]]:
    return [[(a.speaker, a.speaker_text) for a in attrs] for attrs in article(paragraphs)]


@pytest.mark.parametrize("phrase, name", [
    ("said the representative of Moldova Ionela Vrabie", "Ionela Vrabie"),
    ("said the spokesman for the ministry, Daniel Okafor", "Daniel Okafor"),
    ("said the ambassador of Chile Tomas Errazuriz", "Tomas Errazuriz"),
])
def test_a_name_inside_the_speaker_phrase_wins(article, phrase, name):
    paras = [ENVOY, f"“We will not accept a partition of our country under any terms,” {phrase}."]
    (found,) = speakers(article, paras)[1]
    assert found[0] == name


def test_proper_nouns_naming_a_thing_in_the_phrase_are_no_speaker(article):
    """ "the umpire of the Kent v Surrey County Championship match" is nobody named."""
    paras = [ENVOY, "The umpire of Sunday's Kent v Surrey County Championship match has "
                    "defended his decision after criticism by Alan Reeve."]
    (found, *_) = speakers(article, paras)[1]
    assert found[0] is None


def test_a_qualified_role_is_not_the_last_person_named(article):
    paras = [ENVOY, "“The vote must be held again before the end of the month,” said the "
                    "representative of the United States."]
    (found,) = speakers(article, paras)[1]
    assert found == (None, "the representative of the United States")


def test_a_role_held_by_someone_named_resolves(article):
    paras = ["The Estonian foreign minister, Kadri Sepp, arrived in Vilnius on Monday.",
             "“Our borders are safe and will stay safe for as long as it takes,” the foreign "
             "minister said."]
    (found,) = speakers(article, paras)[1]
    assert found[0] == "Kadri Sepp"


@pytest.mark.parametrize("phrase", [
    "said an Ohio Democrat who asked not to be named",
    "said one senior Republican",
    "said a few other prominent Republicans",
])
def test_unnamed_members_of_a_group_stay_unnamed(article, phrase):
    """"an Ohio Democrat" is somebody unnamed, as "a senior official" is: not a speaker
    named "Democrat", whose words a citation would give to "Democrat"."""
    paras = [ENVOY, f"“Nobody on the committee wants another vote before the recess,” {phrase}."]
    (found,) = speakers(article, paras)[1]
    assert found[0] is None


def test_a_group_that_speaks_as_one_keeps_its_name(article):
    paras = [ENVOY, "“The budget cuts fall hardest on rural schools,” the Democrats said in a "
                    "statement."]
    (found,) = speakers(article, paras)[1]
    assert found[0] == "Democrats"


def test_an_unnamed_official_stays_unnamed(article):
    paras = [ENVOY,
             "“Nobody in this building believes the deadline will hold,” a senior official said.",
             "The official added that no new talks had been planned."]
    result = speakers(article, paras)
    assert [s for s, _ in result[1]] == [None]
    assert all(s is None for s, _ in result[2])


@pytest.mark.parametrize("sentence", [
    "In Berlin, Chancellor Anna Richter also adopted a pessimistic tone.",
    "The governor struck a conciliatory note at the dinner on Friday.",
    "Finance Minister Paul Adeyemi took a defiant tone in parliament.",
])
def test_a_mood_or_manner_is_not_an_attribution(one, sentence):
    assert one(sentence) == []


def test_speech_about_a_tone_is_still_speech(one):
    (a,) = one("Richter said the tone of the debate had become a danger to the coalition.")
    assert a.speaker == "Richter" and "danger" in a.content


@pytest.mark.parametrize("sentence, name", [
    ("“This is not a reform of the tax code,” said Douglas Harlow-Eakin, an economist.",
     "Douglas Harlow-Eakin"),
    ("Secretary-General Ban Ki-moon said the talks in Geneva had failed again.", "Ban Ki-moon"),
])
def test_a_hyphenated_name_is_kept_as_written(one, sentence, name):
    (a,) = one(sentence)
    assert a.speaker == name


def test_a_quote_after_a_subordinate_clause_continues_the_main_speaker(article):
    text = ("“The lease cannot be broken,” harbour spokesman Colin Mbeki told the Gazette on "
            "Monday, after Mayor Ruth Adebayo stated an interest in ending the contract. “It runs "
            "until the year 2040.”")
    (attrs,) = article([text])
    last = max(attrs, key=lambda a: a.content_start)
    assert "2040" in last.content and last.speaker == "Colin Mbeki"


def test_a_quote_inside_another_speakers_reported_words_is_theirs(article):
    text = ('Senator Maria Lindqvist blames the ministry for the delays and Governor Tom Okafor '
            'says the port is "running out of patience," the latest in a string of complaints.')
    (attrs,) = article([text])
    quoted = [a for a in attrs if "patience" in a.content]
    assert quoted and all(a.speaker == "Tom Okafor" for a in quoted)
