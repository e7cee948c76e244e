"""Background jobs in a worker process of their own, so a widget click cannot kill them: solves,
frontiers and re-solves (here), sweeps, alternatives and robust plans (their work in
ui/analysis_jobs.py); one mechanism for all of them.

The worker is warm (ui/warm_server.py): a server process started once per app (`warm_up`, at
the app's start) imports the engine once and forks a process for each job, so a solve starts at
once, while each job still runs in a process of its own that a cancel can end without touching
the others or the app.

The app and the worker talk through a private job folder: the app writes `input.pkl` (its own
RawScenario and options, never user bytes), the worker writes `progress.json` as the work goes on
and finally `result.pkl` and `state.json`. A `cancel` file asks the worker to stop: the solver's
progress callback returns True at its next check, other work raises `Cancelled` at its next step;
the app terminates the process if it has not stopped within `CANCEL_GRACE_S`. Everything is
written atomically (temporary file, then rename). Work that starts processes of its own (a sweep's
process pool) runs in a fresh interpreter in a process group of its own instead (`own_group`), so
that stopping it stops them too.

`OPTIMISER_UI_INLINE_WORKER=1` runs the same job function inside the calling process; only the
AppTest tests use it (AppTest has no event loop to poll a subprocess with).
"""

from __future__ import annotations

import os
import pickle
import shutil
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import optimiser

from .warm_server import ForkedJob, SpawnedJob, WarmServer, read_json, write_json

CANCEL_GRACE_S = 5.0
INLINE_ENV = "OPTIMISER_UI_INLINE_WORKER"
ENGINE_MODULE = "optimiser.pipeline.api"  # imported before a job begins when the server preloaded it
SERVER = WarmServer()


WARM_UP_DELAY_S = 5.0  # after the first page is drawn: the server's imports would compete with it


def warm_up(delay_s: float = 0.0) -> None:
    """Start the warm server (now, or `delay_s` seconds from now), so that its imports are done
    before the first solve is asked for; returns at once. Idempotent; the server is started again
    if it has died. A solve asked for sooner starts the server itself."""
    if os.environ.get(INLINE_ENV) == "1":
        return
    if delay_s > 0:
        SERVER.ensure_soon(delay_s)
    else:
        SERVER.ensure()




# --- inside the worker ------------------------------------------------------------------------


class Cancelled(Exception):
    """The planner asked the job to stop: it ends 'cancelled' with this message."""

    def __init__(self, message: str = "cancelled before the solver started"):
        super().__init__(message)


class Failed(Exception):
    """The work cannot be done, in words that name the fix: the job ends 'failed' with exactly
    this message (other exceptions are shown with their type)."""


def _solve(folder: Path, job: dict, t0: float):
    raw, options = job["raw"], job["options"]

    def phase(name: str) -> None:  # each step of the public solve as it starts
        if (folder / "cancel").exists():
            raise Cancelled
        write_json(folder / "progress.json", {"phase": name, "elapsed_s": time.monotonic() - t0})

    def progress(report: dict) -> bool:
        write_json(folder / "progress.json", {"phase": "optimising", **report,
                                                "elapsed_s": time.monotonic() - t0,
                                                "solver_elapsed_s": report.get("elapsed_s")})
        return (folder / "cancel").exists()

    phase("checking the scenario")
    scenario = optimiser.scenario_from_raw(raw)
    return optimiser.solve(scenario, options.get("objective"), options.get("budget_scale", 1.0),
                           options.get("time_limit"), options.get("gap"), progress=progress, phase=phase)


def _frontier(folder: Path, job: dict, t0: float):
    raw, options = job["raw"], job["options"]
    write_json(folder / "progress.json", {"phase": "tracing the budget frontier",
                                           "elapsed_s": time.monotonic() - t0})
    scenario = optimiser.scenario_from_raw(raw)
    return optimiser.frontier(scenario, list(options["budget_scales"]), options.get("time_limit"),
                              options.get("gap"))


def _resolve(folder: Path, job: dict, t0: float) -> list:
    """Plans solved again to a tighter gap (options: gap, time_limit), each seeded with its
    earlier plan (the job's `raw`: (raw, run options, the earlier PlanResult) per plan); where the
    engine can use that plan (same model, still feasible) it is the first incumbent, so the solver
    starts from it rather than from nothing."""
    runs, options = job["raw"], job["options"]
    plans = []
    for n, (raw, run_options, earlier) in enumerate(runs, start=1):
        def progress(report: dict, n=n) -> bool:
            write_json(folder / "progress.json", {"phase": f"optimising plan {n} of {len(runs)}", **report,
                                                    "elapsed_s": time.monotonic() - t0})
            return (folder / "cancel").exists()

        if (folder / "cancel").exists():
            raise Cancelled
        write_json(folder / "progress.json", {"phase": f"building plan {n} of {len(runs)}",
                                               "elapsed_s": time.monotonic() - t0})
        scenario = optimiser.scenario_from_raw(raw)
        objective = run_options.get("objective")
        status_quo = optimiser.project(scenario, objective)
        built = optimiser.build_plan(scenario, objective, run_options.get("budget_scale", 1.0))
        plans.append(optimiser.solve_built(built, options.get("time_limit"), options.get("gap"),
                                           status_quo=status_quo, progress=progress, start=earlier))
    return plans


WORK = {"solve": _solve, "frontier": _frontier, "resolve": _resolve}  # kind -> work(folder, job, t0)
ENDED = ("finished", "cancelled", "failed")


def _work(kind: str):
    """The function that does a job of `kind`: a solve's here, an analysis's in ui/analysis_jobs.py
    (imported by the worker only when it runs one)."""
    if kind in WORK:
        return WORK[kind]
    from ui import analysis_jobs

    return analysis_jobs.WORK[kind]


def _ended(result) -> str:
    results = result if isinstance(result, list) else [result]
    cancelled = any(getattr(r, "status", None) == optimiser.Status.CANCELLED for r in results)
    return "cancelled" if cancelled else "finished"


def run_job(folder: Path) -> None:
    """Run the job in `folder` and record its outcome; never raises."""
    folder = Path(folder)
    t0 = time.monotonic()
    # which process ran the job, its parent (the warm server), and whether the engine was
    # imported before the job began (the server's preload): kept in every state the job writes
    facts = {"pid": os.getpid(), "server_pid": os.getppid(), "engine_preloaded": ENGINE_MODULE in sys.modules}

    def state(name: str, **more) -> None:
        write_json(folder / "state.json", {"state": name, **facts, **more})

    state("running")
    try:
        with (folder / "input.pkl").open("rb") as fh:
            job = pickle.load(fh)  # written by the app itself, never by a user
        result = _work(job["kind"])(folder, job, t0)
        tmp = folder / "result.tmp"
        with tmp.open("wb") as fh:
            pickle.dump(result, fh)
        os.replace(tmp, folder / "result.pkl")
        state(_ended(result), elapsed_s=time.monotonic() - t0)
    except Cancelled as exc:
        state("cancelled", elapsed_s=time.monotonic() - t0, message=str(exc))
    except Exception as exc:  # the app shows the message; the traceback stays in the job's log
        (folder / "error.log").write_text(traceback.format_exc(), encoding="utf-8")
        state("failed", elapsed_s=time.monotonic() - t0, message=_plain_message(exc))


def _plain_message(exc: Exception) -> str:
    if isinstance(exc, Failed):
        return str(exc)
    if isinstance(exc, optimiser.ScenarioError):
        n = exc.report.count('error')
        return f"the scenario has {n} validation error(s); fix them on the Constraints page"
    return f"{type(exc).__name__}: {exc}".splitlines()[0][:300]


# --- in the app -------------------------------------------------------------------------------


@dataclass
class Job:
    """A job running (or ended) in a worker process."""

    kind: str  # "solve" | "frontier" | "resolve" | "sweep" | "alternatives" | "robust"
    folder: Path
    options: dict
    started: float = field(default_factory=time.monotonic)
    process: ForkedJob | SpawnedJob | None = None
    cancel_requested_at: float | None = None
    terminated: bool = False

    def status(self) -> dict:
        """state (starting | running | finished | cancelled | failed), elapsed_s, message and the
        last progress report."""
        state = read_json(self.folder / "state.json")
        progress = read_json(self.folder / "progress.json")
        name = state.get("state", "starting")
        if self.terminated and name not in ENDED:
            name, state["message"] = "cancelled", "the worker was stopped"
        elif name not in ENDED and self.process is not None and not self.process.is_alive():
            name, state["message"] = "failed", f"the worker stopped unexpectedly (exit code {self.process.exitcode})"
        elapsed = state.get("elapsed_s") if name in ENDED else None
        return {"state": name, "elapsed_s": elapsed if elapsed is not None else time.monotonic() - self.started,
                "message": state.get("message", ""), "progress": progress}

    @property
    def done(self) -> bool:
        """The job has ended and its process has exited (the result file is complete)."""
        if self.status()["state"] not in ENDED:
            return False
        if self.process is not None and self.process.is_alive():
            self.process.join(timeout=5)  # the worker writes its state last; let it finish exiting
            if self.process.is_alive():
                return False
        return True

    def cancel(self) -> None:
        """Ask the solver to stop; `enforce_cancel` terminates the process if it does not."""
        (self.folder / "cancel").touch()
        if self.cancel_requested_at is None:
            self.cancel_requested_at = time.monotonic()

    def enforce_cancel(self) -> None:
        if self.cancel_requested_at is None or self.process is None or not self.process.is_alive():
            return
        if time.monotonic() - self.cancel_requested_at > CANCEL_GRACE_S:
            self.process.terminate()
            self.process.join(timeout=3)
            if self.process.is_alive():
                self.process.kill()
                self.process.join(timeout=3)
            self.terminated = True

    def result(self):
        """What the work returned (a PlanResult, FrontierResult, ...), or None when it returned nothing."""
        path = self.folder / "result.pkl"
        if not path.exists():
            return None
        with path.open("rb") as fh:
            return pickle.load(fh)  # our own worker's output

    def cleanup(self) -> None:
        if self.process is not None and self.process.is_alive():
            return
        shutil.rmtree(self.folder, ignore_errors=True)

    def ended(self) -> tuple[dict, object] | None:
        """None while the job runs (a cancel not honoured within CANCEL_GRACE_S is enforced first);
        once it has ended, (its status, its result or None), and its folder is removed."""
        self.enforce_cancel()
        if not self.done:
            return None
        status, result = self.status(), self.result()
        self.cleanup()
        return status, result


def start_job(kind: str, raw, options: dict, *, own_group: bool = False, **inputs) -> Job:
    """Start a solve ('solve') or budget frontier ('frontier') of `raw`, a re-solve ('resolve') of
    several runs (`raw`: a list of (RawScenario, run options, earlier PlanResult)), or an analysis
    (ui/analysis_jobs.py), in a worker process: forked by the warm server, or with `own_group` a
    fresh interpreter in a process group of its own. `inputs`: more for the work (a sweep's plan)."""
    folder = Path(tempfile.mkdtemp(prefix=f"optimiser-{kind}-"))
    with (folder / "input.pkl").open("wb") as fh:
        pickle.dump({"kind": kind, "raw": raw, "options": options, **inputs}, fh)
    job = Job(kind=kind, folder=folder, options=options)
    if os.environ.get(INLINE_ENV) == "1":
        run_job(folder)
        return job
    job.process = SpawnedJob(folder, own_group=True) if own_group else SERVER.start(folder)
    return job


if __name__ == "__main__":  # as ui.worker, not __main__: the work raises ui.worker's Cancelled
    from ui.worker import run_job as run_job_in_package

    run_job_in_package(Path(sys.argv[1]))
