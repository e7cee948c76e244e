"""The app's pure helpers: scenario differences and the editor's text round trip, checked by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from optimiser.dictionary import DEFAULT_SCENARIO_DIR
from optimiser.io import load_raw
from ui.compare import RunView, headline_display, headline_table, starts_by_route
from ui.diff import scenario_diff
from ui.editor import config_from_settings, editor_frame, settings_frame, text_table

pytestmark = pytest.mark.ui


def test_diff_matches_rows_by_key_not_position():
    old = load_raw(DEFAULT_SCENARIO_DIR)
    new = load_raw(DEFAULT_SCENARIO_DIR)
    budget = new.tables["budget"]
    # insert a 2030 row at the top and change 2024: only those two are differences
    top = pd.DataFrame([{"year": "2030", "budget_gbp": "21000000", "notes": ""}])
    budget.loc[2, "budget_gbp"] = "10100000.0"  # the same number written differently: no change
    budget.loc[3, "budget_gbp"] = "15000000"
    new.tables["budget"] = pd.concat([top, budget], ignore_index=True)
    new.config["horizon_years"] = 10
    d = scenario_diff(old, new)
    assert d[["table", "row_key", "column", "old", "new", "change"]].values.tolist() == [
        ["scenario settings", "horizon_years", "value", "14", "10", "changed"],
        ["budget", "year=2030", "", "", "year=2030, budget_gbp=21000000", "added row"],
        ["budget", "year=2025", "budget_gbp", "14200000", "15000000", "changed"],
    ]


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


def test_compare_tables_show_each_plan_and_its_difference_from_the_first():
    a = RunView("P1", {"weighted_shortfall": 100.0, "total_cost_gbp": 2e6, "status": "optimal"},
                {"starts": pd.DataFrame({"route": ["ug", "pg"], "starts": [10, 5]})}, lambda: None)
    b = RunView("P2", {"weighted_shortfall": 80.5, "total_cost_gbp": 3.5e6, "status": "optimal"},
                {"starts": pd.DataFrame({"route": ["ug", "app"], "starts": [12, 4]})}, lambda: None)
    head = headline_table([a, b]).set_index("measure")
    assert head.loc["weighted shortfall", "P2 − P1"] == pytest.approx(-19.5)
    shown = headline_display(headline_table([a, b])).set_index("measure")
    assert shown.loc["total cost", "P2"] == "£3.50m" and shown.loc["total cost", "P2 − P1"] == "£1.50m"
    routes = starts_by_route([a, b]).set_index("route")
    assert routes.loc["ug"].tolist() == [10, 12, 2]
    assert routes.loc["pg"].tolist() == [5, 0, -5]
    assert routes.loc["app"].tolist() == [0, 4, 4]
