"""optimiser.scenario.config: the planning years a scenario's settings imply, a target year outside
them refused, and the fix a planner is told for a setting."""

from __future__ import annotations

import pytest

from optimiser.scenario.config import ScenarioConfig

pytestmark = pytest.mark.unit

REQUIRED = dict(name="Two ICBs", start_year=2025, horizon_years=3, max_travel_minutes=60)


def config(**settings) -> ScenarioConfig:
    return ScenarioConfig.from_mapping({**REQUIRED, **settings})


def test_decisions_are_made_from_the_start_year_and_shortfall_counts_a_year_later():
    c = config()
    assert c.years == [2025, 2026, 2027]  # y0 .. y0+H-1: starts, recruits, educators
    assert c.measured_years == [2026, 2027, 2028]  # y0+1 .. y0+H: stock and shortfall
    one_year = config(horizon_years=1)
    assert (one_year.years, one_year.measured_years) == ([2025], [2026])


def test_the_first_target_year_is_the_first_measured_year_unless_set():
    assert config().first_target_year == 2026
    assert config(target_year=2028).first_target_year == 2028  # the horizon's last year is allowed
    assert config(target_year=2026).first_target_year == 2026


@pytest.mark.parametrize("target_year", [2024, 2025, 2029])
def test_a_target_year_outside_the_measured_years_is_refused(target_year):
    with pytest.raises(ValueError, match=f"target_year {target_year} is outside the measured years 2026-2028"):
        config(target_year=target_year)


def test_targets_hold_to_the_last_measured_year_unless_target_last_year_is_set():
    assert config(run_out_years=2).last_target_year == 2030  # run-out years included, as the contract reads
    assert config(run_out_years=2, target_last_year=2028).last_target_year == 2028
    with pytest.raises(ValueError, match="target_last_year 2031 is outside the measured years 2026-2030"):
        config(run_out_years=2, target_last_year=2031)
    with pytest.raises(ValueError, match="target_last_year 2027 is before target_year 2028"):
        config(target_year=2028, target_last_year=2027)


def test_the_optional_penalties_are_off_unless_set_and_equity_stays_below_one():
    c = config()
    assert (c.regional_equity_weight, c.intake_change_weight, c.target_last_year) == (0.0, 0.0, None)
    assert config(regional_equity_weight=0.5).regional_equity_weight == 0.5
    with pytest.raises(ValueError, match="regional_equity_weight"):
        config(regional_equity_weight=1)  # at 1 a region's own shortfall would weigh nothing
    with pytest.raises(ValueError, match="intake_change_weight"):
        config(intake_change_weight=-0.1)


def test_settings_the_scenario_does_not_give_take_their_defaults():
    c = config()
    assert (c.objective, c.discount, c.graduate_retention, c.target_year) == ("min_shortfall", 1.0, 0.8, None)
    assert c.solver.time_limit_s > 0 and 0 <= c.solver.mip_rel_gap <= 1


def test_unknown_settings_are_refused():
    with pytest.raises(ValueError, match="threads"):
        config(threads=4)
    with pytest.raises(ValueError, match="threads"):
        config(solver={"threads": 4})


def test_the_fix_names_the_setting_its_meaning_unit_and_range():
    assert ScenarioConfig.fix_for("horizon_years") == (
        "set horizon_years to number of years planned (starts and recruits happen in start_year .. "
        "start_year + horizon_years - 1); stock is projected to start_year + horizon_years, plus "
        "run_out_years (years), at least 1 and at most 60")
    # every count, amount and duration has an upper bound too (large ones with thousands separators)
    assert ScenarioConfig.fix_for("equity_weight").endswith(
        "(weight per unit rate), at least 0 and at most 1,000,000")
    assert ScenarioConfig.fix_for("national_international_cap").endswith("at least 0 and at most 1,000,000")
    # a strict bound says so, and a solver key's "[solver]" tag is not shown
    assert ScenarioConfig.fix_for("discount").endswith("above 0 and at most 1")
    assert "[solver]" not in ScenarioConfig.fix_for("solver.time_limit_s")
    # a solver key is looked up by its last part
    assert ScenarioConfig.fix_for("solver.time_limit_s").startswith("set solver.time_limit_s to ")
    assert "(seconds)" in ScenarioConfig.fix_for("solver.time_limit_s")
    # no unit and no range: the meaning alone
    assert ScenarioConfig.fix_for("name") == "set name to scenario name shown in reports"


def test_the_fix_for_an_unknown_or_missing_setting():
    assert ScenarioConfig.fix_for("threads") == (
        "remove 'threads': it is not a scenario setting (see the data dictionary)")
    assert ScenarioConfig.fix_for("solver.threads").startswith("remove 'solver.threads'")
    assert ScenarioConfig.fix_for(None) == ScenarioConfig.fix_for("") == "add the missing settings to scenario.toml"


@pytest.mark.parametrize("change", [
    {"total_budget": "inf"}, {"total_budget": float("inf")}, {"horizon_years": "1_000"},
    {"discount": float("nan")}, {"solver": {"time_limit_s": float("inf")}},
])
def test_numeric_settings_must_be_plain_finite_numbers(change):
    with pytest.raises(ValueError, match="not a (plain|finite) number"):
        config(**change)


def test_numeric_settings_typed_as_text_read_as_cells_do():
    c = config(horizon_years="6", total_budget="1e6")
    assert (c.horizon_years, c.total_budget) == (6, 1_000_000.0)
