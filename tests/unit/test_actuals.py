"""Actuals checked against a plan's scenario: every bad cell named by file, row, key, column and value."""

import pandas as pd
import pytest

from optimiser.basics.issues import ScenarioError
from optimiser.scenario.actuals import check_actuals, load_actuals, load_raw_actuals
from optimiser.scenario.scenario import load_scenario

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def example_v2():
    return load_scenario("tests/data/example_v2")


def write(folder, **tables):
    folder.mkdir(exist_ok=True)
    for name, text in tables.items():
        if name == "settings":
            (folder / "actuals.toml").write_text(text)
        else:
            (folder / f"{name}.csv").write_text(text)
    return folder


GOOD = dict(
    actual_in_post="date,region,staff_group,in_post_wte\n2025-04-01,city,radiographer,70\n2025-10-31,city,radiographer,71.5\n",
    actual_starts="year,provider,route,region,starts\n2025,uni_city,ug_radiography,,18\n",
    actual_recruits="year,route,region,recruits\n2025,international_radiographer,city,2\n",
    actual_spend="year,category,gbp\n2025,learners in training,100000\n",
)


def test_good_actuals_are_typed(tmp_path, example_v2):
    actuals = load_actuals(write(tmp_path / "a", **GOOD, settings="amber_at = 0.02\nred_at = 0.2\n"), example_v2)
    assert actuals.amber_at == 0.02 and actuals.red_at == 0.2
    assert actuals.tables["actual_in_post"]["date"].iloc[1] == pd.Timestamp(2025, 10, 31)
    assert actuals.tables["actual_starts"]["starts"].iloc[0] == 18.0
    assert actuals.tables["actual_retained"].empty  # an absent table is an empty one
    assert actuals.years("actual_starts") == [2025]


def test_defaults_of_the_thresholds(tmp_path, example_v2):
    actuals = load_actuals(write(tmp_path / "a", **GOOD), example_v2)
    assert (actuals.amber_at, actuals.red_at) == (0.05, 0.1)


def test_every_bad_cell_is_named(tmp_path, example_v2):
    folder = write(tmp_path / "bad",
                   actual_in_post="date,region,staff_group,in_post_wte\n"
                                  "2025-05-01,atlantis,radiographer,70\n"   # unknown region
                                  "2025-05-01,city,plumber,70\n"            # unknown staff group
                                  "2040-05-01,city,radiographer,70\n"       # after the plan
                                  "2025-05-01,hills,radiographer,-3\n"      # negative
                                  "31/05/2025,coast,radiographer,3\n",      # not a date
                   actual_starts="year,provider,route,region,starts\n2025,nowhere_uni,ug_radiography,,5\n"
                                 "2025,uni_city,magic_route,,5\n2025,coast_college,ug_radiography,,5\n",
                   actual_recruits="year,route,region,recruits\n2019,international_radiographer,city,2\n",
                   settings="amber_at = 0.2\nred_at = 0.1\n")
    report, actuals = check_actuals(load_raw_actuals(folder), example_v2)
    assert actuals is None
    text = report.render()
    assert "actuals.toml, column 'red_at': red_at is below amber_at" in text
    assert "actual_in_post.csv, row 5 (date=2025-05-01, region=hills, staff_group=radiographer), column " \
           "'in_post_wte': must not be negative (value: '-3')" in text
    assert "actual_in_post.csv, row 2 (date=2025-05-01, region=atlantis, staff_group=radiographer), column " \
           "'region': unknown region (value: 'atlantis')" in text
    assert "row 3 (date=2025-05-01, region=city, staff_group=plumber), column 'staff_group': unknown staff group" in text
    assert "row 4 (date=2040-05-01, region=city, staff_group=radiographer), column 'date': is outside the plan " \
           "(2025-04-01 to 2033-04-01)" in text
    assert "row 6 (date=31/05/2025, region=coast, staff_group=radiographer), column 'date': is not a date" in text
    assert "actual_starts.csv, row 2 (year=2025, provider=nowhere_uni, route=ug_radiography), column 'provider': " \
           "unknown provider" in text
    assert "actual_starts.csv, row 3 (year=2025, provider=uni_city, route=magic_route), column 'route': " \
           "unknown training route" in text
    assert "row 4 (year=2025, provider=coast_college, route=ug_radiography), column 'route': provider coast_college " \
           "does not offer route ug_radiography" in text
    assert "actual_recruits.csv, row 2 (year=2019, route=international_radiographer, region=city), column 'year': " \
           "is outside the plan's start years (2025-2029)" in text


def test_a_workbook_reads_like_a_folder(tmp_path, example_v2):
    path = tmp_path / "actuals.xlsx"
    with pd.ExcelWriter(path) as xl:
        pd.DataFrame({"date": [pd.Timestamp(2025, 4, 1)], "region": ["city"], "staff_group": ["radiographer"],
                      "in_post_wte": [70]}).to_excel(xl, sheet_name="actual_in_post", index=False)
        pd.DataFrame({"key": ["red_at"], "value": [0.25]}).to_excel(xl, sheet_name="actuals", index=False)
    actuals = load_actuals(path, example_v2)
    assert actuals.red_at == 0.25
    assert actuals.tables["actual_in_post"]["date"].iloc[0] == pd.Timestamp(2025, 4, 1)


def test_nothing_there(tmp_path, example_v2):
    with pytest.raises(ScenarioError, match="holds no actuals table"):
        load_actuals(write(tmp_path / "empty"), example_v2)
