"""Tests for the rule families (archive.quotes.rules) through the orchestrator (archive.quotes.extract),
on small hand-written news paragraphs (real spaCy model)."""
from __future__ import annotations

import pytest

from archive.quotes import extract_article, is_speech_cue, passage_attributions


def test_direct_quote_speaker_after_with_title(one):
    text = "“We will not accept these demands under any circumstances,” Russian Foreign Minister Sergey Lavrov said on Thursday."
    (a,) = one(text)
    assert a.speaker == "Sergey Lavrov"
    assert a.role == "Russian Foreign Minister"
    assert a.direct is True
    assert a.cue == "said"
    assert a.content == "We will not accept these demands under any circumstances"
    assert a.speaker_text == "Russian Foreign Minister Sergey Lavrov"


def test_direct_quote_inverted_said_name(one):
    text = "“The talks were useful but difficult for everyone,” said Jens Stoltenberg."
    (a,) = one(text)
    assert a.speaker == "Jens Stoltenberg"
    assert a.direct


def test_speaker_before_colon_quote(one):
    text = "Stoltenberg said: “We are ready to talk about arms control.”"
    attrs = one(text)
    assert attrs and attrs[0].speaker == "Stoltenberg"
    assert attrs[0].content.startswith("We are ready")
    assert attrs[0].direct


def test_indirect_speech_content_is_reported_clause(one):
    text = "After the meeting, Sherman said Russia was not committed to any de-escalation."
    (a,) = one(text)
    assert a.speaker == "Sherman"
    assert a.direct is False
    assert a.content == "Russia was not committed to any de-escalation"


def test_indirect_that_clause_with_told(one):
    text = "Peskov told reporters that the Kremlin would study the proposals carefully."
    (a,) = one(text)
    assert a.speaker == "Peskov"
    assert a.cue == "told"
    assert a.content == "the Kremlin would study the proposals carefully"


def test_quoted_as_saying(one):
    text = "The TASS news agency quoted Ryabkov as saying that the talks had reached a dead end."
    (a,) = one(text)
    assert a.speaker == "Ryabkov"
    assert "dead end" in a.content


def test_according_to(one):
    text = "According to Interfax, the delegation will return to Moscow on Friday."
    (a,) = one(text)
    assert a.speaker == "Interfax"
    assert a.cue == "According to"
    assert a.content == "the delegation will return to Moscow on Friday"


def test_multi_sentence_quote_and_continuation_in_same_paragraph(one):
    text = ("“The discussions were candid and direct. They were helpful,” Jake Sullivan told reporters. "
            "“We will now consult with our allies on how to proceed.”")
    attrs = one(text)
    assert len(attrs) == 2
    assert {a.speaker for a in attrs} == {"Jake Sullivan"}
    assert attrs[0].content == "The discussions were candid and direct. They were helpful"
    assert attrs[1].content.startswith("We will now consult")


def test_quote_continued_in_next_paragraph(nlp, check_offsets):
    paras = [
        "“We have to take this very seriously,” Michael Carpenter told reporters in Vienna.",
        "“The drums of war are beating loudly and the rhetoric has become rather shrill.”",
    ]
    result = extract_article(paras, nlp=nlp)
    check_offsets(paras, result)
    (a,) = result[1]
    assert a.speaker == "Michael Carpenter"
    assert a.direct and a.speaker_start == -1


def test_scare_quotes_are_not_quotations(one):
    text = "The plan was described as “bold” in the newspaper."
    assert one(text) == []


def test_no_attribution_in_plain_narrative(one):
    assert one("Troops gathered near the border on Tuesday.") == []


def test_custom_cue_list(nlp, one):
    text = "Stoltenberg whispered that the alliance would stay united."
    assert extract_article([text], nlp=nlp, learned=False)[0] == []
    result = extract_article([text], nlp=nlp, cues={"whisper"})
    assert result[0] and result[0][0].speaker == "Stoltenberg"
    # the learned pass finds the unlisted speech verb with a that-clause by itself
    learned = one(text)
    assert learned and learned[0].speaker_text == "Stoltenberg"
    assert learned[0].content == "the alliance would stay united"


def test_transcript_labels(nlp, check_offsets):
    paras = ["WALLACE: Will she be at the debate tomorrow night?",
             "PENCE: She will not be attending the debate tomorrow night.",
             "WALLACE: Do you see those two as equivalent?",
             "PENCE: Well, look, the question really should be about the issues."]
    result = extract_article(paras, nlp=nlp)
    check_offsets(paras, result)
    assert result[1][0].speaker == "Pence"
    assert result[0][0].speaker == "Wallace"
    assert result[1][0].content.startswith("She will not")


def test_unknown_single_capitalised_label_is_not_a_speaker(nlp):
    assert extract_article(["BREAKING: Troops gathered near the border."], nlp=nlp) == [[]]


def test_empty_article(nlp):
    assert extract_article([], nlp=nlp) == []
    assert extract_article([""], nlp=nlp) == [[]]


def test_belief_cue_is_attribution_but_never_direct(one):
    (a,) = one("Sanders believes the election was rigged against him.")
    assert a.speaker_text == "Sanders"
    assert a.content == "the election was rigged against him"
    assert not a.direct and not is_speech_cue(a.cue)


def test_belief_cues_can_be_switched_off(nlp):
    text = "Sanders believes the election was rigged against him."
    assert extract_article([text], nlp=nlp, belief_cues=())[0] == []


def test_called_object_predicate(one):
    (a,) = one("Former Florida Gov. Jeb Bush called Trump “unhinged.”")
    assert a.speaker == "Jeb Bush"
    assert a.content.startswith("Trump") and "unhinged" in a.content
    assert not a.direct


def test_calling_for_infinitive_content(one):
    (a,) = one("Clinton is calling for the United States to step up military efforts against the Islamic State.")
    assert a.speaker == "Clinton"
    assert a.content.startswith("the United States to step up")


def test_accused_of(one):
    (a,) = one("Trump accused Clinton of lying about her emails.")
    assert a.speaker_text == "Trump"
    assert a.content == "Clinton of lying about her emails"


def test_poll_as_source_with_object_content(one):
    (a,) = one("A new CNN/ORC poll showed Clinton with a narrow lead in Nevada.")
    assert a.speaker_text == "A new CNN/ORC poll"
    assert a.content == "Clinton with a narrow lead in Nevada"
    assert not a.direct


def test_according_to_document_keeps_whole_source_phrase(one):
    (a,) = one("Clinton leads Sanders by 271 pledged delegates, according to a count released Tuesday by The Associated Press.")
    assert a.speaker_text == "a count released Tuesday by The Associated Press"
    assert a.content == "Clinton leads Sanders by 271 pledged delegates"


def test_passive_agent_is_source(one):
    (a,) = one("O’Malley’s move was first reported by MSNBC.")
    assert a.speaker_text == "MSNBC"
    assert a.content == "O’Malley’s move"


def test_nested_attribution_inside_quote(one):
    attrs = one("“We knew in September that Kerry said that 100,000 refugees would be accepted,” Pence said.")
    outer = [a for a in attrs if a.speaker == "Pence"]
    inner = [a for a in attrs if a.speaker == "Kerry"]
    assert outer and outer[0].direct and outer[0].content.startswith("We knew")
    assert inner and not inner[0].direct and inner[0].content == "100,000 refugees would be accepted"


def test_subordinate_cue_leaves_quote_to_main_speaker(one):
    attrs = one("As for pundits who claim to prefer Clinton, Bolton said, “I just think they don’t understand her philosophy.”")
    direct = [a for a in attrs if a.direct]
    assert len(direct) == 1 and direct[0].speaker == "Bolton"


def test_headline_label(one):
    (a,) = one("Poll: Sanders Burns Clinton With First National Lead.")
    assert a.speaker_text == "Poll" and a.cue == ":"
    assert a.content == "Sanders Burns Clinton With First National Lead"


def test_headline_label_cut_at_preposition(nlp, check_offsets):
    paras = ["Clinton to Planned Parenthood: Trump will reverse Roe v. Wade.",
             "Hillary Clinton spoke to the group on Friday."]
    result = extract_article(paras, nlp=nlp)
    check_offsets(paras, result)
    (a,) = result[0]
    assert a.speaker == "Hillary Clinton"
    assert a.content == "Trump will reverse Roe v. Wade"


def test_embedded_tweet(one):
    text = ('<tweet id="1" author="@SpeakerRyan">No one should be above the law. '
            '— Paul Ryan (@SpeakerRyan) July 5, 2016</tweet>.')
    (a,) = one(text)
    assert a.speaker == "Paul Ryan"
    assert a.content == "No one should be above the law."
    assert a.direct


def test_two_apostrophes_are_a_double_quote(one):
    text = "''We have to rebuild the party from the ground up,'' Mr. Walsh said on Monday."
    (a,) = one(text)
    assert a.speaker == "Walsh"
    assert a.direct
    assert a.content == "We have to rebuild the party from the ground up"


def test_parenthetical_cue_takes_the_rest_of_the_sentence(one):
    text = "In Ohio, Mr. Dunleavy said, the governor is seen as a pragmatist by most voters."
    attrs = one(text)
    assert attrs and {a.speaker for a in attrs} == {"Dunleavy"}
    joined = " ".join(a.content for a in attrs)
    assert "the governor is seen as a pragmatist" in joined
    assert "Dunleavy" not in joined
    assert not any(a.direct for a in attrs)


def test_hoping_is_a_belief_cue_despite_lemmatizer(one):
    text = "Governor Maria Alvarez is hoping that the legislature passes the budget before July."
    (a,) = one(text)
    assert a.speaker == "Maria Alvarez"
    assert "the legislature passes the budget" in a.content
    assert not a.direct


def test_learned_stance_verb_with_object_content(one):
    text = "Senator Paul Brennan rejected the trade agreement on Tuesday."
    (a,) = one(text)
    assert a.speaker == "Paul Brennan"
    assert a.content.startswith("the trade agreement")
    assert not a.direct
    assert not is_speech_cue(a.cue)  # a stance, not the senator's words


def test_as_clause_cue_takes_the_main_clause(one):
    text = "As the Boston Globe reported, the mayor will not seek a third term next year."
    (a,) = [a for a in one(text) if a.cue == "reported"]
    assert a.speaker_text == "the Boston Globe"
    assert a.content == "the mayor will not seek a third term next year"
    assert not a.direct


def test_stance_adjective_after_be(one):
    text = "Senator Karen Holt was critical of the new tariffs on steel imports."
    (a,) = one(text)
    assert a.speaker == "Karen Holt"
    assert a.content == "the new tariffs on steel imports"
    assert a.cue == "was critical"
    assert not is_speech_cue(a.cue)


def test_owned_noun_cue_with_that_clause(one):
    text = "The committee rejected Greenfield's assertion that the contract had been approved in 2019."
    attrs = one(text)
    noun = [a for a in attrs if a.cue == "assertion"]
    assert noun and noun[0].speaker_text == "Greenfield"
    assert noun[0].content == "the contract had been approved in 2019"


def test_dash_signatures_give_each_quotation_its_signer(one):
    text = ("“He has said hateful things time and again about our families.” ― Carlos Raúl "
            "“The most unqualified person to ever run for president.” —\u00a0Julie A. Diaz Martinez.")
    attrs = one(text)
    assert [(a.speaker, a.direct) for a in attrs] == [("Carlos Raúl", True),
                                                      ("Julie A. Diaz Martinez", True)]
    assert attrs[0].content.startswith("He has said hateful things")
    assert attrs[1].content.startswith("The most unqualified person")
    assert attrs[0].speaker_type == "person"


def test_dash_after_a_quotation_needs_a_capitalised_signer(one):
    text = "“We will keep the schools open all winter long,” ― and that was the whole promise."
    assert all(a.cue not in "―—–" for a in one(text))


def test_lead_in_paragraph_gives_its_speaker_to_the_next_quotation(article):
    paragraphs = ["Senator Ted Cruz told the crowd in Iowa that the race was far from over. Cruz continued:",
                  "“You look at the questions they asked us tonight and you see the whole problem.”"]
    result = article(paragraphs)
    lead = [a for a in result[0] if a.cue == "continued"]
    assert len(lead) == 1 and lead[0].speaker == "Ted Cruz" and lead[0].content == ""
    (quote,) = result[1]
    assert quote.speaker == "Ted Cruz" and quote.direct
    assert quote.content.startswith("You look at the questions")
    # the archive stores words: the lead-in record stays out of the first passage
    stored = passage_attributions(paragraphs)
    assert all(a.content for a in stored[0]) and stored[1][0].speaker == "Ted Cruz"


def test_lead_in_speech_verb_takes_an_unquoted_block(article):
    paragraphs = ["The host spent the afternoon on the debate and its moderators. Limbaugh added:",
                  "And from a supposed front-runner, this reeks of the greatest fear I have ever seen.",
                  "The debate is on Monday night at Hofstra University."]
    result = article(paragraphs)
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
def test_headline_labels_must_name_a_source(one, headline, speaker):
    colon = [a for a in one(headline) if a.cue == ":"]
    assert [a.speaker_text for a in colon] == ([speaker] if speaker else [])


def test_double_apostrophe_quote_after_a_sentence_goes_to_its_own_speaker(one):
    text = ("Although Mr. Brown does not plan to endorse Mr. Cruz from his pulpit, he shows his "
            "support in other ways. ''A pastor in Iowa is out in the community,'' Mr. Brown said.")
    quote = [a for a in one(text) if a.content.startswith("A pastor")]
    assert [(a.speaker, a.cue, a.direct) for a in quote] == [("Brown", "said", True)]
    (asked,) = one("''Why do the richest corporations pay lower rates than you do?'' Mrs. Clinton asked.")
    assert asked.speaker == "Clinton" and asked.cue == "asked" and asked.direct


def test_footage_of_a_person_saying_gives_the_quote_to_that_person(one):
    text = ("The spot concludes with footage of Trump saying during the debate last week, "
            "“That makes me smart,” when Clinton blasted him for not paying income tax.")
    quote = [a for a in one(text) if a.content == "That makes me smart"]
    assert [(a.speaker, a.cue) for a in quote] == [("Trump", "saying")]
    text = "The ad uses footage of Hillary Clinton asking, “Why aren’t I 50 points ahead, you might ask?”"
    quote = [a for a in one(text) if a.content.startswith("Why aren’t I")]
    assert [(a.speaker, a.cue) for a in quote] == [("Hillary Clinton", "asking")]


def test_a_second_speech_verb_ends_the_reported_clause_and_speaks_for_the_same_person(one):
    """"said X and warned Y": the parser coordinates "warned" into the reported clause;
    it is the speaker's next cue, with its own content."""
    attrs = one("The harbour master, Ruth Adebayo, said she would close the old pier for "
                "repairs and warned against swimming near the breakwater.")
    by_cue = {a.cue: a for a in attrs}
    assert by_cue["said"].content == "she would close the old pier for repairs"
    assert "swimming near the breakwater" in by_cue["warned"].content
    assert by_cue["warned"].speaker == "Ruth Adebayo"


def test_verbs_of_one_reported_clause_stay_in_it(one):
    """Both verbs are what was said (same tense as each other, not as the cue's)."""
    (a,) = one("A former cleaner, Ruth Adebayo, said the manager shouted at the staff and "
               "mocked their accents.")
    assert a.content == "the manager shouted at the staff and mocked their accents"


def test_a_quotation_after_a_reported_quote_continues_the_speaker_not_the_reporter(one):
    """"“...,” Mr. Orlov said ..., according to the Tass news agency. “...”": the second
    quotation is Orlov's too; Tass only reported them."""
    attrs = one("“The hard truth is that we were promised a written reply,” Mr. Orlov said in "
                "an interview aired Friday, according to the Tass news agency. “We will wait "
                "for it. Then we will decide our next steps.”")
    second = [a for a in attrs if a.content.startswith("We will wait")]
    assert second and all(a.speaker == "Orlov" and a.direct for a in second)
