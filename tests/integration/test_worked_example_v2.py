"""Acceptance test of the v2 semantics: every value of tests/data/example_v2/README.md (the
contract's v2 worked example, optima of an independent implementation). Each variant is the
example edited in a temporary copy, as the README describes it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

import optimiser

pytestmark = pytest.mark.integration

DEMAND_2026 = {("radiologist", "coast"): 24.793, ("radiologist", "city"): 43.986, ("radiologist", "hills"): 15.310,
               ("radiographer", "coast"): 46.467, ("radiographer", "city"): 81.480, ("radiographer", "hills"): 29.147,
               ("sonographer", "coast"): 23.636, ("sonographer", "city"): 39.394, ("sonographer", "hills"): 15.758}
# status quo, radiographers in city: year -> (supply, demand, shortfall)
SQ_CITY_RADIOGRAPHERS = {2026: (74.250, 81.480, 7.230), 2027: (78.524, 85.123, 6.599), 2028: (93.340, 88.971, 0.0),
                         2029: (98.193, 94.212, 0.0), 2030: (102.730, 97.337, 0.0), 2031: (108.173, 101.883, 0.0),
                         2032: (112.961, 106.692, 0.0), 2033: (105.619, 111.779, 6.160)}
REQUIRED = ("scenario.toml", "regions.csv", "staff_groups.csv", "workforce.csv")


# --- editing a copy of the example ----------------------------------------------------------


def set_keys(folder: Path, **keys) -> None:
    """Set (or, with None, remove) top-level keys of scenario.toml."""
    path = folder / "scenario.toml"
    text = path.read_text(encoding="utf-8")
    for key, value in keys.items():
        line = re.compile(rf"^{key} = .*\n", flags=re.M)
        if value is None:
            text = line.sub("", text)
        elif line.search(text):
            text = line.sub(f"{key} = {value}\n", text)
        else:
            text = text.replace("\n[solver]", f"{key} = {value}\n\n[solver]")
    path.write_text(text, encoding="utf-8")


def edit_table(folder: Path, name: str, edit) -> None:
    path = folder / f"{name}.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    edit(table).to_csv(path, index=False)


def delete(*names: str):
    return lambda folder: [(folder / f"{n}.csv").unlink() for n in names]


def halve_budgets(folder: Path) -> None:
    edit_table(folder, "budget", lambda t: t.assign(budget_gbp=[f"{float(v) / 2:.0f}" for v in t["budget_gbp"]]))


def zero_non_training_loads(folder: Path) -> None:
    """What v1's count of learners amounted to: non-training routes load and cost nothing while they last."""
    def edit(t):
        other = t["kind"] != "training"
        t.loc[other, ["placement_weeks", "educator_load", "cost_per_learner_year"]] = "0"
        return t
    edit_table(folder, "routes", edit)


def required_tables_only(folder: Path) -> None:
    for path in folder.iterdir():
        if path.name not in REQUIRED:
            path.unlink()


@pytest.fixture
def variant(tmp_path, example_v2_dir):
    def make(edit=None) -> optimiser.Scenario:
        folder = tmp_path / "variant"
        shutil.copytree(example_v2_dir, folder)
        if edit is not None:
            edit(folder)
        return optimiser.load_scenario(folder)
    return make


@pytest.fixture(scope="module")
def shipped(example_v2_dir) -> optimiser.PlanResult:
    plan = optimiser.solve(optimiser.load_scenario(example_v2_dir))
    assert plan.status == "optimal"
    return plan


# --- the scenario as shipped ----------------------------------------------------------------


def test_demand_from_activity_in_2026(shipped):
    d = shipped.projection.query("year == 2026").set_index(["staff_group", "region"])["demand_wte"]
    for cell, wte in DEMAND_2026.items():
        assert d[cell] == pytest.approx(wte, abs=5e-4)
    # City's 2029 CT row replaces that year only: 2030 is back on the grown volume.
    ct = {y: (150_000 if y == 2029 else 110_000 * 1.07 ** (y - 2025)) * 20 for y in (2028, 2029, 2030)}
    city = shipped.projection.query("staff_group == 'radiographer' and region == 'city'").set_index("year")["demand_wte"]
    rest = {y: (300_000 * 1.02 ** (y - 2025) * 12 + 55_000 * 1.06 ** (y - 2025) * 35) for y in ct}
    for y in ct:
        assert city[y] == pytest.approx((ct[y] + rest[y]) / (60 * 1650), abs=1e-9)


def test_status_quo_radiographers_in_city(shipped):
    sq = shipped.status_quo
    city = sq.projection.query("staff_group == 'radiographer' and region == 'city'").set_index("year")
    assert city.loc[2025, "supply_wte"] == pytest.approx(70.0)
    for year, (supply, demand, short) in SQ_CITY_RADIOGRAPHERS.items():
        row = city.loc[year]
        assert (row["supply_wte"], row["demand_wte"], row["shortfall_wte"]) == (
            pytest.approx(supply, abs=5e-4), pytest.approx(demand, abs=5e-4), pytest.approx(short, abs=5e-4))
        assert row["run_out"] == (year >= 2031)
    assert (sq.objective, sq.weighted_shortfall) == (pytest.approx(1071.126, abs=1e-3), pytest.approx(1221.731, abs=1e-3))
    assert sq.costs["gbp"].sum() == pytest.approx(5_977_500)


def test_min_shortfall_as_shipped(shipped):
    assert shipped.objective == pytest.approx(697.803, abs=1e-3)
    assert shipped.weighted_shortfall == pytest.approx(793.061, abs=3e-3)
    assert 7_935_117 - 1 <= shipped.total_cost_gbp <= 8_116_168 + 1
    frozen = shipped.costs.query("year == 2025")["gbp"].sum()
    assert frozen == pytest.approx(446_500)
    assert (shipped.measured_years, shipped.run_out_years) == ("2026-2033", "2031-2033")


def test_binding_shows_each_limit_as_written_with_what_frozen_years_commit(shipped):
    """2025 is frozen: its learners cost money and take placement weeks in 2026 on. binding.csv's
    budget rows show budget.csv's figures (GBP 2m a year, 0.9m in 2030) and the year's whole cost as
    used, as costs.csv has it; not the room left after the commitments, as the solver holds them."""
    b = shipped.binding
    budget = b[b["constraint"] == "budget_yearly"].set_index("year")
    assert budget["limit"].to_dict() == pytest.approx({y: 900_000.0 if y == 2030 else 2_000_000.0
                                                       for y in range(2026, 2032)})
    cost = shipped.costs.groupby("year")["gbp"].sum()
    assert budget["used"].to_dict() == pytest.approx(cost.loc[2026:2031].to_dict())
    assert (budget["slack"] == (budget["limit"] - budget["used"]).clip(lower=0)).all()
    places = b[b["constraint"] == "placement_capacity"]
    assert places["limit"].isin([800.0, 1100.0, 450.0]).all(), places[["index", "limit"]]  # placement_capacity.csv


def test_every_feature_of_the_shipped_plan(shipped):
    starts = shipped.starts.set_index(["provider", "route", "year"])["starts"]
    # first_decision_year 2026: the 2025 intake is the baseline in every plan
    assert starts[("uni_city", "ug_radiography", 2025)] == 18
    assert starts[("coast_college", "radiographer_apprenticeship", 2025)] == 4
    assert starts[("uni_city", "sonography_pg", 2025)] == 3
    assert shipped.recruits.query("year == 2025")["recruits"].sum() == 3
    # max_change_share: coast_college has no sonography baseline, so 2026 is at most 4 + 0.25 x 0
    assert starts[("coast_college", "sonography_pg", 2026)] == 4
    # run-out: the decided starts that complete after 2030 number 49
    length = {"ug_radiography": 3, "radiographer_apprenticeship": 3, "sonography_pg": 2, "reporting_pgcert": 1}
    s = shipped.starts.assign(done=lambda t: t["year"] + t["route"].map(length))
    assert s.query("year >= 2026 and done > 2030")["starts"].sum() == 49
    # extra educators in run-out year 2030 in city
    educators = shipped.educators.set_index(["region", "year"])["extra_educator_wte"]
    assert educators[("city", 2030)] >= 0.7 - 1e-6
    # pooled caps: 6 returners and 5 international radiologists a year
    recruits = shipped.recruits.groupby(["route", "year"])["recruits"].sum()
    for y in range(2026, 2030):
        assert (recruits[("return_to_practice", y)], recruits[("international_radiologist", y)]) == (6, 5)
    # both retention schemes at their maximum share in every year
    kept = shipped.retention.groupby("scheme")["retained_wte"].sum()
    assert (kept["flexible_working"], kept["retire_and_return"]) == (pytest.approx(11.53, abs=5e-3),
                                                                     pytest.approx(4.21, abs=5e-3))
    assert set(shipped.costs["category"]) >= {"retention", "returner recruitment", "learners in training"}
    # policy shares: the apprenticeship minimum binds in 2027-2029, the international maximum in 2029
    b = shipped.binding.query("binding")
    assert sorted(b.query("constraint == 'policy_share_min'")["year"]) == [2027, 2028, 2029]
    assert sorted(b.query("constraint == 'policy_share_max'")["year"]) == [2029]
    # modality skill mix: reporting radiographers do the full 60% of city's plain-film reporting in 2030
    mix = shipped.skill_mix.query("region == 'city' and year == 2030").iloc[0]
    assert (mix["modality"], mix["share_of_work"], mix["deployed_wte"]) == (
        "plain_film", pytest.approx(0.6), pytest.approx(6.572, abs=5e-4))
    # current_share: the status quo's reporting radiographers are held to 30% in city in 2026-2028
    sq_mix = shipped.status_quo.skill_mix.query("region == 'city'").set_index("year")["share_of_work"]
    assert [sq_mix[y] for y in (2026, 2027, 2028)] == pytest.approx([0.3, 0.3, 0.3])
    assert sq_mix.max() <= 0.3 + 1e-9


# --- the README's optima --------------------------------------------------------------------


@pytest.mark.parametrize(("edit", "expected", "weighted", "cost"), [
    (lambda f: set_keys(f, run_out_years=0), 339.9998, 361.087, (6_261_848, 6_691_570)),
    (delete("retention"), 762.588, 867.844, (7_841_500, 7_901_253)),
    (halve_budgets, 866.666, 990.813, (5_115_491, 5_129_310)),
], ids=["run_out_years 0", "without retention", "budgets halved"])
def test_min_shortfall_variants(variant, edit, expected, weighted, cost):
    plan = optimiser.solve(variant(edit), with_status_quo=False)
    assert plan.status == "optimal"
    assert plan.objective == pytest.approx(expected, abs=1e-3 if expected > 400 else 1e-4)
    assert plan.weighted_shortfall == pytest.approx(weighted, abs=3e-3)
    assert cost[0] - 1 <= plan.total_cost_gbp <= cost[1] + 1


def test_min_system_cost(variant):
    plan = optimiser.solve(variant(), objective="min_system_cost", with_status_quo=False)
    assert plan.objective == pytest.approx(45_965_072.10, abs=0.01)
    assert plan.system_cost_gbp == pytest.approx(45_965_072.10, abs=0.01)
    assert plan.gap_premium_gbp == pytest.approx(38_915_280.53, abs=60)
    assert plan.system_cost_gbp - plan.gap_premium_gbp == pytest.approx(7_049_791.57, abs=60)
    assert plan.weighted_shortfall == pytest.approx(802.198, abs=3e-3)
    assert 7_678_703 - 1 <= plan.total_cost_gbp <= 7_678_765 + 1
    assert {"gap_premium_gbp", "system_cost_gbp"} <= set(plan.summary_dict())


def test_min_cost_holds_targets_in_run_out_years_too(variant):
    plan = optimiser.solve(variant(), objective="min_cost", with_status_quo=False)
    assert plan.total_cost_gbp == pytest.approx(4_141_396.58, abs=0.01)
    assert plan.objective == pytest.approx(4_141_396.58, abs=0.01)  # plus a tie-break of 1e-6 per WTE-year
    rate = {"radiologist": 0.5, "radiographer": 0.25}
    p = plan.projection.query("year >= 2029 and staff_group in @rate")
    assert (p["shortfall_wte"] <= p["staff_group"].map(rate) * p["demand_wte"] + 1e-6).all()
    assert p["run_out"].any()


@pytest.mark.parametrize(("edit", "expected"), [
    (lambda f: set_keys(f, first_decision_year=2025), 563.330),
    (lambda f: edit_table(f, "budget", lambda t: t[t["year"] != "2030"]), 695.425),
    (zero_non_training_loads, 696.951),
    (lambda f: set_keys(f, max_change_share=None), 712.877),
    (lambda f: set_keys(f, max_change_share=None, max_change_per_year=None), 689.246),
    (delete("recruitment_pool"), 426.988),
    (delete("policy_shares"), 650.880),
    (lambda f: edit_table(f, "skill_mix", lambda t: t.assign(modality="")), 608.289),
], ids=["first_decision_year 2025", "without the 2030 budget", "non-training loads and costs 0",
        "without max_change_share", "without either stability key", "without pools", "without policy shares",
        "modality blank"])
def test_each_feature_changes_the_optimum(variant, edit, expected):
    plan = optimiser.solve(variant(edit), with_status_quo=False)
    assert plan.status == "optimal"
    assert plan.objective == pytest.approx(expected, abs=1e-3)


def test_status_quo_at_max_share_instead_of_current_share(variant):
    sq = optimiser.project(variant(lambda f: edit_table(f, "skill_mix", lambda t: t.assign(current_share=""))))
    assert sq.objective == pytest.approx(1068.674, abs=1e-3)


def test_the_four_required_tables_alone_are_a_scenario(variant):
    plan = optimiser.solve(variant(required_tables_only))
    assert plan.status == "optimal"
    assert plan.objective == pytest.approx(1079.711, abs=1e-3)
    assert plan.status_quo.objective == pytest.approx(1079.711, abs=1e-3)
    assert plan.starts.empty and plan.recruits.empty and plan.total_cost_gbp == 0


def test_a_v2_plan_folder_evaluated_in_its_scenario_gives_its_own_shortfall(shipped, example_v2_dir, tmp_path):
    from optimiser.analysis.evaluate import evaluate_fixed_plan, read_plan_folder

    optimiser.write_plan(shipped, tmp_path / "plan")
    plan = read_plan_folder(tmp_path / "plan")  # the frozen 2025 intake is the baseline: skipped, not refused
    evaluation, breaches = evaluate_fixed_plan(optimiser.load_scenario(example_v2_dir), plan)
    assert evaluation.weighted_shortfall == pytest.approx(shipped.weighted_shortfall, abs=1e-6)
    assert breaches == []
    # without its retention the same starts and recruits leave a larger gap
    (tmp_path / "plan" / "retention.csv").unlink()  # as in a folder written before v2: no one retained
    worse, _ = evaluate_fixed_plan(optimiser.load_scenario(example_v2_dir), read_plan_folder(tmp_path / "plan"))
    assert worse.weighted_shortfall > shipped.weighted_shortfall + 1
