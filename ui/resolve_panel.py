"""Compare's honesty panel: differences inside the solver's tolerance, and re-solving to tell.

Each later plan's difference from the reference is checked against the two runs' combined
optimality gap (ui.tolerance). When one is inside it, the planner can re-solve the plans
involved to a gap tight enough to tell, in the worker; each re-solve starts from the run's own
plan (its saved solver values) where the engine can use it, so it does not start from nothing.
The new plans are saved as runs and compared in place of the old ones.
"""

from __future__ import annotations

import streamlit as st

from optimiser import NUMBER_OPTIONS, OptionError, number_option

from . import tolerance
from .runs import collect_resolve, start_resolve
from .state import get_store, store_error_types

RESOLVE_TIME_LIMIT_S = 300.0


def _earlier_plan(run_id: int | None):
    """The saved run's plan, to seed its re-solve (None: solved from nothing)."""
    store = get_store().store
    if store is None or run_id is None:
        return None
    try:
        return store.load_plan(run_id)
    except store_error_types():
        return None


def tolerance_panel(picked: list[str], labels: list[str], checks: dict, views: dict) -> None:
    """What the tolerance checks found, and the re-solve offer (`checks`: later label -> check)."""
    ss = st.session_state
    for later, found in checks.items():
        (st.warning if found.within else st.caption)(found.sentence(later, labels[0]))
    within = [later for later, found in checks.items() if found.within]
    if within and ss.get("resolve_job") is None:
        involved = [labels[0], *within]
        picks = {short: label for short, label in zip(labels, picked, strict=True)}
        gap = min(tolerance.gap_to_tell(views[picks[labels[0]]][0], views[picks[w]][0]) for w in within)
        with st.form("resolve_form"):
            st.markdown(f"**Re-solve {' and '.join(involved)} to a gap tight enough to tell**")
            c1, c2 = st.columns(2)
            gap = c1.number_input("Relative MIP gap (fraction)", value=float(gap), format="%.4f", step=0.0005,
                                  min_value=float(NUMBER_OPTIONS["gap"].low), key="resolve_gap")
            limit = c2.number_input("Time limit for each (seconds)", value=RESOLVE_TIME_LIMIT_S, min_value=1.0,
                                    max_value=3600.0, step=30.0, key="resolve_time_limit")
            st.caption("Each re-solve starts from its run's own plan where the solver can use it (a warm "
                       "start), and is saved as a new run.")
            if st.form_submit_button("Re-solve to a tight gap", key="resolve_submit"):
                try:
                    gap, limit = number_option("gap", gap), number_option("time_limit", limit)
                except OptionError as exc:
                    st.error(f"Not re-solved: {exc}.")
                else:
                    runs = []
                    for short in involved:
                        _summary, _tables, load_raw, options, run_id = views[picks[short]]
                        runs.append((load_raw(), options, _earlier_plan(run_id)))
                    start_resolve(runs, gap, limit)
                    st.rerun()
    _progress()


@st.fragment(run_every=1.0 if st.session_state.get("resolve_job") is not None else None)
def _progress() -> None:
    ss = st.session_state
    job = ss.get("resolve_job")
    if job is not None:
        status = job.status()
        p = status["progress"]
        gap = "" if p.get("gap") is None else f" · gap {100 * p['gap']:.2f} %"
        st.info(f"Re-solving in the worker… {p.get('phase', 'starting')}{gap} · {status['elapsed_s']:.0f} s")
        if st.button("Cancel the re-solve", key="cancel_resolve", disabled=job.cancel_requested_at is not None):
            job.cancel()
        if collect_resolve() is not None:
            ss["_pick_resolved"] = True
            st.rerun()
        return
    outcome = ss.get("resolve_outcome")
    if outcome:
        if outcome["state"] == "failed":
            st.error(f"The re-solve failed: {outcome['message']}")
        elif outcome["state"] == "cancelled":
            st.warning("The re-solve was cancelled; the plans compared are the earlier ones.")
        elif outcome["run_ids"]:
            saved = ", ".join(str(r) for r in outcome["run_ids"] if r is not None)
            st.success(f"Re-solved to a gap of {100 * outcome.get('gap', 0):.2f} %"
                       + (f": saved as runs {saved}, compared above." if saved else "."))
        for problem in outcome["problems"]:
            st.caption(problem)
