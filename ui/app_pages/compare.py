"""Compare: two or more plans side by side: the inputs that differ and what changed in the plan."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from optimiser import PlanRun, compare_runs
from ui import tolerance
from ui.compare import flag_within_tolerance, headline_display
from ui.plan_panel import run_label, saved_plan_runs
from ui.resolve_panel import tolerance_panel
from ui.runs import collect_resolve
from ui.state import get_store

ss = st.session_state
st.title("Compare")
st.caption("Pick two or more plans: saved runs from the scenario database, or plans solved in this "
           "session. The first one picked is the reference; the other columns show their difference from it.")

if collect_resolve() is not None:  # a re-solve that ended: its plans are saved runs now; compare them
    ss["_pick_resolved"] = True
views: dict[str, tuple] = {}  # label -> (summary, load tables, load scenario, run options, run id)
store = get_store().store
runs = saved_plan_runs()
for r in runs:
    def loader(r=r):
        return store.load_scenario(r.scenario_id)

    def tables(r=r):
        return store.load_run_tables(r.id)

    views[run_label(r)] = (r.summary, tables, loader, r.options, r.id)
saved_ids = {r.id for r in runs}
for run in ss.get("session_runs", []):
    if run["run_id"] is not None and run["run_id"] in saved_ids:
        continue
    views[f"this session {run['label']} (not saved)"] = (run["summary"], lambda run=run: run["tables"],
                                                          lambda run=run: run["raw"], run["options"], None)
resolved = (ss.get("resolve_outcome") or {}).get("run_ids") or []
if ss.pop("_pick_resolved", False) and resolved:
    ss["compare_pick"] = [label for rid in resolved for label, v in views.items() if v[4] == rid]

if len(views) < 2:
    st.info("Fewer than two plans to compare. Solve the scenario, change a constraint (for example a "
            "budget), and solve again.")
    st.page_link("app_pages/solve.py", label="Go to Solve", icon=":material/play_arrow:")
    st.stop()

current = next((label for label, v in views.items() if v[4] is not None and v[4] == ss.get("run_id")), None)
default = list(views)[:2][::-1]
if current is not None and current not in default:  # the plan on Results (e.g. a reopened run) is one of them
    default = [current, next(label for label in views if label != current)]
picked = st.multiselect("Plans to compare (the first is the reference)", list(views),
                        default=None if "compare_pick" in ss else default, key="compare_pick")
if len(picked) < 2:
    st.warning("Pick at least two plans.")
    st.stop()


@st.cache_data(show_spinner=False, max_entries=20)
def _cached_tables(label: str, _load) -> dict:
    return _load()


labels = [f"P{i + 1}" for i in range(len(picked))]
chosen = []
for label in picked:
    summary, load_tables, load_raw = views[label][:3]
    chosen.append(PlanRun(summary, _cached_tables(label, load_tables), load_raw()))
comparison = compare_runs(chosen, labels)
st.markdown("  \n".join(f"**{short}** = {label}" for short, label in zip(labels, picked, strict=True)))

st.subheader("Headline figures")
checks = {short: tolerance.check(chosen[0].summary, run.summary)
          for short, run in zip(labels[1:], chosen[1:], strict=True)}
st.dataframe(flag_within_tolerance(headline_display(comparison.headline), labels[0], checks),
             hide_index=True, width="stretch", key="compare_headline",
             column_config={f"{later} − {labels[0]}": st.column_config.TextColumn(width="large")
                            for later in labels[1:]})
tolerance_panel(picked, labels, checks, views)
fig = go.Figure()
for short, run in zip(labels, chosen, strict=True):
    fig.add_bar(name=short, x=["weighted shortfall (WTE-years)", "shortfall, unweighted (WTE-years)"],
                y=[run.summary.get("weighted_shortfall"), run.summary.get("total_shortfall_wte_years")])
fig.update_layout(barmode="group", height=360, title="Shortfall by plan", margin=dict(t=50, b=10))
st.plotly_chart(fig, key="compare_chart")

st.subheader("Inputs that differ")
if comparison.input_differences.empty:
    st.caption("The plans were solved from identical inputs (they may differ in run options: see above).")
else:
    st.dataframe(comparison.input_differences, hide_index=True, width="stretch", key="compare_inputs")

st.subheader("Differences in the plans")
c1, c2 = st.columns(2)
with c1:
    st.markdown("**Shortfall by staff group** (WTE-years, measured years)")
    st.dataframe(comparison.shortfall_by_group.round(1), hide_index=True, width="stretch", key="compare_shortfall")
    st.markdown("**Training starts by route** (learners, all years)")
    st.dataframe(comparison.starts_by_route, hide_index=True, width="stretch", key="compare_routes")
with c2:
    st.markdown("**Cost by category** (GBP, all years)")
    st.dataframe(comparison.cost_by_category.round(0), hide_index=True, width="stretch", key="compare_costs")
    st.markdown("**Starts by placement region** (learners, all years)")
    st.dataframe(comparison.starts_by_region, hide_index=True, width="stretch", key="compare_regions")
    st.markdown("**International recruits by region** (all years)")
    st.dataframe(comparison.recruits_by_region, hide_index=True, width="stretch", key="compare_recruits")
