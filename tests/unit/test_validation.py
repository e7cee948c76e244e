"""Every validation rule, each on its own copy of the worked example with one deliberate fault.

Rows are spreadsheet rows: the header is row 1, the first data row is row 2. Worked-example rows:
workforce 2-4 = east radiographer/sonographer/assistant_practitioner, 5-7 = the same for west;
routes 2-5 = ug_radiography, sonography_pg, ap_apprenticeship, international_radiographer;
provider_routes 2-4 = uni_west ug_radiography (30), uni_west sonography_pg (8),
college_east ap_apprenticeship (10); regions 2-3 = east, west; staff_groups 2 = radiographer.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

import optimiser
from optimiser.scenario import io as scenario_io

pytestmark = pytest.mark.unit

WITH_MIN_STARTS = (
    "provider,route,max_starts,year,min_starts\n"
    "uni_west,ug_radiography,30,,31\n"
    "uni_west,sonography_pg,8,,\n"
    "college_east,ap_apprenticeship,10,,\n"
)


def toml(old: str, new: str):
    return lambda s: s.replace_text("scenario.toml", old, new)


@dataclass(frozen=True)
class Expect:
    severity: str
    rule: str
    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str  # a phrase the message must contain
    key: str | None = None  # the row's key cells as typed; None for an issue about a whole file


def matching(report, e: Expect):
    return [i for i in report.issues
            if (i.rule, i.file, i.row, i.column) == (e.rule, e.file, e.row, e.column)]


def assert_issue(report, e: Expect, *, alone: bool = True):
    """Exactly one issue at e's location, with e's severity, value, message and row key; a fix
    is given, and the rendered line names the row by its key.

    alone: the report has no other error (and, for a warning, no error at all).
    """
    found = matching(report, e)
    assert len(found) == 1, f"expected one {e}, got:\n{report.render()}"
    issue = found[0]
    assert issue.severity == e.severity, issue
    assert issue.value == e.value, issue
    assert e.message in issue.message, issue
    assert issue.key == e.key, issue
    if e.key:
        assert f", row {e.row} ({e.key})" in issue.render(), issue.render()
    assert issue.fix.strip(), issue
    if alone:
        others = [i for i in report.errors if i is not issue]
        assert not others, f"unexpected errors besides {issue}:\n{report.render()}"
    return issue


# One case per rule and flavour: (edit of the example, the one Issue it must produce).
CASES = {
    # 1. references
    "unknown_region": (
        lambda s: s.set_cell("workforce", 5, "region", "nowhere"),
        Expect("error", "check_references", "workforce.csv", 5, "region", "nowhere", "unknown region",
               key="region=nowhere, staff_group=radiographer")),
    "unknown_staff_group": (
        lambda s: s.set_cell("workforce", 3, "staff_group", "plumber"),
        Expect("error", "check_references", "workforce.csv", 3, "staff_group", "plumber", "unknown staff group",
               key="region=east, staff_group=plumber")),
    "unknown_route_in_provider_routes": (
        lambda s: s.set_cell("provider_routes", 3, "route", "sonography"),
        Expect("error", "check_references", "provider_routes.csv", 3, "route", "sonography", "unknown route",
               key="provider=uni_west, route=sonography")),
    "unknown_provider_in_provider_routes": (
        lambda s: s.set_cell("provider_routes", 4, "provider", "college_west"),
        Expect("error", "check_references", "provider_routes.csv", 4, "provider", "college_west", "unknown provider",
               key="provider=college_west, route=ap_apprenticeship")),
    "unknown_educator_group": (
        lambda s: s.set_cell("regions", 3, "educator_group", "physicist"),
        Expect("error", "check_references", "regions.csv", 3, "educator_group", "physicist", "unknown staff group",
               key="region=west")),
    # 2. duplicate keys
    "duplicate_workforce_row": (
        lambda s: s.set_cell("workforce", 3, "staff_group", "radiographer"),
        Expect("error", "check_duplicate_keys", "workforce.csv", 3, "region", None, "duplicates row 2",
               key="region=east, staff_group=radiographer")),
    "duplicate_link_reversed": (
        lambda s: s.add_row("links", region_a="west", region_b="east", travel_minutes="45"),
        Expect("error", "check_duplicate_keys", "links.csv", 3, "region_a", None, "duplicates row 2",
               key="region_a=west, region_b=east")),
    # 3. rates
    "rate_above_one": (
        lambda s: s.set_cell("staff_groups", 2, "leaver_rate", "4.5"),
        Expect("error", "check_ranges", "staff_groups.csv", 2, "leaver_rate", "4.5", "rate outside [0, 1]",
               key="staff_group=radiographer")),
    "rate_negative": (
        lambda s: s.set_cell("staff_groups", 3, "retirement_rate", "-0.01"),
        Expect("error", "check_ranges", "staff_groups.csv", 3, "retirement_rate", "-0.01", "rate outside [0, 1]",
               key="staff_group=sonographer")),
    # 4. completion rate
    "completion_rate_zero": (
        lambda s: s.set_cell("routes", 3, "completion_rate", "0"),
        Expect("error", "check_ranges", "routes.csv", 3, "completion_rate", "0", "must be above 0",
               key="route=sonography_pg")),
    "completion_rate_above_one": (
        lambda s: s.set_cell("routes", 3, "completion_rate", "1.2"),
        Expect("error", "check_ranges", "routes.csv", 3, "completion_rate", "1.2", "rate outside (0, 1]",
               key="route=sonography_pg")),
    "productivity_zero": (
        lambda s: s.set_cell("skill_mix", 2, "productivity", "0"),
        Expect("error", "check_ranges", "skill_mix.csv", 2, "productivity", "0", "must be above 0",
               key="covering_group=assistant_practitioner, covered_group=radiographer")),
    # 5. durations
    "duration_zero": (
        lambda s: s.set_cell("routes", 2, "duration_years", "0"),
        Expect("error", "check_ranges", "routes.csv", 2, "duration_years", "0", "below the smallest allowed value 1",
               key="route=ug_radiography")),
    "duration_fractional": (
        lambda s: s.set_cell("routes", 2, "duration_years", "2.5"),
        Expect("error", "check_numbers", "routes.csv", 2, "duration_years", "2.5", "whole number",
               key="route=ug_radiography")),
    # 6. non-numeric cells
    "number_with_unit": (
        lambda s: s.set_cell("workforce", 2, "in_post_wte", "12 WTE"),
        Expect("error", "check_numbers", "workforce.csv", 2, "in_post_wte", "12 WTE", "not a number",
               key="region=east, staff_group=radiographer")),
    "rate_with_percent": (
        lambda s: s.set_cell("staff_groups", 2, "leaver_rate", "4.5%"),
        Expect("error", "check_numbers", "staff_groups.csv", 2, "leaver_rate", "4.5%", "not a number",
               key="staff_group=radiographer")),
    "thousands_separator": (
        lambda s: s.set_cell("budget", 2, "budget_gbp", "1,500,000"),
        Expect("error", "check_numbers", "budget.csv", 2, "budget_gbp", "1,500,000", "not a number",
               key="year=(blank)")),
    "blank_required_cell": (
        lambda s: s.set_cell("workforce", 7, "establishment_wte", ""),
        Expect("error", "check_required", "workforce.csv", 7, "establishment_wte", None, "blank",
               key="region=west, staff_group=assistant_practitioner")),
    # 7. missing files (a missing column: see test_missing_required_column)
    "missing_required_file": (
        lambda s: s.delete("workforce.csv"),
        Expect("error", "check_files", "workforce.csv", None, None, None, "required table is missing")),
    "missing_scenario_toml": (
        lambda s: s.delete("scenario.toml"),
        Expect("error", "check_files", "scenario.toml", None, None, None, "missing")),
    "empty_file": (
        lambda s: s.write("budget.csv", ""),
        Expect("error", "check_files", "budget.csv", None, None, None, "empty")),
    # 8. header-only tables
    "header_only_required_table": (
        lambda s: s.header_only("workforce"),
        Expect("error", "check_files", "workforce.csv", None, None, None, "header but no rows")),
    "unknown_column": (
        lambda s: s.replace_text("workforce.csv", "establishment_wte", "establishment_wte,colour"),
        Expect("warning", "check_columns", "workforce.csv", None, "colour", None, "not in the data dictionary")),
    # 9. links
    "link_to_unknown_region": (
        lambda s: s.set_cell("links", 2, "region_b", "north"),
        Expect("error", "check_references", "links.csv", 2, "region_b", "north", "unknown region",
               key="region_a=east, region_b=north")),
    "link_zero_minutes": (
        lambda s: s.set_cell("links", 2, "travel_minutes", "0"),
        Expect("error", "check_ranges", "links.csv", 2, "travel_minutes", "0", "must be above 0",
               key="region_a=east, region_b=west")),
    "link_to_itself": (
        lambda s: s.set_cell("links", 2, "region_b", "east"),
        Expect("error", "check_links", "links.csv", 2, "region_b", "east", "itself",
               key="region_a=east, region_b=east")),
    # 10. routes
    "route_draws_from_what_it_produces": (
        lambda s: s.set_cell("routes", 3, "draws_from", "sonographer"),
        Expect("error", "check_routes", "routes.csv", 3, "draws_from", "sonographer", "draws from the staff group it produces",
               key="route=sonography_pg")),
    "unknown_route_kind": (
        lambda s: s.set_cell("routes", 2, "kind", "online"),
        Expect("error", "check_routes", "routes.csv", 2, "kind", "online", "unknown route kind",
               key="route=ug_radiography")),
    "international_route_draws_from_a_group": (
        lambda s: s.set_cell("routes", 5, "draws_from", "assistant_practitioner"),
        Expect("error", "check_routes", "routes.csv", 5, "draws_from", "assistant_practitioner", "international",
               key="route=international_radiographer")),
    "provider_runs_international_route": (
        lambda s: s.add_row("provider_routes", provider="uni_west", route="international_radiographer", max_starts="3"),
        Expect("error", "check_routes", "provider_routes.csv", 5, "route", "international_radiographer", "not run by providers",
               key="provider=uni_west, route=international_radiographer")),
    # 11. cohorts
    "cap_below_min_cohort": (
        lambda s: s.set_cell("provider_routes", 2, "max_starts", "5"),
        Expect("warning", "check_cohorts", "provider_routes.csv", 2, "max_starts", "5", "min_cohort of 8",
               key="provider=uni_west, route=ug_radiography")),
    "min_starts_above_max_starts": (
        lambda s: s.write("provider_routes.csv", WITH_MIN_STARTS),
        Expect("error", "check_cohorts", "provider_routes.csv", 2, "min_starts", "31", "above max_starts (30)",
               key="provider=uni_west, route=ug_radiography")),
    # 12. negative money and capacity
    "negative_budget": (
        lambda s: s.set_cell("budget", 2, "budget_gbp", "-1"),
        Expect("error", "check_ranges", "budget.csv", 2, "budget_gbp", "-1", "must not be negative",
               key="year=(blank)")),
    "negative_placement_weeks": (
        lambda s: s.set_cell("placement_capacity", 2, "placement_weeks", "-1"),
        Expect("error", "check_ranges", "placement_capacity.csv", 2, "placement_weeks", "-1", "must not be negative",
               key="region=east")),
    "negative_educator_wte": (
        lambda s: s.set_cell("educator_capacity", 3, "educator_wte", "-1"),
        Expect("error", "check_ranges", "educator_capacity.csv", 3, "educator_wte", "-1", "must not be negative",
               key="region=west")),
    "negative_max_recruits": (
        lambda s: s.set_cell("international_capacity", 2, "max_recruits", "-1"),
        Expect("error", "check_ranges", "international_capacity.csv", 2, "max_recruits", "-1", "must not be negative",
               key="region=east")),
    # 13. years outside the horizon (2025-2030)
    "budget_year_outside_horizon": (
        lambda s: s.set_cell("budget", 2, "year", "2099"),
        Expect("warning", "check_years", "budget.csv", 2, "year", "2099", "outside the horizon 2025-2030",
               key="year=2099")),
    "committed_year_after_horizon": (
        lambda s: s.set_cell("committed_inflows", 5, "year", "2031"),
        Expect("warning", "check_years", "committed_inflows.csv", 5, "year", "2031", "outside the horizon",
               key="region=west, staff_group=radiographer, year=2031")),
    "year_below_dictionary_minimum": (
        lambda s: s.set_cell("budget", 2, "year", "25"),
        Expect("error", "check_ranges", "budget.csv", 2, "year", "25", "below the smallest allowed value 1990",
               key="year=25")),
    # 14. scenario.toml
    "malformed_toml": (
        lambda s: s.write("scenario.toml", 'name = "Unclosed\nstart_year = 2025\n'),
        Expect("error", "check_config", "scenario.toml", None, None, None, "not valid TOML")),
    "unknown_toml_key": (
        toml("discount = 1.0", 'discount = 1.0\ncolour = "blue"'),
        Expect("error", "check_config", "scenario.toml", None, "colour", "blue", "Extra inputs")),
    "unknown_solver_key": (
        toml("mip_rel_gap = 1e-6", "mip_rel_gap = 1e-6\nthreads = 4"),
        Expect("error", "check_config", "scenario.toml", None, "solver.threads", "4", "Extra inputs")),
    "horizon_zero": (
        toml("horizon_years = 6", "horizon_years = 0"),
        Expect("error", "check_config", "scenario.toml", None, "horizon_years", "0", "greater than or equal to 1")),
    "unknown_objective": (
        toml('objective = "min_shortfall"', 'objective = "max_profit"'),
        Expect("error", "check_config", "scenario.toml", None, "objective", "max_profit", "min_shortfall")),
    "wrong_type": (
        toml("start_year = 2025", 'start_year = "soon"'),
        Expect("error", "check_config", "scenario.toml", None, "start_year", "soon", "not a plain number")),
    "missing_toml_key": (
        toml("max_travel_minutes = 60\n", ""),
        Expect("error", "check_config", "scenario.toml", None, "max_travel_minutes", None, "Field required")),
    "target_year_outside_measured_years": (
        toml("discount = 1.0", "discount = 1.0\ntarget_year = 2040"),
        Expect("error", "check_config", "scenario.toml", None, "target_year", "2040",
               "target_year 2040 is outside the measured years 2026-2031")),
    # 19. graduate destinations
    "graduate_shares_not_summing_to_one": (
        lambda s: s.write("graduate_destinations.csv", "from_region,to_region,share\n"
                          "east,east,0.8\neast,west,0.1\nwest,west,0.8\nwest,east,0.2\n"),
        Expect("error", "check_graduate_destinations", "graduate_destinations.csv", 2, "share", "0.9",
               "shares from east add up to 0.9",
               key="from_region=east")),
    # 20. baseline starts
    "international_baseline_with_provider": (
        lambda s: s.write("baseline_starts.csv", "provider,region,route,year,starts\n"
                          "uni_west,west,ug_radiography,,20\nuni_west,west,international_radiographer,,3\n"),
        Expect("error", "check_baseline_starts", "baseline_starts.csv", 3, "provider", "uni_west",
               "international recruits have no provider",
               key="provider=uni_west, region=west, route=international_radiographer")),
    "baseline_route_not_offered_by_provider": (
        lambda s: s.write("baseline_starts.csv", "provider,region,route,year,starts\n"
                          "uni_west,west,ug_radiography,,20\ncollege_east,east,sonography_pg,2026,3\n"),
        Expect("error", "check_baseline_starts", "baseline_starts.csv", 3, "route", "sonography_pg",
               "provider does not offer route sonography_pg",
               key="provider=college_east, region=east, route=sonography_pg, year=2026")),
    "training_baseline_without_provider": (
        lambda s: s.write("baseline_starts.csv", "provider,region,route,year,starts\n,west,ug_radiography,,20\n"),
        Expect("error", "check_baseline_starts", "baseline_starts.csv", 2, "provider", None, "needs a provider",
               key="region=west, route=ug_radiography")),
    # other named checks
    "skill_mix_group_covers_itself": (
        lambda s: s.set_cell("skill_mix", 2, "covered_group", "assistant_practitioner"),
        Expect("error", "check_skill_mix", "skill_mix.csv", 2, "covered_group", "assistant_practitioner", "own work",
               key="covering_group=assistant_practitioner, covered_group=assistant_practitioner")),
    "no_educator_group_with_funded_educators": (
        lambda s: s.set_cell("regions", 2, "educator_group", ""),
        Expect("warning", "check_educator_group", "regions.csv", 2, "educator_group", None, "no educator_group",
               key="region=east")),
}


@pytest.mark.parametrize("edit, expected", list(CASES.values()), ids=list(CASES))
def test_rule(broken, edit, expected):
    report = optimiser.validate(broken(edit).path)
    assert_issue(report, expected)
    if expected.severity == "warning":
        assert report.ok


def test_negative_travel_minutes_is_an_error(broken):
    report = optimiser.validate(broken(lambda s: s.set_cell("links", 2, "travel_minutes", "-5")).path)
    assert not report.ok
    found = [i for i in report.errors if (i.file, i.row, i.column) == ("links.csv", 2, "travel_minutes")]
    assert found and all(i.rule == "check_ranges" and i.value == "-5" and i.fix for i in found)


def test_missing_required_column(broken):
    report = optimiser.validate(broken(lambda s: s.drop_column("workforce", "establishment_wte")).path)
    assert_issue(report, Expect("error", "check_columns", "workforce.csv", None, "establishment_wte",
                                "establishment_wte", "required column 'establishment_wte' is missing"))


@pytest.mark.parametrize("table, row, key", [
    ("provider_routes", dict(provider="uni_west", route="ug_radiography", max_starts="3"),
     "provider=uni_west, route=ug_radiography"),
    ("budget", dict(year="", budget_gbp="5"), "year=(blank)"),
])
def test_duplicate_keys_with_blank_year(broken, table, row, key):
    copy = broken(lambda s: s.add_row(table, **row))
    report = optimiser.validate(copy.path)
    assert_issue(report, Expect("error", "check_duplicate_keys", f"{table}.csv", copy.rows(table), next(iter(row)),
                                None, "duplicates row 2", key=key))


def test_duplicate_with_same_year_written_differently(broken):
    copy = broken(lambda s: s.add_row("committed_inflows", region="east", staff_group="radiographer",
                                      year="2025.0", wte="1"))
    assert_issue(optimiser.validate(copy.path),
                 Expect("error", "check_duplicate_keys", "committed_inflows.csv", 6, "region", None, "duplicates row 2",
                        key="region=east, staff_group=radiographer, year=2025.0"))


@pytest.mark.parametrize("table, row, column, key", [("links", 2, "travel_minutes", "region_a=east, region_b=west"),
                                                     ("routes", 2, "completion_rate", "route=ug_radiography")])
def test_negative_strictly_positive_value_reported_once(broken, table, row, column, key):
    report = optimiser.validate(broken(lambda s: s.set_cell(table, row, column, "-5")).path)
    assert_issue(report, Expect("error", "check_ranges", f"{table}.csv", row, column, "-5", "must be above 0",
                                key=key))


@pytest.mark.parametrize("text", ["inf", "1e400"])
def test_non_finite_number_rejected(broken, text):
    report = optimiser.validate(broken(lambda s: s.set_cell("workforce", 2, "in_post_wte", text)).path)
    assert [(i.rule, i.row, i.column, i.value) for i in report.errors] == [("check_numbers", 2, "in_post_wte", text)]


def test_header_only_optional_table_is_fine(broken):
    report = optimiser.validate(broken(lambda s: s.header_only("budget")).path)
    assert report.issues == ()


def test_missing_optional_file_is_fine(broken):
    report = optimiser.validate(broken(lambda s: s.delete("budget.csv")).path)
    assert report.issues == ()


def test_link_to_itself_is_the_only_error(broken):
    report = optimiser.validate(broken(lambda s: s.set_cell("links", 2, "region_b", "east")).path)
    assert [i.rule for i in report.errors] == ["check_links"]
    # west is now unlinked: a follow-on warning, not an error
    assert [(i.rule, i.message) for i in report.warnings] == [("check_links", "region west has no travel link")]


# 15. many errors at once


def test_every_error_is_reported_not_just_the_first(broken):
    def edit(s):
        s.set_cell("workforce", 2, "in_post_wte", "12 WTE")
        s.set_cell("workforce", 6, "establishment_wte", "lots")
        s.set_cell("staff_groups", 2, "leaver_rate", "4.5")
        s.set_cell("provider_routes", 3, "route", "sonography")
        s.replace_text("scenario.toml", "horizon_years = 6", "horizon_years = 0")

    report = optimiser.validate(broken(edit).path)
    got = {(i.rule, i.file, i.row, i.column) for i in report.errors}
    assert got == {
        ("check_numbers", "workforce.csv", 2, "in_post_wte"),
        ("check_numbers", "workforce.csv", 6, "establishment_wte"),
        ("check_ranges", "staff_groups.csv", 2, "leaver_rate"),
        ("check_references", "provider_routes.csv", 3, "route"),
        ("check_config", "scenario.toml", None, "horizon_years"),
    }
    assert len(report.errors) == 5
    assert report.render().splitlines()[-1].startswith("5 error(s), 0 warning(s)")


# 16. the valid example


def test_valid_example_has_no_issues(example_dir):
    report = optimiser.validate(example_dir)
    assert report.ok
    assert report.errors == [] and report.warnings == []


def test_unedited_copy_is_valid(broken):
    assert optimiser.validate(broken().path).issues == ()


# 17. load_scenario


def test_load_scenario_raises_with_the_report(broken):
    copy = broken(lambda s: s.set_cell("workforce", 2, "region", "nowhere"))
    with pytest.raises(optimiser.ScenarioError) as caught:
        optimiser.load_scenario(copy.path)
    errors = caught.value.report.errors
    assert errors
    assert (errors[0].rule, errors[0].row, errors[0].value) == ("check_references", 2, "nowhere")
    assert "workforce.csv, row 2 (region=nowhere, staff_group=radiographer), column 'region'" in str(caught.value)


def test_load_scenario_of_the_example(example_dir):
    assert optimiser.load_scenario(example_dir).config.start_year == 2025


# 18. the workbook form


def test_workbook_cell_is_located_by_sheet_and_row(example_dir, tmp_path):
    raw = scenario_io.load_raw(example_dir)
    raw.tables["workforce"].loc[3, "in_post_wte"] = "12 WTE"  # frame index 3 = spreadsheet row 5
    raw.tables["staff_groups"].loc[0, "leaver_rate"] = "4.5"
    scenario_io.write_scenario(raw, tmp_path / "x.xlsx")
    report = optimiser.validate(tmp_path / "x.xlsx")
    assert_issue(report, Expect("error", "check_numbers", "x.xlsx [workforce]", 5, "in_post_wte", "12 WTE",
                                "not a number", key="region=west, staff_group=radiographer"), alone=False)
    assert_issue(report, Expect("error", "check_ranges", "x.xlsx [staff_groups]", 2, "leaver_rate", "4.5",
                                "rate outside [0, 1]", key="staff_group=radiographer"), alone=False)
    assert len(report.errors) == 2


def test_workbook_scenario_sheet_is_checked(example_dir, tmp_path):
    raw = scenario_io.load_raw(example_dir)
    raw.config["horizon_years"] = 0
    scenario_io.write_scenario(raw, tmp_path / "x.xlsx")
    assert_issue(optimiser.validate(tmp_path / "x.xlsx"),
                 Expect("error", "check_config", "x.xlsx [scenario]", None, "horizon_years", "0", "greater than"))


def test_valid_workbook(example_dir, tmp_path):
    scenario_io.write_scenario(scenario_io.load_raw(example_dir), tmp_path / "x.xlsx")
    assert optimiser.validate(tmp_path / "x.xlsx").issues == ()


@pytest.mark.parametrize("content", [b"region,name\neast,East ICB\n", b"PK\x03\x04 not really a zip"])
def test_non_workbook_renamed_xlsx_is_an_error_not_a_traceback(tmp_path, content):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    report = optimiser.validate(path)
    root = [i for i in report.errors if i.file == "bad.xlsx"]
    assert len(root) == 1
    assert root[0].rule == "check_files" and "workbook" in root[0].message and root[0].fix
    with pytest.raises(optimiser.ScenarioError):
        optimiser.load_scenario(path)


def test_unopenable_source_reports_only_the_root_cause(tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_text("region,name\neast,East ICB\n")
    assert [i.file for i in optimiser.validate(path).issues] == ["bad.xlsx"]
    nowhere = optimiser.validate(tmp_path / "no_such_scenario").issues
    assert [(i.severity, i.rule) for i in nowhere] == [("error", "check_files")]
    assert "no scenario here" in nowhere[0].message and nowhere[0].fix


# Row numbers must match what the planner sees in a spreadsheet, blank rows included.


def test_workbook_row_numbers_count_blank_rows(example_dir, tmp_path):
    scenario_io.write_scenario(scenario_io.load_raw(example_dir), tmp_path / "x.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "x.xlsx")
    ws = wb["workforce"]
    ws.insert_rows(3)  # a blank row 3; west radiographer moves from row 5 to row 6
    ws["C6"] = "3OO"
    wb.save(tmp_path / "x.xlsx")
    assert_issue(optimiser.validate(tmp_path / "x.xlsx"),
                 Expect("error", "check_numbers", "x.xlsx [workforce]", 6, "in_post_wte", "3OO", "not a number",
                        key="region=west, staff_group=radiographer"))


def test_csv_row_numbers_count_blank_lines(broken):
    def edit(s):
        s.set_cell("workforce", 5, "in_post_wte", "3OO")
        s.replace_text("workforce.csv", "east,sonographer", "\neast,sonographer")  # 3OO now on line 6

    assert_issue(optimiser.validate(broken(edit).path),
                 Expect("error", "check_numbers", "workforce.csv", 6, "in_post_wte", "3OO", "not a number",
                        key="region=west, staff_group=radiographer"))


def test_trailing_comma_does_not_shift_columns(broken):
    def edit(s):
        text = (s.path / "workforce.csv").read_text()
        s.write("workforce.csv", re.sub(r"(\d)\n", r"\1,\n", text))

    report = optimiser.validate(broken(edit).path)
    assert not any(i.rule == "check_references" for i in report.issues), report.render()


def test_example_copy_matches_the_shared_design():
    """tests/data/example is a verbatim copy of <repo>/../shared/design/example (when that is present)."""
    ours = Path(__file__).resolve().parents[1] / "data" / "example"
    repo = Path(__file__).resolve().parents[2]
    shared = Path(os.environ.get("OPTIMISER_SHARED_DIR", repo.parent / "shared")) / "design" / "example"
    if not shared.is_dir():
        pytest.skip("shared design folder not available (e.g. in CI)")
    names = sorted(p.name for p in ours.iterdir())
    assert len(names) == 15 and names == sorted(p.name for p in shared.iterdir())
    for name in names:
        assert (ours / name).read_bytes() == (shared / name).read_bytes(), name


def test_broken_copies_are_independent(broken):
    a = broken(lambda s: s.delete("workforce.csv"))
    b = broken()
    assert not (a.path / "workforce.csv").exists() and (b.path / "workforce.csv").exists()
    shutil.rmtree(a.path)


@pytest.mark.parametrize(("year", "warned"), [(2025, True), (2026, False), (2031, False), (2032, True)])
def test_demand_years_are_the_measured_years(broken, year, warned):
    """The example's horizon is 2025-2030 (y0 = 2025, H = 6): demand is compared with the stock at
    the start of 2026 .. 2031, so a 2031 demand row is used and a 2025 one is ignored."""
    copy = broken()
    region, group = "east", "radiographer"
    (copy.path / "demand.csv").write_text(f"region,staff_group,year,demand_wte\n{region},{group},{year},1\n")
    report = optimiser.validate(copy.path)
    hits = [i for i in report.issues if i.rule == "check_years" and i.file == "demand.csv"]
    assert bool(hits) == warned
    if warned:
        assert "outside the measured years 2026-2031" in hits[0].message
