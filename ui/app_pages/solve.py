"""Solve: run the optimiser in a worker process with visible progress and a real cancel."""

from __future__ import annotations

import streamlit as st

from optimiser import NUMBER_OPTIONS, OptionError, Status, number_option
from ui.runs import collect_solve, start_solve
from ui.state import current_raw, report_for

POLL_EVERY_S = 1.0
ss = st.session_state
st.title("Solve")
st.caption("The optimiser decides starts, placements, international recruits and extra educators "
           "to close the most weighted workforce gap within every limit. It runs in a separate "
           "process: you can keep using the app while it works.")
st.page_link("app_pages/uncertainty.py", icon=":material/shield:",
             label="To choose commissions that hold up across futures, use Uncertainty > Robust plan")

raw = current_raw()
report = report_for(raw)
cfg = raw.config
solver = cfg.get("solver", {})

if not report.ok:
    st.error(f"The scenario has {report.count('error')} error(s); solving is blocked until they are fixed.")
    st.page_link("app_pages/constraints.py", label="Fix them on the Constraints page", icon=":material/edit_note:")

running = ss.get("job") is not None
with st.form("solve_options"):
    c1, c2, c3, c4 = st.columns(4)
    objectives = ["min_shortfall", "min_cost"]
    objective = c1.selectbox(
        "Objective", objectives, index=objectives.index(cfg.get("objective", "min_shortfall"))
        if cfg.get("objective") in objectives else 0, key="solve_objective",
        help="min_shortfall: close the most weighted gap within the limits. "
             "min_cost: reach each group's target shortfall rate at least cost.")
    scale_rule = NUMBER_OPTIONS["budget_scale"]  # the command line's range too
    budget_scale = c2.number_input("Budget scale (× every budget row)", min_value=float(scale_rule.low),
                                   max_value=float(scale_rule.high),
                                   value=1.0, step=0.05, help="1 = the budgets as entered; 1.2 = 20% more",
                                   key="solve_budget_scale")
    time_limit = c3.number_input("Time limit (seconds)", min_value=1.0, max_value=3600.0,
                                 value=float(solver.get("time_limit_s", 60)), step=5.0, key="solve_time_limit")
    gap = c4.number_input("Relative MIP gap (fraction)", min_value=float(NUMBER_OPTIONS["gap"].low),
                          max_value=float(NUMBER_OPTIONS["gap"].high),
                          value=float(solver.get("mip_rel_gap", 0.0001)), step=0.005, format="%.4f",
                          help="HiGHS stops when the plan is proven within this fraction of the best possible",
                          key="solve_gap")
    submitted = st.form_submit_button("Solve", type="primary", disabled=not report.ok or running,
                                      key="solve_submit")
if submitted and report.ok and not running:
    try:  # the engine's one reader of numeric options: finite and in range, whatever the widget allowed
        numbers = {k: number_option(k, v) for k, v in
                   (("budget_scale", budget_scale), ("time_limit", time_limit), ("gap", gap))}
    except OptionError as exc:
        st.error(f"Not solved: {exc}.")
    else:
        start_solve(raw, {"objective": objective, **numbers})
        st.rerun()

PHASE_WORDS = {"optimising": "Optimising (HiGHS)"}


@st.fragment(run_every=POLL_EVERY_S if ss.get("job") is not None else None)
def progress_panel() -> None:
    job = ss.get("job")
    if job is None:
        outcome = ss.get("job_outcome")
        if outcome:
            _show_outcome(outcome)
        return
    status = job.status()
    p = status["progress"]
    st.subheader("Solving…" if job.cancel_requested_at is None else "Stopping…")
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Elapsed", f"{status['elapsed_s']:.0f} s")
    c2.metric("Stage", PHASE_WORDS.get(p.get("phase", ""), (p.get("phase") or "starting").capitalize()))
    c3.metric("Best plan so far (objective)", "—" if p.get("incumbent") is None else f"{p['incumbent']:,.1f}")
    c4.metric("Gap to the best possible", "—" if p.get("gap") is None else f"{100 * p['gap']:.2f} %")
    if p.get("bound") is not None:
        st.caption(f"Best possible (bound): {p['bound']:,.1f} · branch-and-bound nodes: {p.get('nodes', 0):,}")
    if st.button("Cancel the solve", key="cancel_solve", disabled=job.cancel_requested_at is not None):
        job.cancel()
    if collect_solve() is not None:
        st.rerun()


def _show_outcome(outcome: dict) -> None:
    """How the solve ended; whether it holds a plan is the engine's answer (PlanResult.feasible)."""
    state, status = outcome["state"], outcome.get("plan_status")
    kept = (" The plan on the Results page is the earlier one, unchanged." if outcome.get("kept_earlier_plan") else "")
    if state == "finished" and outcome.get("holds_plan"):
        word = "optimal within the gap" if status == Status.OPTIMAL else "stopped at the time limit"
        st.success(f"Plan found ({word}) in {outcome['elapsed_s']:.1f} s.")
        st.page_link("app_pages/results.py", label="See the results", icon=":material/bar_chart:")
    elif state == "cancelled":
        best = ("" if not outcome.get("holds_plan") else
                " Its best plan so far is kept as a run." if kept else
                " The best plan found so far is on the Results page.")
        st.warning(f"Cancelled after {outcome['elapsed_s']:.1f} s.{best}{kept}")
    elif state == "failed":
        st.error(f"The solve failed: {outcome['message']}.{kept}")
    else:
        why = ("explains which limits conflict" if status == Status.INFEASIBLE else "says why")
        st.error(f"No plan: the solver reports '{status}'. The Results page {why}.{kept}")
        st.page_link("app_pages/results.py", label="See why", icon=":material/bar_chart:")
    if outcome.get("run_id") is not None:
        st.caption(f"Saved as run {outcome['run_id']} in the scenario database.")
    elif outcome.get("store_problem"):
        st.caption(f"Not saved to the database ({outcome['store_problem']}); kept for this session.")


progress_panel()
