"""Re-solves and long solves: the budget frontier's warm path, progress reports and cancelling.

The frontier re-uses one model, seeds each point with the previous plan and skips a solve when a
bound shows that plan is already within the gap; these tests check that every point it reports
is as good as a cold solve of that budget, within the gap both were asked for.
"""

import gc
import shutil

import numpy as np
import pytest

import optimiser
from optimiser.basics.locations import V1_SCENARIO_DIR

pytestmark = pytest.mark.integration

GAP = 0.02


@pytest.fixture(scope="module")
def default():
    """The v1 default (kept as shipped): the budgets below are its figures, and it solves in about a
    second, so every re-solve here measures the frontier machinery rather than one hard model."""
    return optimiser.load_scenario(V1_SCENARIO_DIR)


@pytest.fixture(scope="module")
def default_frontier(default):
    return optimiser.frontier(default, [2.0, 0.75, 1.0, 1.5], gap=GAP)


def test_frontier_points_come_back_in_the_order_asked(default_frontier):
    assert list(default_frontier.frontier["budget_scale"]) == [2.0, 0.75, 1.0, 1.5]
    assert [p.budget_scale for p in default_frontier.plans] == [2.0, 0.75, 1.0, 1.5]


def test_more_budget_never_gives_a_worse_frontier_point(default_frontier):
    f = default_frontier.frontier.sort_values("budget_scale")
    assert (np.diff(f["weighted_shortfall"]) <= 1e-6).all()
    assert (f["mip_gap"] <= GAP + 1e-9).all() and (f["status"] == "optimal").all()


@pytest.mark.parametrize("scale", [0.75, 1.5])
def test_each_frontier_point_is_as_good_as_a_cold_solve_within_the_gap(default, default_frontier, scale):
    cold = optimiser.solve(default, budget_scale=scale, gap=GAP, with_status_quo=False)
    warm = dict(zip(default_frontier.frontier["budget_scale"], default_frontier.plans, strict=True))[scale]
    # both are within GAP of the true optimum, so neither can beat the other by more than that
    assert warm.objective <= cold.objective / (1 - GAP) + 1e-6
    assert cold.objective <= warm.objective / (1 - GAP) + 1e-6
    # the budget over the horizon: 2023-26 rows 4.9m + 10.1m + 14.2m + 18.4m, then the blank-year
    # row's 20.6m for each of 2027-2036, times the scale
    row = default_frontier.frontier.set_index("budget_scale").loc[scale]
    assert row["budget_gbp"] == pytest.approx((47.6e6 + 10 * 20.6e6) * scale)
    assert warm.total_cost_gbp <= row["budget_gbp"] + 1.0


def test_frontier_on_the_worked_example_matches_its_optima(example_dir):
    example = optimiser.load_scenario(example_dir)
    result = optimiser.frontier(example, [0.5, 1])
    # the worked example's optima at 0.75m and 1.5m, in the order asked, reproduced exactly
    assert list(result.frontier["weighted_shortfall"].round(3)) == [1137.392, 1007.496]
    # 1.5m a year over the six planned years 2025-2030, times the scale
    assert list(result.frontier["budget_gbp"]) == [4_500_000.0, 9_000_000.0]


def test_progress_reports_and_cancel_stop_the_solve(default):
    reports = []

    def cancel_at_once(report):
        reports.append(report)
        return True

    plan = optimiser.solve(default, gap=1e-6, time_limit=60, with_status_quo=False, progress=cancel_at_once)
    assert plan.status == "cancelled"
    assert reports and set(reports[0]) == {"elapsed_s", "incumbent", "bound", "gap", "nodes"}
    assert plan.timings["solve_seconds"] < 30


def test_a_plan_that_breaks_the_new_limits_is_not_used_as_a_start(default):
    built = optimiser.build_plan(default)
    plan = optimiser.solve_built(built, gap=GAP, shadow_prices=False)
    rows = [i for name in ("budget_yearly",) for con in getattr(built.compiled.model, name).values()
            for i in built.compiled.row_of[id(con)]]
    assert built.compiled.is_feasible(plan.column_values)
    built.compiled.set_bounds(rows=rows, row_upper=built.compiled.row_upper[rows] * 0.5)
    assert not built.compiled.is_feasible(plan.column_values)
    halved = optimiser.solve_built(built, gap=GAP, shadow_prices=False, start=plan)
    # the halved budgets over the horizon: (47.6m + 10 x 20.6m) / 2
    assert halved.status == "optimal" and halved.total_cost_gbp <= (47.6e6 + 10 * 20.6e6) / 2 + 1.0
    assert halved.weighted_shortfall > plan.weighted_shortfall


def test_progress_reports_only_plans_as_incumbents_and_only_valid_bounds(default):
    """The relaxation's solutions are not plans and the rounding search's bound is not a bound on
    the whole model: neither may reach the planner's progress bar."""
    reports = []
    plan = optimiser.solve(default, gap=0.005, time_limit=60, with_status_quo=False,
                           progress=lambda r: reports.append(r))
    assert plan.status == "optimal"
    tol = 1e-6 * abs(plan.objective)
    with_both = [r for r in reports if r["incumbent"] is not None and r["bound"] is not None]
    assert with_both
    for r in with_both:
        assert r["bound"] <= r["incumbent"] + tol  # a reported gap is never negative
    for r in reports:
        if r["incumbent"] is not None:
            assert r["incumbent"] >= plan.objective - tol  # the final plan is the best one reported
        if r["bound"] is not None:
            assert r["bound"] <= plan.objective + tol  # no valid bound exceeds a plan's objective


def test_a_released_plan_returns_its_model_to_the_garbage_collector(default):
    """build_plan freezes the model's objects (never rescanned while the plan is used); dropping the
    plan must unfreeze them, or a long-running process would never reclaim its models' cycles."""
    built = optimiser.build_plan(default)
    assert gc.get_freeze_count() > 10_000  # the default model is ~50k objects
    plan = optimiser.solve_built(built, gap=GAP, shadow_prices=False)
    assert plan.status == "optimal"
    del built, plan
    gc.collect()
    assert gc.get_freeze_count() == 0


def test_a_frontier_scales_the_budget_not_the_costs_already_committed(example_v2_dir):
    """The v2 worked example's frozen years commit costs to later budget rows (learners in training);
    the standard form moves them to the right-hand side. A frontier point at scale s must be the
    cold solve at budget_scale s: budget x s less those costs, not (budget less them) x s, which
    gave 954.3 at 0.5 where the budget allows 990.8 at best."""
    example = optimiser.load_scenario(example_v2_dir)
    scales = [0.5, 0.8, 1.5]
    warm = optimiser.frontier(example, scales, gap=1e-6)
    for scale, plan in zip(scales, warm.plans, strict=True):
        cold = optimiser.solve(example, budget_scale=scale, gap=1e-6, with_status_quo=False)
        assert plan.objective == pytest.approx(cold.objective, rel=1e-5), scale
        assert plan.weighted_shortfall == pytest.approx(cold.weighted_shortfall, rel=1e-5), scale
    assert warm.plans[0].weighted_shortfall == pytest.approx(990.813, abs=1e-3)


def test_a_frontier_scales_the_total_budget_not_the_costs_already_committed(example_v2_dir, tmp_path):
    """The same for the whole-horizon row: total_budget bounds 2026-2033, and the frozen 2025's
    learners cost money in 2026 on. GBP 7m binds (the plan as shipped spends about 7.5m there)."""
    folder = tmp_path / "example_v2_total"
    shutil.copytree(example_v2_dir, folder)
    toml = folder / "scenario.toml"
    toml.write_text(toml.read_text().replace("\n[solver]", "total_budget = 7000000\n\n[solver]"))
    example = optimiser.load_scenario(folder)
    assert example.config.total_budget == 7_000_000
    scales = [0.8, 1.2]
    warm = optimiser.frontier(example, scales, gap=1e-6)
    for scale, plan in zip(scales, warm.plans, strict=True):
        cold = optimiser.solve(example, budget_scale=scale, gap=1e-6, with_status_quo=False)
        assert plan.objective == pytest.approx(cold.objective, rel=1e-5), scale
    total = warm.plans[0].binding.query("constraint == 'budget_total'").iloc[0]
    assert total["limit"] == pytest.approx(0.8 * 7_000_000)  # as written, times the scale
