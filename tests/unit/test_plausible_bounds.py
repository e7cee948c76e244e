"""Numbers no workforce has (issue 16, class 3): every count, amount and duration in the data
dictionary has a generous but finite upper bound, a value past it is refused at the cell with
a message saying so, and every shipped scenario stays within them (the synthetic presets:
tests/unit/test_synthetic.py, test_every_preset_validates_without_any_issue)."""

from __future__ import annotations

import pytest

from optimiser.basics.locations import DEFAULT_SCENARIO_DIR
from optimiser.scenario.config import ScenarioConfig
from optimiser.scenario.dictionary import scenario_key_specs, table_specs
from optimiser.scenario.io import load_raw
from optimiser.scenario.scenario import validate
from optimiser.scenario.validation import validate_raw

pytestmark = pytest.mark.unit

COLUMNS = [c for spec in table_specs().values() for c in spec.columns if c.numeric]


def test_every_number_a_scenario_holds_has_a_finite_upper_bound():
    unbounded = [f"{c.table}.{c.column}" for c in (*COLUMNS, *scenario_key_specs()) if c.numeric and c.max is None]
    assert unbounded == []


def plausibility_bounded(c) -> bool:
    """Counts, amounts and durations (not rates, fractions or years, whose bounds are exact)."""
    return c.type != "rate" and c.unit not in ("year", "years") and "fraction" not in c.unit


def test_a_value_past_any_bound_is_refused_at_its_cell_saying_it_is_more_than_any_scenario_needs(example_v2_dir):
    raw = load_raw(example_v2_dir)
    placed = {}
    for c in COLUMNS:
        df = raw.tables.get(c.table)
        if not plausibility_bounded(c) or df is None or df.empty or c.column not in df.columns:
            continue
        df.loc[df.index[0], c.column] = f"{c.max * 10:g}"
        placed[(c.table, c.column)] = int(df.index[0]) + 2
    assert len(placed) >= 20  # most of the dictionary's counts and amounts, in one scenario
    report, _, _ = validate_raw(raw)
    found = {(i.file.removesuffix(".csv"), i.column): i for i in report.errors if i.rule == "check_ranges"}
    for (table, column), row in placed.items():
        issue = found.get((table, column))
        assert issue is not None, (table, column)
        assert issue.row == row and "more than any scenario needs" in issue.message, issue.render()
        assert "check the unit and the number of digits" in issue.fix


@pytest.mark.parametrize(("value", "refused"), [("1000000", False), ("1000000.5", True), ("1e12", True),
                                                 ("1e308", True), ("1e400", True)])
def test_wte_per_row_is_at_most_a_million(example_dir, value, refused):
    raw = load_raw(example_dir)
    raw.tables["workforce"].loc[raw.tables["workforce"].index[0], "in_post_wte"] = value
    issues = [i for i in validate_raw(raw)[0].errors if i.column == "in_post_wte"]
    assert bool(issues) == refused
    if value in ("1e12", "1e308"):
        assert issues[0].render() == (
            f"ERROR: workforce.csv, row 2 (region=east, staff_group=radiographer), column 'in_post_wte': is "
            f"above 1,000,000 WTE, more than any scenario needs (value: '{value}'). Fix: write a value at most "
            "1,000,000 (WTE): check the unit and the number of digits (a typing slip?)")


@pytest.mark.parametrize(("key", "ok", "too_big"), [("total_budget", 1e12, 1e15), ("educator_cost_per_wte", 1e7, 1e8),
                                                    ("max_travel_minutes", 10_000, 1e6)])
def test_settings_past_their_bound_are_refused(key, ok, too_big):
    base = dict(name="x", start_year=2025, horizon_years=3, max_travel_minutes=60)
    ScenarioConfig.from_mapping({**base, key: ok})
    with pytest.raises(ValueError, match="less than or equal"):
        ScenarioConfig.from_mapping({**base, key: too_big})


def test_the_shipped_scenarios_are_within_every_bound(example_dir, example_v2_dir):
    for path in (example_dir, example_v2_dir, DEFAULT_SCENARIO_DIR):
        report = validate(path)
        assert report.issues == (), report.render()
