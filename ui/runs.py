"""Starting worker jobs and collecting what they return: plans are saved as runs in the store."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from optimiser import RawScenario, input_hash

from .identity import provenance, scenario_name
from .state import (
    copy_raw,
    get_store,
    plan_tables,
    raw_fingerprint,
    remember_run,
    store_error_types,
)
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


def _save_plan(result, parent: RawScenario, raw: RawScenario, options: dict):
    """A plan of `raw` with its scenario's name, parent, edits and input hash, saved as a run;
    returns (the plan so marked, run id, problem)."""
    result = provenance(result, parent, raw)
    return (result, *_save_run(result, raw, options))


def _make_session_plan(result, raw: RawScenario, options: dict, run_id: int | None) -> None:
    """The plan on Results from now on (any earlier solve's attempt without a plan is dropped)."""
    remember_run(result, raw, options, run_id)
    st.session_state["attempt"] = None


def keep_plan(result, raw: RawScenario, options: dict) -> tuple[int | None, str]:
    """Put a plan made off the Solve page (a robust plan) on Results as the session's plan, saved as
    a run the way a solve's plan is; returns (run id, problem)."""
    result, run_id, problem = _save_plan(result, st.session_state.get("raw_loaded", raw), raw, options)
    _make_session_plan(result, raw, options, run_id)
    return run_id, problem


def attempt_facts(status: dict, result, options: dict, run_id: int | None) -> dict:
    """A solve that gave no plan to keep, as plain facts (kept in the store for a refresh)."""
    conflicts = []
    if result is not None and not result.conflicts.empty:
        conflicts = result.conflicts[["option", "message"]].astype(str).to_dict("records")
    return {"state": status["state"], "plan_status": getattr(result, "status", None),
            "message": status["message"] or getattr(result, "message", ""), "elapsed_s": status["elapsed_s"],
            "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "run_id": run_id,
            "options": {k: options.get(k) for k in ("objective", "budget_scale", "time_limit", "gap")},
            "conflicts": conflicts}


def collect_solve() -> dict | None:
    """If the solve job has ended, take its plan (saving it as a run) and return its outcome.

    A solve that ended with no plan (infeasible, failed, cancelled before any plan) never replaces
    the plan on Results, and neither does a cancelled one's best plan so far when there is a plan
    already: it is kept as `attempt` (facts) and shown beside the plan for what it was."""
    ss = st.session_state
    job: Job | None = ss.get("job")
    if job is None:
        return ss.get("job_outcome")
    ended = job.ended()
    if ended is None:
        return None
    status, result = ended
    holds_plan = result is not None and result.feasible
    replaces = holds_plan and (status["state"] == "finished" or ss.get("result") is None)
    outcome = {"state": status["state"], "message": status["message"], "elapsed_s": status["elapsed_s"],
               "run_id": None, "store_problem": "", "plan_status": getattr(result, "status", None),
               "holds_plan": holds_plan, "kept_earlier_plan": not replaces and ss.get("result") is not None}
    if holds_plan:  # a plan, even a cancelled solve's best so far, is saved as a run
        result, run_id, problem = _save_plan(result, ss.get("job_parent", ss["job_raw"]), ss["job_raw"], job.options)
        outcome.update(run_id=run_id, store_problem=problem)
    if replaces:
        _make_session_plan(result, ss["job_raw"], job.options, outcome["run_id"])
    else:
        ss["attempt"] = attempt_facts(status, result, job.options, outcome["run_id"])
    ss["job"] = None
    ss["job_outcome"] = outcome
    return outcome


def collect_frontier() -> dict | None:
    ss = st.session_state
    job: Job | None = ss.get("frontier_job")
    ended = job.ended() if job is not None else None
    if ended is None:
        return None
    status, result = ended
    if result is not None:
        ss["frontier"] = result
        run_id, problem = _save_run(result, ss["frontier_raw"], job.options)
        status = {**status, "run_id": run_id, "store_problem": problem}
    ss["frontier_job"] = None
    ss["frontier_outcome"] = status
    return status


def start_resolve(runs: list[tuple[RawScenario, dict, object]], gap: float, time_limit: float) -> None:
    """Solve each (scenario, run options, earlier plan) again to `gap`, seeded with its earlier plan."""
    ss = st.session_state
    jobs = [(copy_raw(raw), dict(options), earlier) for raw, options, earlier in runs]
    ss["resolve_job"] = start_job("resolve", jobs, {"gap": gap, "time_limit": time_limit})
    ss["resolve_inputs"] = jobs
    ss.pop("resolve_outcome", None)


def collect_resolve() -> dict | None:
    """If the re-solve has ended, save each plan as a run; returns its outcome with the new run ids."""
    ss = st.session_state
    job: Job | None = ss.get("resolve_job")
    ended = job.ended() if job is not None else None
    if ended is None:
        return None
    status, plans = ended
    plans = plans or []
    run_ids, problems = [], []
    for plan, (raw, options, _earlier) in zip(plans, ss["resolve_inputs"], strict=False):
        if not plan.feasible:
            problems.append(f"a re-solve ended without a plan ({plan.status})")
            continue
        run_id, problem = _save_run(plan, raw, {**options, "gap": job.options["gap"],
                                                "time_limit": job.options["time_limit"]})
        run_ids.append(run_id)
        problems += [problem] if problem else []
        ss["session_runs"].append({"label": f"{len(ss['session_runs']) + 1}: re-solved", "raw": copy_raw(raw),
                                   "summary": plan.summary_dict(), "tables": plan_tables(plan),
                                   "options": dict(options), "run_id": run_id})
    ss["resolve_job"] = None
    ss["resolve_outcome"] = {**status, "run_ids": run_ids, "problems": problems, "gap": job.options["gap"]}
    return ss["resolve_outcome"]
