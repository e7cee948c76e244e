"""The real worker process: a solve comes back through the job folder, cancel really stops it, and
every job is forked from one warm server that imported the engine once."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import time
from pathlib import Path

import pytest

from optimiser import DEFAULT_SCENARIO_DIR, load_raw
from ui.worker import Job, run_job, start_job, warm_up

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "example"

pytestmark = pytest.mark.ui


def _wait(job, seconds: float, cancel_after: float | None = None) -> list[dict]:
    seen, t0 = [], time.monotonic()
    while not job.done:
        status = job.status()
        seen.append(status)
        if cancel_after is not None and status["progress"].get("phase") == "optimising" \
                and time.monotonic() - t0 > cancel_after:
            job.cancel()
        job.enforce_cancel()
        assert time.monotonic() - t0 < seconds, f"the job did not end within {seconds} s: {status}"
        time.sleep(0.25)
    return seen


def test_solve_in_a_worker_process_reports_progress_and_returns_the_plan(monkeypatch):
    monkeypatch.delenv("OPTIMISER_UI_INLINE_WORKER", raising=False)
    # the default's shipped gap (3%): about 25 s of HiGHS on the v2 default, where 2% takes 90-120 s
    job = start_job("solve", load_raw(DEFAULT_SCENARIO_DIR), {"gap": 0.03, "time_limit": 120})
    assert job.process is not None
    seen = _wait(job, 240)
    assert job.process.pid > 0 and job.process.exitcode == 0
    phases = {s["progress"].get("phase") for s in seen}
    assert "optimising" in phases
    assert job.status()["state"] == "finished"
    plan = job.result()
    assert plan.status == "optimal" and plan.mip_gap <= 0.03
    assert plan.weighted_shortfall < plan.status_quo.weighted_shortfall
    job.cleanup()
    assert not job.folder.exists()


def test_cancel_stops_a_long_solve_within_seconds(monkeypatch):
    monkeypatch.delenv("OPTIMISER_UI_INLINE_WORKER", raising=False)
    # a gap of 0 makes HiGHS prove optimality: far longer than the test waits
    job = start_job("solve", load_raw(DEFAULT_SCENARIO_DIR), {"gap": 0.0, "time_limit": 600})
    _wait(job, 90, cancel_after=1.0)
    ended = time.monotonic()
    assert job.status()["state"] == "cancelled"
    assert not job.process.is_alive()  # the process is gone
    assert job.cancel_requested_at is not None and ended - job.cancel_requested_at < 15
    job.cleanup()


def test_a_scenario_with_errors_fails_with_a_plain_message(monkeypatch):
    monkeypatch.setenv("OPTIMISER_UI_INLINE_WORKER", "1")
    raw = load_raw(DEFAULT_SCENARIO_DIR)
    raw.tables["budget"].loc[0, "budget_gbp"] = "-1"
    job = start_job("solve", raw, {})
    status = job.status()
    assert status["state"] == "failed"
    assert status["message"] == "the scenario has 1 validation error(s); fix them on the Constraints page"
    assert job.result() is None
    job.cleanup()


def test_a_cancel_before_the_solver_starts_ends_the_job_without_a_plan(tmp_path):
    with (tmp_path / "input.pkl").open("wb") as fh:
        pickle.dump({"kind": "solve", "raw": load_raw(DEFAULT_SCENARIO_DIR), "options": {}}, fh)
    (tmp_path / "cancel").touch()  # the planner pressed Cancel while the job was starting
    run_job(tmp_path)
    status = Job(kind="solve", folder=tmp_path, options={}).status()
    assert status["state"] == "cancelled" and status["message"] == "cancelled before the solver started"
    assert status["progress"] == {} and not (tmp_path / "result.pkl").exists()


def test_jobs_are_forked_from_one_warm_server_that_imported_the_engine_once(monkeypatch):
    monkeypatch.delenv("OPTIMISER_UI_INLINE_WORKER", raising=False)
    warm_up()
    seen = []
    for _ in range(2):
        job = start_job("solve", load_raw(EXAMPLE), {"time_limit": 60})
        _wait(job, 120)
        assert job.status()["state"] == "finished" and job.result().feasible
        seen.append(json.loads((job.folder / "state.json").read_text()) | {"pid": job.process.pid})
        job.cleanup()
    first, second = seen
    # two processes of their own (a cancel ends one job only) with one parent: the warm server,
    # not this process, which started once and is reused
    assert first["pid"] != second["pid"]
    assert first["server_pid"] == second["server_pid"] != os.getpid()
    assert first["engine_preloaded"] and second["engine_preloaded"]  # the job imported nothing heavy


def test_a_re_solve_tightens_each_plan_from_its_earlier_one(monkeypatch):
    import optimiser

    monkeypatch.setenv("OPTIMISER_UI_INLINE_WORKER", "1")
    raw = load_raw(EXAMPLE)
    options = {"objective": "min_shortfall", "budget_scale": 1.0}
    earlier = optimiser.solve(optimiser.scenario_from_raw(raw), gap=0.5, time_limit=60)
    assert earlier.column_values is not None
    job = start_job("resolve", [(raw, options, earlier), (raw, {**options, "budget_scale": 1.2}, None)],
                    {"gap": 1e-6, "time_limit": 60})
    assert job.status()["state"] == "finished"
    tight, more_money = job.result()
    assert tight.mip_gap <= 1e-6 and tight.objective <= earlier.objective + 1e-6
    assert tight.budget_scale == 1.0 and more_money.budget_scale == 1.2  # each with its own run options
    assert more_money.weighted_shortfall <= tight.weighted_shortfall + 1e-6
    job.cleanup()


UNCERTAINTY = "parameter,scope,distribution,arguments\nleaver_rate,*,lognormal,sigma=0.12\n"


def _group(pgid: int) -> list[int]:
    """The processes in process group `pgid` (Linux: read from /proc)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            members.append(int(stat.parent.name))
    return members


def test_an_analysis_job_cancelled_at_its_first_step_ends_cancelled_in_its_own_process(monkeypatch):
    from ui.analysis_jobs import start_analysis

    monkeypatch.delenv("OPTIMISER_UI_INLINE_WORKER", raising=False)
    job = start_analysis("robust", load_raw(EXAMPLE), {"samples": 2, "risk": "mean", "seed": 0, "out_of_sample": 0})
    job.cancel()  # before the fresh interpreter has reached the work's first step
    _wait(job, 60)
    status = job.status()
    # the work's own Cancelled, as the worker catches it (a process run as __main__ would see
    # another class and report a failure)
    assert status["state"] == "cancelled" and status["message"] == "cancelled", status
    assert job.process.exitcode == 0 and job.result() is None
    job.cleanup()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process groups from /proc")
def test_cancel_stops_a_sweep_and_its_process_pool(monkeypatch, tmp_path):
    from ui.analysis_jobs import start_analysis

    monkeypatch.delenv("OPTIMISER_UI_INLINE_WORKER", raising=False)
    folder = tmp_path / "uncertain"
    shutil.copytree(EXAMPLE, folder)
    (folder / "uncertainty.csv").write_text(UNCERTAINTY)
    job = start_analysis("sweep", load_raw(folder), {"plan": "status_quo", "samples": 2000, "seed": 0, "workers": 2})
    pgid = job.process.pid
    assert os.getpgid(pgid) == pgid  # a process group of its own
    t0 = time.monotonic()
    while len(_group(pgid)) < 3:  # the job and its two pool workers
        assert job.status()["state"] in ("starting", "running") and time.monotonic() - t0 < 120, job.status()
        time.sleep(0.25)
    job.cancel()
    _wait(job, 60)
    assert job.status()["state"] == "cancelled"
    t0 = time.monotonic()
    while _group(pgid) and time.monotonic() - t0 < 10:  # the pool's workers go with their group
        time.sleep(0.25)
    assert _group(pgid) == []
    job.cleanup()
