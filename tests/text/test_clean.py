"""The cleaner: metadata of the seeds, and boilerplate (the seeds' own and other kinds) never
reaching the story or the index."""
from __future__ import annotations

from pathlib import Path

import pytest

from archive.text.clean import clean_article, date_line, normalize_date, parse_date
from archive.text.ingest import read_path
from archive.models import RawArticle
from archive.storage import DB_NAME, IndexDir
from archive.storage.sqlite import Store

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

# Every line of page furniture found in the seed files (or a distinctive piece of it).
SEED_BOILERPLATE = [
    "- Advertisement -spot_img",
    "Advertisement",
    "READ  Electricity providers cancel building of Atlantic Coastline Pipeline",
    "READ  Centralized virtual universities",
    "Electricity providers cancel",
    "Centralized virtual universities",
    "Read Also:",
    "Blinken visits Ukraine, warning of 'immediate' Russian attack",
    "best of the web",
    "Related posts",
    "Marcos Jr. Can Stay in Philippine Presidential Race",
    "The Philippine Election Commission on Monday rejected",
    "China's Xi rejects 'Cold War mentality,' pushes cooperation",
    "Chinese President Xi Jinping",
    "Marcos Jr. wins ruling on eligibility",
    "By Karen Lima",
    "Read more",
    "Read More",
    "Leave a Comment",
    "Leave a comment",
    "Leave a Reply",
    "Your email address will not be published",
    "Required fields are marked",
    "Please enter your comment",
    "Please enter your name here",
    "World Nation News Desk",
    "https://www.worldnationnews.com",
    "World Nation News is a digital news portal",
    "Latest news",
    "Related news",
    "Written By",
    "More from Cary Payne",
    "Decision against Trump",
    "New US President Joe Biden (78)",
    "Become a Trendsetter",
    "Sign up for Davenport’s Daily Digest",
    "Here's what you need to know",
    # credit lines are bylines, not passages
    "contributed to this reporting",
    "contributed to this report",
    "reported from Vienna",
    "Oleg Matsnev provided a report from Moscow",
    # editor's correction: the article's note, not a passage
    "This version has been corrected",
]


def seed(prefix: str):
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    [raw] = read_path(path)
    article = clean_article(raw)
    assert article is not None
    return article


def story_text(article) -> str:
    return "\n".join(p.text for p in article.paragraphs)


# -- the seeds ------------------------------------------------------------------------------

def test_every_seed_has_its_title():
    titles = {
        "000": "Third international meeting with Russia over its potential invasion of Ukraine "
               "ended without clear breakthrough",
        "001": "Ukraine crisis: US warns ‘drumbeats of war’ are sounding as talks with Russia end "
               "with no breakthrough",
        "002": "Russia, at a dead end with the West, warns it is ready to abandon diplomacy",
        "003": "Talks on Ukraine conflict: US calls on Russia to de-escalate tensions",
        "004": "No Ukraine breakthrough, but NATO and Russia eye more talks",
    }
    for prefix, title in titles.items():
        article = seed(prefix)
        assert article.title == title
        # the title is metadata, not a story paragraph (003 repeats it: dropped too)
        assert all(p.text != title for p in article.paragraphs)


def test_seed_dates():
    assert seed("002").date == "2022-01-24"  # "Monday, January 24, 2022"
    assert seed("003").date == "2022-01-10"  # "Status: 10.01.2022 3:50 AM."
    assert all(not p.text.startswith("Status:") for p in seed("003").paragraphs)
    assert "Monday, January 24, 2022" not in story_text(seed("002"))


def test_seed_outlets_and_bylines():
    for prefix in ("000", "001"):
        article = seed(prefix)
        assert article.outlet == "CNN"
        assert article.byline and "Anna Chernova" in article.byline
    assert "Oleg Matsnev" in seed("002").byline
    assert seed("002").outlet == "World Nation News"
    assert "Ellen Knickmeyer" in seed("004").byline


def test_correction_kept_as_note():
    article = seed("004")
    assert article.note and article.note.startswith("This version has been corrected")
    assert "Assistant Secretary of State" in article.note
    assert "corrected" not in story_text(article)


def test_sub_headings_are_sections_not_paragraphs():
    a3, a1 = seed("003"), seed("001")
    for article, heading in ((a3, "hard front"), (a1, "Russia’s next step is still unclear"),
                             (a1, "Russia says US demands ‘unacceptable’")):
        assert heading not in [p.text for p in article.paragraphs]
        under = [p for p in article.paragraphs if p.section == heading]
        assert under, f"no paragraph under {heading!r}"
    # the paragraph right after the heading carries it
    first = next(p for p in a3.paragraphs if p.section == "hard front")
    assert first.text.startswith("On the Russian side")


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seed_boilerplate_not_in_story(prefix):
    text = story_text(seed(prefix)).casefold()
    for line in SEED_BOILERPLATE:
        assert line.casefold() not in text, line


def test_no_seed_boilerplate_in_index(seed_index, seed_config):
    gen = IndexDir(seed_config.index_dir).require_current()
    store = Store(gen / DB_NAME)
    try:
        rows = list(store.db.query("SELECT p.text, a.title FROM passages p "
                                   "JOIN articles a USING (article_id)"))
    finally:
        store.close()
    assert len(rows) == seed_index.passages > 50
    for row in rows:
        text = row["text"].casefold()
        for line in SEED_BOILERPLATE:
            assert line.casefold() not in text, (line, row["text"][:120])
        assert row["text"] != row["title"]
        assert row["text"] not in ("hard front", "Russia’s next step is still unclear")


def test_seed_story_kept():
    """The cleaner does not throw out the story with the furniture."""
    a0 = seed("000")
    assert a0.paragraphs[0].text.startswith("Thursday’s meeting in Vienna")
    assert a0.paragraphs[-1].text.startswith("“If Russia pulls away")
    a2 = seed("002")
    assert a2.paragraphs[0].text.startswith("VIENNA — Russian officials")
    assert a2.paragraphs[-1].text.startswith("“If we do not hear a constructive response")
    assert any("Lavrov" in p.text for p in a2.paragraphs)


# -- boilerplate the seeds do not have ------------------------------------------------------

STORY = [
    "The harbour council voted on Tuesday to add three evening ferry crossings between the old "
    "port and the island, starting in May.",
    "Council member Ruth Okafor said the change answered years of complaints from commuters who "
    "work late shifts in the city.",
    "The ferry operator said it would hire four additional deckhands to staff the new crossings "
    "before the summer season.",
    "Ticket prices will not change, the operator said, although a monthly pass for island "
    "residents is under discussion.",
]

INLINE_JUNK = [
    "ADVERTISEMENT",
    "— Advertisement —",
    "ADVERTISEMENT - CONTINUE READING BELOW",
    "Story continues below advertisement",
    "Sponsored Content",
    "Also read: Island bakery wins regional bread prize",
    "Read more: Why the island's pier needs repairs",
    "Related: Bus fares to rise in April",
    "Sign up for our newsletter",
    "Subscribe to our daily briefing for the top stories in your inbox.",
    "Click here to subscribe",
]


def junk_article() -> str:
    parts = ["Harbour council approves new ferry timetable", "By Mara Lindqvist | March 3, 2023"]
    junk = iter(INLINE_JUNK)
    for paragraph in STORY:
        parts.append(paragraph)
        parts.extend(j for _, j in zip(range(3), junk))
    parts += [
        "Additional reporting by Jonas Berg.",
        "Share this:", "Facebook", "Twitter",
        "Foo Daily is an online news website covering the coast and the islands.",
        "Related articles",
        "Bridge closure delays commuters for a second week",
        "Commuters faced another week of delays as repairs on the bridge continued.",
        "About the author",
        "Mara Lindqvist writes about transport and infrastructure for Foo Daily.",
    ]
    return "\n\n".join(parts)


def test_other_boilerplate_removed():
    article = clean_article(RawArticle(text=junk_article(), path="ferry.txt"))
    assert article is not None
    assert [p.text for p in article.paragraphs] == STORY
    assert all(p.section is None for p in article.paragraphs)
    assert article.title == "Harbour council approves new ferry timetable"
    assert article.date == "2023-03-03"  # from the author line
    assert article.byline == "Additional reporting by Jonas Berg."
    assert article.outlet == "Foo Daily"  # from the site blurb


def test_head_author_line_is_byline_when_no_credit():
    text = "\n\n".join(["Ferry timetable approved", "By Mara Lindqvist and Tom Eriksen",
                        *STORY])
    article = clean_article(RawArticle(text=text, path="x.txt"))
    assert article.byline == "Mara Lindqvist and Tom Eriksen"
    assert [p.text for p in article.paragraphs] == STORY


def test_tail_markers_end_the_story():
    for marker in ("Related articles", "Share this:", "You may also like", "Leave a Reply",
                   "About the author", "Tags: ferry, harbour", "Latest News"):
        text = "\n\n".join(["A title here", *STORY, marker,
                            "Teaser headline that is not part of the story at all.",
                            "Another teaser sentence from some other article entirely."])
        article = clean_article(RawArticle(text=text, path="x.txt"))
        assert [p.text for p in article.paragraphs] == STORY, marker


def test_credit_variants_become_byline():
    for credit in ("Reuters' Anna Holm contributed to this report.",
                   "Additional reporting by Jonas Berg and Li Wei.",
                   "Reporting by Jonas Berg; Editing by Sam Cole",
                   "Jonas Berg reported from Oslo."):
        text = "\n\n".join(["A title here", *STORY, credit])
        article = clean_article(RawArticle(text=text, path="x.txt"))
        assert article.byline == credit
        assert [p.text for p in article.paragraphs] == STORY


def test_story_sentences_that_look_like_markers_are_kept():
    """Rules match whole lines of furniture, not words inside the story."""
    story = [
        "Readers of the paper were asked to share this week's photos of the storm damage.",
        "Advertisement revenue at the station fell by a fifth last year, the report said.",
        "Related-party transactions at the ferry company are under review by the auditors.",
        "Sign language interpreters will be present at every council meeting from now on.",
    ]
    text = "\n\n".join(["Council news roundup", *story])
    article = clean_article(RawArticle(text=text, path="x.txt"))
    assert [p.text for p in article.paragraphs] == story


def test_only_boilerplate_gives_none():
    text = "\n\n".join(["ADVERTISEMENT", "Share this:", "Leave a comment"])
    assert clean_article(RawArticle(text=text, path="x.txt", title="T")) is None
    assert clean_article(RawArticle(text="   \n\n  ", path="x.txt")) is None


def test_record_metadata_wins_and_is_normalised():
    raw = RawArticle(text="\n\n".join(STORY), path="r.jsonl#1", title="Ferry news",
                     date="14 March 2023", outlet="Harbour Times", author="M. L.")
    article = clean_article(raw)
    assert article.title == "Ferry news"
    assert article.date == "2023-03-14"
    assert article.outlet == "Harbour Times"
    assert article.byline == "M. L."
    assert [p.text for p in article.paragraphs] == STORY


def test_outlet_from_url_when_nothing_else():
    raw = RawArticle(text="\n\n".join(["Ferry news", *STORY]), path="p.html",
                     url="https://www.harbourtimes.example/news/1")
    assert clean_article(raw).outlet == "harbourtimes.example"


def test_article_id_depends_on_content_not_path():
    a = clean_article(RawArticle(text="\n\n".join(["T", *STORY]), path="a.txt"))
    b = clean_article(RawArticle(text="\n\n".join(["T", *STORY]), path="elsewhere/b.txt"))
    c = clean_article(RawArticle(text="\n\n".join(["T", *STORY[:-1]]), path="a.txt"))
    assert a.article_id == b.article_id != c.article_id


def test_dates():
    assert parse_date("Monday, January 24, 2022") == "2022-01-24"
    assert parse_date("Jan. 5, 2021") == "2021-01-05"
    assert parse_date("5 September 2020") == "2020-09-05"
    assert parse_date("2019-12-31T10:00:00Z") == "2019-12-31"
    assert parse_date("Status: 10.01.2022 3:50 AM.") == "2022-01-10"
    assert parse_date("February 30, 2022") is None
    assert parse_date("no date here") is None
    assert normalize_date(None) is None and normalize_date("") is None
    assert date_line("Published: March 3, 2023") == "2023-03-03"
    # a sentence that mentions a date is not a dateline
    assert date_line("The council met on March 3, 2023 to discuss the ferry timetable "
                     "and several other matters of local interest.") is None


# -- dates read with python-dateutil (archive.text.dates) ------------------------------------
@pytest.mark.parametrize("written, iso", [
    ("26-FEB-1987 15:01:01.79", "1987-02-26"),  # Reuters-21578's own <DATE> field
    ("13/01/2022", "2022-01-13"),  # a day over 12: no ambiguity
    ("January 13, 2022", "2022-01-13"),
    ("Status: 10.01.2022 3:50 AM", "2022-01-10"),  # dotted: day.month.year
    ("Monday, January 24, 2022", "2022-01-24"),
    ("Thursday 13th January 2022 10:15 GMT", "2022-01-13"),
    ("2016-03-11", "2016-03-11"),  # year first is always year-month-day
])
def test_record_date_formats_give_iso(written, iso):
    assert normalize_date(written) == iso
    raw = RawArticle(text="\n\n".join(STORY), path="r.jsonl#1", title="Ferry news",
                     date=written)
    article = clean_article(raw)
    assert article.date == iso and article.note is None


def test_a_dateline_in_the_text_is_read_and_dropped():
    text = "\n\n".join(["Ferry news", "26-FEB-1987 15:01:01.79", *STORY])
    article = clean_article(RawArticle(text=text, path="wire.txt"))
    assert article.date == "1987-02-26"
    assert all("1987" not in p.text for p in article.paragraphs)


def test_an_ambiguous_day_month_order_is_left_undated_with_the_reason():
    assert parse_date("03/04/2022") is None
    raw = RawArticle(text="\n\n".join(STORY), path="r.jsonl#1", title="Ferry news",
                     date="03/04/2022", outlet="Harbour Times")
    article = clean_article(raw)
    assert article.date is None
    assert "03/04/2022" in article.note and "either way round" in article.note
    # the same in a dateline: the line is still taken out of the story
    text = "\n\n".join(["Ferry news", "03/04/2022", *STORY])
    article = clean_article(RawArticle(text=text, path="x.txt"))
    assert article.date is None and "03/04/2022" in article.note
    assert all(p.text != "03/04/2022" for p in article.paragraphs)


def test_a_us_outlet_writes_the_month_first_others_the_day_first():
    def dated(**meta):
        return clean_article(RawArticle(text="\n\n".join(STORY), path="r.jsonl#1",
                                        title="Ferry news", date="03/04/2022", **meta))
    cnn = dated(outlet="CNN")
    assert cnn.date == "2022-03-04" and "month first" in cnn.note
    assert dated(url="https://www.washingtonpost.com/world/x").date == "2022-03-04"
    bbc = dated(url="https://www.bbc.co.uk/news/world-1")
    assert bbc.date == "2022-04-03" and "day first" in bbc.note
    # an unambiguous date needs no convention and leaves no note
    plain = clean_article(RawArticle(text="\n\n".join(STORY), path="r.jsonl#1",
                                     title="Ferry news", date="13/04/2022", outlet="CNN"))
    assert plain.date == "2022-04-13" and plain.note is None


def test_incomplete_or_impossible_dates_are_no_dates():
    for text in ("January 2022", "Top 10 stories of 2022", "3 deaths in May 2021", "1987",
                 "February 30, 2022"):
        assert parse_date(text) is None, text


# A page saved one paragraph per line, with no blank line between paragraphs (what many
# scrapers and "copy all" give).
ONE_PER_LINE = "\n".join([
    "Harbour council approves new ferry timetable",
    "The harbour council on Tuesday approved a ferry timetable that adds two evening crossings"
    " to the island from April.",
    "\u201cThe late boats are what commuters have asked for since the bridge closed,\u201d said"
    " councillor Ines Moreau, who chairs the transport committee.",
    "Ferry operator Nordlink welcomed the decision but warned that fares could rise.",
    "\u201cFuel is our largest cost,\u201d he said.",
])


def test_a_page_written_one_paragraph_per_line_keeps_its_paragraphs():
    article = clean_article(RawArticle(text=ONE_PER_LINE, path="ferry.txt"))
    assert article is not None
    assert article.title == "Harbour council approves new ferry timetable"
    assert [p.text for p in article.paragraphs] == ONE_PER_LINE.split("\n")[1:]


def test_hard_wrapped_lines_are_joined_into_their_paragraph():
    wrapped = ("The harbour council on Tuesday approved a ferry timetable\n"
               "that adds two evening crossings to the island from April,\n"
               "its chairwoman said.")
    text = "Ferry timetable approved\n\n" + wrapped + "\n\nA second paragraph follows here."
    article = clean_article(RawArticle(text=text, path="wire.txt"))
    assert [p.text for p in article.paragraphs] == [
        wrapped.replace("\n", " "), "A second paragraph follows here."]


def test_mojibake_is_undone_and_clean_text_kept_as_it_is():
    """UTF-8 a scraper decoded as Windows-1252 ("FranÃ§ois", "donâ€™t") is repaired; text
    without any, accents and curly quotes included, is not touched (its id stays)."""
    import ftfy.bad_codecs  # noqa: F401 - registers "sloppy-windows-1252", as scrapers decode

    title = "UN envoy meets François Delattre"
    quote = "“We don’t expect a deal this week,” said François Delattre, the French ambassador."
    broken = f"{title}\n\n{quote}".encode("utf-8").decode("sloppy-windows-1252")
    assert "FranÃ§ois" in broken and "â€™" in broken
    art = clean_article(RawArticle(text=broken, path="broken.txt"))
    assert art.title == title and art.paragraphs[0].text == quote
    fine = RawArticle(text="São Paulo café reopens\n\n“Ça va,” said Zoë Müller — Ã is a letter.",
                      path="fine.txt")
    art = clean_article(fine)
    assert art.title == "São Paulo café reopens"
    assert art.paragraphs[0].text == "“Ça va,” said Zoë Müller — Ã is a letter."
