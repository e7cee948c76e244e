"""The v2 scenario layer: the v2 worked example loads with every table typed, the four required
tables alone are a scenario, and every v2 validation rule, each on a copy of the v2 example with
one deliberate fault (model.md, "v2 additions" and "Precise readings").

Rows are spreadsheet rows (header = row 1). Example v2 rows: staff_groups 2-5 = radiologist,
radiographer, reporting_radiographer, sonographer; routes 2-8 = ug_radiography,
radiographer_apprenticeship, reporting_pgcert, sonography_pg, international_radiographer,
international_radiologist, return_to_practice; retention 2 = flexible_working (radiographer
leavers), 3 = retire_and_return; recruitment_pool 2 = return_to_practice, 3 =
international_radiologist; policy_shares 2 = apprenticeship minimum, 3 = international maximum;
activity 2 = coast plain_film; skill_mix 2 = reporting_radiographer covering radiologist plain_film.
"""

from __future__ import annotations

import itertools
import math
import os
import shutil
import stat
from pathlib import Path

import pandas as pd
import pytest
from conftest import EXAMPLE_V2_DIR, ScenarioCopy
from test_validation import Expect, assert_issue, toml

import optimiser
from optimiser.scenario.activity import demand_wte
from optimiser.scenario.dictionary import table_specs
from optimiser.scenario.io import load_raw
from optimiser.scenario.validation import validate_raw

pytestmark = pytest.mark.unit

REQUIRED_FILES = ("scenario.toml", "regions.csv", "staff_groups.csv", "workforce.csv")


def _writable(path: Path) -> None:
    """A copy of a read-only shared folder must be editable."""
    for p in [path, *path.rglob("*")]:
        p.chmod(p.stat().st_mode | stat.S_IWUSR)


@pytest.fixture
def broken_v2(tmp_path, example_v2_dir):
    """As `broken`, on the v2 example: each call copies it and applies `edit`."""
    counter = itertools.count()

    def make(edit=None) -> ScenarioCopy:
        copy = ScenarioCopy(tmp_path / f"v2_{next(counter)}")
        shutil.copytree(example_v2_dir, copy.path)
        _writable(copy.path)
        if edit is not None:
            edit(copy)
        return copy

    return make


# --- the v2 example ---------------------------------------------------------------------------


def test_the_v2_example_validates_with_no_issues(example_v2_dir):
    assert optimiser.validate(example_v2_dir).issues == ()


def test_the_v2_examples_tables_are_typed_with_their_dictionary_columns(example_v2_dir):
    s = optimiser.load_scenario(example_v2_dir)
    shapes = {name: s.tables[name].shape for name in
              ("retention", "recruitment_pool", "policy_shares", "modalities", "activity", "workload",
               "skill_mix", "staff_groups", "routes", "baseline_starts", "demand",
               "graduate_destinations")}
    assert shapes == {"retention": (2, 8), "recruitment_pool": (2, 5), "policy_shares": (2, 6),
                      "modalities": (4, 4), "activity": (13, 5), "workload": (8, 4),
                      "skill_mix": (1, 7), "staff_groups": (4, 12), "routes": (7, 13),
                      "baseline_starts": (25, 6), "demand": (0, 5), "graduate_destinations": (0, 4)}
    for name, spec in table_specs().items():  # every table, present or not, has its columns
        assert list(s.tables[name].columns) == [c.column for c in spec.columns], name
    sg = s.tables["staff_groups"].set_index("staff_group")
    # a blank clinical_hours_per_wte is the dictionary's 1650; gap costs as given
    assert sg["clinical_hours_per_wte"].to_dict() == {"radiologist": 1400, "radiographer": 1650,
                                                     "reporting_radiographer": 1650, "sonographer": 1650}
    assert sg.loc["sonographer", "gap_cost_per_wte"] == 40000
    mix = s.tables["skill_mix"].iloc[0]
    assert (mix["modality"], mix["max_share"], mix["current_share"]) == ("plain_film", 0.6, 0.3)
    assert dict(zip(s.tables["routes"]["route"], s.tables["routes"]["kind"], strict=True))[
        "return_to_practice"] == "returner"
    pool = s.tables["recruitment_pool"]
    assert pool["region"].tolist() == ["", ""] and math.isnan(pool["year"].iloc[0])
    shares = s.tables["policy_shares"]
    assert shares["min_share"].iloc[0] == 0.25 and math.isnan(shares["max_share"].iloc[0])
    retention = s.tables["retention"].set_index("scheme")
    assert retention.loc["retire_and_return", ["applies_to", "max_share", "cost_per_wte"]].tolist() == [
        "retirements", 0.4, 20000]
    assert s.tables["activity"]["year"].dropna().tolist() == [2029]


def test_the_v2_examples_years():
    s = optimiser.load_scenario(EXAMPLE_V2_DIR)
    c = s.config
    assert (c.first_decision, c.run_out_years, c.max_change_share) == (2026, 3, 0.25)
    assert c.years == [2025, 2026, 2027, 2028, 2029]  # starts and recruits
    assert c.model_years == list(range(2025, 2033))
    assert c.frozen_years == [2025] and c.decision_years == [2026, 2027, 2028, 2029]
    assert c.measured_years == list(range(2026, 2034))
    assert c.run_out_model_years == [2030, 2031, 2032]
    assert c.run_out_measured_years == [2031, 2032, 2033]
    assert c.stock_years == list(range(2025, 2034))
    assert c.intake_change_limit == (4, 0.25)


def test_demand_from_activity_is_the_examples_readme_table(example_v2_dir):
    """README "Demand from activity, 2026" and the status quo's city radiographer demand."""
    s = optimiser.load_scenario(example_v2_dir)
    d = demand_wte(s.tables, 2025, s.config.measured_years)
    table = {("radiologist", "coast"): 24.793, ("radiologist", "city"): 43.986,
             ("radiologist", "hills"): 15.310, ("radiographer", "coast"): 46.467,
             ("radiographer", "city"): 81.480, ("radiographer", "hills"): 29.147,
             ("sonographer", "coast"): 23.636, ("sonographer", "city"): 39.394,
             ("sonographer", "hills"): 15.758}
    for (g, r), wte in table.items():
        assert d[(g, r, 2026)] == pytest.approx(wte, abs=5e-4), (g, r)
    city = [81.480, 85.123, 88.971, 94.212, 97.337, 101.883, 106.692, 111.779]
    assert [d[("radiographer", "city", y)] for y in range(2026, 2034)] == pytest.approx(city, abs=5e-4)
    # reporting radiographers: no workload rows, establishment 0: no demand of their own
    assert all(d[("reporting_radiographer", r, y)] == 0 for r in ("coast", "city", "hills")
               for y in s.config.measured_years)


def test_the_v2_example_copy_matches_the_shared_design():
    """tests/data/example_v2 is a verbatim copy of <repo>/../shared/design/example_v2."""
    repo = Path(__file__).resolve().parents[2]
    shared = Path(os.environ.get("OPTIMISER_SHARED_DIR", repo.parent / "shared")) / "design" / "example_v2"
    if not shared.is_dir():
        pytest.skip("shared design folder not available (e.g. in CI)")
    names = sorted(p.name for p in EXAMPLE_V2_DIR.iterdir())
    assert len(names) == 22 and names == sorted(p.name for p in shared.iterdir())
    for name in names:
        assert (EXAMPLE_V2_DIR / name).read_bytes() == (shared / name).read_bytes(), name


def test_the_v2_example_round_trips_through_a_workbook(example_v2_dir, tmp_path):
    from optimiser.scenario.io import write_scenario

    write_scenario(load_raw(example_v2_dir), tmp_path / "v2.xlsx")
    assert optimiser.validate(tmp_path / "v2.xlsx").issues == ()
    back = optimiser.load_scenario(tmp_path / "v2.xlsx")
    ours = optimiser.load_scenario(example_v2_dir)
    for name in ("retention", "recruitment_pool", "policy_shares", "activity", "workload", "skill_mix"):
        pd.testing.assert_frame_equal(back.tables[name].reset_index(drop=True),
                                      ours.tables[name].reset_index(drop=True), obj=name)


def test_changed_settings_are_checked_against_the_years_again(example_v2_dir):
    s = optimiser.load_scenario(example_v2_dir)
    assert s.with_settings(run_out_years=0).config.measured_years == [2026, 2027, 2028, 2029, 2030]
    assert s.with_settings(first_decision_year=None).config.frozen_years == []
    with pytest.raises(ValueError, match="first_decision_year 2030 is outside the start years 2025-2029"):
        s.with_settings(first_decision_year=2030)
    with pytest.raises(ValueError, match="target_year 2033 is outside the measured years 2026-2030"):
        s.with_settings(target_year=2033, run_out_years=0)


# --- optional tables --------------------------------------------------------------------------


def test_the_four_required_tables_alone_are_a_valid_scenario(tmp_path, example_v2_dir):
    for name in REQUIRED_FILES:
        shutil.copyfile(example_v2_dir / name, tmp_path / name)
    report, tables, config = validate_raw(load_raw(tmp_path))
    assert report.issues == (), report.render()
    assert config.run_out_years == 3
    for name, spec in table_specs().items():  # absent tables read as empty typed tables
        assert list(tables[name].columns) == [c.column for c in spec.columns], name
        if f"{name}.csv" not in REQUIRED_FILES:
            assert tables[name].empty, name
    assert tables["routes"]["duration_years"].dtype == float  # typed, though empty


@pytest.mark.parametrize("missing", ["scenario.toml", "regions.csv", "staff_groups.csv", "workforce.csv"])
def test_each_required_table_is_required(tmp_path, example_v2_dir, missing):
    for name in REQUIRED_FILES:
        if name != missing:
            shutil.copyfile(example_v2_dir / name, tmp_path / name)
    report = optimiser.validate(tmp_path)
    assert [(i.rule, i.file) for i in report.errors] == [("check_files", missing)]


@pytest.mark.parametrize("table", ["links", "routes", "providers", "provider_routes"])
def test_tables_once_required_may_be_header_only_or_absent(broken, table):
    """v1 required links, routes, providers and provider_routes; now none is (the other tables
    of the v1 example that name routes or providers go too)."""
    dependants = {"routes": ("provider_routes", "providers"), "providers": ("provider_routes",),
                  "provider_routes": (), "links": ()}[table]

    def edit(s, header_only):
        if header_only:
            s.header_only(table)
        else:
            s.delete(f"{table}.csv")
        for d in dependants:
            s.delete(f"{d}.csv")

    assert optimiser.validate(broken(lambda s: edit(s, True)).path).issues == ()
    assert optimiser.validate(broken(lambda s: edit(s, False)).path).issues == ()


def test_a_header_only_graduate_destinations_is_treated_as_absent(broken_v2):
    from optimiser.scenario.regions import graduate_shares, region_graph

    copy = broken_v2(lambda s: s.write("graduate_destinations.csv", "from_region,to_region,share\n"))
    s = optimiser.load_scenario(copy.path)
    assert s.report.issues == ()
    graph = region_graph(s.tables["regions"]["region"], s.tables["links"])
    shares = graduate_shares(graph, 0.75, s.tables["graduate_destinations"])
    assert shares == graduate_shares(graph, 0.75, pd.DataFrame())
    assert shares[("city", "city")] == 0.75 and shares[("city", "hills")] == pytest.approx(0.125)


def test_without_modalities_activity_names_modalities_freely(broken_v2):
    """No modalities.csv: growth 0, and activity and workload need no modality list."""
    copy = broken_v2(lambda s: s.delete("modalities.csv"))
    s = optimiser.load_scenario(copy.path)
    assert s.report.issues == ()
    d = demand_wte(s.tables, 2025, s.config.measured_years)
    assert d[("radiographer", "city", 2026)] == pytest.approx(d[("radiographer", "city", 2033)])


# --- the v2 rules -----------------------------------------------------------------------------


def write_policy(*rows: str):
    return lambda s: s.write("policy_shares.csv", "staff_group,routes,year,min_share,max_share\n"
                             + "".join(f"{r}\n" for r in rows))


CASES = {
    # settings
    "first_decision_year_after_the_horizon": (
        toml("first_decision_year = 2026", "first_decision_year = 2030"),
        Expect("error", "check_config", "scenario.toml", None, "first_decision_year", "2030",
               "first_decision_year 2030 is outside the start years 2025-2029")),
    "first_decision_year_before_the_start": (
        toml("first_decision_year = 2026", "first_decision_year = 2024"),
        Expect("error", "check_config", "scenario.toml", None, "first_decision_year", "2024",
               "outside the start years 2025-2029")),
    "target_year_after_the_run_out": (
        toml("target_year = 2029", "target_year = 2034"),
        Expect("error", "check_config", "scenario.toml", None, "target_year", "2034",
               "target_year 2034 is outside the measured years 2026-2033")),
    "run_out_years_negative": (
        toml("run_out_years = 3", "run_out_years = -1"),
        Expect("error", "check_config", "scenario.toml", None, "run_out_years", "-1", "greater than or equal to 0")),
    "max_change_share_negative": (
        toml("max_change_share = 0.25", "max_change_share = -0.1"),
        Expect("error", "check_config", "scenario.toml", None, "max_change_share", "-0.1", "greater than or equal to 0")),
    # recruitment pools
    "pool_for_a_training_route": (
        lambda s: s.set_cell("recruitment_pool", 2, "route", "ug_radiography"),
        Expect("error", "check_recruitment_pool", "recruitment_pool.csv", 2, "route", "ug_radiography",
               "route ug_radiography is a training route", key="route=ug_radiography")),
    "pool_for_an_unknown_route": (
        lambda s: s.set_cell("recruitment_pool", 2, "route", "return_to_work"),
        Expect("error", "check_references", "recruitment_pool.csv", 2, "route", "return_to_work", "unknown route",
               key="route=return_to_work")),
    "pool_in_an_unknown_region": (
        lambda s: s.set_cell("recruitment_pool", 3, "region", "moor"),
        Expect("error", "check_references", "recruitment_pool.csv", 3, "region", "moor", "unknown region",
               key="route=international_radiologist, region=moor")),
    "duplicate_pool_row": (
        lambda s: s.add_row("recruitment_pool", route="return_to_practice", max_recruits="8"),
        Expect("error", "check_duplicate_keys", "recruitment_pool.csv", 4, "route", None, "duplicates row 2",
               key="route=return_to_practice")),
    # policy shares
    "policy_route_not_producing_the_group": (
        lambda s: s.set_cell("policy_shares", 2, "routes", "radiographer_apprenticeship sonography_pg"),
        Expect("error", "check_policy_shares", "policy_shares.csv", 2, "routes", "sonography_pg",
               "route sonography_pg produces sonographer, not radiographer",
               key="staff_group=radiographer, routes=radiographer_apprenticeship sonography_pg")),
    "policy_unknown_route": (
        lambda s: s.set_cell("policy_shares", 3, "routes", "international_radiographer overseas"),
        Expect("error", "check_references", "policy_shares.csv", 3, "routes", "overseas", "unknown route",
               key="staff_group=radiographer, routes=international_radiographer overseas")),
    "policy_unknown_staff_group": (
        lambda s: s.set_cell("policy_shares", 2, "staff_group", "radiographers"),
        Expect("error", "check_references", "policy_shares.csv", 2, "staff_group", "radiographers",
               "unknown staff group", key="staff_group=radiographers, routes=radiographer_apprenticeship")),
    "policy_min_above_max": (
        lambda s: s.set_cell("policy_shares", 3, "min_share", "0.5"),
        Expect("error", "check_policy_shares", "policy_shares.csv", 3, "min_share", "0.5",
               "min_share is above max_share (0.2)",
               key="staff_group=radiographer, routes=international_radiographer")),
    "policy_share_above_one": (
        lambda s: s.set_cell("policy_shares", 2, "min_share", "25"),
        Expect("error", "check_ranges", "policy_shares.csv", 2, "min_share", "25", "rate outside [0, 1]",
               key="staff_group=radiographer, routes=radiographer_apprenticeship")),
    "duplicate_policy_row_with_routes_reordered": (
        write_policy("radiographer,ug_radiography radiographer_apprenticeship,,0.5,",
                     "radiographer,radiographer_apprenticeship  ug_radiography,,,0.9"),
        Expect("error", "check_duplicate_keys", "policy_shares.csv", 3, "staff_group", None,
               "duplicates row 2 (routes are a set",
               key="staff_group=radiographer, routes=radiographer_apprenticeship  ug_radiography")),
    "policy_row_without_bounds": (
        write_policy("radiographer,radiographer_apprenticeship,,,"),
        Expect("warning", "check_policy_shares", "policy_shares.csv", 2, "min_share", None,
               "neither min_share nor max_share",
               key="staff_group=radiographer, routes=radiographer_apprenticeship")),
    # retention
    "retention_unknown_staff_group": (
        lambda s: s.set_cell("retention", 2, "staff_group", "porter"),
        Expect("error", "check_references", "retention.csv", 2, "staff_group", "porter", "unknown staff group",
               key="scheme=flexible_working")),
    "retention_unknown_region": (
        lambda s: s.set_cell("retention", 3, "region", "moor"),
        Expect("error", "check_references", "retention.csv", 3, "region", "moor", "unknown region",
               key="scheme=retire_and_return, region=moor")),
    "retention_unknown_loss_stream": (
        lambda s: s.set_cell("retention", 2, "applies_to", "resignations"),
        Expect("error", "check_retention", "retention.csv", 2, "applies_to", "resignations",
               "unknown loss stream", key="scheme=flexible_working")),
    "retention_scheme_for_two_groups": (
        lambda s: s.add_row("retention", scheme="flexible_working", staff_group="sonographer", region="coast",
                            applies_to="leavers", max_share="0.2", cost_per_wte="5000"),
        Expect("error", "check_retention", "retention.csv", 4, "staff_group", "sonographer",
               "scheme flexible_working has staff_group radiographer in row 2",
               key="scheme=flexible_working, region=coast")),
    "retention_share_above_one": (
        lambda s: s.set_cell("retention", 2, "max_share", "30"),
        Expect("error", "check_ranges", "retention.csv", 2, "max_share", "30", "rate outside [0, 1]",
               key="scheme=flexible_working")),
    "retention_negative_cost": (
        lambda s: s.set_cell("retention", 3, "cost_per_wte", "-1"),
        Expect("error", "check_ranges", "retention.csv", 3, "cost_per_wte", "-1", "must not be negative",
               key="scheme=retire_and_return")),
    "duplicate_retention_row": (
        lambda s: s.add_row("retention", scheme="retire_and_return", staff_group="radiologist",
                            applies_to="retirements", max_share="0.1", cost_per_wte="1"),
        Expect("error", "check_duplicate_keys", "retention.csv", 4, "scheme", None, "duplicates row 3",
               key="scheme=retire_and_return")),
    # modalities, activity, workload
    "activity_for_an_unlisted_modality": (
        lambda s: s.set_cell("activity", 2, "modality", "xray"),
        Expect("error", "check_references", "activity.csv", 2, "modality", "xray", "unknown modality",
               key="region=coast, modality=xray")),
    "activity_in_an_unknown_region": (
        lambda s: s.set_cell("activity", 2, "region", "moor"),
        Expect("error", "check_references", "activity.csv", 2, "region", "moor", "unknown region",
               key="region=moor, modality=plain_film")),
    "negative_exams": (
        lambda s: s.set_cell("activity", 3, "exams", "-5"),
        Expect("error", "check_ranges", "activity.csv", 3, "exams", "-5", "must not be negative",
               key="region=coast, modality=ct")),
    "duplicate_activity_row": (
        lambda s: s.add_row("activity", region="city", modality="ct", year="2029", exams="1"),
        Expect("error", "check_duplicate_keys", "activity.csv", 15, "region", None, "duplicates row 10",
               key="region=city, modality=ct, year=2029")),
    "workload_for_an_unlisted_modality": (
        lambda s: s.set_cell("workload", 9, "modality", "echo"),
        Expect("error", "check_references", "workload.csv", 9, "modality", "echo", "unknown modality",
               key="modality=echo, staff_group=sonographer")),
    "workload_for_an_unknown_group": (
        lambda s: s.set_cell("workload", 9, "staff_group", "sonographers"),
        Expect("error", "check_references", "workload.csv", 9, "staff_group", "sonographers",
               "unknown staff group", key="modality=ultrasound, staff_group=sonographers")),
    "duplicate_workload_row": (
        lambda s: s.add_row("workload", modality="ct", staff_group="radiologist", minutes_per_exam="10"),
        Expect("error", "check_duplicate_keys", "workload.csv", 10, "modality", None, "duplicates row 6",
               key="modality=ct, staff_group=radiologist")),
    "duplicate_modality": (
        lambda s: s.add_row("modalities", modality="ct", name="CT again", growth="0.05"),
        Expect("error", "check_duplicate_keys", "modalities.csv", 6, "modality", None, "duplicates row 3",
               key="modality=ct")),
    "clinical_hours_zero": (
        lambda s: s.set_cell("staff_groups", 2, "clinical_hours_per_wte", "0"),
        Expect("error", "check_ranges", "staff_groups.csv", 2, "clinical_hours_per_wte", "0", "must be above 0",
               key="staff_group=radiologist")),
    "activity_modality_without_workload": (
        lambda s: (s.delete("modalities.csv"), s.set_cell("activity", 2, "modality", "plainfilm")),
        Expect("warning", "check_modalities", "activity.csv", 2, "modality", "plainfilm",
               "modality plainfilm: no staff group has workload rows for it",
               key="region=coast, modality=plainfilm")),
    "workload_modality_without_activity": (
        lambda s: s.set_cell("workload", 4, "modality", "fluoroscopy").add_row(
            "modalities", modality="fluoroscopy", name="Fluoroscopy", growth="0"),
        Expect("warning", "check_modalities", "workload.csv", 4, "modality", "fluoroscopy",
               "modality fluoroscopy: it has no activity rows",
               key="modality=fluoroscopy, staff_group=radiographer")),
    # skill mix by modality and current share
    "modality_skill_mix_without_workload": (
        lambda s: s.set_cell("skill_mix", 2, "covered_group", "sonographer"),
        Expect("error", "check_skill_mix", "skill_mix.csv", 2, "modality", "plain_film",
               "sonographer has no workload row for modality plain_film",
               key="covering_group=reporting_radiographer, covered_group=sonographer, modality=plain_film")),
    "skill_mix_pair_mixing_rows_with_and_without_modality": (
        lambda s: s.add_row("skill_mix", covering_group="reporting_radiographer", covered_group="radiologist",
                            max_share="0.1", productivity="1"),
        Expect("error", "check_skill_mix", "skill_mix.csv", 3, "modality", None,
               "has this row without a modality and rows for plain_film",
               key="covering_group=reporting_radiographer, covered_group=radiologist")),
    "current_share_above_max_share": (
        lambda s: s.set_cell("skill_mix", 2, "current_share", "0.7"),
        Expect("error", "check_skill_mix", "skill_mix.csv", 2, "current_share", "0.7",
               "current_share is above max_share (0.6)",
               key="covering_group=reporting_radiographer, covered_group=radiologist, modality=plain_film")),
    "skill_mix_unlisted_modality": (
        lambda s: s.set_cell("skill_mix", 2, "modality", "plain"),
        Expect("error", "check_references", "skill_mix.csv", 2, "modality", "plain", "unknown modality",
               key="covering_group=reporting_radiographer, covered_group=radiologist, modality=plain")),
    # min_system_cost needs a gap cost for every group with demand
    "gap_cost_missing_for_a_group_with_establishment_demand": (
        lambda s: s.replace_text("scenario.toml", '"min_shortfall"', '"min_system_cost"').set_cell(
            "staff_groups", 5, "gap_cost_per_wte", "").set_cell("workload", 9, "staff_group", "radiographer"),
        Expect("error", "check_gap_cost", "staff_groups.csv", 5, "gap_cost_per_wte", None,
               "gap_cost_per_wte is required under objective min_system_cost: sonographer has demand",
               key="staff_group=sonographer")),
    "gap_cost_missing_for_a_group_with_activity_demand": (
        lambda s: s.replace_text("scenario.toml", '"min_shortfall"', '"min_system_cost"').set_cell(
            "staff_groups", 4, "gap_cost_per_wte", "").add_row(
            "workload", modality="plain_film", staff_group="reporting_radiographer", minutes_per_exam="1"),
        Expect("error", "check_gap_cost", "staff_groups.csv", 4, "gap_cost_per_wte", None,
               "reporting_radiographer has demand (3.1 WTE in city, 2026)",
               key="staff_group=reporting_radiographer")),
    "negative_gap_cost": (
        lambda s: s.set_cell("staff_groups", 3, "gap_cost_per_wte", "-1"),
        Expect("error", "check_ranges", "staff_groups.csv", 3, "gap_cost_per_wte", "-1", "must not be negative",
               key="staff_group=radiographer")),
    # returners
    "returner_baseline_with_a_provider": (
        lambda s: s.add_row("baseline_starts", provider="uni_city", region="city", route="return_to_practice",
                            year="2025", starts="2"),
        Expect("error", "check_baseline_starts", "baseline_starts.csv", 27, "provider", "uni_city",
               "returner recruits have no provider",
               key="provider=uni_city, region=city, route=return_to_practice, year=2025")),
    "provider_runs_a_returner_route": (
        lambda s: s.add_row("provider_routes", provider="uni_city", route="return_to_practice", max_starts="5"),
        Expect("error", "check_routes", "provider_routes.csv", 7, "route", "return_to_practice",
               "returner routes are not run by providers", key="provider=uni_city, route=return_to_practice")),
    "returner_route_draws_from_a_group": (
        lambda s: s.set_cell("routes", 8, "draws_from", "sonographer"),
        Expect("error", "check_routes", "routes.csv", 8, "draws_from", "sonographer",
               "a returner route cannot draw from a staff group", key="route=return_to_practice")),
    # years: start years 2025-2029, model years 2025-2032, measured years 2026-2033
    "activity_in_the_start_year": (
        lambda s: s.set_cell("activity", 10, "year", "2025"),
        Expect("warning", "check_years", "activity.csv", 10, "year", "2025",
               "outside the measured years 2026-2033", key="region=city, modality=ct, year=2025")),
    "budget_after_the_run_out": (
        lambda s: s.set_cell("budget", 3, "year", "2033"),
        Expect("warning", "check_years", "budget.csv", 3, "year", "2033",
               "outside the model years (horizon and run-out) 2025-2032", key="year=2033")),
    "baseline_starts_in_a_run_out_year": (
        lambda s: s.set_cell("baseline_starts", 26, "year", "2030"),
        Expect("warning", "check_years", "baseline_starts.csv", 26, "year", "2030",
               "outside the horizon 2025-2029", key="region=coast, route=international_radiographer, year=2030")),
}


@pytest.mark.parametrize("edit, expected", list(CASES.values()), ids=list(CASES))
def test_v2_rule(broken_v2, edit, expected):
    report = optimiser.validate(broken_v2(edit).path)
    issue = assert_issue(report, expected)
    assert issue.fix.strip()
    if expected.severity == "warning":
        assert report.ok


def test_first_decision_year_fix_names_the_years(broken_v2):
    report = optimiser.validate(broken_v2(toml("first_decision_year = 2026", "first_decision_year = 2030")).path)
    assert report.errors[0].fix == "set first_decision_year to a year from 2025 to 2029, or remove it to decide from start_year"


@pytest.mark.parametrize("edit", [
    # the last start year may be the first decision year; targets may fall in run-out years
    toml("first_decision_year = 2026", "first_decision_year = 2029"),
    toml("target_year = 2029", "target_year = 2033"),
    # a policy share may select upskilling and non-training routes producing the group
    write_policy("radiographer,return_to_practice international_radiographer,,,0.3",
                 "sonographer,sonography_pg,,0.5,"),
    # a dated policy row without bounds lifts its blank-year row's limit in that year
    write_policy("radiographer,radiographer_apprenticeship,,0.25,", "radiographer,radiographer_apprenticeship,2027,,"),
    # a pooled row and region rows of one route, and a dated row, all fit together
    lambda s: s.add_row("recruitment_pool", route="return_to_practice", region="city", max_recruits="2")
              .add_row("recruitment_pool", route="return_to_practice", year="2027", max_recruits="9"),
    # a scheme's rows by region and year
    lambda s: s.add_row("retention", scheme="flexible_working", staff_group="radiographer", region="hills",
                        year="2027", applies_to="leavers", max_share="0.5", cost_per_wte="4000"),
    # a blank current_share is max_share; equal is allowed
    lambda s: s.set_cell("skill_mix", 2, "current_share", ""),
    lambda s: s.set_cell("skill_mix", 2, "current_share", "0.6"),
    # without min_system_cost a gap cost is optional; with it, a group without demand needs none
    lambda s: s.set_cell("staff_groups", 5, "gap_cost_per_wte", ""),
    lambda s: s.replace_text("scenario.toml", '"min_shortfall"', '"min_system_cost"').set_cell(
        "staff_groups", 4, "gap_cost_per_wte", ""),
], ids=["decide_from_the_last_start_year", "target_in_run_out", "policy_upskilling_and_recruits",
        "policy_year_row_lifting_a_limit", "pools_pooled_and_by_region", "retention_by_region_and_year",
        "current_share_blank", "current_share_at_max", "gap_cost_optional", "gap_cost_not_needed_without_demand"])
def test_valid_v2_variations_have_no_issues(broken_v2, edit):
    report = optimiser.validate(broken_v2(edit).path)
    assert report.issues == (), report.render()


def test_a_blank_current_share_reads_as_max_share(broken_v2):
    s = optimiser.load_scenario(broken_v2(lambda s: s.set_cell("skill_mix", 2, "current_share", "")).path)
    assert s.tables["skill_mix"]["current_share"].tolist() == [0.6]


def test_every_v2_error_is_reported_at_once(broken_v2):
    def edit(s):
        s.set_cell("recruitment_pool", 2, "route", "ug_radiography")
        s.set_cell("policy_shares", 3, "min_share", "0.5")
        s.set_cell("skill_mix", 2, "current_share", "0.7")
        s.set_cell("retention", 2, "applies_to", "resignations")
        s.replace_text("scenario.toml", "first_decision_year = 2026", "first_decision_year = 2031")

    report = optimiser.validate(broken_v2(edit).path)
    assert {(i.rule, i.file, i.row, i.column) for i in report.errors} == {
        ("check_recruitment_pool", "recruitment_pool.csv", 2, "route"),
        ("check_policy_shares", "policy_shares.csv", 3, "min_share"),
        ("check_skill_mix", "skill_mix.csv", 2, "current_share"),
        ("check_retention", "retention.csv", 2, "applies_to"),
        ("check_config", "scenario.toml", None, "first_decision_year"),
    }


# --- v1 scenarios are read as before ----------------------------------------------------------


def test_the_v1_example_reads_as_before(example_dir):
    """No issues, as before v2; its years are v1's, the new columns of v1 tables hold their
    defaults and the new tables are empty."""
    s = optimiser.load_scenario(example_dir)
    assert s.report.issues == ()
    c = s.config
    assert (c.first_decision, c.run_out_years, c.max_change_share) == (c.start_year, 0, 0)
    assert c.intake_change_limit == (None if c.max_change_per_year is None else (c.max_change_per_year, 0))
    assert c.years == c.decision_years == c.model_years and c.frozen_years == []
    assert c.measured_years == [y + 1 for y in c.years]
    assert c.run_out_model_years == c.run_out_measured_years == []
    sg = s.tables["staff_groups"]
    assert (sg["clinical_hours_per_wte"] == 1650).all() and sg["gap_cost_per_wte"].isna().all()
    mix = s.tables["skill_mix"]
    assert (mix["modality"] == "").all() and mix["current_share"].equals(mix["max_share"])
    for name in ("retention", "recruitment_pool", "policy_shares", "modalities", "activity", "workload"):
        assert s.tables[name].empty, name


def test_the_default_still_validates_with_no_issues():
    assert optimiser.validate().issues == ()
