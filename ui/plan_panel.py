"""The top of Results: the last solve that gave no plan to keep, shown beside the plan still in
place, and opening a saved run (which Results, Compare and Export then show)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from optimiser import holds_plan

from .session import reopen_run
from .state import get_store, store_error_types

STATE_WORDS = {"cancelled": "was cancelled", "failed": "failed"}


def _when(iso: str | None) -> str:
    if not iso:
        return ""
    return dt.datetime.fromisoformat(iso).astimezone(dt.UTC).strftime("%H:%M UTC")


def attempt_sentence(attempt: dict) -> str:
    """What the last solve was, in words: how it ended, when and after how long."""
    opts = attempt.get("options") or {}
    scale = opts.get("budget_scale")
    what = f"The latest solve ({_when(attempt.get('when'))}" + (f", budget ×{scale:g}" if scale else "") + ")"
    state, status = attempt.get("state"), attempt.get("plan_status")
    if state == "failed":
        how = f"failed: {attempt.get('message') or 'no reason given'}"
    elif state == "cancelled":
        how = f"was cancelled after {attempt.get('elapsed_s') or 0:.0f} s"
        if attempt.get("run_id") is not None:
            how += f"; its best plan so far is saved as run {attempt['run_id']}"
    elif status == "infeasible":
        how = "found that no plan meets every limit"
    else:
        how = f"ended without a plan (the solver reports '{status}')"
    return f"{what} {how}."


def show_attempt(has_plan: bool) -> None:
    """The last solve that gave no plan to keep, and what the page shows instead."""
    ss = st.session_state
    attempt = ss.get("attempt")
    if not attempt:
        return
    kept = (" It did not replace the plan below"
            + (f" (run {ss['run_id']})" if ss.get("run_id") is not None else "") + ", which is unchanged."
            if has_plan else "")
    box = st.error if attempt.get("state") == "failed" or attempt.get("plan_status") == "infeasible" else st.warning
    box(attempt_sentence(attempt) + kept, icon=":material/history:")
    if attempt.get("conflicts"):
        with st.expander("Why no plan exists: what would have to change", expanded=not has_plan):
            st.caption("Two answers: raise some limits, or lower some requirements. Each lists the fewest, "
                       "smallest moves that make a plan possible.")
            st.dataframe(pd.DataFrame(attempt["conflicts"]), hide_index=True, width="stretch", key="attempt_conflicts")
    buttons = iter(st.columns([1, 1, 3]))
    if attempt.get("run_id") is not None and next(buttons).button(f"Show run {attempt['run_id']} instead",
                                                                  key="attempt_show_run"):
        problem = reopen_run(attempt["run_id"])
        if problem:
            st.error(f"It could not be opened: {problem}")
        else:
            ss["attempt"] = None
            st.rerun()
    if next(buttons).button("Dismiss this notice", key="attempt_dismiss"):
        ss["attempt"] = None
        st.rerun()


def saved_plan_runs() -> list:
    """Plan runs in the store that hold a plan, newest first ([] without a store)."""
    store = get_store().store
    if store is None:
        return []
    try:
        return [r for r in store.list_runs()
                if r.kind == "plan" and holds_plan(r.status, r.weighted_shortfall is not None)]
    except store_error_types():
        return []


def run_label(r) -> str:
    return (f"run {r.id}: {r.scenario_name} · {r.options.get('objective', '')} ×{r.options.get('budget_scale', 1):g}"
            f" · {r.created_at:%d %b %H:%M}")


def reopen_picker(expanded: bool = False) -> None:
    """Open a saved plan run on Results (and so on Compare and Export)."""
    runs = saved_plan_runs()
    if not runs:
        return
    ss = st.session_state
    with st.expander("Open a saved run", expanded=expanded):
        labels = {run_label(r): r.id for r in runs}
        current = next((i for i, r in enumerate(runs) if r.id == ss.get("run_id")), 0)
        choice = st.selectbox("Saved plan runs, newest first", list(labels), index=current, key="reopen_choice")
        if st.button("Open this run", key="reopen_run"):
            problem = reopen_run(labels[choice])
            if problem:
                st.error(f"It could not be opened: {problem}")
            else:
                ss["attempt"] = None
                st.rerun()
