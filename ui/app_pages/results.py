"""Results: headline figures, charts with the tables behind them, the frontier and bottlenecks."""

from __future__ import annotations

import streamlit as st

from optimiser import bottleneck_sentence
from ui import analysis_views, charts, results_sections, story_view
from ui.plan_charts import educators_chart, mark_run_out, run_out_span
from ui.plan_panel import reopen_picker, show_attempt
from ui.runs import collect_frontier, start_frontier
from ui.state import raw_fingerprint
from ui.tolerance import MARGINAL_NOTE, frontier_tolerance_lines

ss = st.session_state
st.title("Results")
result = ss.get("result")
show_attempt(has_plan=result is not None)  # a solve that gave no plan never replaces the plan shown
reopen_picker(expanded=result is None)
if result is None:
    if not ss.get("attempt"):
        st.info("No plan yet: solve the scenario first, or open a saved run.")
    st.page_link("app_pages/solve.py", label="Go to Solve", icon=":material/play_arrow:")
    st.stop()

raw = ss["result_raw"]
st.caption(f"Scenario: {result.scenario_name} · budget ×{result.budget_scale:g}"
           + (f" · run {ss['run_id']}" if ss.get("run_id") is not None else ""))

summary = result.summary_dict()
sq_w, sq_u = summary["status_quo_weighted_shortfall"], summary["status_quo_shortfall_wte_years"]
story, context = story_view.story_of(result, raw)
story_view.show_story(story)
c1, c2, c3 = st.columns(3)
c1.metric("Weighted shortfall (WTE-years)", f"{result.weighted_shortfall:,.0f}",
          None if sq_w is None else f"{result.weighted_shortfall - sq_w:z,.0f} vs status quo {sq_w:,.0f}",
          delta_color="inverse")
c2.metric("Shortfall, unweighted (WTE-years)", f"{result.total_shortfall_wte_years:,.0f}",
          None if sq_u is None else f"{result.total_shortfall_wte_years - sq_u:z,.0f} vs status quo {sq_u:,.0f}",
          delta_color="inverse")
c3.metric("Total cost (GBP m)", f"{result.total_cost_gbp / 1e6:,.1f}",
          f"{(result.total_cost_gbp - summary['status_quo_cost_gbp']) / 1e6:+z,.1f} vs status quo "
          f"{summary['status_quo_cost_gbp'] / 1e6:,.1f}", delta_color="off", delta_arrow="off")
st.caption("Shortfall is demand not met by own staff or skill mix, summed over the measured years "
           "(after the first); weighted by each staff group's shortfall weight. The status quo "
           "continues current commissioning with no new decisions.")
story_view.show_details(story)

regions = charts.region_names(raw)
groups = charts.group_names(raw)
sq = result.status_quo.projection if result.status_quo is not None else None
span = run_out_span(result.run_out_years)  # shaded on every chart over time
if span is not None:
    st.caption(f"Years {result.run_out_years} are run-out years (shaded on the charts): no new starts or "
               "recruits, but learners already in training finish and the shortfall still counts.")

st.subheader("Supply against demand")
c1, c2 = st.columns(2)
group_ids = list(dict.fromkeys(result.projection["staff_group"]))
group = c1.selectbox("Staff group", group_ids, format_func=lambda g: groups.get(g, g), key="sd_group")
region = c2.selectbox("Region", [charts.ALL, *dict.fromkeys(result.projection["region"])],
                      format_func=lambda r: regions.get(r, r), key="sd_region")
fig, table = charts.supply_demand(result.projection, sq, group, region, groups.get(group, group),
                                  regions.get(region, region))
st.plotly_chart(mark_run_out(fig, span), key="chart_supply_demand")
with st.expander("Table: supply and demand (WTE)"):
    st.dataframe(table, hide_index=True, width="stretch", key="table_supply_demand")

st.subheader("Training starts")
colour_by = st.radio("Colour by", ["provider", "region", "route"], horizontal=True, key="starts_by",
                     format_func=lambda c: {"region": "placement region"}.get(c, c))
names_for = {"region": regions, "provider": charts.provider_names(raw)}.get(colour_by)
fig, table = charts.starts_chart(result.starts, colour_by, names_for)
st.plotly_chart(mark_run_out(fig, span), key="chart_starts")
with st.expander("Table: starts by year"):
    st.dataframe(table, hide_index=True, width="stretch", key="table_starts")
    st.dataframe(result.starts, hide_index=True, width="stretch", key="table_starts_detail")

c1, c2 = st.columns(2)
with c1:
    st.subheader("International recruits")
    fig, table = charts.international_chart(result.international, regions)
    st.plotly_chart(mark_run_out(fig, span), key="chart_international")
    with st.expander("Table: recruits by region and year"):
        st.dataframe(table, hide_index=True, width="stretch", key="table_international")
with c2:
    st.subheader("Extra practice educators")
    if result.educators.empty:
        st.caption("The plan funds no extra practice educators.")
    else:
        fig, _ = educators_chart(result.educators, raw)
        st.plotly_chart(mark_run_out(fig, span), key="chart_educators")
        with st.expander("Table: extra educator WTE"):
            st.dataframe(result.educators, hide_index=True, width="stretch", key="table_educators")

results_sections.workforce_levers(result, raw, span)
results_sections.activity_demand(result, raw, span)

story_view.show_map_and_heatmaps(result, raw, context)

st.subheader("Bottlenecks")
b = result.bottlenecks()
if b.empty:
    st.caption("No limit binds: more capacity would not reduce the gap.")
else:
    st.caption(MARGINAL_NOTE)
    sentences = [bottleneck_sentence(r, result.objective_name) for _, r in b.iterrows()]
    for s in sentences[:3]:
        st.markdown(f"- {s}")
    kinds = result.bottlenecks(per_family=1)
    if len(kinds) > 1:
        st.markdown("**The most valuable limit of each kind**")
        for _, r in kinds.iterrows():
            st.markdown(f"- {bottleneck_sentence(r, result.objective_name)}")
    fig, table = charts.bottleneck_chart(b, sentences)
    table = analysis_views.with_holds_for(table)  # how far each value holds, in the limit's unit
    st.plotly_chart(fig, key="chart_bottlenecks")
    with st.expander("Table: every binding limit with its shadow price"):
        st.dataframe(table, hide_index=True, width="stretch", key="table_bottlenecks")

results_sections.lever_ranking(result, raw)

st.subheader("Budget frontier")
st.caption("The weighted shortfall the optimiser reaches at several budget levels (every budget row "
           "scaled), with the same model re-used between points.")
job = ss.get("frontier_job")
frontier = ss.get("frontier")
stale = frontier is not None and ss.get("frontier_raw_fingerprint") != raw_fingerprint(raw)
if job is None:
    label = "Trace the budget frontier" if frontier is None or stale else "Trace it again"
    if st.button(label, key="run_frontier"):
        start_frontier(raw)
        st.rerun()


@st.fragment(run_every=1.0 if ss.get("frontier_job") is not None else None)
def frontier_panel() -> None:
    job = ss.get("frontier_job")
    if job is not None:
        status = job.status()
        st.info(f"Tracing the frontier in the worker… {status['elapsed_s']:.0f} s")
        if st.button("Cancel", key="cancel_frontier"):
            job.cancel()
        if collect_frontier() is not None:
            st.rerun()
        return
    outcome = ss.get("frontier_outcome")
    if outcome and outcome["state"] == "failed":
        st.error(f"The frontier failed: {outcome['message']}")


frontier_panel()
if frontier is not None:
    if stale:
        st.caption("This frontier was traced for a different version of the scenario.")
    fig, table = charts.frontier_chart(frontier.frontier)
    st.plotly_chart(fig, key="chart_frontier")
    for line in frontier_tolerance_lines(frontier):
        st.warning(line)
    with st.expander("Table: frontier points"):
        st.dataframe(table, hide_index=True, width="stretch", key="table_frontier")

with st.expander("Costs by year and category (GBP)"):
    st.dataframe(result.costs.pivot_table(index="year", columns="category", values="gbp", aggfunc="sum",
                                          fill_value=0).reset_index(), hide_index=True, width="stretch",
                 key="table_costs")
