"""People: who is quoted and how often; pick a person to see how often they are mentioned
and quoted, their statements over time (a chart by week or month, filtered by topic words)
and the list by date (archive.app.panels.timeline)."""
from __future__ import annotations

import streamlit as st

from archive.app import html as ui
from archive.app.panels import timeline
from archive.app.shared import friendly, has_archive, no_archive, searcher

TOP = 30


def kind(person: dict) -> str:
    """person / organization / place / group; untyped names (older archives) count as people."""
    return person.get("type") or "person"


def chart(people: list[dict]) -> None:
    import altair as alt
    import pandas as pd

    top = people[:TOP]
    data = pd.DataFrame({"person": [p["name"] for p in top],
                         "quotes": [p["quotes"] for p in top],
                         "articles": [p["articles"] for p in top],
                         "speaker": [kind(p) for p in top]})
    bars = alt.Chart(data).mark_bar().encode(
        x=alt.X("quotes:Q", title="quotes"),
        y=alt.Y("person:N", sort="-x", title=None),
        color=alt.Color("speaker:N", title=None),
        tooltip=["person", "speaker", "quotes", "articles"])
    st.altair_chart(bars, width="stretch")


def page() -> None:
    st.title("People")
    if not has_archive():
        no_archive()
        return
    s = searcher()
    people = s.backend.people()
    if not people:
        st.info("No one is quoted in this archive yet. Quotes and their speakers are found "
                "when articles are indexed with attribution on (ARCHIVE_ATTRIBUTION=1); "
                "rebuild with `archive build seeds --full` to add them.")
        return
    st.caption(f"{ui.plural(len(people), 'person', 'people')} quoted in "
               f"{ui.plural(s.counts()['articles'], 'article')}"
               + (f"; the {TOP} most quoted are charted." if len(people) > TOP else "."))
    chart(people)

    by_name = {p["name"]: p for p in people}
    if "person" not in st.session_state:
        wanted = st.query_params.get("person")
        st.session_state.person = wanted if wanted in by_name else people[0]["name"]
    name = st.selectbox("Person", list(by_name), key="person",
                        format_func=lambda n: f"{n} ({by_name[n]['quotes']} quotes)")
    if st.query_params.get("person") != name:
        st.query_params["person"] = name
    person = by_name[name]
    aliases = [a for a in person["aliases"] if a != name]
    facts = [f"{ui.plural(person['quotes'], 'quote')} in "
             f"{ui.plural(person['articles'], 'article')}"]
    if kind(person) != "person":  # "Russia", "the Kremlin": a named source, not a person
        facts.insert(0, kind(person))
    if person["roles"]:
        facts.append("roles: " + ", ".join(person["roles"]))
    if aliases:
        facts.append("also named: " + ", ".join(aliases))
    st.markdown(f"<div>{ui.escape(' · '.join(facts))}</div>", unsafe_allow_html=True)
    timeline.person_timeline(s.backend, name)


with friendly():
    page()
