"""Quotations with no cue of their own, given to a neighbouring attribution of the same
paragraph or continued from the previous paragraph."""
from __future__ import annotations

from archive.models import Attribution
from archive.quotes.paragraph import ParaState
from archive.quotes.scan import MIN_QUOTE_WORDS, QuoteSpan, quote_of
from archive.quotes.speakers import speaker_type
from archive.quotes.syntax import root_at

SUBORDINATE_DEPS = frozenset({"advcl", "relcl", "acl"})


def orphan_quotes(st: ParaState, previous: list[Attribution]) -> None:
    """Quotations with no cue of their own: give them to a neighbouring attribution.

    In the same paragraph the nearest preceding attribution wins (the next one if none
    precedes); a paragraph that opens with a quotation and has no cue continues the last
    attribution of the previous paragraph.
    """
    text = st.text
    for k, q in enumerate(st.quotes):
        if k in st.claimed or q.words(text) < MIN_QUOTE_WORDS:
            continue
        src = _neighbour(st, q) or _continued(text, q, st.attrs, previous)
        if src is None:
            continue
        same_para = src in st.attrs
        st.claimed.add(k)
        st.attrs.append(
            Attribution(
                speaker=src.speaker,
                speaker_text=src.speaker_text,
                cue=src.cue,
                content=text[q.start : q.end],
                content_start=q.start,
                content_end=q.end,
                direct=True,
                role=src.role,
                speaker_start=src.speaker_start if same_para else -1,
                speaker_end=src.speaker_end if same_para else -1,
                cue_start=src.cue_start if same_para else -1,
                cue_end=src.cue_end if same_para else -1,
            )
        )
        st.attrs[-1].speaker_type = speaker_type(src)  # type: ignore[attr-defined]
    st.attrs.sort(key=lambda a: a.content_start)


def _neighbour(st: ParaState, q: QuoteSpan) -> Attribution | None:
    """Closest attribution of the same paragraph with a direct quote or a speaker; one whose
    cue sits in a subordinate clause ("..., after de Blasio stated an interest in ...") is
    passed over for an earlier main-clause one ("“...,” Lieberman told the Journal")."""
    attrs = [a for a in st.attrs if not (q.start <= a.content_start and a.content_end <= q.end)
             and not q.open_at <= a.cue_start < q.end]  # nested inside q itself
    if not attrs:
        return None
    before = [a for a in attrs if a.content_end <= q.open_at]
    main = [a for a in before if not _subordinate(st, a) and not _reports(st, a, attrs)]
    return (main or before)[-1] if before else min(attrs, key=lambda a: a.content_start)


def _reports(st: ParaState, attr: Attribution, attrs: list[Attribution]) -> bool:
    """Does an "according to" attribution report another one ("“...,” Lavrov said,
    according to Interfax": its content holds Lavrov's cue, outside the quotation marks)?
    Then the quotation that follows continues the one who spoke, not the one who reported
    it."""
    if not (attr.cue or "").lower().startswith("according"):
        return False
    return any(b is not attr and b.cue_start >= 0
               and attr.content_start <= b.cue_start < attr.content_end
               and quote_of(b.cue_start, st.quotes) is None for b in attrs)


def _subordinate(st: ParaState, attr: Attribution) -> bool:
    """The attribution's cue heads an adverbial or relative clause."""
    cue = root_at(st.doc, attr.cue_start, attr.cue_end) if attr.cue_start >= 0 else None
    return cue is not None and cue.dep_ in SUBORDINATE_DEPS


def _continued(text: str, q: QuoteSpan, attrs: list[Attribution],
               previous: list[Attribution]) -> Attribution | None:
    """The previous paragraph's last attribution when this paragraph opens with a quote."""
    if attrs or not previous or text[: q.open_at].strip():
        return None
    last = max(previous, key=lambda a: a.content_end)
    return last if last.direct else None
