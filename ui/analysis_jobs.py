"""Uncertainty sweeps, near-optimal alternatives and robust plans as kinds of ui/worker.py's
background jobs: the work each does in the worker process, and starting and collecting them in the
app. A sweep's progress is (futures done, futures in all); an alternatives run's is the names of the
plans found so far; a robust solve's the step it is on. Each runs in a process group of its own,
so stopping it also stops a sweep's process pool.

`OPTIMISER_UI_INLINE_WORKER=1` (AppTest only) runs the job inside the calling process.
"""

from __future__ import annotations

import functools
from pathlib import Path

import optimiser
from ui.warm_server import write_json
from ui.worker import Cancelled, Failed, Job, start_job

# --- inside the worker ------------------------------------------------------------------------


def _in_engine_words(work):
    """The engine's own words for bad options or input (a SweepError names the fix) are the job's
    message as they are; a scenario error or anything else is worded by ui/worker.py."""
    @functools.wraps(work)
    def run(folder: Path, job: dict, t0: float):
        try:
            return work(folder, job, t0)
        except (optimiser.SweepError, optimiser.OptionError, ValueError) as exc:
            raise Failed(str(exc)) from exc
    return run


@_in_engine_words
def _sweep(folder: Path, job: dict, t0: float) -> dict:
    def progress(done: int, total: int) -> None:
        write_json(folder / "progress.json", {"done": done, "total": total})
        if (folder / "cancel").exists():
            raise Cancelled("cancelled")

    options = job["options"]
    scenario = optimiser.scenario_from_raw(job["raw"])
    plan = options["plan"]
    if plan == "session":  # the plan solved in this session, written as a plan folder for the sweep
        plan = folder / "plan"
        optimiser.write_plan(job["plan_result"], plan)
    write_json(folder / "progress.json", {"done": 0, "total": options["samples"]})
    result = optimiser.sweep(scenario, options["samples"], plan, seed=options["seed"],
                             workers=options.get("workers"), progress=progress)
    cfg = scenario.config  # the years after the horizon, where no new starts are made
    return {"sweep": result, "run_out_years": list(cfg.run_out_measured_years),
            "first_target_year": cfg.first_target_year}


@_in_engine_words
def _alternatives(folder: Path, job: dict, t0: float):
    found: list[str] = []

    def on_plan(name: str) -> None:
        found.append(name)
        write_json(folder / "progress.json", {"found": found})
        if (folder / "cancel").exists():
            raise Cancelled("cancelled")

    options = job["options"]
    write_json(folder / "progress.json", {"found": [], "phase": "solving the best plan"})
    scenario = optimiser.scenario_from_raw(job["raw"])
    return optimiser.alternatives(scenario, options["slack"], options["count"], options["vary"],
                                  time_limit=options.get("time_limit"), on_plan=on_plan)


@_in_engine_words
def _robust(folder: Path, job: dict, t0: float):
    def phase(step: str) -> None:  # the engine names each step; a cancel is honoured between steps
        write_json(folder / "progress.json", {"phase": step})
        if (folder / "cancel").exists():
            raise Cancelled("cancelled")

    options = job["options"]
    phase("reading the scenario")
    scenario = optimiser.scenario_from_raw(job["raw"])
    return optimiser.solve_robust(scenario, options["samples"], options["risk"], seed=options["seed"],
                                  out_of_sample=options["out_of_sample"], phase=phase)


WORK = {"sweep": _sweep, "alternatives": _alternatives, "robust": _robust}  # kind -> work(folder, job, t0)


# --- in the app -------------------------------------------------------------------------------


def start_analysis(kind: str, raw, options: dict, plan_result=None) -> Job:
    """Start a sweep, alternatives run or robust solve of `raw` in a worker process (inline under
    AppTest); `plan_result`: the session's plan, for a sweep of it."""
    return start_job(kind, raw, options, own_group=True, plan_result=plan_result)


def collect(key: str) -> dict | None:
    """If the job in session key `key` has ended, keep its result under `key + '_result'` and its
    outcome under `key + '_outcome'`, and return the outcome."""
    import streamlit as st

    ss = st.session_state
    job: Job | None = ss.get(key)
    ended = job.ended() if job is not None else None
    if ended is None:
        return None
    status, result = ended
    if result is not None:
        ss[f"{key}_result"] = result
        ss[f"{key}_options"] = job.options
    ss[key] = None
    ss[f"{key}_outcome"] = status
    return status

