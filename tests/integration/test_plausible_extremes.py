"""The largest numbers the data dictionary allows still reach the solver soundly (issue 16,
class 3): 1e12 WTE used to end as "HiGHS stopped with status Solve error"; now validation refuses
it, and the default scenario with every budget, unit cost and workforce at its bound (budgets
GBP 1e12, unit costs GBP 1e7, 1,000,000 WTE a row) solves to a plan."""

from __future__ import annotations

import pytest

import optimiser
from optimiser.scenario.dictionary import setting_spec, table_specs

pytestmark = pytest.mark.integration


def at_the_bounds():
    raw = optimiser.load_raw(optimiser.DEFAULT_SCENARIO_DIR)
    t = raw.tables
    for table, column in (("budget", "budget_gbp"), ("routes", "cost_per_learner_year"), ("routes", "cost_per_start"),
                          ("workforce", "in_post_wte"), ("workforce", "establishment_wte")):
        t[table][column] = f"{table_specs()[table].column(column).max:.0f}"
    raw.config["educator_cost_per_wte"] = setting_spec("educator_cost_per_wte").max
    return raw


def test_a_scenario_at_the_dictionarys_bounds_solves_to_a_plan():
    scenario = optimiser.scenario_from_raw(at_the_bounds())
    plan = optimiser.solve(scenario, time_limit=60)
    assert plan.feasible, plan.message
    assert plan.total_cost_gbp > 0


def test_a_thousand_times_more_is_refused_before_the_solver():
    raw = at_the_bounds()
    raw.tables["workforce"]["in_post_wte"] = "1e12"
    with pytest.raises(optimiser.ScenarioError, match="more than any scenario needs"):
        optimiser.scenario_from_raw(raw)
