"""Timelines and mentions on the page.

People page (`person_timeline`): "mentioned in N passages, quoted in M", the person's
attributed statements over time (an altair chart by week or month, with counts) and the
list by date, filtered by topic words; undated statements are counted and included with
one switch. Search page (`results`): how many undated passages a date filter leaves out, a
small histogram of the result dates, and the sidebar facet of the names the results mention
(`mention_filter` reads it before the search). Pure helpers (`periods`, `topic_filter`,
`mention_counts`) carry the rules; the render functions only draw.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta

import altair as alt
import pandas as pd
import streamlit as st

from archive.app import html as ui
from archive.text.terms import query_terms

FACET_KEY, FACET_TOP = "mentions", 12
UNDATED_KEY = "include_undated"


# -- rules ----------------------------------------------------------------------------------
def period_start(iso: str, by: str) -> str:
    """The first day of the week (Monday) or month holding the date `iso`."""
    day = date.fromisoformat(iso)
    if by == "week":
        return (day - timedelta(days=day.weekday())).isoformat()
    return day.replace(day=1).isoformat()


def periods(dates: Sequence[str | None], by: str) -> tuple[list[tuple[str, int]], int]:
    """(period start, count) for the dated values, in order, and the number undated."""
    counts = Counter(period_start(d, by) for d in dates if d)
    return sorted(counts.items()), sum(1 for d in dates if not d)


def topic_filter(rows: Sequence[dict], text: str) -> list[dict]:
    """The statements whose words (quote or passage) hold every topic word of `text`."""
    words = query_terms(text or "")
    if not words:
        return list(rows)

    def holds(row: dict) -> bool:
        body = f"{row.get('content') or ''} {row.get('passage') or ''}".casefold()
        return all(w in body for w in words)
    return [r for r in rows if holds(r)]


def mention_counts(mentions: dict[int, list[dict]],
                   selected: Sequence[str] = ()) -> list[tuple[str, int]]:
    """The names the passages mention, with how many of the passages name each, most first;
    the selected ones always kept (so a chosen facet never disappears)."""
    counts = Counter(name for rows in mentions.values()
                     for name in {m["person"] or m["name"] for m in rows})
    top = [(n, c) for n, c in sorted(counts.items(), key=lambda x: (-x[1], x[0]))][:FACET_TOP]
    return top + [(n, counts.get(n, 0)) for n in selected if n not in dict(top)]


# -- drawing --------------------------------------------------------------------------------
def bar_chart(points: list[tuple[str, int]], by: str, title: str, height: int) -> None:
    data = pd.DataFrame({"period": pd.to_datetime([p for p, _ in points]),
                         "count": [c for _, c in points]})
    unit = {"week": "yearmonthdate", "month": "yearmonth", "day": "yearmonthdate"}[by]
    chart = alt.Chart(data).mark_bar().encode(
        x=alt.X(f"{unit}(period):T", title=None),
        y=alt.Y("count:Q", title=title),
        tooltip=[alt.Tooltip(f"{unit}(period):T", title=by), alt.Tooltip("count:Q")],
    ).properties(height=height)
    st.altair_chart(chart, width="stretch")


def mention_line(backend, name: str, quoted: int) -> None:  # noqa: ANN001 - Backend
    """"mentioned in N passages, quoted in M" for a person (when the engine keeps mentions)."""
    if not backend.stores_mentions:
        return
    found = next((m for m in backend.mentioned() if m["name"] == name), None)
    mentioned = found["passages"] if found else 0
    line = (f"mentioned in {ui.plural(mentioned, 'passage')}, "
            f"quoted in {ui.plural(quoted, 'passage')}")
    st.markdown(f'<div class="mention-line">{ui.escape(line)}</div>', unsafe_allow_html=True)


def person_timeline(backend, name: str) -> None:  # noqa: ANN001 - Backend
    """A person's statements over time: chart (week/month), topic filter, list by date."""
    rows = backend.quotes_by(name)
    mention_line(backend, name, len({r["passage_id"] for r in rows}))
    st.subheader("Statements over time")
    left, right = st.columns([3, 2])
    topic = left.text_input("Topic words", key="timeline_topic",
                            placeholder="e.g. NATO troops", help="Only statements whose words "
                            "hold every one of these words.")
    by = right.radio("Chart by", ("month", "week"), key="timeline_by", horizontal=True)
    shown = topic_filter(rows, topic)
    points, undated = periods([r["date"] for r in shown], by)
    include = st.toggle(f"Include undated statements ({undated})", value=True,
                        key="timeline_undated", disabled=not undated,
                        help="Statements from articles without a date cannot be charted; "
                        "they are listed when this is on.")
    facts = [ui.plural(len(shown) - undated, "dated statement")]
    if undated:
        facts.append(f"{undated} undated")
    st.caption(" · ".join(facts) + (f" (topic: {topic.strip()})" if topic.strip() else ""))
    if points:
        bar_chart(points, by, "statements", 180)
    st.subheader("Statements by date")
    for row in shown:
        if row["date"] or include:
            with st.container(border=True):
                st.markdown(ui.quote_html(row), unsafe_allow_html=True)


def mention_filter() -> list[str]:
    """The names chosen in the search page's "Mentioned" facet (read before searching)."""
    return list(st.session_state.get(FACET_KEY) or [])


def clear() -> None:
    """Clear filters: the mention facet and the undated switch too."""
    st.session_state[FACET_KEY] = []
    st.session_state[UNDATED_KEY] = False


def undated_switch() -> None:
    """The sidebar switch beside the date filter."""
    st.toggle("Include undated articles", key=UNDATED_KEY,
              help="A date filter leaves out articles without a date; switch this on to "
              "search them too.")


def results(backend, filters, hits: Sequence) -> None:  # noqa: ANN001 - Backend, Filters
    """Under the search box: what the date filter leaves out, the result dates, the facet."""
    left_out = backend.undated_count(filters) if filters.dated() else 0
    if left_out:
        st.caption(f"{ui.plural(left_out, 'passage')} without a date left out by the date "
                   "filter: switch on \"Include undated articles\" to search them too.")
    dates = [h.date for h in hits]
    if any(dates):
        dated = sorted(d for d in dates if d)
        by = "day" if dated[0][:7] == dated[-1][:7] else "month"
        points = sorted(Counter(d if by == "day" else d[:7] + "-01" for d in dated).items())
        with st.expander("Result dates", expanded=False):
            bar_chart(points, by, "results", 120)
            undated = len(dates) - len(dated)
            st.caption(f"{ui.plural(len(dated), 'result')} by date"
                       + (f" · {undated} undated" if undated else ""))
    facet(backend, hits)


def facet(backend, hits: Sequence) -> None:  # noqa: ANN001 - Backend
    """The sidebar's "Mentioned" facet: the names the results mention, with counts."""
    if not backend.stores_mentions:
        return
    counts = mention_counts(backend.mentions_in([h.passage_id for h in hits]), mention_filter())
    if not counts and not mention_filter():
        return
    shown = dict(counts)
    with st.sidebar:
        st.multiselect("Mentioned", list(shown), key=FACET_KEY,
                       format_func=lambda n: f"{n} ({shown.get(n, 0)})",
                       help="Names the results mention (people, organisations, places): "
                       "choose some to keep the passages naming them.")
