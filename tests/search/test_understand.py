"""Question understanding (archive.search.understand): pure, no index, no model.

The people are invented and given to `Linker` as the archive would: aliases (alias ->
canonical name) and the people table (name, type, roles, quotes).
"""
from __future__ import annotations

import pytest

from archive.search import Understood, describe, understand
from archive.search.understand import Linker

ALIASES = {
    "Marta Kowalczyk": "Marta Kowalczyk", "M. Kowalczyk": "Marta Kowalczyk",
    "Tomasz Nowak": "Tomasz Nowak", "Ines Duarte": "Ines Duarte",
    "Helga Brandt": "Helga Brandt", "Olu Adeyemi": "Olu Adeyemi",
    "Pieter de Vries": "Pieter de Vries", "Poland": "Poland", "Eurostat": "Eurostat",
}
PEOPLE = [
    {"name": "Marta Kowalczyk", "type": "person", "roles": ["Polish Finance Minister"],
     "quotes": 6},
    {"name": "Tomasz Nowak", "type": "person", "roles": ["Polish Foreign Minister"],
     "quotes": 4},
    {"name": "Ines Duarte", "type": "person", "roles": ["Portuguese Foreign Minister"],
     "quotes": 3},
    {"name": "Helga Brandt", "type": "person", "roles": ["German Chancellor"], "quotes": 2},
    {"name": "Olu Adeyemi", "type": "person", "roles": ["Foreign Office spokesperson"],
     "quotes": 2},
    {"name": "Pieter de Vries", "type": "person", "roles": ["Deputy Foreign Minister"],
     "quotes": 1},
    {"name": "Poland", "type": "place", "roles": [], "quotes": 1},
    {"name": "Eurostat", "type": "organization", "roles": [], "quotes": 2},
]
KEYS = {"mode", "topic", "speaker", "speaker_text", "speaker_candidates", "linked_by", "note"}


@pytest.fixture(scope="module")
def linker() -> Linker:
    return Linker(ALIASES, PEOPLE)


def read(q: str, linker: Linker) -> Understood:
    u = understand(q, linker)
    assert u.mode in ("speaker", "mentions", "topic"), (q, u)
    return u


# -- a known name anywhere in the question ----------------------------------------------
@pytest.mark.parametrize("q, topic_word", [
    ("Kowalczyk warning in Gdansk", "Gdansk"),
    ("Kowalczyk comments", None),
    ("Kowalczyk criticism of the budget", "budget"),
    ("Kowalczyk's reaction to the strike", "strike"),
    ("Kowalczyk’s reaction to the strike", "strike"),
    ("comments by Marta Kowalczyk on pensions", "pensions"),
    ("kowalczyk comments on pensions", "pensions"),
    ("pensions: what Kowalczyk said", "pensions"),
    ("what did Kowalczyk say about pensions", "pensions"),
    ("What has Marta Kowalczyk said about the budget?", "budget"),
])
def test_a_name_in_any_position_links_the_speaker(linker, q, topic_word):
    u = read(q, linker)
    assert (u.mode, u.speaker, u.linked_by) == ("speaker", "Marta Kowalczyk", "name"), u
    assert u.people == ["Marta Kowalczyk"]
    assert u.speaker_text and "kowalczyk" in u.speaker_text.lower()
    if topic_word is None:
        assert u.topic is None
    else:
        assert u.topic and topic_word in u.topic
        assert "kowalczyk" not in u.topic.lower()


def test_the_fixed_form_keeps_its_topic(linker):
    u = read("what did Kowalczyk say about pensions", linker)
    assert u.topic == "pensions"


def test_title_and_name_alone_ask_for_the_speakers_words(linker):
    u = read("Foreign Office spokesperson Olu Adeyemi", linker)
    assert (u.mode, u.speaker, u.topic) == ("speaker", "Olu Adeyemi", None)
    assert read("Olu Adeyemi", linker).speaker == "Olu Adeyemi"
    assert read("Adeyemi", linker).speaker == "Olu Adeyemi"  # a surname, known from the name


def test_a_known_name_without_speech_words_is_a_topic(linker):
    u = read("Kowalczyk in Gdansk", linker)
    assert (u.mode, u.speaker) == ("topic", None)


def test_a_misspelt_full_name_resolves_by_close_spelling(linker):
    u = read("Marta Kowalczik remarks", linker)
    assert (u.mode, u.speaker, u.linked_by) == ("speaker", "Marta Kowalczyk", "fuzzy")
    assert u.speaker_text == "Marta Kowalczik"


# -- roles --------------------------------------------------------------------------------
def test_a_role_one_person_holds_links_them(linker):
    u = read("what did the German chancellor say", linker)
    assert (u.mode, u.speaker, u.linked_by) == ("speaker", "Helga Brandt", "role")
    assert u.speaker_text and "chancellor" in u.speaker_text.lower()


@pytest.mark.parametrize("q", ["the Polish foreign minister's remarks",
                               "what did the Polish foreign minister say",
                               "Polish foreign minister remarks"])
def test_a_narrowed_role_picks_one_of_several_holders(linker, q):
    u = read(q, linker)
    assert (u.mode, u.speaker, u.linked_by) == ("speaker", "Tomasz Nowak", "role"), u
    assert "Ines Duarte" not in u.people and "Pieter de Vries" not in u.people


@pytest.mark.parametrize("q", ["the foreign minister's statement",
                               "what did the foreign minister say about visas"])
def test_a_role_several_hold_asks_the_reader_to_choose(linker, q):
    u = read(q, linker)
    assert (u.mode, u.speaker, u.linked_by) == ("topic", None, "role"), u
    assert set(u.speaker_candidates) == {"Tomasz Nowak", "Ines Duarte"}
    assert "Pieter de Vries" not in u.speaker_candidates  # a deputy is another office
    # nobody is the speaker, but the holders' words (each labelled with its own speaker)
    # rank first, and a deputy is not among them
    assert set(u.people) == {"Tomasz Nowak", "Ines Duarte"}


@pytest.mark.parametrize("q", ["Deputy Foreign Minister",
                               "what did the deputy foreign minister say"])
def test_deputy_role_resolves_to_the_deputy_only(linker, q):
    u = read(q, linker)
    assert (u.mode, u.speaker, u.linked_by) == ("speaker", "Pieter de Vries", "role"), u
    assert u.speaker_candidates == []


@pytest.mark.parametrize("q", ["what did the Spanish chancellor say",
                               "what did the Italian foreign minister say",
                               "what did the Italian prime minister say"])
def test_a_role_nobody_holds_links_nobody(linker, q):
    u = read(q, linker)
    assert u.mode != "speaker" and u.speaker is None
    assert u.speaker_candidates == []  # nobody here is Spanish chancellor or Italian minister
    note = describe(u)
    assert note and "Nobody described as" in note and u.speaker_text in note


@pytest.mark.parametrize("q", ["Sanctions on Russia", "Fares on the Baltic ferry routes"])
def test_a_capitalised_topic_word_before_on_is_no_speaker(linker, q):
    u = read(q, linker)
    assert (u.mode, u.speaker_text) == ("topic", None)


def test_a_nationality_before_a_role_is_not_a_name(linker):
    u = read("the Spanish chancellor's remarks", linker)
    assert u.speaker_text != "Spanish" and u.mode != "mentions"
    assert u.speaker is None and u.people == []


# -- places and organisations -------------------------------------------------------------
@pytest.mark.parametrize("q", ["Poland pension reform", "Eurostat inflation figures",
                               "pension reform in Poland", "inflation figures"])
def test_place_or_organisation_led_topics_stay_topics(linker, q):
    u = read(q, linker)
    assert (u.mode, u.speaker, u.topic) == ("topic", None, q)
    assert describe(u) is None


def test_an_organisation_before_a_speech_word_is_the_speaker(linker):
    u = read("Eurostat statement on inflation", linker)
    assert (u.mode, u.speaker, u.topic) == ("speaker", "Eurostat", "inflation")


def test_a_place_after_the_speech_word_is_not_the_speaker(linker):
    u = read("envoy warning about Poland", linker)
    assert u.speaker != "Poland"
    assert u.mode != "speaker"


# -- people nobody in the archive is quoted under ------------------------------------------
@pytest.mark.parametrize("q, topic", [("what did Jane Roe say", None),
                                      ("Jane Roe comments on pensions", "pensions"),
                                      ("what did jane roe say", None)])
def test_an_unknown_name_asks_for_mentions(linker, q, topic):
    u = read(q, linker)
    assert (u.mode, u.speaker, u.topic) == ("mentions", None, topic), u
    assert u.speaker_text and u.speaker_text.lower() == "jane roe"
    assert u.people == [] and u.speaker_candidates == []


@pytest.mark.parametrize("q, topic", [("Jane Roe on pension reform", "pension reform"),
                                      ("Marcus Vale on broadband prices", "broadband prices")])
def test_an_unknown_full_name_on_a_topic_asks_for_mentions(linker, q, topic):
    """"NAME on TOPIC" for a full name led by a given name nobody here is quoted under: say
    so, and search for the name, as "what did NAME say" does."""
    u = read(q, linker)
    assert (u.mode, u.speaker, u.topic) == ("mentions", None, topic), u


@pytest.mark.parametrize("q", ["Sanctions on Poland", "Eurostat figures on pensions"])
def test_no_given_name_before_on_stays_a_topic(linker, q):
    assert read(q, linker).mode != "mentions"


def test_a_surname_before_an_office_is_not_that_person(linker):
    """ "Nowak spokesman on the treaty": the spokesman of someone, not Nowak."""
    u = read("Nowak spokesman comments on the treaty", linker)
    assert u.speaker != "Tomasz Nowak"


def test_in_lower_case_a_surname_after_the_speech_word_is_no_speaker(linker):
    """In lower case nothing marks a name, so a word matching a surname speaks only where
    a speaker stands: "jane roe comments on duarte gallery plans" asks what Jane Roe said,
    not Ines Duarte."""
    assert read("jane roe comments on duarte gallery plans", linker).speaker != "Ines Duarte"
    assert read("duarte comments on the gallery plans", linker).speaker == "Ines Duarte"


HOSTILE = ["", "   ", "x" * 10_000, "Kowalczyk " * 1500, "😀🔥💥", "Kowalczyk 😀 comments",
           'NATO "expansion" OR Russia*', "a AND (b OR c) NOT d", 'NEAR("Nowak pensions", 3)',
           "Kowalczyk* OR \"Nowak\"", "\x00\x01", "what did " + "X " * 3000 + "say", "'s",
           "’s comments", "the the the", "-- ; DROP TABLE people"]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_strings_never_raise(linker, q):
    u = read(q, linker)
    assert isinstance(u, Understood)
    assert u.topic is None or isinstance(u.topic, str)
    assert describe(u) is None or isinstance(describe(u), str)
    assert set(u.to_json()) == KEYS


def test_no_linker_means_a_plain_topic():
    u = understand("Kowalczyk comments", None)
    assert (u.mode, u.speaker, u.topic) == ("topic", None, "Kowalczyk comments")
    assert understand("", None).topic is None


def test_an_empty_archive_links_nobody():
    u = understand("what did the German chancellor say", Linker({}, []))
    assert u.speaker is None and u.mode != "speaker"


def namesakes(anna_quotes: int) -> Linker:
    """The archive plus Anna Nowak, a health minister sharing Tomasz Nowak's surname (4
    quotes)."""
    aliases = {**ALIASES, "Anna Nowak": "Anna Nowak"}
    people = [*PEOPLE, {"name": "Anna Nowak", "type": "person",
                        "roles": ["Polish Health Minister"], "quotes": anna_quotes}]
    return Linker(aliases, people)


def test_a_shared_surname_offers_both_people():
    u = understand("what did Nowak say", namesakes(anna_quotes=1))
    assert u.mode == "speaker" and u.speaker == "Tomasz Nowak"  # the more quoted one
    assert u.speaker_candidates == ["Tomasz Nowak", "Anna Nowak"]
    assert u.people == ["Tomasz Nowak"]  # a rarely quoted namesake is only offered
    note = describe(u)
    assert note and "Tomasz Nowak" in note and "Anna Nowak" in note
    assert "ranked" not in u.to_json() and set(u.to_json()) == KEYS


def test_comparably_quoted_namesakes_both_rank():
    u = understand("what did Nowak say", namesakes(anna_quotes=3))
    assert u.speaker == "Tomasz Nowak"
    assert set(u.people) == {"Tomasz Nowak", "Anna Nowak"}


def test_a_first_name_picks_among_namesakes():
    u = understand("what did Anna Nowak say", namesakes(anna_quotes=1))
    assert (u.mode, u.speaker, u.people) == ("speaker", "Anna Nowak", ["Anna Nowak"])


# -- describe() and to_json() ----------------------------------------------------------------
def test_describe_names_the_linked_speaker_and_topic(linker):
    note = describe(read("Kowalczyk criticism of the budget", linker))
    assert note == "What Marta Kowalczyk said about budget"
    role = describe(read("what did the German chancellor say", linker))
    assert role and role.startswith("What Helga Brandt (") and "chancellor" in role


def test_describe_says_nobody_is_quoted_for_an_unknown_name(linker):
    note = describe(read("Jane Roe comments on pensions", linker))
    assert note and "Nobody called Jane Roe" in note and "pensions" in note


def test_describe_lists_the_candidates_of_an_ambiguous_role(linker):
    note = describe(read("the foreign minister's statement", linker))
    assert note and "Tomasz Nowak" in note and "Ines Duarte" in note
    assert "Pieter de Vries" not in note


def test_describe_an_explicit_speaker_nobody_quotes():
    note = describe(Understood("speaker", "pensions", None, "Jane Roe"))
    assert note and "Jane Roe" in note


@pytest.mark.parametrize("q", ["pension reform in Poland", "inflation figures", ""])
def test_describe_is_none_for_a_plain_topic(linker, q):
    assert describe(read(q, linker)) is None


def test_to_json_carries_every_key_and_the_note(linker):
    u = read("comments by Marta Kowalczyk on pensions", linker)
    out = u.to_json()
    assert set(out) == KEYS
    assert out == {"mode": "speaker", "topic": "pensions", "speaker": "Marta Kowalczyk",
                   "speaker_text": "Marta Kowalczyk", "speaker_candidates": [],
                   "linked_by": "name", "note": "What Marta Kowalczyk said about pensions"}
    plain = read("inflation figures", linker).to_json()
    assert plain["mode"] == "topic" and plain["note"] is None and plain["speaker"] is None
    ambiguous = read("the foreign minister's statement", linker).to_json()
    assert set(ambiguous["speaker_candidates"]) == {"Tomasz Nowak", "Ines Duarte"}


def chancellors(other_quotes: int) -> Linker:
    """Helga Brandt (2 quotes) and Karl Weiss, German Chancellor before her."""
    aliases = {**ALIASES, "Karl Weiss": "Karl Weiss"}
    people = [*PEOPLE, {"name": "Karl Weiss", "type": "person",
                        "roles": ["German Chancellor"], "quotes": other_quotes}]
    return Linker(aliases, people)


def test_a_role_one_holder_dominates_reads_them_and_offers_the_others():
    u = read("what did the German chancellor say about coal", chancellors(other_quotes=9))
    assert (u.mode, u.speaker, u.linked_by) == ("speaker", "Karl Weiss", "role"), u
    assert u.people == ["Karl Weiss"]  # only the dominant holder's words rank first
    assert u.speaker_candidates == ["Karl Weiss", "Helga Brandt"]
    note = describe(u)
    assert note and note.startswith("What Karl Weiss (") and "Helga Brandt" in note
    assert "ask for one" in note


def test_a_role_comparable_holders_share_still_asks():
    u = read("what did the German chancellor say about coal", chancellors(other_quotes=3))
    assert (u.mode, u.speaker) == ("topic", None)
    assert u.people == ["Karl Weiss", "Helga Brandt"]  # both holders' words first
    assert set(u.speaker_candidates) == {"Karl Weiss", "Helga Brandt"}


@pytest.mark.parametrize("role, q", [
    ("Secretary of State", "what did the Secretary of State say"),
    ("President of the Lusatian Sorbs Federation",
     "what did the president of the Lusatian Sorbs Federation say")])
def test_an_office_of_something_capitalised_is_a_role(role, q):
    aliases = {"Mira Kowal": "Mira Kowal"}
    people = [{"name": "Mira Kowal", "type": "person", "roles": [role], "quotes": 3}]
    u = read(q, Linker(aliases, people))
    assert (u.mode, u.speaker, u.linked_by) == ("speaker", "Mira Kowal", "role"), u


def test_a_role_ending_in_a_name_is_still_no_role():
    aliases = {"Mira Kowal": "Mira Kowal"}
    people = [{"name": "Mira Kowal", "type": "person", "roles": ["rival to Jan Kos"],
               "quotes": 3}]
    u = read("what did the rival to Jan Kos say", Linker(aliases, people))
    assert u.speaker != "Mira Kowal"


def test_a_role_ending_in_someone_elses_name_does_not_hide_that_name():
    aliases = {"Mira Kowal": "Mira Kowal", "Jan Kos": "Jan Kos", "Kos": "Jan Kos",
               "Sorbs Federation": "Sorbs Federation"}
    people = [{"name": "Mira Kowal", "type": "person", "roles": ["adviser to Jan Kos",
                                                                 "adviser to the Sorbs Federation"],
               "quotes": 3},
              {"name": "Jan Kos", "type": "person", "roles": [], "quotes": 5},
              {"name": "Sorbs Federation", "type": "organization", "roles": [], "quotes": 1}]
    linker = Linker(aliases, people)
    for q in ("what did Jan Kos say", "Jan Kos comments on the budget"):
        u = read(q, linker)
        assert (u.mode, u.speaker) == ("speaker", "Jan Kos"), (q, u)
    u = read("what did the adviser to the Sorbs Federation say", linker)
    assert (u.mode, u.speaker) == ("speaker", "Mira Kowal"), u  # an organisation is no name


def test_an_organisation_an_office_is_held_at_is_not_the_office_holder():
    aliases = {"Mira Kowal": "Mira Kowal", "Jan Kos": "Jan Kos"}
    people = [{"name": "Mira Kowal", "type": "person", "roles": ["analyst at Halvard Bank"],
               "quotes": 3},
              {"name": "Jan Kos", "type": "person", "roles": ["oil analyst with Halvard bank"],
               "quotes": 2}]
    linker = Linker(aliases, people)
    for q in ("HALVARD BANK SAID IT RECEIVED SUBPOENA", "Halvard Bank said it would appeal"):
        u = read(q, linker)
        assert u.speaker is None and u.people == [], (q, u)
    u = read("what did the analyst at Halvard Bank say", linker)
    assert (u.mode, u.speaker) == ("speaker", "Mira Kowal"), u


def test_a_role_stored_with_a_clause_after_it_is_found_by_its_noun_phrase():
    aliases = {"Mira Kowal": "Mira Kowal"}
    people = [{"name": "Mira Kowal", "type": "person", "quotes": 3,
               "roles": ["physicist who is co-director of the Nuclear Policy Program"]}]
    u = read("what did the physicist say", Linker(aliases, people))
    assert (u.mode, u.speaker) == ("speaker", "Mira Kowal"), u


@pytest.mark.parametrize("role, q", [
    ("Lusatian Sorbs Federation president",
     "what did the president of the Lusatian Sorbs Federation say"),
    ("president of the Lusatian Sorbs Federation",
     "what did the Lusatian Sorbs Federation president say"),
    ("Vistula Rowing Club lawyer", "what did the lawyer for the Vistula Rowing Club say"),
    ("spokeswoman for the Kos campaign", "Kos campaign spokeswoman comments on turnout")])
def test_an_office_of_something_is_found_written_either_way(role, q):
    aliases = {"Mira Kowal": "Mira Kowal", "Jan Kos": "Jan Kos"}
    people = [{"name": "Mira Kowal", "type": "person", "roles": [role], "quotes": 3},
              {"name": "Jan Kos", "type": "person", "roles": ["mayor of Opole"], "quotes": 5}]
    u = read(q, Linker(aliases, people))
    assert (u.mode, u.speaker, u.linked_by) == ("speaker", "Mira Kowal", "role"), u


def test_an_office_of_another_body_written_the_other_way_links_nobody():
    aliases = {"Mira Kowal": "Mira Kowal"}
    people = [{"name": "Mira Kowal", "type": "person", "quotes": 3,
               "roles": ["president of the Lusatian Sorbs Federation"]}]
    u = read("what did the Vistula Rowing Club president say", Linker(aliases, people))
    assert u.speaker is None, u


@pytest.mark.parametrize("q", ["Zubrowska comments on Kowalczyk",
                               "Lena Zubrowska's reaction to Marta Kowalczyk"])
def test_an_unknown_name_before_the_speech_word_is_who_speaks_not_the_known_name_after(
        linker, q):
    """The one commenting is written before "comments"; the known person after it is what
    the comments are about: never their own words for somebody else's comments."""
    u = read(q, linker)
    assert u.speaker is None, u
    assert u.mode in ("mentions", "topic"), u


def test_a_known_name_before_the_speech_word_still_speaks_about_an_unknown_one(linker):
    u = read("Kowalczyk comments on Zubrowska", linker)
    assert (u.mode, u.speaker) == ("speaker", "Marta Kowalczyk"), u


def test_a_word_of_another_role_is_not_dropped_to_find_a_holder(linker):
    """"finance" narrows the office asked for: the Foreign Office spokesperson is not any
    finance spokesperson; a word no role in the archive has ("outspoken") may be dropped."""
    u = read("what did the finance spokesperson say", linker)
    assert u.speaker is None, u
    u = read("what did the outspoken foreign office spokesperson say", linker)
    assert (u.mode, u.speaker) == ("speaker", "Olu Adeyemi"), u


def test_a_name_suffix_neither_hides_the_name_nor_ends_a_role():
    """"Jr." after a name is the name's ("what did John G. Harlan Jr. say"); a role that ends
    in someone's name and suffix ("adviser to Joseph R. Biden Jr.") is no role, so "Jr." is
    no office either."""
    aliases = {"John G. Harlan": "John G. Harlan", "Joseph R. Biden": "Joseph R. Biden",
               "Mira Kowal": "Mira Kowal"}
    people = [{"name": "John G. Harlan", "type": "person", "roles": ["Chief Justice"],
               "quotes": 2},
              {"name": "Joseph R. Biden", "type": "person", "roles": [], "quotes": 9},
              {"name": "Mira Kowal", "type": "person", "quotes": 3,
               "roles": ["former economic adviser to Vice President Joseph R. Biden Jr."]}]
    linker = Linker(aliases, people)
    assert "jr" not in linker.roles
    u = read("what did John G. Harlan Jr. say", linker)
    assert (u.mode, u.speaker) == ("speaker", "John G. Harlan"), u


@pytest.mark.parametrize("q, ranked", [
    ("what did the German chancellor say", "what did Helga Brandt say"),
    ("the German chancellor's remarks on tariffs", "Helga Brandt's remarks on tariffs"),
])
def test_a_role_read_as_one_person_ranks_as_their_name(linker, q, ranked):
    """Once "the German chancellor" is Helga Brandt, her words are ranked for her name, so
    passages that name her come before those that only call someone a chancellor."""
    assert read(q, linker).ranking_text(q) == ranked


def test_a_name_or_an_ambiguous_role_ranks_as_typed(linker):
    for q in ("what did Marta Kowalczyk say", "what did the foreign minister say"):
        assert read(q, linker).ranking_text(q) == q


@pytest.fixture(scope="module")
def officials() -> Linker:
    aliases = {"Rosa Ban": "Rosa Ban", "Ban": "Rosa Ban", "Ewan Moray": "Ewan Moray",
               "Refugee Board": "Refugee Board", "Lena Hart": "Lena Hart"}
    people = [{"name": "Rosa Ban", "type": "person", "roles": ["UN envoy"], "quotes": 9},
              {"name": "Ewan Moray", "type": "person", "roles": ["First Minister"], "quotes": 5},
              {"name": "Lena Hart", "type": "person", "roles": ["Culture Secretary"],
               "quotes": 4},
              {"name": "Refugee Board", "type": "organization", "roles": [], "quotes": 3}]
    return Linker(aliases, people)


def test_the_name_before_the_speech_word_speaks_not_the_person_after(officials):
    u = read("Refugee Board response to Lena Hart's attack on asylum costs", officials)
    assert (u.mode, u.speaker) == ("speaker", "Refugee Board")


@pytest.mark.parametrize("q, holder, topic", [
    ("the culture secretary on casinos", "Lena Hart", "casinos"),
    ("first minister on the smoking ban", "Ewan Moray", "smoking ban"),
    ("the first minister's remarks on the smoking ban", "Ewan Moray", "smoking ban"),
])
def test_a_role_typed_in_lower_case_opening_a_question_speaks(officials, q, holder, topic):
    """"ROLE on TOPIC" reads like "NAME on TOPIC"; a surname that is also a common word
    later in the question ("ban") is part of the topic, not a rival speaker."""
    u = read(q, officials)
    assert (u.mode, u.speaker, u.linked_by) == ("speaker", holder, "role")
    assert u.topic == topic


def test_an_organisations_people_speak_for_it():
    """ "What did the Port Authority say" also ranks the words of its spokeswoman and its
    director; not those of its former chief, nor of a critic or a veteran of it."""
    aliases = {"Port Authority": "Port Authority", "PA": "Port Authority",
               "Nadia Okafor": "Nadia Okafor", "Tom Reyes": "Tom Reyes", "Lea Park": "Lea Park",
               "Sam Ode": "Sam Ode", "Ivo Lind": "Ivo Lind"}
    people = [{"name": "Port Authority", "type": "organization", "roles": [], "quotes": 2},
              {"name": "Nadia Okafor", "type": "person", "roles": ["PA spokeswoman"],
               "quotes": 6},
              {"name": "Tom Reyes", "type": "person",
               "roles": ["director of the Port Authority"], "quotes": 3},
              {"name": "Lea Park", "type": "person", "roles": ["former Port Authority chief"],
               "quotes": 9},
              {"name": "Sam Ode", "type": "person", "roles": ["critic of the Port Authority"],
               "quotes": 9},
              {"name": "Ivo Lind", "type": "person",
               "roles": ["veteran of the Port Authority"], "quotes": 9},
              {"name": "Ana Cruz", "type": "person", "roles": ["of the Port Authority"],
               "quotes": 1}]  # "Ana Cruz of the Port Authority said"
    linker = Linker({**aliases, "Ana Cruz": "Ana Cruz"}, people)
    assert linker.members("Port Authority") == ["Nadia Okafor", "Tom Reyes", "Ana Cruz"]
    u = read("what did the Port Authority say about dredging", linker)
    assert u.speaker == "Port Authority"
    assert u.people == ["Port Authority", "Nadia Okafor", "Tom Reyes", "Ana Cruz"]
    assert "Nadia Okafor" in u.to_json()["note"]
    assert set(u.to_json()) == KEYS


def test_a_role_mostly_written_as_a_past_office_yields_to_the_present_holder():
    aliases = {"Jon Abel": "Jon Abel", "Rob Kay": "Rob Kay", "Ada Moss": "Ada Moss"}
    people = [{"name": "Jon Abel", "type": "person", "roles": ["Foreign Secretary"],
               "quotes": 10},
              {"name": "Rob Kay", "type": "person", "quotes": 8, "roles": [
                  "former Foreign Secretary", "ex-Foreign Secretary", "Foreign Secretary"]},
              {"name": "Ada Moss", "type": "person", "quotes": 9, "roles": [
                  "Home Secretary", "former Home Secretary"]}]
    linker = Linker(aliases, people)
    u = read("what did the foreign secretary say about Kashmir", linker)
    assert (u.mode, u.speaker) == ("speaker", "Jon Abel")
    # once written as present and once as past: still a holder
    assert linker.role_people(["home", "secretary"]) == {"Ada Moss"}


def test_capitalised_words_of_a_headline_are_no_unknown_person(linker):
    assert read("Voters Want One Thing: Break Up Banks", linker).mode == "topic"
    assert read("Mayors Agree: Fix Old Bridges", linker).mode == "topic"
    assert read("Jane Doe", linker).mode == "mentions"  # a known first name: a person


def test_a_role_ending_in_a_small_word_is_an_extraction_slip_not_a_role():
    people = [{"name": n, "type": "person", "roles": [r], "quotes": 1} for n, r in
              (("Ann Lee", "spokesman for the"), ("Bo Kim", "adviser to the"),
               ("Cy Roe", "friend of the"), ("Di Fox", "aide and"))]
    linker = Linker({p["name"]: p["name"] for p in people}, people)
    assert not {"the", "and"} & set(linker.roles)
    assert read("what did they say to the union", linker).mode == "topic"


@pytest.mark.parametrize("q", ["what did the Lord Chancellor say",
                               "the Lord Chancellor on reform of the courts"])
def test_a_rank_inside_a_role_is_part_of_the_office(q):
    """ "Lord Chancellor" is its own office, not any chancellor, though "Lord" before a name
    is only a title."""
    aliases = {**ALIASES, "Karl Weiss": "Karl Weiss", "Falconer": "Falconer"}
    people = [*PEOPLE, {"name": "Karl Weiss", "type": "person", "roles": ["Chancellor"],
                        "quotes": 40},
              {"name": "Falconer", "type": "person", "roles": ["Lord Chancellor"],
               "quotes": 3}]
    u = read(q, Linker(aliases, people))
    assert (u.mode, u.speaker, u.linked_by) == ("speaker", "Falconer", "role"), u


@pytest.mark.parametrize("q", ["what did the real estate developer in Lisbon say",
                               "what did the Lisbon real estate developer say"])
def test_an_office_in_a_place_is_a_role(q):
    """ "real estate developer in Lisbon" ends in a place, not in a person: an office where
    it is held, asked for as written or the other way round."""
    aliases = {**ALIASES, "Rui Matos": "Rui Matos"}
    people = [*PEOPLE, {"name": "Rui Matos", "type": "person",
                        "roles": ["real estate developer in Lisbon"], "quotes": 2}]
    u = read(q, Linker(aliases, people))
    assert (u.mode, u.speaker, u.linked_by) == ("speaker", "Rui Matos", "role"), u


@pytest.mark.parametrize("q, who", [
    ("what did Poland's foreign minister say", "Tomasz Nowak"),      # roles: "Polish ..."
    ("Portugal's foreign minister on the summit", "Ines Duarte"),
    ("what did the American ambassador to the OSCE say", "Ruth Ames"),  # "US Ambassador"
    ("what did the U.S. ambassador to the OSCE say", "Ruth Ames"),
    ("the British envoy on the talks", "Owen Hale"),               # "UK envoy"
])
def test_a_country_or_its_people_name_the_same_role(q, who):
    """ "Polish" and "Poland", "American" and "US": one country, whichever word the
    articles and the question use."""
    aliases = {**ALIASES, "Ruth Ames": "Ruth Ames", "Owen Hale": "Owen Hale"}
    people = [*PEOPLE,
              {"name": "Ruth Ames", "type": "person", "roles": ["US Ambassador to the OSCE"],
               "quotes": 3},
              {"name": "Owen Hale", "type": "person", "roles": ["UK envoy"], "quotes": 2}]
    u = read(q, Linker(aliases, people))
    assert (u.mode, u.speaker, u.linked_by) == ("speaker", who, "role"), u


def test_a_country_does_not_stand_for_another():
    u = read("what did the German foreign minister say", Linker(ALIASES, PEOPLE))
    assert u.speaker is None, u


# -- a country the holders' roles do not write -------------------------------------------
FIRST_MINISTERS = [
    {"name": "Ewan Baird", "type": "person", "roles": ["First Minister"], "quotes": 20,
     "articles": 6},
    {"name": "Rhys Powell", "type": "person", "roles": ["First Minister"], "quotes": 4,
     "articles": 2},
    {"name": "Tomasz Nowak", "type": "person", "roles": ["Polish Foreign Minister"],
     "quotes": 4, "articles": 4},
]
NAMED_PLACES = {"Ewan Baird": {"Scotland": 5, "Edinburgh": 3, "Wales": 1},
                "Rhys Powell": {"Wales": 2, "Cardiff": 2},
                "Tomasz Nowak": {"Poland": 4, "Russia": 1}}


def placed_linker() -> Linker:
    aliases = {p["name"]: p["name"] for p in FIRST_MINISTERS}
    return Linker(aliases, FIRST_MINISTERS,
                  places=lambda people: {p: NAMED_PLACES[p] for p in people if p in NAMED_PLACES})


@pytest.mark.parametrize("q, who", [
    ("what did Scotland's first minister say about smoking", "Ewan Baird"),
    ("the Scottish First Minister on the smoking ban", "Ewan Baird"),
    ("what did the Welsh first minister say", "Rhys Powell"),
])
def test_a_country_no_role_writes_is_checked_against_the_holders_articles(q, who):
    """Roles say "First Minister" for both; the articles quoting only one of them name
    the country most of the time. They rank first, offered to choose, never asserted."""
    u = read(q, placed_linker())
    assert (u.mode, u.speaker, u.linked_by) == ("topic", None, "role"), u
    assert u.speaker_candidates == [who] and u.people == [who]
    assert who in describe(u) and "name" in describe(u)


def test_a_country_a_holders_articles_only_mention_is_not_theirs():
    """The Polish foreign minister's articles name Russia once in four: he is not the
    Russian foreign minister."""
    u = read("what did the Russian foreign minister say", placed_linker())
    assert u.people == [] and u.speaker is None, u


def test_without_places_a_country_no_role_writes_finds_nobody():
    aliases = {p["name"]: p["name"] for p in FIRST_MINISTERS}
    u = read("what did Scotland's first minister say", Linker(aliases, FIRST_MINISTERS))
    assert u.people == [] and u.speaker is None, u


def test_an_organisation_quoted_only_through_its_people_is_answered_with_their_words():
    """"what did the IMF say" in an archive that never quotes the fund itself, only its
    managing director: nobody is asserted to be the speaker, the note says so, and her
    words rank first; a critic of the fund is no voice of it."""
    people = [{"name": "Rosa Lind", "type": "person", "quotes": 4,
               "roles": ["managing director of the International Monetary Fund"]},
              {"name": "Karl Brem", "type": "person", "quotes": 9,
               "roles": ["critic of the International Monetary Fund"]}]
    linker = Linker({p["name"]: p["name"] for p in people}, people)
    for q in ("what did the IMF say about Greece",
              "what did the International Monetary Fund say about Greece"):
        u = read(q, linker)
        assert (u.mode, u.speaker, u.linked_by) == ("topic", None, "members"), q
        assert u.people == ["Rosa Lind"]
        note = u.to_json()["note"]
        assert "itself" in note and "Rosa Lind" in note
        assert set(u.to_json()) == KEYS
    assert read("what did the WTO say about Greece", linker).people == []


def test_a_role_naming_an_organisation_in_full_is_found_by_its_acronym():
    """A question writes "the OSCE" or "the FBI" where the articles wrote the name out."""
    people = [{"name": "Mira Holt", "type": "person", "quotes": 3, "roles": [
                  "US Ambassador to the Organization for Security and Co-operation in Europe"]},
              {"name": "Dan Voss", "type": "person", "quotes": 2, "roles": [
                  "director of the Federal Bureau of Investigation"]}]
    linker = Linker({p["name"]: p["name"] for p in people}, people)
    u = read("what did the US ambassador to the OSCE say", linker)
    assert (u.mode, u.speaker, u.linked_by) == ("speaker", "Mira Holt", "role")
    u = read("what did the FBI director say about the emails", linker)
    assert (u.mode, u.speaker) == ("speaker", "Dan Voss")
    # offices and places make no acronym ("Russian Deputy Foreign Minister" is no "RDF")
    assert linker.role_people(["rdf", "minister"]) == set()
