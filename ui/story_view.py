"""The top of the Results page: the plan's story in plain language, and its map and heat maps.

The story and the figures come from the engine (optimiser.plan_story, optimiser.region_map, ...),
told with the names of the scenario the plan was solved from; they are made once per plan and
kept in the session, so moving a widget on the page does not tell the story again.
"""

from __future__ import annotations

import streamlit as st

import optimiser
from ui import charts
from ui.state import raw_fingerprint

ss = st.session_state
ALL_GROUPS = "All staff groups"


def _md(text: str) -> str:
    """Text shown as Markdown exactly as written (no emphasis from '_' or '*', no maths from '$')."""
    for c in ("\\", "*", "_", "$", "`", "#", "<", ">", "[", "]"):
        text = text.replace(c, "\\" + c)
    return text


def story_of(result, raw):
    """(story, context) of the plan, made once per plan and scenario text."""
    key = (id(result), raw_fingerprint(raw))
    held = ss.get("_story")
    if held is None or held[0] != key:
        context = optimiser.plan_context(raw)
        held = (key, optimiser.plan_story(result, context), context)
        ss["_story"] = held
    return held[1], held[2]


def show_story(story) -> None:
    st.subheader("The plan in brief")
    with st.container(border=True, key="story_headline"):
        st.markdown(_md(story.headline))
    for i, section in enumerate(story.sections):
        st.markdown(f"**{_md(section.heading)}**")
        st.markdown("\n".join(f"- {_md(line)}" for line in section.lines))
        if not section.table.empty:
            with st.expander(f"Table: {section.heading.lower()}"):
                st.dataframe(section.table, hide_index=True, width="stretch", key=f"story_table_{i}")


def show_details(story) -> None:
    with st.expander("Details: solver, objective and totals"):
        st.markdown("\n".join(f"- {_md(line)}" for line in story.details.lines))


def show_map_and_heatmaps(result, raw, context) -> None:
    st.subheader("Map of regions and placement flows")
    located = optimiser.region_map(result.starts, result.projection, context)
    if located is None:
        st.caption("The scenario does not give every region's hub coordinates (regions.csv latitude and "
                   "longitude), so the regions are drawn as a graph of their travel links instead of a map.")
        fig, table = charts.region_graph(raw, result.starts, result.projection)
    else:
        fig, table = located
        st.caption("Each region at its hub's latitude and longitude. A line joins a provider's region to where its "
                   "learners are placed, as wide as the learners who start in the decision years; a circle's "
                   "size is the region's shortfall in the plan.")
    st.plotly_chart(fig, key="chart_map")
    with st.expander("Table: learners placed, by provider region and placement region (decision years)"):
        st.dataframe(table, hide_index=True, width="stretch", key="table_flows")

    st.subheader("Heat maps")
    starts_tab, shortfall_tab = st.tabs(["Starts by provider and year", "Shortfall by region and year"])
    with starts_tab:
        fig, table = optimiser.starts_heatmap(result.starts, context)
        st.plotly_chart(fig, key="chart_starts_heatmap")
        with st.expander("Table: starts by provider, route and year"):
            st.dataframe(table, hide_index=True, width="stretch", key="table_starts_heatmap")
    with shortfall_tab:
        groups = [ALL_GROUPS, *dict.fromkeys(result.projection["staff_group"])]
        group = st.selectbox("Staff group", groups, key="heatmap_group",
                             format_func=lambda g: g if g == ALL_GROUPS else context.name(g))
        fig, table = optimiser.shortfall_heatmap(result.projection, context, None if group == ALL_GROUPS else group)
        st.plotly_chart(fig, key="chart_shortfall_heatmap")
        with st.expander("Table: shortfall by region and year (WTE)"):
            st.dataframe(table, hide_index=True, width="stretch", key="table_shortfall_heatmap")
