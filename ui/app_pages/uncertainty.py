"""Uncertainty: a plan (or the status quo) evaluated in many sampled futures, as `optimiser sweep`:
shortfall bands over time per staff group and region, and the chance of meeting each target."""

from __future__ import annotations

import os

import streamlit as st

from optimiser import NUMBER_OPTIONS, OptionError, number_option
from ui import analysis_views as views
from ui import charts
from ui.analysis_jobs import start_analysis
from ui.job_panel import job_panel
from ui.robust_panel import robust_section
from ui.state import current_raw, raw_fingerprint, report_for

KEY = "sweep_job"
ss = st.session_state
st.title("Uncertainty")
st.caption("Each future is the scenario with the inputs its uncertainty table (uncertainty.csv) names drawn "
           "at random: leaver rates, demand and activity growth, completion rates, what retention schemes "
           "really keep and how many returners there are. The plan's decisions stay as they are; the shortfall in "
           "each future is measured, and the futures summarised as P10 / P50 / P90 (80% of futures lie "
           "between P10 and P90). It runs in a separate process: you can keep using the app while it works.")

raw = current_raw()
report = report_for(raw)
if not report.ok:
    st.error(f"The scenario has {report.count('error')} error(s); sweeps are blocked until they are fixed.")
    st.page_link("app_pages/constraints.py", label="Fix them on the Constraints page", icon=":material/edit_note:")

STATUS_QUO = "Status quo (current commissioning continued)"
OPTIMISED = "The optimised plan (solved once on this scenario)"
SESSION = "The plan solved in this session"
result = ss.get("result")
choices = [STATUS_QUO, OPTIMISED] + ([SESSION] if result is not None and result.feasible else [])
running = ss.get(KEY) is not None
with st.form("sweep_options"):
    c1, c2, c3, c4 = st.columns([2, 1, 1, 1])
    plan_choice = c1.selectbox("Plan", choices, key="sweep_plan",
                               help="What is held fixed in every future: current commissioning, the plan the "
                                    "optimiser makes for this scenario, or the plan on the Results page")
    samples = c2.number_input("Futures (samples)", min_value=int(NUMBER_OPTIONS["samples"].low),
                              max_value=int(NUMBER_OPTIONS["samples"].high), value=100, step=10, key="sweep_samples")
    seed = c3.number_input("Seed", min_value=0, max_value=int(NUMBER_OPTIONS["seed"].high), value=0, step=1,
                           key="sweep_seed", help="The same seed gives the same futures")
    workers = c4.number_input("Worker processes", min_value=1, max_value=64, value=os.cpu_count() or 1, step=1,
                              key="sweep_workers")
    submitted = st.form_submit_button("Run the sweep", type="primary", disabled=not report.ok or running,
                                      key="sweep_submit")

if plan_choice == SESSION and raw_fingerprint(ss["result_raw"]) != raw_fingerprint(raw):
    st.caption("The session's plan was solved for an earlier version of the scenario; it is swept on that version.")
if submitted and report.ok and not running:
    try:  # the engine's one reader of numeric options
        numbers = {k: number_option(k, v) for k, v in (("samples", samples), ("seed", seed), ("workers", workers))}
    except OptionError as exc:
        st.error(f"Not run: {exc}.")
    else:
        plan = {STATUS_QUO: "status_quo", OPTIMISED: "optimised", SESSION: "session"}[plan_choice]
        swept = ss["result_raw"] if plan == "session" else raw
        ss[KEY] = start_analysis("sweep", swept, {"plan": plan, "plan_label": plan_choice, **numbers},
                                 plan_result=result if plan == "session" else None)
        ss["sweep_raw"] = swept
        ss.pop(f"{KEY}_outcome", None)
        st.rerun()


def show_progress(job, status: dict) -> None:
    p = status["progress"]
    done, total = p.get("done", 0), p.get("total") or job.options["samples"]
    first = {"optimised": "solving the plan to hold fixed"}.get(job.options["plan"], "the scenario as entered")
    words = f"Preparing ({first})…" if not done else f"{done:,} of {total:,} futures evaluated"
    st.progress(min(1.0, done / total), text=f"{words} · {status['elapsed_s']:.0f} s")


job_panel(KEY, show_progress, failed="The sweep did not run", cancelled="The sweep was cancelled",
          cancel=("Cancel the sweep", "cancel_sweep"))


def show_sweep(outcome: dict) -> None:
    """The bands and target chances of the last sweep."""
    sweep = outcome["sweep"]
    options = ss[f"{KEY}_options"]
    swept_raw = ss["sweep_raw"]
    run_out = outcome["run_out_years"]
    groups, regions = charts.group_names(swept_raw), charts.region_names(swept_raw)
    plan = "status_quo" if options["plan"] == "status_quo" else "plan"
    st.subheader("Shortfall across the futures")
    st.caption(f"{options['plan_label']} · {sweep.summary.get('samples', options['samples']):,} futures, seed "
               f"{options['seed']} · {sweep.summary.get('executor', '')}, {sweep.summary.get('wall_seconds', 0):.1f} s")
    if raw_fingerprint(swept_raw) != raw_fingerprint(raw):
        st.caption("This sweep was run on another version of the scenario than the one being edited.")
    if sweep.summary.get("plan_breaks_limits"):
        st.warning("The plan breaks some limits of this scenario (it is still evaluated as given): "
                   + "; ".join(map(str, sweep.summary["plan_breaks_limits"][:5])))
    st.dataframe(views.totals_table(sweep), hide_index=True, width="stretch", key="sweep_totals")

    c1, c2 = st.columns(2)
    shown = set(sweep.shortfall_by_group["staff_group"])  # in the scenario's order
    group_ids = [g for g in groups if g in shown] + sorted(shown - set(groups))
    group = c1.selectbox("Staff group", group_ids, format_func=lambda g: groups.get(g, g), key="sweep_group")
    region = c2.selectbox("Region", [charts.ALL, *dict.fromkeys(sweep.shortfall["region"])],
                          format_func=lambda r: regions.get(r, r), key="sweep_region")
    fig, table = views.band_chart(sweep, plan, group, region, run_out, groups.get(group, group), regions.get(region, region))
    st.plotly_chart(fig, key="chart_sweep_band")
    with st.expander("Table: shortfall quantiles by year (WTE)"):
        st.dataframe(table, hide_index=True, width="stretch", key="table_sweep_band")

    st.subheader("The chance of meeting each target")
    targets = views.target_table(sweep, plan, groups)
    if targets.empty:
        st.caption("No staff group has a target shortfall rate (staff_groups.csv, target_shortfall_rate), "
                   "so there is no target to meet.")
    else:
        st.caption(f"A target is met in a future when the group's shortfall is at most the target share of its "
                   f"demand in every region and every year from {outcome['first_target_year']}"
                   + (f"; years from {min(run_out)} are run-out years (no new starts)" if run_out else "") + ".")
        st.dataframe(targets, hide_index=True, width="stretch", key="sweep_targets")
        with st.expander("Table: the chance of meeting the target in each region and year"):
            st.dataframe(views.target_years_table(sweep, plan, groups, regions, run_out), hide_index=True,
                         width="stretch", key="sweep_target_years")


outcome = ss.get(f"{KEY}_result")
if outcome is not None:
    show_sweep(outcome)

# --- the robust plan (issue 13) ------------------------------------------------------------------
st.subheader("Robust plan against the deterministic plan")
st.caption("One plan optimised against several futures at once (as `optimiser solve --robust`): its commissions "
           "must hold up in every future, and it is compared with the plan solved on the scenario as entered, "
           "both evaluated in the same futures.")
robust_section(raw, report.ok)
