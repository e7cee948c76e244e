"""A plan records where its inputs came from (optimiser.with_provenance): name, parent, edits, hash."""

from __future__ import annotations

import pandas as pd
import pytest

from optimiser import PlanResult, with_provenance

pytestmark = pytest.mark.unit


def _plan(assumptions: pd.DataFrame) -> PlanResult:
    return PlanResult(scenario_name="West Midlands Imaging Network (default)", objective_name="min_shortfall",
                      status="optimal", message="", objective=1.0, weighted_shortfall=1.0,
                      total_shortfall_wte_years=1.0, total_cost_gbp=1.0, mip_gap=0.0, budget_scale=1.0,
                      timings={}, size={}, assumptions=assumptions)


EDITS = pd.DataFrame([
    {"table": "budget", "row_key": "year=2024", "column": "budget_gbp", "old": "12600000", "new": "13600000",
     "change": "changed"},
    {"table": "budget", "row_key": "year=2041", "column": "", "old": "", "new": "year=2041, budget_gbp=5",
     "change": "added row"}])


def test_the_plan_is_renamed_and_its_assumptions_end_with_name_parent_hash_and_each_edit():
    plan = _plan(pd.DataFrame([("name", "West Midlands Imaging Network (default)")], columns=["setting", "value"]))
    out = with_provenance(plan, scenario_name="WM (edited)", parent_name="WM (default)", edits=EDITS,
                          input_hash="abc123")
    assert out.scenario_name == "WM (edited)" and out.summary_dict()["scenario"] == "WM (edited)"
    assert plan.scenario_name == "West Midlands Imaging Network (default)"  # a copy: the plan is unchanged
    assert out.assumptions.values.tolist() == [
        ["name", "West Midlands Imaging Network (default)"],
        ["provenance.scenario_name", "WM (edited)"],
        ["provenance.parent_scenario", "WM (default)"],
        ["provenance.input_hash", "abc123"],
        ["provenance.edits", "2"],
        ["provenance.edit 1: budget year=2024 budget_gbp", "12600000 -> 13600000"],
        ["provenance.edit 2: budget year=2041", "added row: year=2041, budget_gbp=5"]]
    again = with_provenance(out, scenario_name="WM (edited)", parent_name="WM (default)", edits=EDITS.head(1),
                            input_hash="def456")
    assert again.assumptions["setting"].tolist().count("provenance.input_hash") == 1  # replaced, not repeated
    assert again.assumptions.set_index("setting").loc["provenance.edits", "value"] == "1"


def test_edits_must_be_scenario_diffs_table():
    with pytest.raises(ValueError, match="old, new"):
        with_provenance(_plan(pd.DataFrame(columns=["setting", "value"])), scenario_name="x", parent_name="y",
                        edits=pd.DataFrame({"table": []}), input_hash="")
