"""optimiser.compare: scenario differences and plans side by side, checked against hand-made cases."""

from __future__ import annotations

import copy

import pandas as pd
import pytest
from scenarios import raw_from

from optimiser import PlanRun, compare_runs, scenario_diff
from optimiser.scenario.io import RawScenario

pytestmark = pytest.mark.unit

CONFIG = {"name": "X", "start_year": 2024, "horizon_years": 14, "solver": {"time_limit_s": 60}}


def budget(*rows: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame([{"year": y, "budget_gbp": g, "notes": ""} for y, g in rows], dtype=str)


def scenario(**tables: pd.DataFrame) -> RawScenario:
    return RawScenario(source="<test>", form="folder", config=copy.deepcopy(CONFIG),
                                    tables=dict(tables))


def diff_rows(old, new) -> list[list[str]]:
    return scenario_diff(old, new).values.tolist()


# ---------------------------------------------------------------------------------------------
# scenario_diff


def test_inserted_row_is_one_difference_and_later_rows_are_matched_by_key():
    old = scenario(budget=budget(("2024", "10100000"), ("2025", "14200000"), ("2026", "9000000")))
    # a 2030 row inserted at the top shifts every other row down one place
    new = scenario(budget=budget(("2030", "21000000"), ("2024", "10100000"), ("2025", "15000000"),
                                 ("2026", "9000000")))
    new.config["horizon_years"] = 10
    assert diff_rows(old, new) == [
        ["scenario settings", "horizon_years", "value", "14", "10", "changed"],
        ["budget", "year=2030", "", "", "year=2030, budget_gbp=21000000", "added row"],
        ["budget", "year=2025", "budget_gbp", "14200000", "15000000", "changed"],
    ]


def test_numbers_equal_as_numbers_are_not_differences_but_other_text_is():
    old = scenario(budget=budget(("2024", "1"), ("2025", "2.50"), ("2026", "x")))
    new = scenario(budget=budget(("2024", "1.0"), ("2025", "2.5"), ("2026", "X")))
    new.config["solver"]["time_limit_s"] = 60.0
    assert diff_rows(old, new) == [["budget", "year=2026", "budget_gbp", "x", "X", "changed"]]


def test_repeated_keys_are_numbered_so_no_row_is_lost():
    old = scenario(budget=budget(("2024", "1"), ("2024", "2"), ("2025", "3")))
    new = scenario(budget=budget(("2024", "1"), ("2024", "7"), ("2024", "8")))
    assert diff_rows(old, new) == [
        ["budget", "year=2024 #2", "budget_gbp", "2", "7", "changed"],
        ["budget", "year=2024 #3", "", "", "year=2024, budget_gbp=8", "added row"],
        ["budget", "year=2025", "", "year=2025, budget_gbp=3", "", "removed row"],
    ]


def test_multi_column_keys_blank_key_cells_notes_and_table_order():
    old = raw_from({"baseline_starts": [dict(provider="", region="a", route="intl", year=2024, starts=5)],
                    "regions": [dict(region="a", name="Region A")]}, CONFIG)
    new = raw_from({"baseline_starts": [dict(provider="", region="a", route="intl", year=2024, starts=6)],
                    "regions": [dict(region="a", name="Region A"), dict(region="b", name="Region B", notes="new ICB")]},
                   {**CONFIG, "solver": {"time_limit_s": 30}})
    # settings first, then regions before baseline_starts (the data dictionary's order, not the dict's)
    assert diff_rows(old, new) == [
        ["scenario settings", "solver.time_limit_s", "value", "60", "30", "changed"],
        ["regions", "region=b", "", "", "region=b, name=Region B", "added row"],
        ["baseline_starts", "provider=(all), region=a, route=intl, year=2024", "starts", "5", "6", "changed"],
    ]


def test_a_table_only_in_one_scenario_is_all_added_or_all_removed():
    with_budget = scenario(budget=budget(("2024", "5")))
    without = scenario()
    assert diff_rows(without, with_budget) == [["budget", "year=2024", "", "", "year=2024, budget_gbp=5", "added row"]]
    assert diff_rows(with_budget, without) == [["budget", "year=2024", "", "year=2024, budget_gbp=5", "", "removed row"]]


def test_identical_scenarios_have_an_empty_diff_with_its_columns():
    d = scenario_diff(scenario(budget=budget(("2024", "5"))), scenario(budget=budget(("2024", "5"))))
    assert d.empty and list(d.columns) == ["table", "row_key", "column", "old", "new", "change"]


# ---------------------------------------------------------------------------------------------
# compare_runs: two (and three) tiny plans whose differences are worked out by hand

A = PlanRun(
    {"status": "optimal", "weighted_shortfall": 100.0, "total_cost_gbp": 2e6, "mip_gap": 0.01,
     "budget_scale": 1.0, "objective_name": "min_shortfall"},
    {"projection": pd.DataFrame({"year": [2024, 2024, 2025, 2025, 2026, 2026],
                                 "staff_group": ["rad", "son"] * 3,
                                 "shortfall_wte": [50.0, 9.0, 30.0, 4.0, 20.0, 1.0]}),
     "starts": pd.DataFrame({"route": ["ug", "ug", "pg"], "region": ["a", "b", "a"], "starts": [10, 6, 5]}),
     "international": pd.DataFrame({"region": ["a", "a"], "year": [2024, 2025], "recruits": [3, 4]}),
     "costs": pd.DataFrame({"category": ["training", "training", "international"], "gbp": [1e6, 5e5, 5e5]})})
B = PlanRun(
    {"status": "optimal", "weighted_shortfall": 80.5, "total_cost_gbp": 3.5e6, "mip_gap": None,
     "budget_scale": 1.5, "objective_name": "min_shortfall"},
    {"projection": pd.DataFrame({"year": [2024, 2025, 2026], "staff_group": ["rad"] * 3,
                                 "shortfall_wte": [50.0, 25.0, 10.0]}),
     "starts": pd.DataFrame({"route": ["ug", "app"], "region": ["b", "c"], "starts": [12, 4]}),
     "international": pd.DataFrame(columns=["region", "year", "recruits"]),
     "costs": pd.DataFrame({"category": ["training"], "gbp": [3.5e6]})})


def records(df: pd.DataFrame, key: str) -> dict:
    return {k: [float(x) for x in v] for k, v in df.set_index(key).iterrows()}


def test_headline_has_each_plan_and_the_numeric_difference_from_the_first():
    head = compare_runs([A, B], ["base", "more money"]).headline.set_index("measure")
    assert list(head.columns) == ["unit", "base", "more money", "more money − base"]
    assert head.loc["weighted shortfall", "more money − base"] == pytest.approx(-19.5)
    assert head.loc["total cost", "more money − base"] == pytest.approx(1.5e6)
    assert head.loc["total cost", "unit"] == "GBP"
    assert head.loc["budget scale", "more money − base"] == pytest.approx(0.5)
    # text, a missing figure, or a figure missing in one plan: shown, with no difference
    assert head.loc["solver status", "more money"] == "optimal"
    assert pd.isna(head.loc["solver status", "more money − base"])
    assert pd.isna(head.loc["MIP gap", "more money − base"])
    assert head.loc["status quo weighted shortfall", ["base", "more money"]].isna().all()


def test_side_by_side_tables_by_hand():
    c = compare_runs([A, B])
    assert c.labels == ("P1", "P2")
    # shortfall over the measured years 2025-2026: A rad 30+20, son 4+1; B rad 25+10, son absent
    assert list(c.shortfall_by_group.columns) == ["staff_group", "P1", "P2", "P2 − P1"]
    assert records(c.shortfall_by_group, "staff_group") == {"rad": [50, 35, -15], "son": [5, 0, -5]}
    assert records(c.starts_by_route, "route") == {"app": [0, 4, 4], "pg": [5, 0, -5], "ug": [16, 12, -4]}
    assert records(c.starts_by_region, "placement region") == {"a": [15, 0, -15], "b": [6, 12, 6], "c": [0, 4, 4]}
    assert records(c.recruits_by_region, "region") == {"a": [7, 0, -7]}
    assert records(c.cost_by_category, "cost category (GBP)") == {
        "international": [5e5, 0, -5e5], "training": [1.5e6, 3.5e6, 2e6]}


def test_final_year_shortfall_counts_only_the_last_year():
    c = compare_runs([A, B], final_year_only=True)
    assert records(c.shortfall_by_group, "staff_group") == {"rad": [20, 10, -10], "son": [1, 0, -1]}


def test_each_later_plan_is_compared_with_the_first():
    c = compare_runs([A, B, A], ["A", "B", "A again"])
    assert list(c.starts_by_route.columns) == ["route", "A", "B", "A again", "B − A", "A again − A"]
    assert records(c.starts_by_route, "route")["ug"] == [16, 12, 16, -4, 0]


def test_input_differences_name_the_plan_and_skip_plans_without_a_scenario():
    old = scenario(budget=budget(("2024", "10100000")))
    new = scenario(budget=budget(("2024", "12100000")))
    runs = [PlanRun(A.summary, A.tables, old), PlanRun(B.summary, B.tables, new),
            PlanRun(B.summary, B.tables, None), PlanRun(B.summary, B.tables, old)]
    d = compare_runs(runs).input_differences
    assert d.values.tolist() == [["P2", "budget", "year=2024", "budget_gbp", "10100000", "12100000", "changed"]]
    # no scenario for the first plan: nothing to compare against
    none = compare_runs([A, runs[1]]).input_differences
    assert none.empty and list(none.columns) == ["plan", "table", "row_key", "column", "old", "new", "change"]


def test_missing_or_empty_result_tables_count_as_nothing():
    c = compare_runs([PlanRun({}), B])
    assert records(c.starts_by_route, "route") == {"app": [0, 4, 4], "ug": [0, 12, 12]}
    assert records(c.recruits_by_region, "region") == {}
    assert c.headline["P1"].isna().all()


@pytest.mark.parametrize(("runs", "labels"), [([A], None), ([A, B], ["x"]), ([A, B], ["x", "x"])])
def test_fewer_than_two_plans_or_labels_not_one_per_plan_are_refused(runs, labels):
    with pytest.raises(ValueError, match="compare_runs needs"):
        compare_runs(runs, labels)
