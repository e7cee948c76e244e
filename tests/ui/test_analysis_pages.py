"""The Uncertainty and Alternatives pages through AppTest, on the worked example (tests/data/example),
and the bottleneck table's "holds for up to" words.

The sweep runs on a copy of the example with an uncertainty table, target shortfall rates for two
groups and two run-out years; what the page shows is checked against `optimiser.sweep` and
`optimiser.alternatives` called directly with the same options (both are deterministic for a seed).
The jobs run in-process (OPTIMISER_UI_INLINE_WORKER=1): AppTest cannot poll a worker process.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import optimiser
from optimiser.basics.locations import APP_SCRIPT
from ui.analysis_views import holds_for_words, with_holds_for

pytestmark = pytest.mark.ui

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "tests" / "data" / "example"
UNCERTAINTY = "parameter,scope,distribution,arguments\nleaver_rate,*,lognormal,sigma=0.12\ndemand_growth,*,normal,sd=0.01\n"
SAMPLES, SEED = 6, 3


@pytest.fixture
def uncertain_example(tmp_path) -> Path:
    """The worked example with uncertain leaver rates and demand growth, targets and run-out years."""
    folder = tmp_path / "example_uncertain"
    shutil.copytree(EXAMPLE, folder)
    (folder / "uncertainty.csv").write_text(UNCERTAINTY)
    groups = pd.read_csv(folder / "staff_groups.csv")
    groups["target_shortfall_rate"] = [0.25, 0.5, None]  # radiographer, sonographer, none for APs
    groups.to_csv(folder / "staff_groups.csv", index=False)
    toml = (folder / "scenario.toml").read_text().replace("horizon_years = 6", "horizon_years = 6\nrun_out_years = 2")
    (folder / "scenario.toml").write_text(toml)
    return folder


def _app(monkeypatch, tmp_path, scenario: Path, page: str) -> AppTest:
    monkeypatch.setenv("OPTIMISER_DATABASE_URL", f"sqlite:///{tmp_path / 'store.sqlite3'}")
    monkeypatch.setenv("OPTIMISER_UI_INLINE_WORKER", "1")
    monkeypatch.setenv("OPTIMISER_UI_SCENARIO", str(scenario))
    at = AppTest.from_file(str(APP_SCRIPT), default_timeout=180)
    at.run()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _table(at: AppTest, *columns: str) -> pd.DataFrame:
    """The first table shown that has all these columns."""
    for frame in at.dataframe:
        if all(c in frame.value.columns for c in columns):
            return frame.value
    raise AssertionError(f"no table with columns {columns}")


def test_a_scenario_with_nothing_uncertain_gets_the_engines_message(monkeypatch, tmp_path):
    at = _app(monkeypatch, tmp_path, EXAMPLE, "uncertainty")
    assert [t.value for t in at.title] == ["Uncertainty"]
    at.number_input(key="sweep_samples").set_value(2)
    at.button(key="sweep_submit").click()
    _run(at)
    errors = [e.value for e in at.error]
    assert any(e.startswith("The sweep did not run: the scenario 'Worked example: two ICBs' has no uncertainty rows")
               and "Fix: add uncertainty.csv" in e for e in errors), errors
    assert not at.dataframe  # nothing half-shown
    at.button(key="robust_submit").click()  # the robust plan gets the engine's message too
    _run(at)
    errors = [e.value for e in at.error]
    assert any(e.startswith("The robust plan was not solved: the scenario 'Worked example: two ICBs' has no "
                            "uncertainty rows") for e in errors), errors


def test_sweep_shows_the_engines_bands_and_target_chances_with_run_out_years(monkeypatch, tmp_path, uncertain_example):
    at = _app(monkeypatch, tmp_path, uncertain_example, "uncertainty")
    at.number_input(key="sweep_samples").set_value(SAMPLES)
    at.number_input(key="sweep_seed").set_value(SEED)
    at.number_input(key="sweep_workers").set_value(1)
    at.button(key="sweep_submit").click()
    _run(at)
    expected = optimiser.sweep(optimiser.load_scenario(uncertain_example), SAMPLES, seed=SEED, workers=1)

    totals = _table(at, "measure", "p50", "as entered (no uncertainty)").set_index("measure")
    weighted = expected.totals.set_index("measure").loc["weighted_shortfall"]
    assert totals.loc["weighted shortfall (WTE-years)", "p50"] == f"{weighted['p50']:,.0f}"

    # all regions: the group's shortfall summed over regions in each future, then its quantiles
    band = _table(at, "year", "p10_wte", "run_out_year")
    want = expected.shortfall_by_group.query("staff_group == 'radiographer'").reset_index(drop=True)
    assert band["year"].tolist() == want["year"].tolist()
    assert band["p10_wte"].tolist() == pytest.approx(want["p10_wte"].tolist())
    assert band["p90_wte"].tolist() == pytest.approx(want["p90_wte"].tolist())
    assert (band["p10_wte"] <= band["p50_wte"]).all() and (band["p50_wte"] <= band["p90_wte"]).all()
    assert band.loc[band["run_out_year"], "year"].tolist() == [2032, 2033]

    at.selectbox(key="sweep_group").set_value("sonographer")
    at.selectbox(key="sweep_region").set_value("west")
    _run(at)
    band = _table(at, "year", "p10_wte", "run_out_year")
    want = expected.shortfall.query("staff_group == 'sonographer' and region == 'west'")
    assert band["p50_wte"].tolist() == pytest.approx(want["p50_wte"].tolist())

    chances = _table(at, "staff group", "chance of meeting it in every year")
    summary = expected.target_summary
    assert chances["staff group"].tolist() == ["Diagnostic radiographer", "Sonographer"]
    assert chances["target: shortfall at most (share of demand)"].tolist() == ["25%", "50%"]
    assert chances["chance of meeting it in every year"].tolist() == [
        f"{100 * p:.0f}%" for p in summary["probability_all_met"]]
    by_year = _table(at, "staff group", "region", "2030")
    assert [c for c in by_year.columns if "run-out" in c] == ["2032 (run-out)", "2033 (run-out)"]
    row = expected.targets.query("staff_group == 'radiographer' and region == 'east' and year == 2030")
    shown = by_year[(by_year["staff group"] == "Diagnostic radiographer") & (by_year["region"] == "East ICB")]
    assert shown["2030"].iloc[0] == f"{100 * row['probability_met'].iloc[0]:.0f}%"


def test_alternatives_side_by_side_with_totals_per_category(monkeypatch, tmp_path):
    at = _app(monkeypatch, tmp_path, EXAMPLE, "alternatives")
    assert any("LP plans with the best plan's cohort decisions fixed" in i.value for i in at.info)
    at.number_input(key="alternatives_count").set_value(3)
    at.selectbox(key="alternatives_vary").set_value("routes")
    at.button(key="alternatives_submit").click()
    _run(at)
    expected = optimiser.alternatives(optimiser.load_scenario(EXAMPLE), 0.02, 3, "routes")

    side = _table(at, "measure", "best plan").set_index("measure")
    assert list(side.columns) == expected.table["plan"].tolist()
    assert len(side.columns) == 4 and side.columns[0] == "best plan"
    for plan, row in expected.table.set_index("plan").iterrows():
        assert side.loc["total cost", plan] == f"£{row['total_cost_gbp'] / 1e6:,.2f}m"
        assert side.loc["objective change vs best (%)", plan] == f"{row['objective_change_pct']:+z.2f}"
        assert float(side.loc["objective change vs best (%)", plan]) <= 2.0 + 1e-6  # within the slack
    assert side.loc["people moved from the best plan", "best plan"] == "0.0"

    totals = _table(at, "category", "best plan").set_index("category")
    want = expected.totals.pivot_table(index="category", columns="plan", values="people")
    for plan in expected.table["plan"]:
        for category in want.index:
            assert totals.loc[category, plan] == pytest.approx(round(want.loc[category, plan], 1))
    assert len(at.get("plotly_chart")) == 1


def test_with_no_slack_every_alternative_is_as_good_as_the_best(monkeypatch, tmp_path):
    at = _app(monkeypatch, tmp_path, EXAMPLE, "alternatives")
    at.number_input(key="alternatives_slack").set_value(0.0)
    at.selectbox(key="alternatives_vary").set_value("international")
    at.button(key="alternatives_submit").click()
    _run(at)
    side = _table(at, "measure", "best plan").set_index("measure")
    assert set(side.loc["objective change vs best (%)"]) == {"+0.00"}
    assert len(set(side.loc["weighted shortfall (WTE-years)"])) == 1
    totals = _table(at, "category", "best plan").set_index("category")
    assert "international recruits" in totals.index  # the pushed category, shown beside the routes


def test_holds_for_up_to_is_shown_in_the_limits_unit():
    assert holds_for_words(120.0, "weeks") == "120 weeks"
    assert holds_for_words(1_500_000.0, "GBP") == "GBP 1,500,000"
    assert holds_for_words(2.5, "WTE") == "2.5 WTE"
    assert holds_for_words(math.inf, "weeks") == "no end"
    assert holds_for_words(0.0, "weeks") == "the margin only"
    assert holds_for_words(float("nan"), "weeks") == ""
    table = pd.DataFrame({"family": ["a", "b"], "unit": ["weeks", "GBP"], "holds_for_up_to": [120.0, math.inf],
                          "meaning": ["x", "y"]})
    shown = with_holds_for(table)
    assert list(shown.columns) == ["family", "unit", "holds for up to", "meaning"]
    assert shown["holds for up to"].tolist() == ["120 weeks", "no end"]
    old = table.drop(columns="holds_for_up_to")  # a run saved before ranging existed
    assert with_holds_for(old) is old


def test_results_bottleneck_table_says_how_far_each_value_holds(monkeypatch, tmp_path):
    at = _app(monkeypatch, tmp_path, EXAMPLE, "solve")
    at.button(key="solve_submit").click()
    _run(at)
    _run(at.switch_page("app_pages/results.py"))
    table = _table(at, "family", "limit", "meaning")
    assert "holds_for_up_to" not in table.columns
    binding = at.session_state["result"].bottlenecks()
    want = [holds_for_words(r, u) for r, u in zip(binding["holds_for_up_to"], binding["unit"], strict=True)]
    assert table["holds for up to"].tolist() == want[: len(table)]
    assert any(w and w != "the margin only" for w in want)  # at least one real range on the example


def test_the_plan_solved_in_this_session_can_be_swept(monkeypatch, tmp_path, uncertain_example):
    at = _app(monkeypatch, tmp_path, uncertain_example, "solve")
    at.button(key="solve_submit").click()
    _run(at)
    result = at.session_state["result"]
    _run(at.switch_page("app_pages/uncertainty.py"))
    at.selectbox(key="sweep_plan").set_value("The plan solved in this session")
    at.number_input(key="sweep_samples").set_value(3)
    at.number_input(key="sweep_workers").set_value(1)
    at.button(key="sweep_submit").click()
    _run(at)
    optimiser.write_plan(result, tmp_path / "plan")
    expected = optimiser.sweep(optimiser.load_scenario(uncertain_example), 3, tmp_path / "plan", workers=1)
    totals = _table(at, "measure", "p50", "as entered (no uncertainty)").set_index("measure")
    assert totals["plan"].iloc[0] == "the plan"
    weighted = expected.totals.set_index("measure").loc["weighted_shortfall"]
    assert totals.loc["weighted shortfall (WTE-years)", "as entered (no uncertainty)"] == f"{weighted['unperturbed']:,.0f}"
    assert totals.loc["weighted shortfall (WTE-years)", "p90"] == f"{weighted['p90']:,.0f}"
