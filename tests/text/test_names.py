"""Tests for archive.people: grouping name variants and resolving typed names."""
from __future__ import annotations

import random
import time

from archive.text.names import (first_names_compatible, group_names, resolve_person, split_name,
                                surname_spelled_like)


def _mentions(counts: dict[str, int]) -> list[tuple[str, str | None]]:
    return [(name, None) for name, n in counts.items() for _ in range(n)]


def test_surname_and_first_name_variants_group():
    aliases = group_names(_mentions({
        "Sergey Lavrov": 5, "Sergei Lavrov": 2, "Lavrov": 9,
        "Antony Blinken": 4, "Anthony Blinken": 1, "Blinken": 3,
    }))
    assert aliases["Sergei Lavrov"] == aliases["Lavrov"] == "Sergey Lavrov"
    assert aliases["Anthony Blinken"] == aliases["Blinken"] == "Antony Blinken"


def test_misspellings_and_transliterations_group():
    """Full names group across spellings; a bare misspelling is read in its article, where
    the full name stands (archive.quotes: ArticleIndex.expand), not guessed across the
    archive."""
    aliases = group_names(_mentions({"Sergei Ryabkov": 2, "Ryabkov": 4, "Sergey Riabkov": 1,
                                     "Sergei Riabco": 1}))
    assert {aliases[n] for n in ("Ryabkov", "Sergey Riabkov", "Sergei Riabco")} == {
        "Sergei Ryabkov"}
    from archive.quotes.people import ArticleIndex

    index = ArticleIndex()
    index.add("Sergei Ryabkov")
    assert index.expand("Riabco") == index.expand("Rybko") == "Sergei Ryabkov"


def test_clinton_guard_keeps_people_apart_and_bare_name_ambiguous():
    aliases = group_names(_mentions({"Hillary Clinton": 5, "Bill Clinton": 4, "Clinton": 7}))
    assert aliases["Hillary Clinton"] == "Hillary Clinton"
    assert aliases["Bill Clinton"] == "Bill Clinton"
    assert aliases["Clinton"] == "Clinton"


def test_bare_surname_goes_to_clearly_dominant_person():
    aliases = group_names(_mentions({"Hillary Clinton": 30, "Bill Clinton": 3, "Clinton": 7}))
    assert aliases["Clinton"] == "Hillary Clinton"
    assert aliases["Bill Clinton"] == "Bill Clinton"


def test_canonical_is_most_frequent_full_form():
    aliases = group_names(_mentions({"Sergei Lavrov": 3, "Sergey Lavrov": 1, "Lavrov": 20}))
    assert aliases["Lavrov"] == "Sergei Lavrov"


def test_similar_but_different_surnames_stay_apart():
    aliases = group_names(_mentions({"Bernie Sanders": 3, "Sheryl Sandberg": 2, "Barack Obama": 2,
                                     "Osama bin Laden": 1, "George Bush": 1, "Rush Limbaugh": 1}))
    assert len(set(aliases.values())) == 6


def test_junior_is_a_different_person():
    aliases = group_names(_mentions({"Donald Trump": 5, "Donald Trump Jr.": 2}))
    assert aliases["Donald Trump Jr."] != aliases["Donald Trump"]


def test_initials_are_compatible():
    assert first_names_compatible(("s.",), ("sergey",))
    assert not first_names_compatible(("hillary",), ("bill",))
    assert split_name("Ursula von der Leyen").surname == "von der leyen"


def test_empty_and_blank_mentions():
    assert group_names([]) == {}
    assert group_names([("", None), ("  ", "role")]) == {}


def test_resolve_person_partial_misspelt_any_case():
    aliases = group_names(_mentions({
        "Sergey Lavrov": 5, "Lavrov": 3, "Antony Blinken": 2, "Hillary Clinton": 2, "Bill Clinton": 2,
    }))
    assert resolve_person("lavrov", aliases) == ["Sergey Lavrov"]
    assert resolve_person("Sergei Lavrof", aliases) == ["Sergey Lavrov"]
    assert resolve_person("blinken", aliases) == ["Antony Blinken"]
    assert resolve_person("BLINKIN", aliases) == ["Antony Blinken"]
    assert resolve_person("hillary", aliases)[0] == "Hillary Clinton"
    assert set(resolve_person("clinton", aliases)) == {"Hillary Clinton", "Bill Clinton"}
    assert resolve_person("Bill Clinton", aliases)[0] == "Bill Clinton"
    assert resolve_person("zzzz", aliases) == []
    assert resolve_person("", aliases) == []


def test_scales_to_tens_of_thousands_of_names():
    rng = random.Random(0)
    letters = "abcdefghijklmnopqrstuvwxyz"
    names = {}
    for _ in range(30000):
        first = "".join(rng.choice(letters) for _ in range(rng.randint(3, 8))).capitalize()
        last = "".join(rng.choice(letters) for _ in range(rng.randint(4, 10))).capitalize()
        names[f"{first} {last}"] = rng.randint(1, 5)
    start = time.perf_counter()
    aliases = group_names(_mentions(names))
    assert time.perf_counter() - start < 60
    assert len(aliases) == len(names)


def test_speaker_types_majority_and_aliases():
    from archive.text.names import is_person, speaker_types

    aliases = {"Lavrov": "Sergey Lavrov", "Sergey Lavrov": "Sergey Lavrov"}
    mentions = [("Lavrov", "person"), ("Sergey Lavrov", None), ("Russia", "place"),
                ("Russia", "place"), ("Russia", "person"), ("Kremlin", "organization"),
                ("officials", None), ("", "person")]
    types = speaker_types(mentions, aliases)
    assert types["Sergey Lavrov"] == "person"
    assert types["Russia"] == "place"
    assert types["Kremlin"] == "organization"
    assert types["officials"] is None
    assert "" not in types and "Lavrov" not in types
    assert is_person(types["Sergey Lavrov"]) and is_person(None)
    assert not is_person(types["Russia"]) and not is_person("group")


def test_speaker_types_tie_prefers_person():
    from archive.text.names import speaker_types

    assert speaker_types([("Jordan", "place"), ("Jordan", "person")]) == {"Jordan": "person"}


def test_people_table_takes_roles_written_with_the_name_from_unsure_attributions():
    from archive.text.roles import people_table
    mentions = [("Gary Hollis", None, "a1", "person"), ("Hollis", None, "a2", "person")]
    aliases = group_names([(s, r) for s, r, _, _ in mentions])
    written = [("Gary Hollis", "Libertarian nominee", "Libertarian nominee Gary Hollis"),
               ("Gary Hollis", "Governor", "the Governor"),  # a role resolved, not written
               ("Nia Obi", "mayor", "Mayor Nia Obi")]  # nobody with a quote
    (row,) = people_table(mentions, aliases, written)
    assert row["name"] == "Gary Hollis" and row["roles"] == ["Libertarian nominee"]
    assert row["quotes"] == 2


def test_connected_surnames_follows_chains_of_close_surnames():
    from archive.text.names import connected_surnames, surname_block
    archive = ["kovachenko", "kovalenko", "kovalev", "clinton", "kowalski", "nowak"]
    blocks: dict[str, list[str]] = {}
    for s in archive:
        blocks.setdefault(surname_block(s), []).append(s)
    present = lambda block: blocks.get(block, [])  # noqa: E731
    # kovalenko ~ kovalenkov ~ kovalev: the chain joins kovalenko to kovalev; kovachenko,
    # close to kovalenko as written, has other consonants (k-v-ch): another family
    assert connected_surnames({"kovalenkov"}, present) == {"kovalenkov", "kovalenko", "kovalev"}
    # without the middle, kovalenko and kovalev are apart
    assert "kovalev" not in connected_surnames({"kovalenko"}, present)
    assert connected_surnames({"clinton"}, present) == {"clinton"}
    assert connected_surnames(set(), present) == set()


def test_a_role_is_its_noun_phrase_without_the_clause_after_it():
    from archive.text.roles import core_role
    assert core_role("physicist who is co - director of the Nuclear Policy Program") == \
        "physicist"
    assert core_role("lawyer for the Harbour Trust , who has been suing for years") == \
        "lawyer for the Harbour Trust"
    assert core_role("chief executive of Ora Media -- the production company") == \
        "chief executive of Ora Media"
    assert core_role("Secretary of State") == "Secretary of State"


def test_a_role_written_after_the_name_is_taken_from_the_phrase():
    from archive.text.roles import apposition_role, people_table
    assert apposition_role("Mira Kowal II, a writer for The Harbour Review", "Mira Kowal") == \
        "writer for The Harbour Review"
    assert apposition_role("Rep. Jan Kos (D-S.C.), the assistant leader of the caucus",
                           "Jan Kos") == "assistant leader of the caucus"
    assert apposition_role("Ana Ruiz, who leads the count", "Ana Ruiz") is None
    assert apposition_role("Ruiz, clearly frustrated", "Ana Ruiz") is None
    assert apposition_role("she", "Ana Ruiz") is None
    (row,) = people_table([("Ana Ruiz", None, "a1", "person")], {"Ana Ruiz": "Ana Ruiz"},
                          [("Ana Ruiz", None, "Ana Ruiz, a physicist who studies ice")])
    assert row["roles"] == ["physicist"]


def test_a_surname_is_spelled_like_its_romanisations_not_like_any_close_word():
    # romanisations of one Cyrillic name: close on their transliteration keys
    assert surname_spelled_like("Riabco", "Ryabkov")
    assert surname_spelled_like("lavrof", "Lavrov")
    assert surname_spelled_like("Holm", "Holmes")  # close as written
    # a word that shares letters with a surname is not a spelling of it
    assert not surname_spelled_like("Brexit", "Beith")
    assert not surname_spelled_like("Putin", "Rutte")


def test_close_given_names_of_a_woman_and_a_man_are_two_people():
    """"Michelle" and "Michael" are close spellings but not one person: with close surnames
    the grouping merged them, and a role one of them held answered for the other."""
    aliases = group_names(_mentions({"Michelle F. Tanzer": 9, "Michael Tanner": 2,
                                     "Danielle Roux": 2, "Daniel Roux": 3}))
    assert aliases["Michael Tanner"] == "Michael Tanner"
    assert aliases["Danielle Roux"] != aliases["Daniel Roux"]
    assert not first_names_compatible(("Michael",), ("Michelle",))
    assert first_names_compatible(("Sergei",), ("Sergey",))  # spellings of one name still are
    assert first_names_compatible(("Jean",), ("Jean",))


def test_a_bare_surname_joins_only_a_person_whose_surname_it_spells():
    """Close surnames chain into one cluster (Falconer ~ Falcone ~ Fallon); the bare
    "Falconer" is no spelling of Fallon and must not become Brian Fallon."""
    aliases = group_names(_mentions({"Brian Fallon": 50, "Falconer": 3, "Falcone": 1,
                                     "Fallon": 6}))
    assert aliases["Fallon"] == "Brian Fallon"
    assert aliases["Falconer"] == "Falconer"


def test_a_typed_nickname_finds_the_person_but_never_merges_two():
    """"Chuck Grassley" typed finds Charles E. Grassley; in the archive a nickname and a
    formal name stay two people (the table links "Patti" and "Patricia", and two Smiths)."""
    aliases = group_names(_mentions({"Charles E. Grassley": 11, "Patti Smith": 2,
                                     "Patricia Smith": 3}))
    assert aliases["Patti Smith"] != aliases["Patricia Smith"]
    assert resolve_person("Chuck Grassley", aliases) == ["Charles E. Grassley"]
    assert resolve_person("Bill Harmon", {"William Harmon": "William Harmon"}) == [
        "William Harmon"]


def test_a_surname_and_its_son_form_are_two_families():
    """Roberts / Robertson are close spellings (ratio 88) but different surnames: the
    Chief Justice is not the football manager."""
    aliases = group_names(_mentions({"John G. Roberts": 2, "John Robertson": 4,
                                     "Ann Peters": 2, "Ann Petersen": 3}))
    assert aliases["John G. Roberts"] != aliases["John Robertson"]
    assert aliases["Ann Peters"] != aliases["Ann Petersen"]
    assert not surname_spelled_like("Robertson", "Roberts")


def test_a_nickname_is_a_shorter_name_or_one_of_the_same_initial_and_surname():
    """The nicknames table also links "Will" to "Fred", and close surnames chain ("Pearson" ~
    "Person"): a typed "Will Rogers" is not Fred Rogers, "Ian Pearson" not John Person."""
    assert resolve_person("Will Rogers", {"Fred Rogers": "Fred Rogers"}) == []
    assert resolve_person("Ian Pearson", {"John Person": "John Person"}) == []
    assert resolve_person("Jimmy Carter", {"James Carter": "James Carter"}) == ["James Carter"]
    assert not first_names_compatible(("Chuck",), ("Charles",))  # without the same surname
    assert first_names_compatible(("Chuck",), ("Charles",), nicknames=True)


def test_gender_of_reads_the_table_beyond_the_short_lists():
    from archive.text import FEMALE_NAMES, MALE_NAMES, gender_of

    # names news writes but the short lists lack: the packaged table knows them
    assert {"kofi", "siobhan", "yevhen"}.isdisjoint(FEMALE_NAMES | MALE_NAMES)
    assert gender_of("Kofi") == "m" and gender_of("Yevhen") == "m"
    assert gender_of("Siobhan") == "f"
    # names borne by women and men alike stay unknown, and so does a made-up one
    assert gender_of("Jean") is None and gender_of("Alex") is None
    assert gender_of("Zqxwv") is None
    # accents as the page writes them
    assert gender_of("François") == "m" and gender_of("Ségolène") == "f"


def test_close_surnames_with_other_consonants_are_other_families():
    # a congressman and an ambassador, a senator and a mayor: one letter apart, two people
    aliases = group_names(_mentions({"Michael McCaul": 6, "McCaul": 4, "Michael McFaul": 3,
                                     "Johnny Isakson": 2, "Johnny Jackson": 2}))
    assert aliases["Michael McFaul"] == "Michael McFaul" != aliases["Michael McCaul"]
    assert aliases["Johnny Isakson"] != aliases["Johnny Jackson"]
    assert not surname_spelled_like("McFaul", "McCaul")
    # misspellings and romanisations keep their consonants, and still group
    aliases = group_names(_mentions({"Sergei Ryabkov": 3, "Sergey Riabkov": 1,
                                     "Tom Raftery": 3, "Tom Rafftery": 1}))
    assert aliases["Sergey Riabkov"] == "Sergei Ryabkov"
    assert aliases["Tom Rafftery"] == "Tom Raftery"
    assert surname_spelled_like("Riabco", "Ryabkov")


def test_a_bare_surname_goes_to_its_own_spelling_before_a_close_one():
    """"Browne" alone (Lord Browne of BP) is close to "Brown" but is not Gordon Brown, however
    often he is quoted: a person of exactly that surname takes it; a misspelling with no
    exact holder joins nobody across the archive ("Lavrof": its article reads it)."""
    aliases = group_names(_mentions({"Gordon Brown": 40, "Des Browne": 2, "Browne": 6,
                                     "Brown": 9, "Sergei Lavrov": 5, "Lavrof": 1}))
    assert aliases["Browne"] == "Des Browne"
    assert aliases["Brown"] == "Gordon Brown"
    assert aliases["Lavrof"] == "Lavrof"
