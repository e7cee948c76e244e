"""Monitor: a plan against actuals (in post, starts, recruits, retained staff, spend, flagged
red/amber/green), and the plan's reports rolled up to any level of the hierarchy. The same
functions as `optimiser monitor` and `optimiser rollup`."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from optimiser import (
    PlanFolderError,
    RollupError,
    ScenarioError,
    hierarchy_levels,
    load_actuals,
    monitor,
    monitor_chart,
    plan_scenario,
    read_plan_tables,
    roll_up_monitor,
    roll_up_plan,
    scenario_from_raw,
    write_plan,
)
from ui.state import issues_frame

ss = st.session_state
st.title("Monitor")
st.caption("A plan against what really happened. Actuals are a folder of CSV files or a workbook with sheets "
           "actual_in_post (monthly staff in post), actual_starts, actual_recruits, actual_retained and actual_spend "
           "(columns in the data dictionary); `python scripts/make_actuals.py PLAN_DIR OUT_DIR` makes synthetic ones.")

SESSION_PLAN = "The plan solved in this session"
FOLDER_PLAN = "A plan folder (optimiser solve --out)"
choices = ([SESSION_PLAN] if ss.get("result") is not None and ss["result"].feasible else []) + [FOLDER_PLAN]
which = st.radio("Plan", choices, horizontal=True, key="monitor_plan_kind")


def _session_plan():
    """The session's plan written once as a plan folder, and the scenario it was solved from."""
    cache = ss.setdefault("_monitor_plan", {})
    key = id(ss["result"])
    if key not in cache:
        tmp = Path(tempfile.mkdtemp(prefix="optimiser-monitor-"))
        write_plan(ss["result"], tmp / "plan")
        cache.clear()
        cache[key] = (read_plan_tables(tmp / "plan"), scenario_from_raw(ss["result_raw"]))
    return cache[key]


plan = scenario = None
try:
    if which == SESSION_PLAN:
        plan, scenario = _session_plan()
    else:
        folder = st.text_input("Plan folder", key="monitor_plan_folder", placeholder="/path/to/plan")
        if folder:
            plan = read_plan_tables(folder)
            scenario = plan_scenario(plan)
except PlanFolderError as exc:
    st.error(str(exc), icon=":material/error:")
except ScenarioError as exc:
    st.error("The plan's scenario has errors.", icon=":material/error:")
    st.dataframe(issues_frame(exc.report), hide_index=True)

if plan is None:
    st.info("Choose a plan to monitor.", icon=":material/info:")
    st.stop()

levels = hierarchy_levels(scenario.tables)
level = st.selectbox("Level", levels, key="monitor_level",
                     help="Sum the regions up to this level of the hierarchy (regions.parent and areas.csv)")

st.subheader("Plan against actuals")
upload = st.file_uploader("Actuals workbook (.xlsx)", type=["xlsx"], key="monitor_upload")
path = st.text_input("... or an actuals folder or workbook on this machine", key="monitor_actuals_path")
actuals_path = None
if upload is not None:
    actuals_path = Path(tempfile.mkdtemp(prefix="optimiser-actuals-")) / "actuals.xlsx"
    actuals_path.write_bytes(upload.getvalue())
elif path:
    actuals_path = Path(path)

if actuals_path is not None:
    try:
        actuals = load_actuals(actuals_path, scenario)
    except ScenarioError as exc:
        st.error(f"The actuals have {exc.report.count('error')} error(s): nothing is shown until they are fixed.",
                 icon=":material/block:")
        st.dataframe(issues_frame(exc.report), hide_index=True)
    else:
        report = roll_up_monitor(monitor(plan, scenario, actuals), scenario, level)
        st.caption(f"Red when an actual is {report.red_at:.0%} or more off plan (either way), amber from "
                   f"{report.amber_at:.0%}. In post is compared with the plan's stock interpolated linearly "
                   "between 1 Aprils." + (f" Actuals as of {report.as_of}." if report.as_of else ""))
        st.dataframe(report.counts(), hide_index=True)
        with tempfile.TemporaryDirectory(prefix="optimiser-chart-") as tmp:
            monitor_chart(report, Path(tmp) / "monitor.png")
            st.image((Path(tmp) / "monitor.png").read_bytes())
        flags = st.multiselect("Show lines flagged", ["red", "amber", "green"], default=["red", "amber"],
                               key="monitor_flags")
        lines = report.lines[report.lines["flag"].isin(flags)]
        st.dataframe(lines, hide_index=True)
        st.download_button("Download monitor.csv", report.lines.to_csv(index=False).encode(), "monitor.csv",
                           "text/csv", key="download_monitor_csv")

st.subheader(f"The plan by {level}")
try:
    rolled = roll_up_plan(plan, scenario, level)
except RollupError as exc:
    st.error(str(exc), icon=":material/error:")
else:
    st.caption("Sums of the regions' figures (an area's shortfall is the sum of its regions' shortfalls); "
               "costs are the plan's decisions priced by region.")
    st.dataframe(rolled["shortfall"], hide_index=True)
    report_name = st.selectbox("Report", [n for n in rolled if n != "shortfall"], key="monitor_rollup_report")
    st.dataframe(rolled[report_name], hide_index=True)
