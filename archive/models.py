"""Small typed records shared by every layer of archive.

Nothing here imports a heavy library: these are the nouns the pipeline passes around.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class RawArticle:
    """One article as read from disk, before cleaning.

    `text` is the decoded body (for HTML: trafilatura's main text). Fields given by the
    source record (JSONL/CSV columns, HTML metadata) are kept; the cleaner fills the rest.
    """

    text: str
    path: str
    title: str | None = None
    date: str | None = None  # ISO yyyy-mm-dd
    url: str | None = None
    outlet: str | None = None
    author: str | None = None
    # True when `text` is pages separated by form feeds ("\f"), as read from a PDF: the
    # cleaner then gives each paragraph the number of the page it starts on
    paged: bool = False


@dataclass
class Paragraph:
    """A cleaned paragraph of an article, with the sub-heading it sits under and, for a
    paged source (a PDF), the page it starts on (1-based)."""

    text: str
    section: str | None = None
    page: int | None = None


@dataclass
class Article:
    """A cleaned article: metadata plus the story's paragraphs, boilerplate removed."""

    article_id: str
    title: str
    paragraphs: list[Paragraph]
    path: str
    date: str | None = None
    url: str | None = None
    outlet: str | None = None
    byline: str | None = None
    note: str | None = None  # an editor's correction found after the credit line


@dataclass
class Attribution:
    """Who said what, inside one passage.

    Offsets are character offsets into the passage text; a speaker named outside the
    passage (a pronoun resolved to an earlier paragraph) has speaker_start == -1.
    `speaker` is the resolved name with titles stripped ("Sergey Lavrov"); `speaker_text`
    is the span as written ("Russian Foreign Minister Sergey Lavrov", "she").
    """

    speaker: str | None
    speaker_text: str
    cue: str
    content: str
    content_start: int
    content_end: int
    direct: bool
    role: str | None = None
    speaker_start: int = -1
    speaker_end: int = -1
    cue_start: int = -1
    cue_end: int = -1
    # "person", "organization", "place", "group" (spaCy PERSON / ORG / GPE / NORP) or None
    # for an unnamed source ("officials"); see archive.quotes.speaker_type
    speaker_type: str | None = None
    # how sure the attribution is, 0..1 (the quote tagger's agreement, archive.quotes.tagged);
    # None when no tagger ran. Below ARCHIVE_LABEL_CONFIDENCE it is kept but never labels a
    # passage as the speaker's words.
    confidence: float | None = None


@dataclass
class Passage:
    """A unit of retrieval: one paragraph (or a sentence-bounded piece of a long one)."""

    article_id: str
    position: int
    text: str
    section: str | None = None
    attributions: list[Attribution] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    page: int | None = None  # the PDF page the passage starts on; None for other sources


@dataclass
class Mention:
    """A person, organisation or place named in a passage (spaCy's entities), with its
    character offsets in the passage text; `type` is "person", "org" or "place"."""

    name: str
    type: str
    start: int
    end: int


@dataclass(frozen=True)
class Filters:
    """Restrictions that combine with any query. Dates are ISO yyyy-mm-dd, inclusive."""

    date_from: str | None = None
    date_to: str | None = None
    outlets: tuple[str, ...] = ()
    article_ids: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()  # canonical names: passages with a quote by one of them
    # with a date range, also the passages of articles that have no date (else left out)
    include_undated: bool = False
    mentions: tuple[str, ...] = ()  # canonical names: passages mentioning one of them

    def active(self) -> bool:
        return bool(self.date_from or self.date_to or self.outlets or self.article_ids
                    or self.speakers or self.mentions)

    def dated(self) -> bool:
        """A date range is set: articles without a date are left out unless included."""
        return bool(self.date_from or self.date_to)


@dataclass
class Hit:
    """One ranked passage with its source. `to_json` is the CLI's --json contract."""

    rank: int
    score: float
    text: str
    title: str
    outlet: str | None
    date: str | None
    path: str | None
    article_id: str
    position: int
    passage_id: int = 0
    section: str | None = None
    url: str | None = None
    speaker: str | None = None
    quote: str | None = None
    cue: str | None = None
    quote_start: int | None = None
    quote_end: int | None = None
    also_in: list[dict] = field(default_factory=list)
    page: int | None = None  # the PDF page the passage starts on; None for other sources
    direct: bool | None = None  # the quote is the speaker's own words; None: no quote
    # why the hit ranks where it does, for a question about a person: "own words",
    # "reported", "mentions NAME"; None for a plain topic hit
    reason: str | None = None
    # the attribution's confidence (0-1, archive.quotes.tagged); None: no quote, or an
    # archive attributed by the rules alone
    confidence: float | None = None

    def to_json(self) -> dict:
        return asdict(self)
