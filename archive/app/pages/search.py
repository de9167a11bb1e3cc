"""Search: one box, example questions, sidebar filters, ranked result cards.

The query, mode, k and filters live in the URL (?q=...&outlet=...&speaker=...), so a search
is shared as a link and opening such a link runs it.
"""
from __future__ import annotations

from datetime import date

import streamlit as st

from archive.app import html as ui
from archive.app.panels import export as export_panel
from archive.app.panels import timeline as timeline_panel
from archive.app.panels.saved import bookmark_box, save_search_box
from archive.app.shared import friendly, has_archive, no_archive, searcher
from archive.search import MODES, Understood, describe, make_filters

EXAMPLES = ("what did Lavrov say", "how many Russian troops are at the border",
            "what security guarantees does Russia demand from NATO")
DEFAULT_K, MAX_K = 10, 100
FILTER_KEYS = ("date_from", "date_to", "outlets", "speakers")
EARLIEST, LATEST = date(1800, 1, 1), date(2100, 12, 31)


def parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def state_from_url(outlets: list[str], people: list[str]) -> list[str]:
    """Fill widget state from the URL the first time the page runs; returns what was ignored."""
    qp, ss, ignored = st.query_params, st.session_state, []
    if "q" not in ss:
        ss.q = qp.get("q", "")
    if "mode" not in ss:
        mode = qp.get("mode", "hybrid")
        ss.mode = mode if mode in MODES else "hybrid"
        if mode not in MODES:
            ignored.append(f"mode={mode}")
    if "k" not in ss:
        raw = qp.get("k", str(DEFAULT_K))
        ss.k = int(raw) if raw.isdigit() and 1 <= int(raw) <= MAX_K else DEFAULT_K
        if ss.k != (int(raw) if raw.isdigit() else None):
            ignored.append(f"k={raw}")
    for key, name in (("date_from", "from"), ("date_to", "to")):
        if key not in ss:
            raw = qp.get(name)
            ss[key] = parse_date(raw)
            if raw and ss[key] is None:
                ignored.append(f"{name}={raw}")
    for key, name, options in (("outlets", "outlet", outlets), ("speakers", "speaker", people)):
        if key not in ss:
            wanted = qp.get_all(name)
            ss[key] = [v for v in wanted if v in options]
            ignored += [f"{name}={v}" for v in wanted if v not in options]
    return ignored


def state_to_url() -> None:
    ss = st.session_state
    params: dict[str, str | list[str]] = {}
    if ss.q.strip():
        params["q"] = ss.q.strip()
    if ss.mode != "hybrid":
        params["mode"] = ss.mode
    if ss.k != DEFAULT_K:
        params["k"] = str(ss.k)
    if ss.date_from:
        params["from"] = ss.date_from.isoformat()
    if ss.date_to:
        params["to"] = ss.date_to.isoformat()
    if ss.outlets:
        params["outlet"] = list(ss.outlets)
    if ss.speakers:
        params["speaker"] = list(ss.speakers)
    current = {k: (v if len(v := st.query_params.get_all(k)) > 1 else v[0])
               for k in st.query_params}
    normal = {k: (v if isinstance(v, str) or len(v) > 1 else v[0]) for k, v in params.items()}
    if current != normal:
        st.query_params.from_dict(params)


def clear_filters() -> None:
    st.session_state.date_from = None
    st.session_state.date_to = None
    st.session_state.outlets = []
    st.session_state.speakers = []
    timeline_panel.clear()


def ask(question: str) -> None:
    st.session_state.q = question


def sidebar(outlets: list[tuple[str, int]], people: list[dict]) -> None:
    with st.sidebar:
        st.header("Filters")
        st.date_input("From", key="date_from", min_value=EARLIEST, max_value=LATEST,
                      format="YYYY-MM-DD", help="Articles without a date are left out when a "
                      "date is set, unless \"Include undated articles\" is on.")
        st.date_input("To", key="date_to", min_value=EARLIEST, max_value=LATEST,
                      format="YYYY-MM-DD")
        timeline_panel.undated_switch()
        counts = dict(outlets)
        st.multiselect("Outlets", [o for o, _ in outlets], key="outlets",
                       format_func=lambda o: f"{o} ({counts.get(o, 0)})",
                       placeholder="All outlets")
        quotes = {p["name"]: p["quotes"] for p in people}
        st.multiselect("Speakers", list(quotes), key="speakers",
                       format_func=lambda n: f"{n} ({quotes.get(n, 0)})",
                       placeholder="Anyone" if people else "No attributed quotes",
                       disabled=not people, help="Only passages quoting one of these people.")
        st.button("Clear filters", on_click=clear_filters, icon=":material/filter_alt_off:")


def result_card(s, hit, terms: list[str]) -> None:
    with st.container(border=True):
        st.markdown(ui.card_html(hit, terms), unsafe_allow_html=True)
        if hit.also_in:
            st.markdown(ui.also_html(hit.also_in, hit.article_id), unsafe_allow_html=True)
            with st.expander("Near-identical passage in "
                             + ui.plural(len(hit.also_in), "other article")):
                for other in hit.also_in:
                    st.markdown(ui.quote_html({**other, "passage": other.get("text")}),
                                unsafe_allow_html=True)
        with st.expander("Context"):
            around = s.backend.neighbours(hit.passage_id, 2, 2)
            st.markdown(ui.paragraphs_html(around, hit.passage_id, terms),
                        unsafe_allow_html=True)
        with st.expander("Whole article"):
            article = s.article(hit.article_id) or {}
            st.markdown(ui.paragraphs_html(article.get("passages", []), hit.passage_id),
                        unsafe_allow_html=True)
            if article.get("url"):
                st.caption(f"Source: {ui.escape(article['url'])}")
        st.code(ui.citation(hit), language=None, wrap_lines=True)
        bookmark_box(hit)


def page() -> None:
    st.title("Search the archive")
    if not has_archive():
        no_archive()
        return
    s = searcher()
    outlets, people = s.backend.outlets(), s.backend.people()
    ignored = state_from_url([o for o, _ in outlets], [p["name"] for p in people])
    counts = s.counts()
    st.caption(" · ".join([ui.plural(counts["articles"], "article"),
                           ui.plural(counts["passages"], "passage"),
                           ui.plural(len(outlets), "outlet"),
                           ui.plural(counts["people"], "person", "people") + " quoted"]))
    st.text_input("Ask the archive", key="q", placeholder="e.g. what did Lavrov say",
                  label_visibility="collapsed")
    cols = st.columns(len(EXAMPLES))
    for col, example in zip(cols, EXAMPLES):
        col.button(example, on_click=ask, args=(example,), width="stretch",
                   type="tertiary", icon=":material/lightbulb:")
    with st.expander("Advanced"):
        st.radio("Mode", MODES, key="mode", horizontal=True,
                 help="hybrid: meaning and keywords fused; dense: meaning only; "
                      "keyword: BM25 on the words.")
        st.number_input("Results (k)", min_value=1, max_value=MAX_K, step=1, key="k")
    sidebar(outlets, people)
    if ignored:
        st.warning("Ignored from the link: " + ui.escape(", ".join(ignored)))
    state_to_url()
    export_panel.batch_questions(s)

    ss = st.session_state
    query = ss.q.strip()
    if not query:
        st.info("Type a question, or click one of the examples above.")
        return
    filters = make_filters(ss.date_from and ss.date_from.isoformat(),
                           ss.date_to and ss.date_to.isoformat(), ss.outlets, (), ss.speakers,
                           ss.get("include_undated", False), timeline_panel.mention_filter())
    plain = ss.get("plain_for") == query
    answer = s.ask(query, k=int(ss.k), mode=ss.mode, filters=filters, understand=not plain)
    hits = answer.hits
    reading(query, answer.understood, plain)
    timeline_panel.results(s.backend, filters, hits)
    if not hits:
        if filters.active():
            st.info("No passage matches this question with these filters. Try dropping some "
                    "filters (dates, outlets, speakers).")
            st.button("Clear filters and search again", on_click=clear_filters,
                      key="clear_filters_empty")
        else:
            st.info("No passage matches this question. Try other words, or the dense mode "
                    "under Advanced.")
        return
    terms = ui.highlight_terms(query)
    st.caption(ui.plural(len(hits), "result"))
    save_search_box(query, ss.mode, int(ss.k), filters, hits)
    export_panel.downloads(query, hits, s.backend)
    for hit in hits:
        result_card(s, hit, terms)


def pick_speaker(name: str) -> None:
    st.session_state.speakers = [name]


def reading(query: str, understood: Understood, plain: bool) -> None:
    """One line saying how the question was read, with one click to search it as plain
    words instead (and back); an ambiguous role offers its candidates as speaker filters."""
    ss = st.session_state
    if plain:
        cols = st.columns([4, 2])
        cols[0].caption("Searching all passages for these words.")
        cols[1].button("Read it as a question about a person", key="unplain", type="tertiary",
                       on_click=lambda: ss.pop("plain_for", None))
        return
    note = describe(understood)
    if not note:
        return
    cols = st.columns([4, 2])
    cols[0].caption(ui.escape(note))
    if understood.mode != "topic":
        cols[1].button("Search all passages instead", key="plain", type="tertiary",
                       on_click=lambda: ss.update(plain_for=query))
    # an ambiguous role: its holders (the others, when the most quoted one was taken)
    others = [p for p in understood.speaker_candidates if p != understood.speaker][:4]
    if others and (understood.mode == "topic" or understood.linked_by == "role"):
        picks = st.columns(len(others))
        for col, name in zip(picks, others):
            col.button(f"Only {name}", key=f"pick_{name}", on_click=pick_speaker,
                       args=(name,), type="tertiary", icon=":material/person:")


with friendly():
    page()
