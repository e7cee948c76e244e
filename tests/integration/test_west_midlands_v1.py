"""The v1 default, kept as shipped in inputs/west_midlands_v1: it validates cleanly, projects the ESR
pipeline as v1 counted it, and solves to a better plan within its budget (the v1 figures)."""

import pytest

import optimiser
from optimiser.basics.locations import V1_SCENARIO_DIR

pytestmark = pytest.mark.integration
ICBS = {"black_country", "birmingham_solihull", "coventry_warwickshire", "herefordshire_worcestershire",
        "shropshire_telford_wrekin", "staffordshire_stoke"}


@pytest.fixture(scope="module")
def v1():
    return optimiser.load_scenario(V1_SCENARIO_DIR)


def test_v1_default_validates_cleanly():
    report = optimiser.validate(V1_SCENARIO_DIR)
    assert report.errors == [] and report.warnings == []


def test_v1_default_projects_all_six_icbs(v1):
    sq = optimiser.project(v1)
    proj = sq.projection
    assert set(proj["region"]) == ICBS
    rad = proj[proj["staff_group"] == "diagnostic_radiographer"].groupby("year")["supply_wte"].sum()
    assert rad[2023] == pytest.approx(1880, abs=0.5)  # the ESR start figure
    # 2024 = 1880 x (1 - 0.0536) + 197 WTE of committed inflows (ESR analysis, 2023 column sums)
    # - radiographers who start upskilling courses in 2023 + those of one-year courses who do not complete.
    routes = v1.tables["routes"].set_index("route")
    base = v1.tables["baseline_starts"]
    up = base[base["route"].map(routes["draws_from"]) == "diagnostic_radiographer"]
    up = up[(up["year"].isna()) | (up["year"] == 2023)]
    left = up["starts"].sum()
    one_year = up[up["route"].map(routes["duration_years"]) == 1]
    back = (one_year["starts"] * (1 - one_year["route"].map(routes["completion_rate"]))).sum()
    assert left > 0
    assert rad[2024] == pytest.approx(1880 * 0.9464 + 197 - left + back, abs=0.5)
    assert sq.weighted_shortfall > 0


def test_v1_default_plan_beats_the_status_quo_within_budget(v1):
    plan = optimiser.solve(v1, time_limit=60)
    assert plan.feasible
    assert plan.weighted_shortfall < plan.status_quo.weighted_shortfall
    budget = v1.tables["budget"]
    yearly = dict(zip(budget["year"], budget["budget_gbp"], strict=True))
    blank = [v for y, v in yearly.items() if y != y]  # NaN year = every year
    for year, spent in plan.costs.groupby("year")["gbp"].sum().items():
        limit = yearly.get(float(year), blank[0] if blank else float("inf"))
        assert spent <= limit + 1
    assert not plan.bottlenecks().empty
