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


@dataclass
class Paragraph:
    """A cleaned paragraph of an article, with the sub-heading it sits under."""

    text: str
    section: str | None = None


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


@dataclass
class Passage:
    """A unit of retrieval: one paragraph (or a sentence-bounded piece of a long one)."""

    article_id: str
    position: int
    text: str
    section: str | None = None
    attributions: list[Attribution] = field(default_factory=list)


@dataclass(frozen=True)
class Filters:
    """Restrictions that combine with any query. Dates are ISO yyyy-mm-dd, inclusive."""

    date_from: str | None = None
    date_to: str | None = None
    outlets: tuple[str, ...] = ()
    article_ids: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()  # canonical names: passages with a quote by one of them

    def active(self) -> bool:
        return bool(self.date_from or self.date_to or self.outlets or self.article_ids
                    or self.speakers)


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

    def to_json(self) -> dict:
        return asdict(self)
