"""Validation time grows with the tables as reading them does (issue 16, class 5).

Tables of 100,000 rows are written to disk, read (`load_raw`) and validated (`validate_raw`); the
test asserts that validating takes less than RATIO_BOUND times as long as reading, measured in
this process's CPU time (other processes on the machine do not count). Every check is linear
or n log n in its table, so the ratio does not grow with the table: a check quadratic in the
duplicates (as the duplicate-key check once was: a 3 kB upload kept a CPU busy for a minute)
would make it grow a hundredfold here. Row-level findings are listed up to rowwise.LISTED per
check and column and the rest counted, so a table of bad rows costs no Issue per row. No
absolute seconds are asserted. Run with -s to see the ratios measured.
"""

from __future__ import annotations

import io
import time
import zipfile

import pandas as pd
import pytest

from optimiser.scenario.io import RawScenario, load_raw, write_folder
from optimiser.scenario.rowwise import LISTED
from optimiser.scenario.uploads import parse_upload
from optimiser.scenario.validation import validate_raw

pytestmark = pytest.mark.integration

ROWS = 100_000
RATIO_BOUND = 20

SETTINGS = {"name": "Scale", "start_year": 2025, "horizon_years": 3, "max_travel_minutes": 90}
GROUPS = pd.DataFrame({"staff_group": ["rad", "sono"], "name": ["Radiographer", "Sonographer"],
                       "shortfall_weight": "1", "leaver_rate": "0.05", "retirement_rate": "0.02",
                       "net_churn_rate": "0", "labour_market_rate": "0", "demand_growth": "0.01"}, dtype=str)


def national(rows: int) -> RawScenario:
    """A valid scenario with `rows` regions, each with a link to the next, a workforce row and a
    demand row: four tables of about `rows` rows."""
    ids = [f"r{i}" for i in range(rows)]
    n = pd.Series(range(rows)).astype(str)
    tables = {
        "regions": pd.DataFrame({"region": ids, "name": ["Region " + i for i in n]}, dtype=str),
        "links": pd.DataFrame({"region_a": ids[:-1], "region_b": ids[1:], "travel_minutes": "30"}, dtype=str),
        "staff_groups": GROUPS,
        "workforce": pd.DataFrame({"region": ids, "staff_group": "rad", "in_post_wte": (n.str[-2:] + ".5").tolist(),
                                   "establishment_wte": "120"}, dtype=str),
        "demand": pd.DataFrame({"region": ids, "staff_group": "rad", "year": "2026", "demand_wte": "125"}, dtype=str),
    }
    return RawScenario(source="<scale>", form="folder", config=dict(SETTINGS), tables=tables)


def duplicates(rows: int) -> RawScenario:
    """The shape that once took a minute: every workforce row repeats one key (and names an
    unknown region), so validation reports `rows` findings."""
    tables = {
        "regions": pd.DataFrame({"region": ["a"], "name": ["A"]}, dtype=str),
        "staff_groups": GROUPS,
        "workforce": pd.DataFrame({"region": ["b"] * rows, "staff_group": "rad", "in_post_wte": "1",
                                   "establishment_wte": "1"}, dtype=str),
    }
    return RawScenario(source="<dups>", form="folder", config=dict(SETTINGS), tables=tables)


def counted(report, rule: str) -> int:
    """Row-level findings of `rule`: the first LISTED listed, the rest counted in one line."""
    listed = [i for i in report.issues if i.rule == rule and i.row is not None]
    more = [i for i in report.issues if i.rule == rule and i.row is None]
    assert len(listed) <= LISTED and len(more) <= 1
    assert report.count("error") >= len(listed) + sum(m.stands_for for m in more)
    return len(listed) + sum(m.stands_for for m in more)


def cpu_seconds(task) -> tuple[float, object]:
    start = time.process_time()
    result = task()
    return time.process_time() - start, result


def ratio(read, what: str) -> float:
    read_s, raw = cpu_seconds(read)
    validate_s, (report, _, _) = cpu_seconds(lambda: validate_raw(raw))
    rows = sum(len(df) for df in raw.tables.values())
    print(f"\n{what}: {rows:,} rows read in {read_s:.2f} s CPU, validated in {validate_s:.2f} s CPU "
          f"({len(report.issues):,} findings): ratio {validate_s / read_s:.1f}")
    return validate_s / read_s, report


@pytest.fixture(scope="module", autouse=True)
def warm():
    """Imports and first-call costs (pandera, pydantic) are not the tables' size."""
    validate_raw(national(10))


def test_validating_100000_row_tables_costs_a_bounded_multiple_of_reading_them(tmp_path):
    write_folder(national(ROWS), tmp_path / "national")
    measured, report = ratio(lambda: load_raw(tmp_path / "national"), "valid national-sized scenario")
    assert report.ok, report.render()[:2000]
    assert measured < RATIO_BOUND


def test_100000_duplicate_keys_cost_a_bounded_multiple_of_reading_them(tmp_path):
    write_folder(duplicates(ROWS), tmp_path / "dups")
    measured, report = ratio(lambda: load_raw(tmp_path / "dups"), "100,000 duplicate keys")
    assert counted(report, "check_duplicate_keys") == ROWS - 1
    assert counted(report, "check_references") == ROWS
    assert measured < RATIO_BOUND


def test_a_small_upload_of_many_duplicates_costs_a_bounded_multiple_of_reading_it():
    """A zip of a few tens of kB that unpacks to tens of thousands of rows repeating one key."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("scenario.toml", 'name = "x"\nstart_year = 2025\nhorizon_years = 3\nmax_travel_minutes = 90\n')
        zf.writestr("regions.csv", "region,name\na,A\n")
        zf.writestr("staff_groups.csv", GROUPS.to_csv(index=False))
        zf.writestr("workforce.csv", "region,staff_group,in_post_wte,establishment_wte\n"
                    + "".join(f"a,rad,{i % 997},1\n" for i in range(60_000)))  # within the zip guard's ratio
    data = buf.getvalue()
    assert len(data) < 50_000
    measured, report = ratio(lambda: parse_upload("dups.zip", data), f"a {len(data) / 1024:.0f} kB upload")
    assert counted(report, "check_duplicate_keys") == 60_000 - 1
    assert measured < RATIO_BOUND
