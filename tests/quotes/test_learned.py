"""Tests for archive.quotes.learned: the shipped model, candidate scoring and the learned pass."""
from __future__ import annotations

from archive.quotes import MODEL_PATH, AttributionModel, candidates, extract_article, find_quotes, load_model
from archive.quotes.paragraph import ParaState
from archive.quotes.people import ArticleIndex


def test_shipped_model_loads_and_is_deterministic():
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
    model = load_model()
    text = "Lavrov said on Tuesday that Moscow would respond to the sanctions."
    st = ParaState(nlp(text), find_quotes(text), 0, ArticleIndex())
    probs = {c.mention.text: model.prob(c.feats) for c in candidates(st)}
    # the speaker of "said" with a that-clause is a source; a date, the subject inside
    # the reported clause and an object are not
    assert probs["Lavrov"] > 0.8
    assert probs["Tuesday"] < 0.05 and probs["Moscow"] < 0.1 and probs["sanctions"] < 0.05


def test_learned_pass_is_deterministic(nlp, check_offsets):
    paras = ["Sanders made it clear that he would not endorse the deal.",
             "The Clinton campaign declined to comment on the donations."]
    first = extract_article(paras, nlp=nlp)
    second = extract_article(paras, nlp=nlp)
    assert first == second
    check_offsets(paras, first)


def test_learned_pass_adds_made_it_clear(nlp, one):
    text = "Sanders made it clear that he would not endorse the deal."
    rules = extract_article([text], nlp=nlp, learned=False)[0]
    assert not any(a.speaker_text == "Sanders" for a in rules)
    attrs = one(text)
    found = [a for a in attrs if a.speaker_text == "Sanders"]
    assert found and found[0].cue == "made"
    assert "he would not endorse the deal" in found[0].content
    assert not found[0].direct


def test_learned_pass_adds_stance_without_clause(nlp, one):
    text = "Senator Elizabeth Warren has made no secret of her opposition to the trade agreement."
    assert extract_article([text], nlp=nlp, learned=False)[0] == []
    attrs = one(text)
    assert attrs and attrs[0].speaker == "Elizabeth Warren"
    assert attrs[0].speaker_type == "person"
    assert "opposition to the trade agreement" in attrs[0].content


def test_learned_pass_leaves_plain_events_alone(one):
    for text in ["Cruz drew one of his smaller crowds of the month in Osceola.",
                 "Obama departs the UK for Germany today.",
                 "The governor took a hard line on immigration at the rally."]:
        assert one(text) == [], text


def test_learned_pass_keeps_rule_speech_and_resolves_pronouns(article):
    paras = ["Senator Elizabeth Warren spoke to reporters in Boston on Monday.",
             "She said the bill would hurt workers and called it a giveaway to banks."]
    result = article(paras)
    said = [a for a in result[1] if a.cue == "said"]
    assert said and said[0].speaker == "Elizabeth Warren"
    assert said[0].content.startswith("the bill would hurt workers")


def test_learned_veto_keeps_speech_relayed_by_according_to(one):
    text = ("Sherman said during the meeting, according to her department, that the alliance "
            "would not change its policy on Ukraine.")
    attrs = one(text)
    said = [a for a in attrs if a.cue == "said"]
    assert said and said[0].speaker_text == "Sherman"
