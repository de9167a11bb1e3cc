"""Question understanding and best-copy folding through a real archive of invented articles.

Eight short articles (written for this test) are built once with the packaged model: a
finance minister quoted in two of them (and named inside a union leader's quote), two
foreign ministers, a chancellor, a place-led explainer that names someone never quoted, and
two copies of one ferry story that differ in one sentence. Nothing is mocked.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from archive.api import create_app
from archive.cli import cli
from archive.config import load_config
from archive.errors import BadRequest
from archive.models import Filters
from archive.search import FUSIONS, Searcher, candidates
from archive.search.folding import best_copy, fold_ranked
from archive.text import query_terms

KOWALCZYK, NOWAK, DUARTE, BRANDT = ("Marta Kowalczyk", "Tomasz Nowak", "Ines Duarte",
                                    "Helga Brandt")
UNDERSTOOD_KEYS = {"mode", "topic", "speaker", "speaker_text", "speaker_candidates",
                   "linked_by", "note"}
FERRY = """Baltic ferry fares to rise next spring

The ferry operator serving the Baltic island routes will raise ticket prices next spring, blaming higher fuel costs and new port charges.

Passengers on the overnight crossing to Visby will pay twelve percent more from March. {sentence} The company said discounts for islanders would stay in place.

Local councils on the islands have asked the government to subsidise the routes, which carry most of their food and medicine.
"""
COPY_A_SENTENCE = "Cabin bookings for families will rise by a smaller amount."
COPY_B_SENTENCE = "Sleeping berths reserved by households are climbing more gently."
ARTICLES = {
    "pension_plan.txt": """Warsaw unveils a slower pension overhaul

Polish Finance Minister Marta Kowalczyk said on Tuesday that the pension overhaul would be phased in over a decade to protect retirees in small towns.

“We will not balance the budget on the backs of pensioners,” Kowalczyk told reporters in Warsaw after the cabinet meeting.

Opposition lawmakers argued that the plan lacked any detail about funding and accused the cabinet of hiding its true cost.
""",
    "dock_strike.txt": """Dock workers walk out in Gdansk

Thousands of dock workers walked off the job in Gdansk on Monday, halting container traffic at the busiest port on the Baltic coast.

“A stoppage of this size costs the economy dearly, and I urge both sides to return to the table tonight,” said Marta Kowalczyk, the finance minister.

“Kowalczyk has misunderstood our demands for safer night shifts,” said union organiser Bartosz Wrona outside the shipyard gates.
""",
    "visa_talks.txt": """Two foreign ministers agree on student visas

Polish Foreign Minister Tomasz Nowak said the visa agreement would let students travel freely between the two countries from next autumn.

“Our citizens deserve simple rules, not paperwork,” said Portuguese Foreign Minister Ines Duarte at a joint press conference in Lisbon.

The agreement still needs the approval of both parliaments before the first permits can be issued to applicants.
""",
    "energy_speech.txt": """Chancellor ties cheaper power to new lines

“Electricity bills will come down only when we finish building the northern power lines,” German Chancellor Helga Brandt said in a speech in Hamburg.

Industry groups welcomed the speech but asked for faster permits for onshore wind farms in the southern states.
""",
    "reform_explainer.txt": """How the pension reform works

Poland's pension reform raises the retirement age step by step and links monthly payouts to life expectancy, according to the draft law published this week.

Economists at a Warsaw university estimate that the reform will cut the deficit by a fifth before the end of the decade.

A parliamentary committee will hear evidence from Jane Roe, an auditor of pension funds, when the hearings open next month.
""",
    "harvest.txt": """Late frost damages apple harvest

A late frost in April destroyed much of the apple blossom in the orchards south of Lublin, growers reported this week.

Farmers expect the smallest harvest in twenty years and fear that juice factories will import fruit from abroad instead.
""",
    "ferry_courier.txt": FERRY.format(sentence=COPY_A_SENTENCE),
    "ferry_gazette.txt": FERRY.format(sentence=COPY_B_SENTENCE),
}


@pytest.fixture(scope="module")
def config(archive_of):
    config, report = archive_of("understood", ARTICLES)
    assert report.articles == len(ARTICLES) and not report.skipped
    return config


@pytest.fixture(scope="module")
def searcher(config, embedder):
    s = Searcher(config, embedder=embedder)
    yield s
    s.close()


@pytest.fixture(scope="module")
def copies(searcher) -> dict[str, str]:
    """"A" and "B": the article ids of the two ferry copies (courier, gazette)."""
    hits = searcher.search("Visby", k=10, mode="keyword", fold=False, understand=False)
    by_file = {Path(h.path).name: h.article_id for h in hits}
    return {"A": by_file["ferry_courier.txt"], "B": by_file["ferry_gazette.txt"]}


def test_the_archive_knows_the_people_and_folds_the_ferry_copies(searcher, copies):
    people = {p["name"]: p for p in searcher.backend.people()}
    assert {KOWALCZYK, NOWAK, DUARTE, BRANDT} <= set(people)
    assert "Jane Roe" not in people
    assert any("Finance Minister" in r for r in people[KOWALCZYK]["roles"])
    stories = searcher.backend.stories()
    assert len(stories) == 1
    members = {m["article_id"] for m in stories[0]["members"]}
    assert members == {copies["A"], copies["B"]} and copies["A"] != copies["B"]


# -- a speaker named anywhere: their own words first ----------------------------------------
@pytest.mark.parametrize("q", [
    "Kowalczyk warning in Gdansk",
    "Kowalczyk's reaction to the strike",
    "pensioners Kowalczyk comments",
    "comments by Marta Kowalczyk on pensions",
    "kowalczyk comments on pensions",
    "what did Kowalczyk say about pensions",
    "Marta Kowalczik remarks",
    "Kowalczyk",
])
def test_a_linked_speaker_puts_their_own_words_first(searcher, q):
    answer = searcher.ask(q, k=6)
    assert answer.understood.mode == "speaker" and answer.understood.speaker == KOWALCZYK
    first = answer.hits[0]
    assert (first.speaker, first.reason, first.direct) == (KOWALCZYK, "own words", True)
    assert first.quote and first.text[first.quote_start:first.quote_end] == first.quote
    reasons = [h.reason for h in answer.hits]
    own = [i for i, r in enumerate(reasons) if r == "own words"]
    others = [i for i, h in enumerate(answer.hits) if h.speaker != KOWALCZYK]
    assert len(own) == 2 and max(own) < min(others)
    # the union leader's quote names her, but is not her words
    wrona = next(h for h in answer.hits if "misunderstood" in h.text)
    assert wrona.reason == f"mentions {KOWALCZYK}" and wrona.speaker != KOWALCZYK


def test_the_topic_orders_the_speakers_own_words(searcher):
    strike = searcher.ask("Kowalczyk's reaction to the dock strike", k=3).hits[0]
    pensions = searcher.ask("Kowalczyk comments on pensioners and the budget", k=3).hits[0]
    assert "stoppage" in strike.text and "pensioners" in pensions.text


def test_with_a_topic_her_reported_words_on_it_come_before_her_quotes_on_other_things(
        searcher):
    """Her words on the topic are reported ("said ... that the overhaul would be phased in
    ... to protect retirees in small towns"); her two direct quotes are about the budget and
    the strike. With a topic, relevance orders her words; without one, quotes come first."""
    first = searcher.ask("Kowalczyk comments on retirees in small towns", k=3).hits[0]
    assert (first.speaker, first.reason, first.direct) == (KOWALCZYK, "reported", False)
    assert "small towns" in first.text
    plain = searcher.ask("what did Kowalczyk say", k=3).hits[0]
    assert (plain.speaker, plain.direct) == (KOWALCZYK, True)


def test_a_role_resolves_to_the_one_person_holding_it(searcher):
    answer = searcher.ask("what did the German chancellor say", k=5)
    u = answer.understood
    assert (u.mode, u.speaker, u.linked_by) == ("speaker", BRANDT, "role")
    assert (answer.hits[0].speaker, answer.hits[0].reason) == (BRANDT, "own words")
    nowak = searcher.ask("the Polish foreign minister's remarks", k=5)
    assert nowak.understood.speaker == NOWAK
    assert nowak.hits[0].speaker == NOWAK and nowak.hits[0].reason in ("own words", "reported")
    assert all(h.speaker != DUARTE for h in nowak.hits[:1])


def test_an_ambiguous_role_offers_candidates_and_links_nobody(searcher):
    """Nobody is read as the speaker; the reader is asked to choose, and meanwhile what
    the role's holders said comes first, each hit labelled with who said it."""
    answer = searcher.ask("what did the foreign minister say", k=5)
    u = answer.understood
    assert u.mode == "topic" and u.speaker is None and u.linked_by == "role"
    assert set(u.speaker_candidates) == {NOWAK, DUARTE}
    own = [h for h in answer.hits if h.reason is not None]
    assert own and answer.hits[: len(own)] == own, "the holders' words come first"
    assert {h.speaker for h in own} == {NOWAK, DUARTE}
    note = u.to_json()["note"]
    assert NOWAK in note and DUARTE in note and "ask for one by name" in note



# -- a name nobody is quoted under ----------------------------------------------------------
@pytest.mark.parametrize("q", ["what did Jane Roe say", "Jane Roe comments on pensions",
                               "what did Rafael Quintero say about pensions"])
def test_an_unknown_name_never_puts_another_persons_quote_first(searcher, q):
    answer = searcher.ask(q, k=5)
    u = answer.understood
    assert u.mode == "mentions" and u.speaker is None and u.speaker_text in q
    surname = u.speaker_text.split()[-1]
    for hit in answer.hits:
        assert surname in hit.text, (q, hit.text)
    if answer.hits:
        assert answer.hits[0].speaker is None or surname in (answer.hits[0].speaker or "")
    assert all(h.reason != "own words" for h in answer.hits)


def test_jane_roe_is_found_by_the_passage_naming_her(searcher):
    hits = searcher.search("what did Jane Roe say", k=5)
    assert len(hits) == 1 and "Jane Roe" in hits[0].text
    assert searcher.search("what did Rafael Quintero say about pensions", k=5) == []


def test_a_capitalised_topic_before_on_is_not_a_speaker(searcher):
    answer = searcher.ask("Fares on the Baltic ferry routes", k=5)
    assert answer.understood.mode == "topic"
    assert answer.hits and "ferry" in answer.hits[0].text


def test_plain_search_reads_nothing_into_the_question(searcher):
    answer = searcher.ask("Kowalczyk comments on pensions", k=5, understand=False)
    assert answer.understood.mode == "topic" and answer.understood.speaker is None
    assert all(h.reason is None for h in answer.hits)
    assert [h.passage_id for h in answer.hits] != [
        h.passage_id for h in searcher.search("Kowalczyk comments on pensions", k=5)]


def test_an_explicit_speaker_keeps_only_their_quotes(searcher):
    answer = searcher.ask("pensions", k=5, speaker="Kowalczyk")
    assert answer.understood.speaker == KOWALCZYK
    assert answer.hits and all(h.speaker == KOWALCZYK for h in answer.hits)
    nobody = searcher.ask("pensions", k=5, speaker="Rafael Quintero")
    assert nobody.hits == [] and nobody.understood.speaker is None


# -- best copy of a folded story ----------------------------------------------------------
@pytest.mark.parametrize("words, shown, other", [
    ("sleeping berths reserved by households", "B", "A"),
    ("cabin bookings for families", "A", "B"),
])
def test_the_copy_holding_the_readers_words_is_shown(searcher, copies, words, shown, other):
    hit = searcher.search(words, k=3)[0]
    assert hit.article_id == copies[shown]
    assert [c["article_id"] for c in hit.also_in] == [copies[other]]
    assert set(hit.also_in[0]) == {"article_id", "title", "outlet", "date", "text"}
    unfolded = searcher.search(words, k=10, fold=False)
    assert {copies["A"], copies["B"]} <= {h.article_id for h in unfolded}
    assert all(h.also_in == [] for h in unfolded)


def passage_of(searcher: Searcher, article_id: str, words: str) -> int:
    hits = searcher.search(words, k=20, mode="keyword", fold=False, understand=False)
    return next(h.passage_id for h in hits if h.article_id == article_id)


@pytest.mark.parametrize("words, shown", [(COPY_B_SENTENCE, "B"), (COPY_A_SENTENCE, "A")])
def test_folding_swaps_in_the_copy_with_the_readers_words(searcher, copies, words, shown):
    """Even when retrieval ranked the other copy first, the copy shown is the one whose
    text holds the question's words."""
    a = passage_of(searcher, copies["A"], "Visby")
    b = passage_of(searcher, copies["B"], "Visby")
    backend = searcher.backend
    for first in (a, b):
        rows = backend.fetch([first])
        (doc, score, also), = fold_ranked([(first, 0.5)], rows, backend, 5, query_terms(words))
        assert doc == {"A": a, "B": b}[shown] and score == 0.5
        assert [c["article_id"] for c in also] == [copies["B" if shown == "A" else "A"]]
    # limited to the retrieved copies, the other one cannot be swapped in
    rows = backend.fetch([a])
    (doc, _, _), = fold_ranked([(a, 0.5)], rows, backend, 5, query_terms(COPY_B_SENTENCE),
                               allowed={a})
    assert doc == a


def test_best_copy_prefers_the_ranked_copy_on_a_tie():
    members = [{"id": 1, "text": "ferry fares rise in March"},
               {"id": 2, "text": "ferry fares rise in spring"}]
    assert best_copy(2, members, ["ferry", "fares"]) == 2
    assert best_copy(1, members, ["spring"]) == 2
    assert best_copy(1, members, ["spring"], allowed={1}) == 1
    assert best_copy(1, members, []) == 1 and best_copy(7, [], ["spring"]) == 7


# -- fusion settings through the searcher -----------------------------------------------------
@pytest.mark.parametrize("fusion", FUSIONS)
def test_every_fusion_answers_through_the_searcher(config, embedder, fusion):
    s = Searcher(load_config(index=config.index, fusion=fusion, fusion_weight=0.5),
                 embedder=embedder)
    try:
        hits = s.search("late frost destroyed the apple blossom in the orchards", k=3)
        assert hits and "apple blossom" in hits[0].text
        assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
        speaker = s.ask("Kowalczyk's reaction to the strike", k=3).hits[0]
        assert (speaker.speaker, speaker.reason) == (KOWALCZYK, "own words")
    finally:
        s.close()


def test_an_unknown_fusion_is_a_bad_request(searcher, config, embedder):
    backend = searcher.backend
    with pytest.raises(BadRequest, match="unknown fusion 'borda'"):
        candidates(backend, lambda t: searcher.encode(t, backend), "apple harvest", "hybrid",
                   10, Filters(), 60, fusion="borda")
    s = Searcher(load_config(index=config.index, fusion="borda"), embedder=embedder)
    try:
        with pytest.raises(BadRequest):
            s.search("apple harvest", k=3)
    finally:
        s.close()


# -- the --json contract and the API ----------------------------------------------------------
def test_cli_json_carries_how_each_question_was_read(config):
    queries = ["Kowalczyk comments on pensions", "the foreign minister's statement",
               "what did Jane Roe say", "apple harvest"]
    result = CliRunner().invoke(cli, ["search", *queries, "--index", config.index, "--json",
                                      "--mode", "keyword", "-k", "3"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [o["query"] for o in out] == queries
    for o in out:
        assert set(o) == {"query", "hits", "understood"}
        assert set(o["understood"]) == UNDERSTOOD_KEYS
    speaker, ambiguous, unknown, topic = (o["understood"] for o in out)
    assert speaker["mode"] == "speaker" and speaker["speaker"] == KOWALCZYK
    assert speaker["topic"] == "pensions" and KOWALCZYK in speaker["note"]
    assert out[0]["hits"][0]["speaker"] == KOWALCZYK
    assert out[0]["hits"][0]["reason"] == "own words"
    assert ambiguous["speaker"] is None and set(ambiguous["speaker_candidates"]) == {NOWAK,
                                                                                     DUARTE}
    assert unknown["mode"] == "mentions" and unknown["speaker_text"] == "Jane Roe"
    assert topic == {"mode": "topic", "topic": "apple harvest", "speaker": None,
                     "speaker_text": None, "speaker_candidates": [], "linked_by": None,
                     "note": None}


def test_cli_text_output_says_how_the_question_was_read(config):
    result = CliRunner().invoke(cli, ["search", "Kowalczyk comments on pensions", "--index",
                                      config.index, "--mode", "keyword", "-k", "2"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "What Marta Kowalczyk said about pensions" in result.stdout


def test_api_search_carries_understood(searcher):
    client = TestClient(create_app(searcher=searcher))
    response = client.get("/search", params={"q": "Kowalczyk warning in Gdansk", "k": 3})
    assert response.status_code == 200
    body = response.json()
    assert body["understood"]["speaker"] == KOWALCZYK
    assert set(body["understood"]) == UNDERSTOOD_KEYS
    assert body["hits"][0]["reason"] == "own words"
    both = client.get("/search", params={"q": ["apple harvest", "Kowalczyk"], "k": 2}).json()
    assert [b["understood"]["mode"] for b in both] == ["topic", "speaker"]


def test_a_surname_that_names_no_person_in_a_passage_is_no_mention_of_them(searcher):
    """"What did Anna Lublin say": nobody of that name is quoted, and "south of Lublin" is a
    place, not a mention of her; a person of the same surname still is ("Jane Roe" for
    "Peter Roe"), as before."""
    lublin = searcher.ask("what did Anna Lublin say", k=5)
    assert lublin.understood.mode == "mentions"
    assert lublin.hits == []
    roe = searcher.ask("what did Peter Roe say", k=5)
    assert roe.understood.mode == "mentions"
    assert roe.hits and "Jane Roe" in roe.hits[0].text


def test_a_place_and_an_acronym_are_a_topic_not_an_unknown_person(searcher):
    for q in ("Gdansk NATO", "Poland EU"):
        assert searcher.ask(q, k=3).understood.mode == "topic", q


def test_a_long_question_about_an_unknown_name_nobody_mentions_answers_nothing(searcher):
    """Even a long question ("NAME's comments on a long topic", searched for its topic when
    someone mentions the name) shows no one else's words when no passage names them."""
    answer = searcher.ask("Peter Zielinski's comments on the pension overhaul and how the "
                          "cabinet will fund it for retirees in small towns", k=5)
    assert answer.understood.mode == "mentions"
    assert answer.hits == []
