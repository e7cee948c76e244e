"""The app's pure helpers: the editor's text round trip and headline formatting, checked by hand.

The differences themselves (optimiser.compare) are tested in tests/unit/test_compare.py.
"""

from __future__ import annotations

import pandas as pd
import pytest

from optimiser import (
    ColumnSpec,
    Issue,
    PlanRun,
    ValidationReport,
    compare_runs,
    scenario_key_specs,
    table_specs,
)
from ui.analysis_views import alternatives_side_by_side
from ui.compare import headline_display
from ui.editor import (
    column_config,
    config_from_settings,
    editor_frame,
    number_format,
    settings_frame,
    text_table,
)
from ui.robust_panel import difference_text
from ui.state import issues_frame

pytestmark = pytest.mark.ui


def test_editor_round_trip_keeps_unchanged_text_and_writes_plain_numbers():
    text = pd.DataFrame({"staff_group": ["a", "b"], "leaver_rate": ["0.0450", "0.05"],
                         "notes": ["x", ""]}, index=[0, 3])  # row 3 followed blank lines in the file
    frame, numeric = editor_frame("staff_groups", text)
    assert list(frame.index) == [2, 5]  # spreadsheet row numbers
    assert numeric == {"leaver_rate"}
    edited = frame.copy()
    edited.loc[5, "leaver_rate"] = 0.0625
    added = pd.DataFrame({"staff_group": ["c"], "leaver_rate": [1.0], "notes": [None]}, index=[None])
    out = text_table(pd.concat([edited, added]), text, numeric)
    assert out.to_dict("index") == {
        0: {"staff_group": "a", "leaver_rate": "0.0450", "notes": "x"},
        3: {"staff_group": "b", "leaver_rate": "0.0625", "notes": ""},
        4: {"staff_group": "c", "leaver_rate": "1", "notes": ""},
    }


def test_a_column_holding_text_stays_text_so_it_can_be_corrected():
    text = pd.DataFrame({"year": ["", "2024"], "budget_gbp": ["lots", "100"]})
    frame, numeric = editor_frame("budget", text)
    assert numeric == {"year"}
    assert frame["budget_gbp"].tolist() == ["lots", "100"]


def test_settings_round_trip_types_values_and_blank_removes_a_setting():
    cfg = {"name": "X", "start_year": 2023, "horizon_years": 14, "max_change_per_year": 20,
           "solver": {"time_limit_s": 60, "mip_rel_gap": 0.02}}
    frame = settings_frame(cfg)
    frame.loc[frame["setting"] == "horizon_years", "value"] = "10"
    frame.loc[frame["setting"] == "mip_rel_gap", "value"] = "0.05"
    frame.loc[frame["setting"] == "max_change_per_year", "value"] = ""
    out = config_from_settings(frame, cfg)
    assert out == {"name": "X", "start_year": 2023, "horizon_years": 10,
                   "solver": {"time_limit_s": 60, "mip_rel_gap": 0.05}}


def test_number_columns_offer_no_limits_but_say_them_and_show_their_unit():
    # The grid would drop a minus sign under a minimum of 0 and clamp to a maximum without a word:
    # it gets no limits; the help says what is allowed and the server refuses the rest (ui/exact.py).
    routes = table_specs()["routes"]
    config = column_config(routes, ["route", "completion_rate", "cost_per_start"], {"completion_rate", "cost_per_start"})
    rate = config["completion_rate"]
    assert rate["type_config"].get("min_value") is None and rate["type_config"].get("max_value") is None
    assert "Allowed: above 0 and at most 1." in rate["help"]
    assert config["cost_per_start"]["type_config"]["format"] == "£%,.0f"
    year = ColumnSpec(table="budget", column="year", type="integer", unit="year", required=False, default="",
                      min=1990.0, max=2100.0, description="")
    assert number_format(year) == "%d"
    discount = next(s for s in scenario_key_specs() if s.column == "discount")  # (0, 1]
    assert discount.bounds_text() == "above 0 and at most 1"
    shown = settings_frame({}).set_index("setting")
    assert shown.loc["discount", "allowed"] == "above 0 and at most 1"
    assert shown.loc["time_limit_s", "meaning"] == "Wall-clock limit for HiGHS"  # no "[solver]" marker


def test_the_issues_table_never_shows_none():
    issue = Issue("error", "check_config", "scenario.toml", "is missing", "add it", column="horizon_years")
    table = issues_frame(ValidationReport("scenario", (issue,)))
    assert table.loc[0, "value"] == "" and table.loc[0, "key"] == ""


def test_only_plain_numbers_are_numbers_in_the_editor():
    text = pd.DataFrame({"year": ["2024", "2025"], "budget_gbp": ["1_000", "2000"]})
    frame, numeric = editor_frame("budget", text)
    assert numeric == {"year"}  # "1_000" is not a number as validation reads it: shown as text
    assert frame["budget_gbp"].tolist() == ["1_000", "2000"]
    frame, numeric = editor_frame("budget", pd.DataFrame({"year": ["2024"], "budget_gbp": ["١٠٠"]}))
    assert numeric == {"year"}  # Unicode digits are not a plain number either
    cfg = {"name": "X", "solver": {"time_limit_s": 60}}
    settings = settings_frame(cfg)
    settings.loc[settings["setting"] == "total_budget", "value"] = "1_000"
    settings.loc[settings["setting"] == "discount", "value"] = "1.0"
    settings.loc[settings["setting"] == "mip_rel_gap", "value"] = "1e-3"
    out = config_from_settings(settings, cfg)
    assert out["total_budget"] == "1_000"  # kept as typed, not read as 1000
    assert out["discount"] == 1.0 and isinstance(out["discount"], float)  # TOML keeps 1.0 a float
    assert out["solver"] == {"time_limit_s": 60, "mip_rel_gap": 0.001}


def test_the_issues_table_names_the_row_by_its_key():
    issue = Issue("error", "check_ranges", "provider_routes.csv", "max_starts 5 is below min_cohort 10",
                  "raise max_starts", row=4, column="max_starts", value="5",
                  key="provider=uni_west, route=ug_radiography")
    table = issues_frame(ValidationReport("scenario", (issue,)))
    assert list(table.columns[:4]) == ["severity", "file", "row", "key"]
    assert table.loc[0, "key"] == "provider=uni_west, route=ug_radiography"
    assert table.loc[0, "row"] == 4


def test_headline_display_shows_money_in_millions_fractions_as_percent_and_scales():
    a = PlanRun({"weighted_shortfall": 100.0, "total_cost_gbp": 2e6, "status": "optimal", "mip_gap": 0.0123,
                 "budget_scale": 1.0})
    b = PlanRun({"weighted_shortfall": 80.5, "total_cost_gbp": 3.5e6, "status": "optimal", "mip_gap": None,
                 "budget_scale": 1.5})
    shown = headline_display(compare_runs([a, b]).headline).set_index("measure")
    assert shown.loc["total cost", "P2"] == "£3.50m" and shown.loc["total cost", "P2 − P1"] == "£1.50m"
    assert shown.loc["total cost", "unit"] == "GBP m"
    assert shown.loc["weighted shortfall", "P2 − P1"] == "-20"  # -19.5 to whole WTE-years
    assert shown.loc["MIP gap", ["P1", "P2", "P2 − P1"]].tolist() == ["1.23 %", "", ""]
    assert shown.loc["MIP gap", "unit"] == "%"
    assert shown.loc["budget scale", ["P1", "P2"]].tolist() == ["×1", "×1.5"]
    assert shown.loc["solver status", "P1"] == "optimal"


@pytest.mark.parametrize(("objective", "per_unit", "per_m"), [
    ("min_shortfall", "wte_years_per_unit", "wte_years_per_gbp_m"),
    ("min_cost", "gbp_saved_per_unit", "gbp_saved_per_gbp_m"),
    ("min_system_cost", "gbp_saved_per_unit", "gbp_saved_per_gbp_m"),
])
def test_the_lever_ranking_reads_each_objectives_own_unit(objective, per_unit, per_m):
    from ui.lever_ranking import ranking

    levers = pd.DataFrame({"lever": ["commissions", "retention"], "name": ["ug_radiography", "retain_x"],
                           "where": ["A, 2025", "B, 2026"], "gbp_per_unit": [30000.0, 5000.0],
                           per_unit: [1.0, 2.0], per_m: [33.0, 400.0]})
    table = ranking(levers, None, objective)
    assert list(table["value"]) == [400.0, 33.0] and list(table["per_unit"]) == [2.0, 1.0]
    assert list(table["rank"]) == [1, 2]


def test_a_difference_that_rounds_to_zero_never_shows_a_minus_sign():
    assert difference_text(-1e-9) == "0.0"  # VSS of two plans with equal means, rounding noise below zero
    assert difference_text(-0.06) == "-0.1"
    assert difference_text(12345.67) == "12,345.7"
    assert difference_text(None) == "—"
    table = pd.DataFrame({"plan": ["best", "other"], "status": ["optimal", "optimal"],
                          "objective_change_pct": [-1e-12, 0.5], "weighted_shortfall": [100.0, 101.0],
                          "total_cost_gbp": [1e6, 2e6], "people_moved": [-1e-12, 3.0]})
    side = alternatives_side_by_side(table).set_index("measure")
    assert side.loc["objective change vs best (%)", "best"] == "+0.00"
    assert side.loc["people moved from the best plan", "best"] == "0.0"
