"""Robust plans (optimiser solve --robust): the extensive form of sampled futures with one first stage."""

import json

import numpy as np
import pytest
from scenarios import make, route

import optimiser
from optimiser.analysis.robust import parse_risk, solve_robust
from optimiser.analysis.robust_measures import cvar
from optimiser.cli.main import main

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("fixture", ["example_dir", "example_v2_dir"])
def test_one_future_equal_to_the_base_gives_the_deterministic_optimum(request, fixture):
    sc = optimiser.load_scenario(request.getfixturevalue(fixture))
    r = solve_robust(sc, 1, futures=[sc], gap=1e-7, wait_and_see=False)
    assert r.summary["objective"] == pytest.approx(r.deterministic.objective, rel=1e-6)
    assert r.plan.weighted_shortfall == pytest.approx(r.deterministic.weighted_shortfall, rel=1e-6)
    assert r.summary["value_of_stochastic_solution"] == pytest.approx(0.0, abs=1e-5 * abs(r.deterministic.objective))


def _by_plan(r, column="objective"):
    t = r.futures[r.futures["set"] == "in_sample"]
    return t.groupby("plan")[column].mean()


def test_in_sample_the_robust_plan_is_never_worse_than_the_deterministic_first_stage(example_with_uncertainty):
    sc = optimiser.load_scenario(example_with_uncertainty)
    r = solve_robust(sc, 4, seed=3, gap=1e-6)
    means = _by_plan(r)
    assert means["robust"] <= means["deterministic"] + 1e-6 * abs(means["deterministic"])
    # the extensive form's objective is the mean of the robust plan's evaluations, future by future
    assert r.summary["objective"] == pytest.approx(means["robust"], rel=1e-6)
    assert r.vss >= -1e-6 * abs(means["deterministic"])
    assert r.evpi >= -1e-6 * abs(means["robust"])  # every future solved to 1e-6 on its own
    assert set(r.futures["plan"]) == {"robust", "deterministic", "wait_and_see"}


def test_cvar_is_at_least_the_mean(example_with_uncertainty):
    sc = optimiser.load_scenario(example_with_uncertainty)
    mean = solve_robust(sc, 4, "mean", seed=5, gap=1e-6, wait_and_see=False)
    tail = solve_robust(sc, 4, "cvar:0.75", seed=5, gap=1e-6, wait_and_see=False)
    assert tail.summary["objective"] >= mean.summary["objective"] - 1e-6 * abs(mean.summary["objective"])
    for bands in (mean.bands, tail.bands):
        assert (bands["cvar"] >= bands["mean"] - 1e-9).all()
    # the CVaR plan's own worst future is no worse than the mean plan's (it minimises the worst 25%: 1 of 4)
    worst = {name: r.futures[(r.futures["plan"] == "robust")]["objective"].max() for name, r in
             (("mean", mean), ("cvar", tail))}
    assert worst["cvar"] <= worst["mean"] + 1e-6 * worst["mean"]


def _tiny(establishment: float):
    """One region, in post 100, flat demand `establishment`, a one-year route completing every learner
    (a start in 2025 is one WTE in 2026, the one measured year), up to 10 starts at GBP 1 each, and
    a cost weight of 0.6 per GBP: a start is worth buying only where it closes a WTE of gap with
    probability above 0.6."""
    return make({"routes": [route(cost_per_start=1)],
                 "workforce": [dict(region="a", staff_group="rad", in_post_wte=100, establishment_wte=establishment)]},
                horizon_years=1, cost_weight=0.6)


def test_hand_checked_newsvendor():
    """Base demand 105; futures 100 and 110, equally likely. Deterministic: 5 starts (objective 3).
    Mean: a start closes a WTE only in the 110 future (probability 0.5 < 0.6): 0 starts, objective
    0.5 * 10 = 5. The deterministic first stage in the futures: 0.5 * (0 + 3) + 0.5 * (5 + 3) = 5.5, so
    VSS = 0.5. Wait and see: 0 starts at 100 (0), 10 at 110 (6): mean 3, EVPI = 5 - 3 = 2.
    CVaR at 0.5 (the worse future alone): 10 starts, objective 0 + 6 = 6 >= 5."""
    base, futures = _tiny(105), [_tiny(100), _tiny(110)]
    r = solve_robust(base, 2, futures=futures)
    assert r.deterministic.starts["starts"].sum() == 5
    assert r.plan.starts["starts"].sum() == 0
    assert r.summary["objective"] == pytest.approx(5.0)
    assert r.vss == pytest.approx(0.5)
    assert r.evpi == pytest.approx(2.0)
    assert r.summary["expected_value_of_perfect_information_bound"] == pytest.approx(2.0, abs=1e-6)
    means = _by_plan(r, "weighted_shortfall")
    assert means["robust"] == pytest.approx(5.0) and means["deterministic"] == pytest.approx(2.5)
    tail = solve_robust(base, 2, "cvar:0.5", futures=futures, wait_and_see=False)
    assert tail.plan.starts["starts"].sum() == 10
    assert tail.summary["objective"] == pytest.approx(6.0)


def test_cvar_of_equally_likely_losses():
    assert cvar([1, 2, 3, 10], 0.75) == pytest.approx(10.0)  # the worst quarter
    assert cvar([1, 2, 3, 10], 0.5) == pytest.approx(6.5)  # the worst half
    assert cvar([1, 2, 3, 10], 0.0) == pytest.approx(4.0)  # the mean
    assert parse_risk("cvar:0.9").alpha == 0.9
    with pytest.raises(ValueError):
        parse_risk("cvar:1")


def test_cli_writes_the_plan_with_robust_files(capsys, example_with_uncertainty, tmp_path):
    out = tmp_path / "robust"
    code = main(["solve", "--scenario", str(example_with_uncertainty), "--robust", "--samples", "2",
                 "--out-of-sample", "3", "--out", str(out)])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert "Value of the stochastic solution" in printed.out
    assert "by bounded" in printed.out and "the plan evaluated in each future" in printed.out
    assert (out / "starts.csv").is_file() and (out / "summary.json").is_file()
    summary = json.loads((out / "robust_summary.json").read_text())
    assert summary["samples"] == 2 and summary["out_of_sample_seed"] == 1
    sets = {(b["set"], b["plan"]) for b in summary["bands"]}
    assert ("out_of_sample", "robust") in sets and ("out_of_sample", "deterministic") in sets
    # out of sample = the sweep of the written plan folder with seed + 1
    sweep = optimiser.sweep(optimiser.load_scenario(example_with_uncertainty), 3, plan=out, seed=1, workers=1)
    robust_rows = [b for b in summary["bands"] if b["set"] == "out_of_sample" and b["plan"] == "robust"][0]
    ws = sweep.totals[(sweep.totals["measure"] == "weighted_shortfall")]["mean"].iloc[0]
    assert robust_rows["mean"] == pytest.approx(ws, rel=1e-6)
    assert main(["solve", "--scenario", str(example_with_uncertainty), "--robust"]) == 2
    assert main(["solve", "--scenario", str(example_with_uncertainty), "--robust", "--samples", "2",
                 "--risk", "cvar:2"]) == 2


def test_a_solve_that_finds_nothing_keeps_the_warm_start():
    from optimiser.analysis.robust import Risk, extensive_form, first_stage_values
    from optimiser.analysis.robust_search import _kept_warm_start, warm_start
    from optimiser.basics.status import Status
    from optimiser.pipeline import api
    from optimiser.solver.outcome import SolveOutcome

    base = api.build_plan(_tiny(105), "min_shortfall")
    builts = [api.build_plan(_tiny(d), "min_shortfall") for d in (100, 110)]
    ext = extensive_form(base, builts, Risk("mean"))
    five = {k: 5.0 for k in first_stage_values(base, np.zeros(base.compiled.n_cols))}  # 5 starts, the deterministic plan
    start = warm_start(ext, five, 30)
    nothing = SolveOutcome(Status.TIME_LIMIT, "time limit reached", None, None, 4.0, 1.0, None)
    kept = _kept_warm_start(ext, nothing, start)
    assert kept.holds_plan and kept.objective == pytest.approx(5.5)  # 0.5 * (0 + 3) + 0.5 * (5 + 3)
    assert kept.mip_gap == pytest.approx((5.5 - 4.0) / 5.5)
