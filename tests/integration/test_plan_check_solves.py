"""The independent plan check on real solves: every plan's largest violation is in summary.json, and
a plan the solver marks optimal but which breaks a row is a solver error naming the row, never a
plan (the corruption is injected between HiGHS and the check). The written plan of the default and
of the v2 example keeps every cap when re-checked from its files alone (tests/plan_files.py)."""

import json

import numpy as np
import pandas as pd
import pytest
from plan_files import cap_breaches

import optimiser
from optimiser.cli.main import main
from optimiser.pipeline import api
from optimiser.solver.check import RELATIVE_TOLERANCE

pytestmark = pytest.mark.integration


def _close_an_open_cohort(compiled, values: np.ndarray) -> np.ndarray:
    """The plan with one cohort that has starts marked closed: its provider starts cap row
    (sum_r starts <= max_starts * cohort_open) is then broken by its starts, and nothing else is."""
    by_row = compiled.matrix.tocsr()
    activity = compiled.activity(values)
    for _name, _key, i in compiled.rows_of(["cohort_max"]):
        span = slice(by_row.indptr[i], by_row.indptr[i + 1])
        terms = list(zip(by_row.indices[span], by_row.data[span], strict=True))
        gates = [j for j, a in terms if a < 0 and compiled.binary[j]]
        starts = sum(values[j] * a for j, a in terms if a > 0)
        if gates and starts >= 1 and activity[i] <= compiled.row_upper[i]:
            corrupted = values.copy()
            corrupted[gates] = 0.0
            return corrupted
    raise AssertionError("no open cohort with starts to close")


@pytest.fixture
def corrupting_solver(monkeypatch):
    """HiGHS's plan for the built plan model, corrupted before the pipeline sees it, still 'optimal'."""
    real = api.run

    def run(compiled, *args, **kwargs):
        outcome = real(compiled, *args, **kwargs)
        if compiled.rows_of(["cohort_max"]) and outcome.values is not None:
            outcome.values = _close_an_open_cohort(compiled, outcome.values)
            outcome.objective = compiled.objective_of(outcome.values)  # a consistent objective: only the row is wrong
        return outcome

    monkeypatch.setattr(api, "run", run)


def test_every_plan_reports_its_largest_violation_and_passes(example_dir):
    plan = optimiser.solve(optimiser.load_scenario(example_dir), with_status_quo=False)
    facts = plan.summary_dict()
    assert plan.status == "optimal" and facts["plan_check_passed"] is True
    assert 0 <= facts["plan_check_largest_relative_row_violation"] <= RELATIVE_TOLERANCE
    assert facts["plan_check_objective_recomputed"] == pytest.approx(plan.objective, rel=1e-9)
    assert facts["plan_check_rows"] == plan.size["n_cons"]


def test_a_corrupted_optimal_plan_is_a_solver_error_naming_the_broken_row(example_dir, corrupting_solver):
    plan = optimiser.solve(optimiser.load_scenario(example_dir), with_status_quo=False)
    assert plan.status == optimiser.Status.ERROR and not plan.feasible
    assert plan.objective is None and plan.weighted_shortfall is None
    assert "breaks provider starts cap, " in plan.message
    assert plan.plan_check["plan_check_passed"] is False
    assert plan.plan_check["plan_check_worst_row"].startswith("provider starts cap, ")
    assert plan.plan_check["plan_check_largest_row_violation"] >= 1  # at least one start over a closed cohort


def test_the_command_line_writes_nothing_for_a_corrupted_plan(example_dir, corrupting_solver, tmp_path, capsys):
    out = tmp_path / "plan"
    code = main(["solve", "--scenario", str(example_dir), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 1
    assert "the solver found no plan" in err and "provider starts cap" in err
    assert not out.exists()


def test_summary_json_carries_the_check(example_dir, tmp_path):
    out = tmp_path / "plan"
    assert main(["solve", "--scenario", str(example_dir), "--out", str(out)]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["plan_check_passed"] is True
    assert summary["plan_check_worst_row"] == "" or "," in summary["plan_check_worst_row"]


@pytest.mark.parametrize("scenario", [None, "example_v2"], ids=["west_midlands_default", "example_v2"])
def test_the_written_plan_keeps_every_cap_when_rechecked_from_its_files(scenario, example_v2_dir, tmp_path):
    path = example_v2_dir if scenario else None
    out = tmp_path / "plan"
    assert main(["solve", "--out", str(out)] + (["--scenario", str(path)] if path else [])) == 0
    assert cap_breaches(out, optimiser.load_scenario(path)) == []


def test_the_file_check_catches_a_plan_edited_past_its_caps(example_v2_dir, tmp_path):
    out = tmp_path / "plan"
    assert main(["solve", "--scenario", str(example_v2_dir), "--out", str(out)]) == 0
    scenario = optimiser.load_scenario(example_v2_dir)
    starts = pd.read_csv(out / "starts.csv")
    starts.loc[starts["year"].idxmax(), "starts"] += 500
    starts.to_csv(out / "starts.csv", index=False)
    costs = pd.read_csv(out / "costs.csv")
    costs.loc[costs["year"].idxmax(), "gbp"] += 1e9
    costs.to_csv(out / "costs.csv", index=False)
    recruits = pd.read_csv(out / "recruits.csv")
    pooled = recruits.index[(recruits["route"] == "international_radiologist") & (recruits["year"] >= 2026)][0]
    recruits.loc[pooled, "recruits"] += 500  # onboarding and the route's pool, in a decision year
    recruits.to_csv(out / "recruits.csv", index=False)
    found = cap_breaches(out, scenario)
    for cap in ("provider starts cap", "placement weeks", "budget", "international onboarding", "recruitment pool"):
        assert any(f.startswith(f"{cap}, ") for f in found), (cap, found)
