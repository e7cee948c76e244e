"""The robust plan's search methods (optimiser/solver/decomposition.py) against the extensive form
as one MIP: the same objective within the gap, on the hand-checked newsvendor and on the worked
example v2 with sampled futures; the value of the stochastic solution never below minus the gap."""

import shutil

import pytest
from test_robust import _by_plan, _tiny

import optimiser
from optimiser.analysis.robust import solve_robust

pytestmark = pytest.mark.integration

UNCERTAINTY = ("parameter,scope,distribution,arguments\n"
               "leaver_rate,*,lognormal,sigma=0.15\n"
               "demand_growth,*,normal,sd=0.01\n"
               "completion_rate,*,triangular,low=-0.08;mode=0;high=0.03;draw=each\n")


@pytest.mark.parametrize("method", ["bounded", "decomposition"])
@pytest.mark.parametrize("risk, objective, starts", [("mean", 5.0, 0), ("cvar:0.5", 6.0, 10)])
def test_newsvendor_by_each_method(method, risk, objective, starts):
    """test_robust.test_hand_checked_newsvendor's answers: mean 0 starts (5), CVaR at 0.5 10 starts (6)."""
    base, futures = _tiny(105), [_tiny(100), _tiny(110)]
    r = solve_robust(base, 2, risk, futures=futures, method=method, wait_and_see=False, gap=1e-6)
    assert r.summary["method"] == method
    assert r.summary["objective"] == pytest.approx(objective, rel=1e-6)
    assert r.plan.starts["starts"].sum() == starts
    assert r.summary["bound"] <= r.summary["objective"] + 1e-6
    # the reported objective is the plan's, evaluated future by future (robust.csv)
    assert r.summary["in_sample_objective"] == pytest.approx(objective, rel=1e-6)


@pytest.fixture
def example_v2_uncertain(tmp_path, example_v2_dir):
    path = tmp_path / "example_v2"
    shutil.copytree(example_v2_dir, path)
    (path / "uncertainty.csv").write_text(UNCERTAINTY, encoding="utf-8")
    return optimiser.load_scenario(path)


@pytest.mark.parametrize("method", ["bounded", "decomposition"])
def test_example_v2_matches_the_extensive_form_within_the_gap(example_v2_uncertain, method):
    gap = 0.01
    ext = solve_robust(example_v2_uncertain, 3, seed=2, gap=gap, wait_and_see=False, method="extensive")
    got = solve_robust(example_v2_uncertain, 3, seed=2, gap=gap, wait_and_see=False, method=method)
    assert got.summary["method"].startswith(method)
    a, b = got.summary["objective"], ext.summary["objective"]
    assert abs(a - b) <= gap * max(abs(a), abs(b)) + 1e-6
    # the reported objective is the plan evaluated exactly in each future, and the bound is below it
    assert a == pytest.approx(_by_plan(got)["robust"], rel=1e-6)
    assert got.summary["in_sample_objective"] == pytest.approx(a, rel=1e-6)
    assert got.summary["bound"] <= a * (1 + 1e-9)
    assert got.summary["mip_gap"] <= gap + 1e-9
    assert got.vss >= -gap * abs(a)
