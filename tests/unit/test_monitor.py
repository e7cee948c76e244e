"""Monitoring a plan against actuals, on a plan folder written by hand (no solve): in post
interpolated within the year, sums by key, flags at the thresholds, and roll-ups."""

import json
from pathlib import Path

import pandas as pd
import pytest

from optimiser.analysis.monitor import monitor
from optimiser.analysis.plan_folder import PlanFolderError, read_plan_tables
from optimiser.analysis.rollup import RollupError, roll_up_monitor
from optimiser.scenario.actuals import load_actuals
from optimiser.scenario.scenario import load_scenario

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def example_v2():
    return load_scenario("tests/data/example_v2")


def plan_folder(path: Path) -> Path:
    """A plan folder of the example v2 scenario with hand-picked figures."""
    path.mkdir()
    (path / "run.json").write_text(json.dumps({"kind": "solve", "files": {}}))
    (path / "summary.json").write_text("{}")
    proj = "staff_group,region,year,supply_wte,demand_wte,covered_wte,shortfall_wte,run_out\n" \
           "radiographer,city,2025,100,120,100,20,False\nradiographer,city,2026,110,125,110,15,False\n" \
           "radiographer,coast,2025,50,60,50,10,False\nradiographer,coast,2026,40,60,40,20,False\n"
    (path / "projection.csv").write_text(proj)
    (path / "status_quo_projection.csv").write_text(proj)
    (path / "starts.csv").write_text("provider,region,route,year,starts\nuni_city,city,ug_radiography,2025,10\n"
                                     "uni_city,hills,ug_radiography,2025,10\nuni_city,city,sonography_pg,2025,4\n")
    (path / "recruits.csv").write_text("route,kind,region,year,recruits\n"
                                       "international_radiographer,international,city,2025,2\n")
    (path / "retention.csv").write_text("scheme,staff_group,region,year,retained_wte\n")
    (path / "educators.csv").write_text("region,year,extra_educator_wte\n")
    (path / "costs.csv").write_text("year,category,gbp\n2025,learners in training,1000\n")
    return path


@pytest.fixture
def report(tmp_path, example_v2):
    plan = read_plan_tables(plan_folder(tmp_path / "plan"))
    actuals = tmp_path / "actuals"
    actuals.mkdir()
    (actuals / "actual_in_post.csv").write_text(
        "date,region,staff_group,in_post_wte\n2025-04-01,city,radiographer,100\n"
        "2025-10-01,city,radiographer,100\n2025-10-01,coast,radiographer,47.5\n")
    (actuals / "actual_starts.csv").write_text(
        "year,provider,route,region,starts\n2025,uni_city,ug_radiography,city,15\n2025,uni_city,ug_radiography,hills,4\n"
        "2025,uni_city,reporting_pgcert,,3\n")
    (actuals / "actual_spend.csv").write_text("year,category,gbp\n2025,learners in training,1040\n")
    return monitor(plan, example_v2, load_actuals(actuals, example_v2)), example_v2


def line(report, measure, **where):
    df = report.lines[report.lines["measure"] == measure]
    for k, v in where.items():
        df = df[df[k] == v]
    assert len(df) == 1, df
    return df.iloc[0]


def test_in_post_is_interpolated_within_the_year_and_says_so(report):
    rep, _ = report
    # 1 October 2025 is 183 of the 365 days from 1 April 2025 to 1 April 2026
    r = line(rep, "in post", region="city", date="2025-10-01")
    assert r["plan"] == pytest.approx(100 + 183 / 365 * 10)
    assert r["variance"] == pytest.approx(100 - (100 + 183 / 365 * 10))
    assert "interpolated linearly 50% of the way from 1 April 2025 (100.0) to 1 April 2026 (110.0)" in r["basis"]
    assert r["flag"] == "green"  # 4.8% below: under the 5% amber line
    coast = line(rep, "in post", region="coast", date="2025-10-01")
    assert coast["plan"] == pytest.approx(50 - 183 / 365 * 10)
    assert coast["variance_pct"] == pytest.approx(47.5 / (50 - 183 / 365 * 10) - 1)
    assert coast["flag"] == "amber"  # +5.6%: amber from 5%, red from 10%
    start = line(rep, "in post", region="city", date="2025-04-01")
    assert (start["plan"], start["basis"]) == (100, "plan's stock on 1 April 2025")


def test_starts_are_summed_over_regions_and_unplanned_lines_are_red(report):
    rep, _ = report
    ug = line(rep, "starts", provider="uni_city", route="ug_radiography")
    assert (ug["plan"], ug["actual"], ug["flag"]) == (20, 19, "amber")  # -5%: at the amber line
    assert ug["region"] == "city"  # the provider's own region, for roll-ups
    missing = line(rep, "starts", provider="uni_city", route="sonography_pg")
    assert (missing["plan"], missing["actual"], missing["flag"]) == (4, 0, "red")  # planned, none started
    extra = line(rep, "starts", provider="uni_city", route="reporting_pgcert")
    assert (extra["plan"], extra["actual"], extra["flag"]) == (0, 3, "red")  # started, never planned
    assert pd.isna(extra["variance_pct"])
    # recruits: no actual_recruits table, so no recruit lines (absent actuals are not zeros)
    assert not (rep.lines["measure"] == "recruits").any()
    spend = line(rep, "spend", category="learners in training")
    assert (spend["variance"], spend["flag"]) == (40, "green")
    assert set(rep.counts()["measure"]) == {"in post", "starts", "spend"}


def test_roll_up_to_the_network(report):
    rep, scenario = report
    up = roll_up_monitor(rep, scenario, "parent")
    in_post = up.lines[(up.lines["measure"] == "in post") & (up.lines["date"] == "2025-10-01")]
    assert list(in_post["region"]) == ["Example v2 network"]
    assert in_post["actual"].iloc[0] == pytest.approx(147.5)
    assert in_post["plan"].iloc[0] == pytest.approx(100 + 183 / 365 * 10 + 50 - 183 / 365 * 10)
    starts = up.lines[up.lines["measure"] == "starts"]
    assert set(starts["provider"]) == {""}
    with pytest.raises(RollupError, match="level 'network' is not in the scenario's hierarchy; levels: region, parent"):
        roll_up_monitor(rep, scenario, "network")


def test_a_folder_that_is_not_a_plan(tmp_path):
    with pytest.raises(PlanFolderError, match="no readable run.json"):
        read_plan_tables(tmp_path)
    (tmp_path / "run.json").write_text(json.dumps({"kind": "sweep", "files": {}}))
    with pytest.raises(PlanFolderError, match="holds a run of kind 'sweep', not a plan"):
        read_plan_tables(tmp_path)
