"""The guards that keep two people, or two organisations, apart when their names are close
spellings of each other (archive.text.given_names.spelled_alike, archive.text.names)."""
from __future__ import annotations

import pytest

from archive.text.given_names import first_names_compatible, is_given_name, spelled_alike
from archive.text.names import group_names, surname_spelled_like


def _mentions(counts: dict[str, int]) -> list[tuple[str, str | None]]:
    return [(name, None) for name, n in counts.items() for _ in range(n)]


@pytest.mark.parametrize("a, b", [
    ("Dean", "Dan"),      # both names people bear, a vowel apart
    ("Ivana", "Ivanka"),  # a consonant apart
    ("Robbie", "Roy"),
    ("Patty", "Patrick"),
    ("Rick", "Eric"),     # another first letter
    ("Jane", "Diane"),
    ("Ian", "John"),      # one transliteration key's first letter ("j" as "i"), not one name
])
def test_two_given_names_people_bear_are_two_people(a, b):
    assert not spelled_alike(a, b)
    assert not first_names_compatible((a,), (b,))


@pytest.mark.parametrize("a, b", [
    ("Damien", "Damian"),     # vowels
    ("Stephen", "Steven"),    # "ph" / "v"
    ("Kirsten", "Kristen"),   # the same consonants
    ("Yevgeny", "Evgeny"),    # a romanisation's "y" before "e"
    ("Joe", "Joseph"),        # close, and a nickname of the name
    ("Vince", "Vincent"),
    ("Mahmoud", "Mahmud"),
    ("Reinse", "Reince"),     # a typo: no name anyone bears
    ("Grigoris", "Gregory"),  # a transliteration too rare to be listed
])
def test_one_given_name_spelt_two_ways(a, b):
    assert spelled_alike(a, b)
    assert first_names_compatible((a,), (b,))


def test_given_names_are_told_from_typos_by_the_packaged_table():
    assert is_given_name("Dean") and is_given_name("dan") and is_given_name("Kim")
    assert not is_given_name("Reinse") and not is_given_name("Kirtsy")


def test_people_with_close_given_names_and_one_surname_are_two():
    aliases = group_names(_mentions({"Dean Barker": 3, "Dan Barker": 2, "Barker": 4,
                                     "Sandra Kowalsky": 2, "Sandra Kowalski": 1}))
    assert aliases["Dean Barker"] != aliases["Dan Barker"]
    assert aliases["Barker"] == "Barker"  # a bare surname of two people is neither's
    assert aliases["Sandra Kowalski"] == aliases["Sandra Kowalsky"]  # a spelling still groups


def test_a_surname_with_an_s_more_is_another_family():
    aliases = group_names(_mentions({"Mary Connors": 2, "Mary O'Connor": 3, "Hillary Rodwell": 9,
                                     "Rodwells": 2}))
    assert aliases["Mary Connors"] != aliases["Mary O'Connor"]
    assert aliases["Rodwells"] == "Rodwells"  # "the Rodwells" is a family, not Hillary
    assert not surname_spelled_like("Rodwells", "Rodwell")


def test_organisations_group_only_by_the_same_words():
    aliases = group_names(_mentions({
        "National Transport Board": 2, "International Chess Board": 3,
        "Regional Police Agency": 1, "Regional Polices Agency": 1,
        "Office of Fair Trading": 2, "Office for Fair Trading": 1,
        "Mark Fenwick": 4, "Market Fenwick": 1,
    }), {"Market Fenwick": "organization"})
    assert aliases["National Transport Board"] != aliases["International Chess Board"]
    assert aliases["Regional Police Agency"] == aliases["Regional Polices Agency"]
    assert aliases["Office of Fair Trading"] == aliases["Office for Fair Trading"]
    # a name typed as an organisation is no typo of a person's
    assert aliases["Market Fenwick"] == "Market Fenwick"
    assert group_names(_mentions({"Mark Fenwick": 4, "Markk Fenwick": 1}))["Markk Fenwick"] == (
        "Mark Fenwick")


def test_a_bare_name_joins_only_a_person_of_exactly_that_surname():
    """Across articles a close spelling is a guess: "Stanton" said in one article is not the
    Imelda Staunton another quotes, however often she speaks."""
    aliases = group_names(_mentions({"Imelda Staunton": 12, "Staunton": 5, "Stanton": 3,
                                     "Robin Barrington": 30, "Barington": 2}))
    assert aliases["Staunton"] == "Imelda Staunton"
    assert aliases["Stanton"] == "Stanton"
    assert aliases["Barington"] == "Barington"


def test_a_bare_name_is_no_organisations_and_an_organisations_name_joins_no_person():
    aliases = group_names(_mentions({"Liberal Democrats": 20, "Democrats": 6,
                                     "Trade Unions Congress": 3, "Congress": 9,
                                     "Steve Granada": 4, "Granada": 5}),
                          {"Liberal Democrats": "group", "Granada": "place"})
    assert aliases["Democrats"] == "Democrats"
    assert aliases["Congress"] == "Congress"
    assert aliases["Granada"] == "Granada"  # the place (or the company), not Steve Granada


def test_bare_forms_join_one_another_only_when_written_alike():
    aliases = group_names(_mentions({"BBC": 40, "BCC": 3, "Reuters": 8, "REUTERS": 1}))
    assert aliases["BCC"] == "BCC"
    assert aliases["REUTERS"] == "Reuters"


def test_an_article_reads_its_own_misspelling_of_a_name_it_writes_in_full():
    from archive.quotes.people import ArticleIndex
    from archive.text.names import misspelt_surname

    index = ArticleIndex()
    index.add("Anthony Kiedis")
    index.add("Tara Moskowitz")
    assert index.expand("Keidis") == "Anthony Kiedis"
    assert index.expand("Moscow") == "Moscow"  # no misspelling of Moskowitz
    assert not misspelt_surname("Twitter", "Tveter") and misspelt_surname("Giulini", "Giuliani")


def test_a_typed_name_finds_no_person_of_another_given_name():
    from archive.text.names import resolve_person

    people = {"Ivanka Trump": "Ivanka Trump", "Steven Mnuchin": "Steven Mnuchin"}
    assert resolve_person("Ivana Trump", people) == []
    assert resolve_person("Stephen Mnuchin", people) == ["Steven Mnuchin"]


def test_an_abbreviation_joins_its_organisation_and_a_mistyped_person_stays_one():
    aliases = group_names(_mentions({"International Monetary Fund (IMF)": 5, "IMF": 7,
                                     "Marco Bortolami": 3, "Bortolami": 2}),
                          {"International Monetary Fund (IMF)": "organization",
                           "IMF": "organization", "Marco Bortolami": "place"})
    assert aliases["IMF"] == "International Monetary Fund (IMF)"
    assert aliases["Bortolami"] == "Marco Bortolami"  # spaCy's "place", a given name first


@pytest.mark.parametrize("typed, surname", [("-", "Smith"), ("Smith", "’"), ("", ""), (".", ".")])
def test_names_of_no_letters_are_no_misspelling(typed, surname):
    """A speaker phrase of punctuation once crashed a whole article's attribution."""
    from archive.text.names import misspelt_surname

    assert not misspelt_surname(typed, surname)
    assert not surname_spelled_like(typed, surname) or typed == surname
