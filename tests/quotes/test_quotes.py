"""Tests for archive.quotes on small hand-written news paragraphs (real spaCy model)."""
from __future__ import annotations

import pytest

from archive.models import Attribution
from archive.quotes import (clean_name, extract_article, extract_articles, find_quotes, load_nlp,
                            parse_article, passage_attributions)


@pytest.fixture(scope="session")
def nlp():
    """The spaCy model, loaded once for the whole session."""
    return load_nlp()


def _check_offsets(paragraphs: list[str], result: list[list[Attribution]]) -> None:
    """Every offset must point at the text it claims to."""
    assert len(result) == len(paragraphs)
    for text, attrs in zip(paragraphs, result):
        for a in attrs:
            assert a.content == text[a.content_start : a.content_end]
            if a.speaker_start >= 0:
                assert a.speaker_text == text[a.speaker_start : a.speaker_end]
            if a.cue_start >= 0:
                assert text[a.cue_start : a.cue_end] == a.cue


def _one(nlp, text: str) -> list[Attribution]:
    result = extract_article([text], nlp=nlp)
    _check_offsets([text], result)
    return result[0]


def _article(nlp, paragraphs: list[str]) -> list[list[Attribution]]:
    result = extract_article(paragraphs, nlp=nlp)
    _check_offsets(paragraphs, result)
    return result


def test_load_nlp_is_cached():
    assert load_nlp() is load_nlp()


def test_find_quotes_curly_straight_and_unclosed():
    text = 'He said “we will win,” and then "never again". “Still going'
    spans = find_quotes(text)
    assert [text[s.start : s.end] for s in spans] == ["we will win", "never again", "Still going"]
    assert [s.closed for s in spans] == [True, True, False]


def test_direct_quote_speaker_after_with_title(nlp):
    text = "“We will not accept these demands under any circumstances,” Russian Foreign Minister Sergey Lavrov said on Thursday."
    (a,) = _one(nlp, text)
    assert a.speaker == "Sergey Lavrov"
    assert a.role == "Russian Foreign Minister"
    assert a.direct is True
    assert a.cue == "said"
    assert a.content == "We will not accept these demands under any circumstances"
    assert a.speaker_text == "Russian Foreign Minister Sergey Lavrov"


def test_direct_quote_inverted_said_name(nlp):
    text = "“The talks were useful but difficult for everyone,” said Jens Stoltenberg."
    (a,) = _one(nlp, text)
    assert a.speaker == "Jens Stoltenberg"
    assert a.direct


def test_speaker_before_colon_quote(nlp):
    text = "Stoltenberg said: “We are ready to talk about arms control.”"
    attrs = _one(nlp, text)
    assert attrs and attrs[0].speaker == "Stoltenberg"
    assert attrs[0].content.startswith("We are ready")
    assert attrs[0].direct


def test_indirect_speech_content_is_reported_clause(nlp):
    text = "After the meeting, Sherman said Russia was not committed to any de-escalation."
    (a,) = _one(nlp, text)
    assert a.speaker == "Sherman"
    assert a.direct is False
    assert a.content == "Russia was not committed to any de-escalation"


def test_indirect_that_clause_with_told(nlp):
    text = "Peskov told reporters that the Kremlin would study the proposals carefully."
    (a,) = _one(nlp, text)
    assert a.speaker == "Peskov"
    assert a.cue == "told"
    assert a.content == "the Kremlin would study the proposals carefully"


def test_quoted_as_saying(nlp):
    text = "The TASS news agency quoted Ryabkov as saying that the talks had reached a dead end."
    (a,) = _one(nlp, text)
    assert a.speaker == "Ryabkov"
    assert "dead end" in a.content


def test_according_to(nlp):
    text = "According to Interfax, the delegation will return to Moscow on Friday."
    (a,) = _one(nlp, text)
    assert a.speaker == "Interfax"
    assert a.cue == "According to"
    assert a.content == "the delegation will return to Moscow on Friday"


def test_multi_sentence_quote_and_continuation_in_same_paragraph(nlp):
    text = ("“The discussions were candid and direct. They were helpful,” Jake Sullivan told reporters. "
            "“We will now consult with our allies on how to proceed.”")
    attrs = _one(nlp, text)
    assert len(attrs) == 2
    assert {a.speaker for a in attrs} == {"Jake Sullivan"}
    assert attrs[0].content == "The discussions were candid and direct. They were helpful"
    assert attrs[1].content.startswith("We will now consult")


def test_quote_continued_in_next_paragraph(nlp):
    paras = [
        "“We have to take this very seriously,” Michael Carpenter told reporters in Vienna.",
        "“The drums of war are beating loudly and the rhetoric has become rather shrill.”",
    ]
    result = extract_article(paras, nlp=nlp)
    _check_offsets(paras, result)
    (a,) = result[1]
    assert a.speaker == "Michael Carpenter"
    assert a.direct and a.speaker_start == -1


def test_pronoun_resolved_by_gender(nlp):
    paras = [
        "Wendy Sherman met the Russian delegation in Geneva on Monday.",
        "Sergey Lavrov said Moscow expected written answers within a week.",
        "“The delegation attended almost four hours of meetings,” she said.",
    ]
    result = extract_article(paras, nlp=nlp)
    _check_offsets(paras, result)
    (a,) = result[2]
    assert a.speaker_text == "she"
    assert a.speaker == "Wendy Sherman"
    assert a.speaker_start >= 0


def test_he_said_resolves_to_previous_speaker(nlp):
    paras = [
        "Jens Stoltenberg stressed that Ukraine has the right to decide on its own future.",
        "“No one else has anything to say, and of course Russia doesn’t have a veto,” he said.",
    ]
    result = extract_article(paras, nlp=nlp)
    (a,) = result[1]
    assert a.speaker == "Jens Stoltenberg"


def test_role_noun_resolves_to_named_person(nlp):
    paras = [
        "Secretary of State Antony Blinken said on Sunday that talks would continue.",
        "“I don’t think we will get any breakthrough in the coming week,” the minister said.",
    ]
    result = extract_article(paras, nlp=nlp)
    (a,) = result[1]
    assert a.speaker == "Antony Blinken"
    assert a.speaker_text == "the minister"


def test_surname_expanded_to_full_name_in_article(nlp):
    paras = [
        "Russian Deputy Foreign Minister Sergei Ryabkov led the delegation.",
        "Ryabkov said the talks had been difficult but necessary.",
    ]
    result = extract_article(paras, nlp=nlp)
    (a,) = result[1]
    assert a.speaker == "Sergei Ryabkov"
    assert a.speaker_text == "Ryabkov"


def test_scare_quotes_are_not_quotations(nlp):
    text = "The plan was described as “bold” in the newspaper."
    assert _one(nlp, text) == []


def test_no_attribution_in_plain_narrative(nlp):
    assert _one(nlp, "Troops gathered near the border on Tuesday.") == []


def test_custom_cue_list(nlp):
    text = "Stoltenberg whispered that the alliance would stay united."
    assert extract_article([text], nlp=nlp, learned=False)[0] == []
    result = extract_article([text], nlp=nlp, cues={"whisper"})
    assert result[0] and result[0][0].speaker == "Stoltenberg"
    # the learned pass finds the unlisted speech verb with a that-clause by itself
    learned = _one(nlp, text)
    assert learned and learned[0].speaker_text == "Stoltenberg"
    assert learned[0].content == "the alliance would stay united"


def test_transcript_labels(nlp):
    paras = ["WALLACE: Will she be at the debate tomorrow night?",
             "PENCE: She will not be attending the debate tomorrow night.",
             "WALLACE: Do you see those two as equivalent?",
             "PENCE: Well, look, the question really should be about the issues."]
    result = extract_article(paras, nlp=nlp)
    _check_offsets(paras, result)
    assert result[1][0].speaker == "Pence"
    assert result[0][0].speaker == "Wallace"
    assert result[1][0].content.startswith("She will not")


def test_unknown_single_capitalised_label_is_not_a_speaker(nlp):
    assert extract_article(["BREAKING: Troops gathered near the border."], nlp=nlp) == [[]]


def test_empty_article(nlp):
    assert extract_article([], nlp=nlp) == []
    assert extract_article([""], nlp=nlp) == [[]]


def test_clean_name_strips_titles_and_possessive():
    assert clean_name("Mr. Sergey Lavrov's") == ("Sergey Lavrov", "Mr.")
    assert clean_name("Gov. Mike Pence (R-IN)") == ("Mike Pence", "Gov.")
    assert clean_name("Brent Bozell III") == ("Brent Bozell", None)


# --- constructions added for PolNeAR-style attribution (beliefs, polls, objects, labels) ---


def test_is_speech_cue_separates_words_from_beliefs():
    from archive.quotes import is_speech_cue

    for cue in ("said", "says", "told", "tweeted", "According to", ":", "called", "warned"):
        assert is_speech_cue(cue), cue
    for cue in ("believes", "thinks", "wants", "hopes", "showed", "found", "fears"):
        assert not is_speech_cue(cue), cue


def test_belief_cue_is_attribution_but_never_direct(nlp):
    from archive.quotes import is_speech_cue

    (a,) = _one(nlp, "Sanders believes the election was rigged against him.")
    assert a.speaker_text == "Sanders"
    assert a.content == "the election was rigged against him"
    assert not a.direct and not is_speech_cue(a.cue)


def test_belief_cues_can_be_switched_off(nlp):
    text = "Sanders believes the election was rigged against him."
    assert extract_article([text], nlp=nlp, belief_cues=())[0] == []


def test_called_object_predicate(nlp):
    (a,) = _one(nlp, "Former Florida Gov. Jeb Bush called Trump “unhinged.”")
    assert a.speaker == "Jeb Bush"
    assert a.content.startswith("Trump") and "unhinged" in a.content
    assert not a.direct


def test_calling_for_infinitive_content(nlp):
    (a,) = _one(nlp, "Clinton is calling for the United States to step up military efforts against the Islamic State.")
    assert a.speaker == "Clinton"
    assert a.content.startswith("the United States to step up")


def test_accused_of(nlp):
    (a,) = _one(nlp, "Trump accused Clinton of lying about her emails.")
    assert a.speaker_text == "Trump"
    assert a.content == "Clinton of lying about her emails"


def test_poll_as_source_with_object_content(nlp):
    (a,) = _one(nlp, "A new CNN/ORC poll showed Clinton with a narrow lead in Nevada.")
    assert a.speaker_text == "A new CNN/ORC poll"
    assert a.content == "Clinton with a narrow lead in Nevada"
    assert not a.direct


def test_according_to_document_keeps_whole_source_phrase(nlp):
    (a,) = _one(nlp, "Clinton leads Sanders by 271 pledged delegates, according to a count released Tuesday by The Associated Press.")
    assert a.speaker_text == "a count released Tuesday by The Associated Press"
    assert a.content == "Clinton leads Sanders by 271 pledged delegates"


def test_passive_agent_is_source(nlp):
    (a,) = _one(nlp, "O’Malley’s move was first reported by MSNBC.")
    assert a.speaker_text == "MSNBC"
    assert a.content == "O’Malley’s move"


def test_nested_attribution_inside_quote(nlp):
    attrs = _one(nlp, "“We knew in September that Kerry said that 100,000 refugees would be accepted,” Pence said.")
    outer = [a for a in attrs if a.speaker == "Pence"]
    inner = [a for a in attrs if a.speaker == "Kerry"]
    assert outer and outer[0].direct and outer[0].content.startswith("We knew")
    assert inner and not inner[0].direct and inner[0].content == "100,000 refugees would be accepted"


def test_subordinate_cue_leaves_quote_to_main_speaker(nlp):
    attrs = _one(nlp, "As for pundits who claim to prefer Clinton, Bolton said, “I just think they don’t understand her philosophy.”")
    direct = [a for a in attrs if a.direct]
    assert len(direct) == 1 and direct[0].speaker == "Bolton"


def test_headline_label(nlp):
    (a,) = _one(nlp, "Poll: Sanders Burns Clinton With First National Lead.")
    assert a.speaker_text == "Poll" and a.cue == ":"
    assert a.content == "Sanders Burns Clinton With First National Lead"


def test_headline_label_cut_at_preposition(nlp):
    paras = ["Clinton to Planned Parenthood: Trump will reverse Roe v. Wade.",
             "Hillary Clinton spoke to the group on Friday."]
    result = extract_article(paras, nlp=nlp)
    _check_offsets(paras, result)
    (a,) = result[0]
    assert a.speaker == "Hillary Clinton"
    assert a.content == "Trump will reverse Roe v. Wade"


def test_embedded_tweet(nlp):
    text = ('<tweet id="1" author="@SpeakerRyan">No one should be above the law. '
            '— Paul Ryan (@SpeakerRyan) July 5, 2016</tweet>.')
    (a,) = _one(nlp, text)
    assert a.speaker == "Paul Ryan"
    assert a.content == "No one should be above the law."
    assert a.direct


def test_two_apostrophes_are_a_double_quote(nlp):
    text = "''We have to rebuild the party from the ground up,'' Mr. Walsh said on Monday."
    (a,) = _one(nlp, text)
    assert a.speaker == "Walsh"
    assert a.direct
    assert a.content == "We have to rebuild the party from the ground up"


def test_parenthetical_cue_takes_the_rest_of_the_sentence(nlp):
    text = "In Ohio, Mr. Dunleavy said, the governor is seen as a pragmatist by most voters."
    attrs = _one(nlp, text)
    assert attrs and {a.speaker for a in attrs} == {"Dunleavy"}
    joined = " ".join(a.content for a in attrs)
    assert "the governor is seen as a pragmatist" in joined
    assert "Dunleavy" not in joined
    assert not any(a.direct for a in attrs)


def test_hoping_is_a_belief_cue_despite_lemmatizer(nlp):
    text = "Governor Maria Alvarez is hoping that the legislature passes the budget before July."
    (a,) = _one(nlp, text)
    assert a.speaker == "Maria Alvarez"
    assert "the legislature passes the budget" in a.content
    assert not a.direct


def test_learned_stance_verb_with_object_content(nlp):
    text = "Senator Paul Brennan rejected the trade agreement on Tuesday."
    (a,) = _one(nlp, text)
    assert a.speaker == "Paul Brennan"
    assert a.content.startswith("the trade agreement")
    assert not a.direct
    from archive.quotes import is_speech_cue
    assert not is_speech_cue(a.cue)  # a stance, not the senator's words


def test_as_clause_cue_takes_the_main_clause(nlp):
    text = "As the Boston Globe reported, the mayor will not seek a third term next year."
    (a,) = [a for a in _one(nlp, text) if a.cue == "reported"]
    assert a.speaker_text == "the Boston Globe"
    assert a.content == "the mayor will not seek a third term next year"
    assert not a.direct


def test_stance_adjective_after_be(nlp):
    text = "Senator Karen Holt was critical of the new tariffs on steel imports."
    (a,) = _one(nlp, text)
    assert a.speaker == "Karen Holt"
    assert a.content == "the new tariffs on steel imports"
    assert a.cue == "was critical"
    from archive.quotes import is_speech_cue
    assert not is_speech_cue(a.cue)


def test_owned_noun_cue_with_that_clause(nlp):
    text = "The committee rejected Greenfield's assertion that the contract had been approved in 2019."
    attrs = _one(nlp, text)
    noun = [a for a in attrs if a.cue == "assertion"]
    assert noun and noun[0].speaker_text == "Greenfield"
    assert noun[0].content == "the contract had been approved in 2019"


def test_line_break_ends_a_quotation(nlp):
    from archive.quotes import find_quotes
    text = 'Update 9:15 "the polls are closing\nLater, "We will win this state," Mr. Ortega said.'
    spans = find_quotes(text)
    assert [text[s.start : s.end] for s in spans] == ["the polls are closing", "We will win this state"]
    assert [s.closed for s in spans] == [False, True]


def test_speaker_type_person_vs_organisation_and_place(nlp):
    from archive.quotes import speaker_type

    paras = ["Russia said the sanctions would hurt ordinary Europeans more than Moscow.",
             "The Kremlin said the talks had been useful but difficult.",
             "Foreign Minister Sergey Lavrov said Moscow was ready to respond.",
             "Republicans said the bill would raise taxes on the middle class.",
             "Officials said the border would reopen on Monday."]
    result = extract_article(paras, nlp=nlp)
    _check_offsets(paras, result)
    types = [speaker_type(attrs[0]) if attrs else "missing" for attrs in result]
    assert types[0] == "place"
    assert types[1] == "organization"
    assert types[2] == "person"
    assert types[3] == "group"
    assert types[4] is None


# ---------------------------------------------------------------------------
# Learned classifier pass (archive/data/attribution_model.json)
# ---------------------------------------------------------------------------


def test_shipped_model_loads_and_is_deterministic():
    from archive.quotes import MODEL_PATH, AttributionModel, load_model

    model = load_model()
    assert model is not None and MODEL_PATH.exists()
    assert 0.0 < model.veto_threshold <= model.add_threshold < 1.0
    assert len(model.weights) > 1000
    again = AttributionModel.load(MODEL_PATH)
    assert again.weights == model.weights and again.bias == model.bias
    feats = ["p=nsubj", "l=say", "lex=speech", "ch=ccomp", "that", "named=1", "unseen-feature"]
    assert model.prob(feats) == again.prob(list(reversed(feats)))
    assert model.prob(["p=nsubj", "ent=DATE", "mq=1", "inc=1"]) < model.prob(feats)


def test_model_scores_real_candidates(nlp):
    from archive.quotes import _ArticleIndex, _candidates, _ParaState, load_model

    model = load_model()
    text = "Lavrov said on Tuesday that Moscow would respond to the sanctions."
    st = _ParaState(nlp(text), find_quotes(text), 0, _ArticleIndex())
    probs = {c.mention.text: model.prob(c.feats) for c in _candidates(st)}
    # the speaker of "said" with a that-clause is a source; a date, the subject inside
    # the reported clause and an object are not
    assert probs["Lavrov"] > 0.8
    assert probs["Tuesday"] < 0.05 and probs["Moscow"] < 0.1 and probs["sanctions"] < 0.05


def test_learned_pass_is_deterministic(nlp):
    paras = ["Sanders made it clear that he would not endorse the deal.",
             "The Clinton campaign declined to comment on the donations."]
    first = extract_article(paras, nlp=nlp)
    second = extract_article(paras, nlp=nlp)
    assert first == second
    _check_offsets(paras, first)


def test_learned_pass_adds_made_it_clear(nlp):
    text = "Sanders made it clear that he would not endorse the deal."
    rules = extract_article([text], nlp=nlp, learned=False)[0]
    assert not any(a.speaker_text == "Sanders" for a in rules)
    attrs = _one(nlp, text)
    found = [a for a in attrs if a.speaker_text == "Sanders"]
    assert found and found[0].cue == "made"
    assert "he would not endorse the deal" in found[0].content
    assert not found[0].direct


def test_learned_pass_adds_stance_without_clause(nlp):
    text = "Senator Elizabeth Warren has made no secret of her opposition to the trade agreement."
    assert extract_article([text], nlp=nlp, learned=False)[0] == []
    attrs = _one(nlp, text)
    assert attrs and attrs[0].speaker == "Elizabeth Warren"
    assert attrs[0].speaker_type == "person"
    assert "opposition to the trade agreement" in attrs[0].content


def test_learned_pass_leaves_plain_events_alone(nlp):
    for text in ["Cruz drew one of his smaller crowds of the month in Osceola.",
                 "Obama departs the UK for Germany today.",
                 "The governor took a hard line on immigration at the rally."]:
        assert _one(nlp, text) == [], text


def test_learned_pass_keeps_rule_speech_and_resolves_pronouns(nlp):
    paras = ["Senator Elizabeth Warren spoke to reporters in Boston on Monday.",
             "She said the bill would hurt workers and called it a giveaway to banks."]
    result = _article(nlp, paras)
    said = [a for a in result[1] if a.cue == "said"]
    assert said and said[0].speaker == "Elizabeth Warren"
    assert said[0].content.startswith("the bill would hurt workers")


def test_learned_veto_keeps_speech_relayed_by_according_to(nlp):
    text = ("Sherman said during the meeting, according to her department, that the alliance "
            "would not change its policy on Ukraine.")
    attrs = _one(nlp, text)
    said = [a for a in attrs if a.cue == "said"]
    assert said and said[0].speaker_text == "Sherman"


def test_dash_signatures_give_each_quotation_its_signer(nlp):
    text = ("“He has said hateful things time and again about our families.” ― Carlos Raúl "
            "“The most unqualified person to ever run for president.” —\u00a0Julie A. Diaz Martinez.")
    attrs = _one(nlp, text)
    assert [(a.speaker, a.direct) for a in attrs] == [("Carlos Raúl", True),
                                                      ("Julie A. Diaz Martinez", True)]
    assert attrs[0].content.startswith("He has said hateful things")
    assert attrs[1].content.startswith("The most unqualified person")
    assert attrs[0].speaker_type == "person"


def test_dash_after_a_quotation_needs_a_capitalised_signer(nlp):
    text = "“We will keep the schools open all winter long,” ― and that was the whole promise."
    assert all(a.cue not in "―—–" for a in _one(nlp, text))


def test_find_quotes_keeps_a_nested_double_quote_inside():
    text = "“I’d rather live in what he calls “hell” than live under him.” ― Ana Ruiz"
    (q,) = find_quotes(text)
    assert text[q.start : q.end] == "I’d rather live in what he calls “hell” than live under him."


def test_lead_in_paragraph_gives_its_speaker_to_the_next_quotation(nlp):
    paragraphs = ["Senator Ted Cruz told the crowd in Iowa that the race was far from over. Cruz continued:",
                  "“You look at the questions they asked us tonight and you see the whole problem.”"]
    result = _article(nlp, paragraphs)
    lead = [a for a in result[0] if a.cue == "continued"]
    assert len(lead) == 1 and lead[0].speaker == "Ted Cruz" and lead[0].content == ""
    (quote,) = result[1]
    assert quote.speaker == "Ted Cruz" and quote.direct
    assert quote.content.startswith("You look at the questions")
    # the archive stores words: the lead-in record stays out of the first passage
    stored = passage_attributions(paragraphs)
    assert all(a.content for a in stored[0]) and stored[1][0].speaker == "Ted Cruz"


def test_lead_in_speech_verb_takes_an_unquoted_block(nlp):
    paragraphs = ["The host spent the afternoon on the debate and its moderators. Limbaugh added:",
                  "And from a supposed front-runner, this reeks of the greatest fear I have ever seen.",
                  "The debate is on Monday night at Hofstra University."]
    result = _article(nlp, paragraphs)
    (block,) = result[1]
    assert block.speaker == "Limbaugh" and block.direct and block.content == paragraphs[1]
    assert result[2] == []  # only the paragraph right after the lead-in


def test_unquoted_block_needs_a_speech_verb(nlp):
    paragraphs = ["The committee met on Tuesday and the senators took their seats. Smith arrived:",
                  "The hearing opened with a long statement about the budget for next year."]
    result = extract_article(paragraphs, nlp=nlp)
    assert result[1] == [] and all(a.content for a in result[0])


@pytest.mark.parametrize("headline, speaker", [
    ("Poll: Sanders leads Clinton among young voters in Iowa", "Poll"),
    ("Graham: Trump is a kook who is unfit for office", "Graham"),
    ("The Latest: Trump urges supporters to monitor polling places", None),
    ("Stealth Over Health: Clinton was headed to the hospital", None),
    ("Fiorina endorses Cruz: I am horrified by what Trump says", None),
    ("Hillary Clinton: 1,769.", None),
])
def test_headline_labels_must_name_a_source(nlp, headline, speaker):
    colon = [a for a in _one(nlp, headline) if a.cue == ":"]
    assert [a.speaker_text for a in colon] == ([speaker] if speaker else [])


def test_double_apostrophe_quote_after_a_sentence_goes_to_its_own_speaker(nlp):
    text = ("Although Mr. Brown does not plan to endorse Mr. Cruz from his pulpit, he shows his "
            "support in other ways. ''A pastor in Iowa is out in the community,'' Mr. Brown said.")
    quote = [a for a in _one(nlp, text) if a.content.startswith("A pastor")]
    assert [(a.speaker, a.cue, a.direct) for a in quote] == [("Brown", "said", True)]
    (asked,) = _one(nlp, "''Why do the richest corporations pay lower rates than you do?'' Mrs. Clinton asked.")
    assert asked.speaker == "Clinton" and asked.cue == "asked" and asked.direct


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
    from archive.quotes import _verb_surnames

    assert _verb_surnames(nlp, ["Donald Trump and Jeb Bush met.", "Trump spoke."]) == {"Trump", "Bush"}
    assert _verb_surnames(nlp, ["Aces trump kings.", "Will Trump win?"]) == set()


def test_footage_of_a_person_saying_gives_the_quote_to_that_person(nlp):
    text = ("The spot concludes with footage of Trump saying during the debate last week, "
            "“That makes me smart,” when Clinton blasted him for not paying income tax.")
    quote = [a for a in _one(nlp, text) if a.content == "That makes me smart"]
    assert [(a.speaker, a.cue) for a in quote] == [("Trump", "saying")]
    text = "The ad uses footage of Hillary Clinton asking, “Why aren’t I 50 points ahead, you might ask?”"
    quote = [a for a in _one(nlp, text) if a.content.startswith("Why aren’t I")]
    assert [(a.speaker, a.cue) for a in quote] == [("Hillary Clinton", "asking")]
