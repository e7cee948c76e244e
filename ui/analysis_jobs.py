"""Uncertainty sweeps and near-optimal alternatives in a worker process, off the app's script thread.

The same protocol as ui/worker.py's solves (a private job folder; `input.pkl` written by the app,
`progress.json`, `result.pkl` and `state.json` by the worker; a `cancel` file asks it to stop),
in its own small module so that the Solve page's worker is left alone. A sweep's progress is
(futures done, futures in all); an alternatives run's is the names of the plans found so far; a robust solve's the step it is on.
The worker runs in its own process group, so stopping it also stops a sweep's process pool.

`OPTIMISER_UI_INLINE_WORKER=1` (AppTest only) runs the job inside the calling process.
"""

from __future__ import annotations

import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import optimiser
from ui.warm_server import read_json, write_json

APP_HOME = Path(__file__).resolve().parent.parent  # holds the ui package
INLINE_ENV = "OPTIMISER_UI_INLINE_WORKER"
CANCEL_GRACE_S = 5.0
ENDED = ("finished", "cancelled", "failed")




# --- inside the worker ------------------------------------------------------------------------


class _Cancelled(Exception):
    """The planner asked the job to stop."""


def _sweep(folder: Path, job: dict) -> dict:
    def progress(done: int, total: int) -> None:
        write_json(folder / "progress.json", {"done": done, "total": total})
        if (folder / "cancel").exists():
            raise _Cancelled

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


def _alternatives(folder: Path, job: dict):
    found: list[str] = []

    def on_plan(name: str) -> None:
        found.append(name)
        write_json(folder / "progress.json", {"found": found})
        if (folder / "cancel").exists():
            raise _Cancelled

    options = job["options"]
    write_json(folder / "progress.json", {"found": [], "phase": "solving the best plan"})
    scenario = optimiser.scenario_from_raw(job["raw"])
    return optimiser.alternatives(scenario, options["slack"], options["count"], options["vary"],
                                  time_limit=options.get("time_limit"), on_plan=on_plan)


def _robust(folder: Path, job: dict):
    def phase(step: str) -> None:  # the engine names each step; a cancel is honoured between steps
        write_json(folder / "progress.json", {"phase": step})
        if (folder / "cancel").exists():
            raise _Cancelled

    options = job["options"]
    phase("reading the scenario")
    scenario = optimiser.scenario_from_raw(job["raw"])
    return optimiser.solve_robust(scenario, options["samples"], options["risk"], seed=options["seed"],
                                  out_of_sample=options["out_of_sample"], phase=phase)


WORK = {"sweep": _sweep, "alternatives": _alternatives, "robust": _robust}


def plain_message(exc: Exception) -> str:
    """The engine's own words (a SweepError names the fix); a scenario error points at the Constraints page."""
    if isinstance(exc, optimiser.ScenarioError):
        return (f"the scenario has {exc.report.count('error')} validation error(s); "
                "fix them on the Constraints page")
    if isinstance(exc, (optimiser.SweepError, optimiser.OptionError, ValueError)):
        return str(exc)
    return f"{type(exc).__name__}: {exc}".splitlines()[0][:300]


def run_job(folder: Path) -> None:
    """Run the job in `folder` and record its outcome; never raises."""
    import traceback

    folder = Path(folder)
    t0 = time.monotonic()
    write_json(folder / "state.json", {"state": "running", "pid": os.getpid()})
    try:
        with (folder / "input.pkl").open("rb") as fh:
            job = pickle.load(fh)  # written by the app itself, never by a user
        result = WORK[job["kind"]](folder, job)
        tmp = folder / "result.tmp"
        with tmp.open("wb") as fh:
            pickle.dump(result, fh)
        os.replace(tmp, folder / "result.pkl")
        write_json(folder / "state.json", {"state": "finished", "elapsed_s": time.monotonic() - t0})
    except _Cancelled:
        write_json(folder / "state.json", {"state": "cancelled", "elapsed_s": time.monotonic() - t0,
                                            "message": "cancelled"})
    except Exception as exc:  # the app shows the message; the traceback stays in the job's log
        (folder / "error.log").write_text(traceback.format_exc(), encoding="utf-8")
        write_json(folder / "state.json", {"state": "failed", "elapsed_s": time.monotonic() - t0,
                                            "message": plain_message(exc)})


# --- in the app -------------------------------------------------------------------------------


@dataclass
class AnalysisJob:
    """A sweep or alternatives run going on (or ended) in a worker process."""

    kind: str  # "sweep" | "alternatives"
    folder: Path
    options: dict
    started: float = field(default_factory=time.monotonic)
    process: subprocess.Popen | None = None
    cancel_requested_at: float | None = None
    terminated: bool = False

    def status(self) -> dict:
        """state (starting | running | finished | cancelled | failed), elapsed_s, message, progress."""
        state = read_json(self.folder / "state.json")
        name = state.get("state", "starting")
        if self.terminated and name not in ENDED:
            name, state["message"] = "cancelled", "the worker was stopped"
        elif name not in ENDED and self.process is not None and self.process.poll() is not None:
            name, state["message"] = "failed", f"the worker stopped unexpectedly (exit code {self.process.returncode})"
        elapsed = state.get("elapsed_s") if name in ENDED else None
        return {"state": name, "elapsed_s": elapsed if elapsed is not None else time.monotonic() - self.started,
                "message": state.get("message", ""), "progress": read_json(self.folder / "progress.json")}

    @property
    def done(self) -> bool:
        if self.status()["state"] not in ENDED:
            return False
        if self.process is not None and self.process.poll() is None:
            try:  # the worker writes its state last; let the interpreter finish exiting
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                return False
        return True

    def cancel(self) -> None:
        (self.folder / "cancel").touch()
        if self.cancel_requested_at is None:
            self.cancel_requested_at = time.monotonic()

    def enforce_cancel(self) -> None:
        """Stop the worker's process group when it has not stopped within CANCEL_GRACE_S of a cancel."""
        if self.cancel_requested_at is None or self.process is None or self.process.poll() is not None:
            return
        if time.monotonic() - self.cancel_requested_at > CANCEL_GRACE_S:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=5)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait(timeout=3)
            self.terminated = True

    def result(self):
        path = self.folder / "result.pkl"
        if not path.exists():
            return None
        with path.open("rb") as fh:
            return pickle.load(fh)  # our own worker's output

    def cleanup(self) -> None:
        if self.process is None or self.process.poll() is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


def start_analysis(kind: str, raw, options: dict, plan_result=None) -> AnalysisJob:
    """Start a sweep or an alternatives run of `raw` in a worker process (inline under AppTest)."""
    folder = Path(tempfile.mkdtemp(prefix=f"optimiser-{kind}-"))
    with (folder / "input.pkl").open("wb") as fh:
        pickle.dump({"kind": kind, "raw": raw, "options": options, "plan_result": plan_result}, fh)
    job = AnalysisJob(kind=kind, folder=folder, options=options)
    if os.environ.get(INLINE_ENV) == "1":
        run_job(folder)
        return job
    log = (folder / "worker.log").open("wb")
    job.process = subprocess.Popen(
        [sys.executable, "-m", "ui.analysis_jobs", str(folder)], cwd=str(APP_HOME),
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
    )
    log.close()
    return job


def collect(key: str) -> dict | None:
    """If the job in session key `key` has ended, keep its result under `key + '_result'` and its
    outcome under `key + '_outcome'`, and return the outcome."""
    import streamlit as st

    ss = st.session_state
    job: AnalysisJob | None = ss.get(key)
    if job is None:
        return None
    job.enforce_cancel()
    if not job.done:
        return None
    status = job.status()
    result = job.result()
    if result is not None:
        ss[f"{key}_result"] = result
        ss[f"{key}_options"] = job.options
    job.cleanup()
    ss[key] = None
    ss[f"{key}_outcome"] = status
    return status


if __name__ == "__main__":
    run_job(Path(sys.argv[1]))
