"""Results page sections for the v2 levers: retention, returners and recruits, demand from imaging
activity, skill mix against the status quo, and the lever ranking. Each draws a chart with the run-out
years marked and puts the numbers behind it in an expander.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from optimiser import ScenarioError, demand_by_modality, scenario_from_raw

from . import plan_charts
from .charts import ALL, group_names, region_names
from .lever_ranking import ranking, ranking_chart
from .state import raw_fingerprint

YEAR = st.column_config.NumberColumn("year", format="%d")  # a year, never "2,025" or "2025.0"


def _demand_by_modality(raw) -> pd.DataFrame:
    """optimiser.demand_by_modality of the plan's scenario, worked out once per scenario version."""
    ss = st.session_state
    key = raw_fingerprint(raw)
    cached = ss.get("_demand_by_modality")
    if cached is None or cached[0] != key:
        try:
            demand = demand_by_modality(scenario_from_raw(raw))
        except ScenarioError:  # a plan whose scenario text no longer validates (an old saved run): no demand view
            demand = pd.DataFrame()
        cached = (key, demand)
        ss["_demand_by_modality"] = cached
    return cached[1]


def workforce_levers(result, raw, span) -> None:
    """Retention and flexible retirement, returners and international recruits."""
    st.subheader("Retention and flexible retirement")
    if result.retention.empty:
        st.caption("The plan funds no retention or flexible-retirement scheme"
                   + (" (the scenario has none: add rows to retention.csv)." if "retention" not in raw.tables else "."))
    else:
        by = st.radio("Stack by", ["staff group", "kind of scheme"], horizontal=True, key="retention_by")
        fig, table = plan_charts.retention_chart(result.retention, raw, by)
        st.plotly_chart(plan_charts.mark_run_out(fig, span), key="chart_retention")
        with st.expander("Table: WTE retained by year"):
            st.dataframe(table.rename(columns=group_names(raw)), hide_index=True, width="stretch",
                         key="table_retention", column_config={"year": YEAR})
    st.subheader("Returners and international recruits")
    fig, table = plan_charts.recruits_chart(result.recruits, raw)
    st.plotly_chart(plan_charts.mark_run_out(fig, span), key="chart_recruits")
    with st.expander("Table: recruits by route and year"):
        st.dataframe(table, hide_index=True, width="stretch", key="table_recruits", column_config={"year": YEAR})


def activity_demand(result, raw, span) -> None:
    """Demand from imaging activity (examinations x minutes per examination), by modality."""
    st.subheader("Demand from imaging activity")
    by_modality = _demand_by_modality(raw)
    if by_modality.empty:
        st.caption("No staff group's demand comes from activity in this scenario (no workload.csv rows): demand "
                   "is each group's establishment grown at its demand_growth.")
        return
    st.caption("Examinations per region and modality (activity.csv, grown at each modality's rate) times the "
               "minutes each staff group spends per examination (workload.csv), over its clinical hours per WTE.")
    groups, regions = group_names(raw), region_names(raw)
    names = {}
    if "modalities" in raw.tables and "name" in raw.tables["modalities"].columns:
        names = dict(zip(raw.tables["modalities"]["modality"], raw.tables["modalities"]["name"], strict=True))
    c1, c2 = st.columns(2)
    group = c1.selectbox("Staff group", list(dict.fromkeys(by_modality["staff_group"])),
                         format_func=lambda g: groups.get(g, g), key="demand_group")
    region = c2.selectbox("Region", [ALL, *dict.fromkeys(by_modality["region"])],
                          format_func=lambda r: regions.get(r, r), key="demand_region")
    fig, table = plan_charts.demand_chart(by_modality, group, region, raw, names)
    st.plotly_chart(plan_charts.mark_run_out(fig, span), key="chart_demand")
    years = sorted(by_modality["year"].unique())
    year = st.select_slider("Year for the table", years, value=years[-1], key="demand_year")
    st.markdown(f"**Demand from activity in {year}** (WTE, staff group by region)")
    st.dataframe(plan_charts.demand_by_group_region(by_modality, year, raw).round(1), hide_index=True,
                 width="stretch", key="table_demand_group_region")
    with st.expander("Table: the chart's demand by modality and year (WTE)"):
        st.dataframe(table.rename(columns=names).round(2), hide_index=True, width="stretch", key="table_demand",
                     column_config={"year": YEAR})

    st.subheader("Skill mix against the status quo")
    st.caption("WTE of one group deployed on another group's work, summed over regions: the plan beside the "
               "status quo, which keeps today's share (skill_mix.csv current_share).")
    sq = result.status_quo.skill_mix if result.status_quo is not None else None
    fig, table = plan_charts.skill_mix_chart(result.skill_mix, sq, raw)
    st.plotly_chart(plan_charts.mark_run_out(fig, span), key="chart_skill_mix")
    with st.expander("Table: WTE deployed, plan and status quo"):
        st.dataframe(table.round(2), hide_index=True, width="stretch", key="table_skill_mix",
                     column_config={"year": YEAR})


def lever_ranking(result, raw) -> None:
    """The lever ranking: weighted WTE-years per GBP 1m for each lever, best first."""
    st.subheader("Where the next pound goes")
    table = ranking(result.levers, raw)
    if table.empty:
        st.caption("No lever ranking for this plan (it is worked out for min_shortfall plans from their "
                   "shadow prices).")
        return
    st.caption("Each lever at its best place and year: the weighted WTE-years of gap one more GBP 1m would "
               "close at the margin (from the plan's shadow prices and the lever's cost). Marginal values: "
               "they hold for a small step, not for any amount.")
    for r in table.head(5).itertuples(index=False):
        st.markdown(f"{r.rank}. **{r.lever}** ({r.where}): {r.wte_years_per_gbp_m:,.0f} weighted WTE-years "
                    f"per GBP 1m")
    st.plotly_chart(ranking_chart(table), key="chart_levers")
    with st.expander("Table: every lever, best first"):
        st.dataframe(table, hide_index=True, width="stretch", key="table_levers", column_config={
            "gbp_per_unit": st.column_config.NumberColumn("GBP per unit", format="£%,.0f"),
            "wte_years_per_unit": st.column_config.NumberColumn("weighted WTE-years per unit", format="%.2f"),
            "wte_years_per_gbp_m": st.column_config.NumberColumn("weighted WTE-years per GBP 1m", format="%,.1f"),
            "where": st.column_config.TextColumn("best place and year", width="large"),
            "lever": st.column_config.TextColumn("lever", width="large")})
