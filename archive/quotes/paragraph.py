"""The per-paragraph state every rule works on, and `emit`, the one way a rule adds an
attribution.

A ParaState holds one parsed paragraph, its quotations, the article's ArticleIndex and
what the rules have done so far: the attributions, the quotations they claimed, the
sentences used and the attributions the learned pass may not veto. Imports
archive.models and archive.quotes.{scan,speakers}.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from archive.models import Attribution
from archive.quotes.scan import QuoteSpan
from archive.quotes.people import ArticleIndex
from archive.quotes.speakers import Speaker

if TYPE_CHECKING:  # pragma: no cover - typing only
    from spacy.tokens import Doc, Span, Token


@dataclass
class ParaState:
    """Working data for one paragraph."""

    doc: "Doc"
    quotes: list[QuoteSpan]
    para: int
    index: ArticleIndex
    claimed: set[int] = field(default_factory=set)
    attrs: list[Attribution] = field(default_factory=list)
    sents_used: set[int] = field(default_factory=set)
    no_veto: set[int] = field(default_factory=set)  # ids of attributions the model keeps
    _sents: list | None = field(default=None, repr=False, compare=False)
    _starts: list[int] = field(default_factory=list, repr=False, compare=False)

    @cached_property
    def text(self) -> str:
        """The paragraph's text, joined once (spaCy's Doc.text joins every token on each
        call; the rules and the learned pass read it thousands of times an article)."""
        return self.doc.text

    def sent_of(self, token: "Token") -> "Span":
        """`token.sent`, from the paragraph's sentences listed once (spaCy's Token.sent
        walks every sentence of the doc on each call)."""
        if self._sents is None:
            self._sents = list(self.doc.sents)
            self._starts = [s.start for s in self._sents]
        return self._sents[bisect_right(self._starts, token.i) - 1]


def emit(st: ParaState, spk: Speaker, cue: str, cue_span: tuple[int, int],
         content: tuple[int, int], direct: bool) -> Attribution:
    """Append an Attribution built from its parts to `st.attrs` (typed by the speaker) and
    record its content as reported speech in the article index (see ArticleIndex.contents)."""
    text = st.text
    attr = Attribution(
        speaker=spk.name,
        speaker_text=spk.text,
        cue=cue,
        content=text[content[0] : content[1]],
        content_start=content[0],
        content_end=content[1],
        direct=direct,
        # the role the phrase gives, else the one the article gives the person beside their
        # name elsewhere ("Tom Clarke, a nursing home owner, ..." then "Clarke said")
        role=spk.role or (st.index.people[spk.name].role
                          if spk.person and spk.name in st.index.people else None),
        speaker_start=spk.start,
        speaker_end=spk.end,
        cue_start=cue_span[0],
        cue_end=cue_span[1],
    )
    # An added attribute until models.Attribution has the field (see speaker_type()).
    attr.speaker_type = "person" if spk.person and spk.name else spk.kind  # type: ignore[attr-defined]
    st.attrs.append(attr)
    st.index.contents.append((st.para, content[0], content[1]))
    return attr
