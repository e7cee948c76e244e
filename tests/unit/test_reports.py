"""optimiser.outputs.reports: the files of a plan and of a projection, written from results made
by hand (tests/hand_results.py), so every file, column and cell can be checked without a solve."""

from __future__ import annotations

import json
import math

import openpyxl
import pandas as pd
import pytest
from hand_results import BINDING, PROJECTION, plan_result, status_quo

from optimiser.outputs.reports import readable, write_plan, write_projection
from optimiser.results.levers import LEVER_COLUMNS
from optimiser.results.results import SKILL_MIX_COLUMNS

pytestmark = pytest.mark.unit

PLAN_CSV = {
    "starts.csv": ["provider", "region", "route", "year", "starts"],
    "international.csv": ["region", "route", "year", "recruits"],
    "recruits.csv": ["route", "kind", "region", "year", "recruits"],
    "retention.csv": ["scheme", "staff_group", "region", "year", "retained_wte"],
    "educators.csv": ["region", "year", "extra_educator_wte"],
    "projection.csv": list(PROJECTION.columns),
    "status_quo_projection.csv": list(PROJECTION.columns),
    "skill_mix.csv": SKILL_MIX_COLUMNS,
    "status_quo_skill_mix.csv": SKILL_MIX_COLUMNS,
    "costs.csv": ["year", "category", "gbp"],
    "binding.csv": list(BINDING.columns),
    "levers.csv": LEVER_COLUMNS,
}
SHEETS = ["Summary", "How to read this", "Key figures", "Starts", "International", "Recruits", "Retention", "Educators", "Projection",
          "Status quo", "Skill mix", "Costs", "Bottlenecks", "Levers", "Assumptions"]


def header(path) -> list[str]:
    return list(pd.read_csv(path, nrows=0).columns)


def test_write_plan_writes_each_table_summary_and_workbook(tmp_path):
    plan = plan_result()
    written = write_plan(plan, tmp_path / "plan")
    assert [p.name for p in written] == sorted([*PLAN_CSV, "summary.json", "plan.xlsx", "summary.md",
                                                "plan_context.json"])
    for name, columns in PLAN_CSV.items():
        assert header(tmp_path / "plan" / name) == columns, name
    starts = pd.read_csv(tmp_path / "plan" / "starts.csv")
    assert starts["starts"].tolist() == [10, 4]
    binding = pd.read_csv(tmp_path / "plan" / "binding.csv")
    assert binding["shadow_price"].tolist() == BINDING["shadow_price"].tolist()  # negative numbers as numbers
    summary = json.loads((tmp_path / "plan" / "summary.json").read_text(encoding="utf-8"))
    assert list(summary) == list(plan.summary_dict())
    assert (summary["weighted_shortfall"], summary["status_quo_weighted_shortfall"]) == (22.0, 22.0)
    assert summary["status_quo_cost_gbp"] == 2e6 and summary["handoff_seconds"] is None


def test_a_plan_without_a_status_quo_has_no_status_quo_file_or_sheet_and_json_has_no_nan(tmp_path):
    plan = plan_result(with_status_quo=False)
    plan = plan.__class__(**{**plan.__dict__, "mip_gap": math.inf, "objective": math.nan})
    names = [p.name for p in write_plan(plan, tmp_path / "plan")]
    assert "status_quo_projection.csv" not in names
    assert "Status quo" not in openpyxl.load_workbook(tmp_path / "plan" / "plan.xlsx").sheetnames
    text = (tmp_path / "plan" / "summary.json").read_text(encoding="utf-8")
    summary = json.loads(text)  # strict JSON readers refuse NaN and Infinity
    assert summary["mip_gap"] is None and summary["objective"] is None
    assert "NaN" not in text and "Infinity" not in text


def test_text_a_spreadsheet_would_run_as_a_formula_is_neutralised_in_csv_and_workbook(tmp_path):
    starts = pd.DataFrame({"provider": ["=HYPERLINK(\"http://x\")", "+p", "@p", "-p", "p"],
                           "region": ["a"] * 5, "route": ["ug"] * 5, "year": [2025] * 5, "starts": [1, 2, 3, 4, 5]})
    write_plan(plan_result(starts=starts), tmp_path / "plan")
    back = pd.read_csv(tmp_path / "plan" / "starts.csv")
    assert back["provider"].tolist() == ["'=HYPERLINK(\"http://x\")", "'+p", "'@p", "'-p", "p"]
    sheet = openpyxl.load_workbook(tmp_path / "plan" / "plan.xlsx")["Starts"]
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == back["provider"].tolist()
    assert {c.data_type for c in cells} == {"s"}  # text, never a formula


def test_the_plan_workbook_has_every_sheet_with_readable_headings(tmp_path):
    write_plan(plan_result(), tmp_path / "plan")
    wb = openpyxl.load_workbook(tmp_path / "plan" / "plan.xlsx")
    assert wb.sheetnames == SHEETS

    def headings(sheet: str) -> list[str]:
        return [c.value for c in next(wb[sheet].iter_rows(max_row=1))]

    assert headings("Starts") == ["Provider", "Region", "Route", "Year", "Starts"]
    assert headings("Educators") == ["Region", "Year", "Extra educator (WTE)"]
    assert headings("Projection") == ["Staff group", "Region", "Year", "Supply (WTE)", "Demand (WTE)",
                                      "Covered (WTE)", "Shortfall (WTE)"]
    assert headings("Costs") == ["Year", "Category", "Gbp"]
    assert headings("Bottlenecks")[-1] == "Meaning"
    meaning = [row[-1] for row in wb["Bottlenecks"].iter_rows(min_row=2, values_only=True)]
    assert meaning[0] == ("placement weeks, Region A, 2026: one more placement week closes 0.05 WTE-years "
                          "of weighted gap")
    summary = {row[0]: row[1] for row in wb["Key figures"].iter_rows(min_row=2, values_only=True)}
    assert summary["Weighted shortfall"] == 22 and summary["Total cost (GBP)"] == 1.75e6
    assert summary["Scenario"] == "Two ICBs by hand"


def test_write_projection_writes_the_projection_and_its_summary(tmp_path):
    written = write_projection(status_quo(), tmp_path / "sq")
    assert [p.name for p in written] == ["projection.csv", "projection_summary.csv"]
    # and the manifest that marks the folder as one projection's (tests/unit/test_run_folders.py)
    assert sorted(p.name for p in (tmp_path / "sq").iterdir()) == ["projection.csv", "projection_summary.csv",
                                                                   "run.json"]
    # whole numbers are written without ".0", so they read back as integers
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "sq" / "projection.csv"), PROJECTION, check_dtype=False)
    summary = pd.read_csv(tmp_path / "sq" / "projection_summary.csv")
    assert list(summary.columns) == ["staff_group", "supply_2025", "demand_2025", "gap_2025",
                                     "supply_2027", "demand_2027", "gap_2027", "shortfall_2027"]
    assert summary.set_index("staff_group").loc["rad"].tolist() == [135, 150, 15, 149, 156, 7, 6]


@pytest.mark.parametrize(("column", "heading"), [
    ("supply_wte", "Supply (WTE)"),
    ("total_cost_gbp", "Total cost (GBP)"),
    ("solve_seconds", "Solve (s)"),
    ("total_shortfall_wte_years", "Total shortfall (WTE-years)"),
    ("status_quo_weighted_shortfall", "Status quo weighted shortfall"),
    ("year", "Year"),
])
def test_readable_headings_name_the_unit(column, heading):
    assert readable(column) == heading
