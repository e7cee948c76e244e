"""Starting worker jobs and collecting what they return: plans are saved as runs in the store."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from optimiser import RawScenario, input_hash

from .identity import provenance, scenario_name
from .state import copy_raw, get_store, raw_fingerprint, remember_run, store_error_types
from .worker import Job, start_job

FRONTIER_SCALES = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)


def start_solve(raw: RawScenario, options: dict) -> None:
    ss = st.session_state
    ss["job"] = start_job("solve", copy_raw(raw), options)
    ss["job_raw"] = copy_raw(raw)
    ss["job_parent"] = copy_raw(ss.get("raw_loaded", raw))  # what its edits are counted against
    ss.pop("job_outcome", None)


def start_frontier(raw: RawScenario, scales: tuple[float, ...] = FRONTIER_SCALES) -> None:
    ss = st.session_state
    ss["frontier_job"] = start_job("frontier", copy_raw(raw), {"budget_scales": list(scales)})
    ss["frontier_raw_fingerprint"] = raw_fingerprint(raw)
    ss["frontier_raw"] = copy_raw(raw)


def ensure_saved_scenario(raw: RawScenario) -> int | None:
    """The store id of `raw`, saving it first if it is new or was edited since it was saved."""
    ss = st.session_state
    status = get_store()
    if status.store is None:
        return None
    fp = raw_fingerprint(raw)
    saved = ss.setdefault("saved_fingerprints", {})
    if fp in saved:
        return saved[fp]
    same = status.store.find_scenarios(input_hash(raw))  # already saved with exactly these inputs
    if same:
        saved[fp] = same[0].id
        return same[0].id
    stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    name = f"{scenario_name(raw, ss.get('scenario_label', 'scenario'))} (solved {stamp})"
    record = status.store.save_scenario(name, raw, note="saved automatically when it was solved")
    saved[fp] = record.id
    return record.id


def _save_run(result, raw: RawScenario, options: dict) -> tuple[int | None, str]:
    """Save a plan as a run; returns (run id, problem). A store failure never loses the plan."""
    if get_store().store is None:
        return None, get_store().problem
    try:
        scenario_id = ensure_saved_scenario(raw)
        record = get_store().store.save_run(scenario_id, result, options, raw=raw)
        return record.id, ""
    except store_error_types() as exc:
        return None, f"the run was not saved: {exc}"


def collect_solve() -> dict | None:
    """If the solve job has ended, take its plan (saving it as a run) and return its outcome."""
    ss = st.session_state
    job: Job | None = ss.get("job")
    if job is None:
        return ss.get("job_outcome")
    job.enforce_cancel()
    if not job.done:
        return None
    status = job.status()
    result = job.result()
    holds_plan = result is not None and result.feasible
    outcome = {"state": status["state"], "message": status["message"], "elapsed_s": status["elapsed_s"],
               "run_id": None, "store_problem": "", "plan_status": getattr(result, "status", None),
               "holds_plan": holds_plan}
    if holds_plan:  # the plan records its scenario's name, parent, edits and input hash
        result = provenance(result, ss.get("job_parent", ss["job_raw"]), ss["job_raw"])
        run_id, problem = _save_run(result, ss["job_raw"], job.options)
        outcome.update(run_id=run_id, store_problem=problem)
        remember_run(result, ss["job_raw"], job.options, run_id)
    elif result is not None:  # no plan: keep it so Results can explain (e.g. infeasible limits)
        ss["result"] = result
        ss["result_raw"] = ss["job_raw"]
        ss["run_id"] = None
    job.cleanup()
    ss["job"] = None
    ss["job_outcome"] = outcome
    return outcome


def collect_frontier() -> dict | None:
    ss = st.session_state
    job: Job | None = ss.get("frontier_job")
    if job is None:
        return None
    job.enforce_cancel()
    if not job.done:
        return None
    status = job.status()
    result = job.result()
    if result is not None:
        ss["frontier"] = result
        run_id, problem = _save_run(result, ss["frontier_raw"], job.options)
        status = {**status, "run_id": run_id, "store_problem": problem}
    job.cleanup()
    ss["frontier_job"] = None
    ss["frontier_outcome"] = status
    return status
