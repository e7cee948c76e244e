"""The sweep's parts that need no solve: sampling futures, reading the uncertainty table,
quantiles and target probabilities, and the command's flag checks. The sweeps themselves, which
project or solve every future, are in tests/integration/test_sweep.py."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scenarios import group, make, one_region
from scenarios import uncertainty_row as row

import optimiser
from optimiser.analysis.sampling import sample_scenario
from optimiser.analysis.sweep import SweepError, quantile_table, sweep, target_probabilities
from optimiser.cli.sweep import sweep_command
from optimiser.scenario.uncertainty import parse_uncertainty

pytestmark = pytest.mark.unit


# --- sampling ------------------------------------------------------------------------------


def test_future_i_depends_only_on_seed_and_index():
    sc = one_region([row(), row("demand_growth", arguments="sd=0.01")])
    inputs, _ = parse_uncertainty(sc.tables["uncertainty"], {"rad"}, set())
    five = np.random.SeedSequence(7).spawn(5)
    ten = np.random.SeedSequence(7).spawn(10)
    _, d5 = sample_scenario(sc, inputs, five[3], 3)
    _, d10 = sample_scenario(sc, inputs, ten[3], 3)
    pd.testing.assert_frame_equal(d5, d10)
    _, other = sample_scenario(sc, inputs, ten[4], 4)
    assert not np.allclose(d10["sampled_value"], other["sampled_value"])


def test_scale_effect_and_clipping_to_valid_rates():
    # a factor of exactly 3 (lognormal with sigma 0, mu = ln 3) on 0.4 would give 1.2: clipped to 1
    sc = one_region([row("leaver_rate", "*", "lognormal", f"sigma=0;mu={float(np.log(3))!r}")], leaver_rate=0.4)
    inputs, _ = parse_uncertainty(sc.tables["uncertainty"], {"rad"}, set())
    sampled, draws = sample_scenario(sc, inputs, np.random.SeedSequence(0))
    assert draws.loc[0, "sampled_value"] == 1.0
    assert sampled.tables["staff_groups"].loc[0, "leaver_rate"] == 1.0
    assert sc.tables["staff_groups"].loc[0, "leaver_rate"] == 0.4  # the base scenario is untouched


def test_named_row_replaces_star_row_and_regional_rates_move_with_the_group():
    g2 = group(staff_group="son", name="Sonographer", leaver_rate=0.05)
    t = {"staff_groups": [group(leaver_rate=0.04), g2],
         "workforce": [dict(region="a", staff_group="rad", in_post_wte=100, establishment_wte=120),
                       dict(region="a", staff_group="son", in_post_wte=10, establishment_wte=12)],
         "regional_rates": [dict(region="a", staff_group="rad", leaver_rate=0.06, retirement_rate=0,
                                 net_churn_rate=0, labour_market_rate=0)],
         "uncertainty": [row("leaver_rate", "*", "uniform", "low=0.01;high=0.01"),
                         row("leaver_rate", "son", "uniform", "low=-0.02;high=-0.02")]}
    sc = make(t)
    inputs, _ = parse_uncertainty(sc.tables["uncertainty"], {"rad", "son"}, {"ug"})
    sampled, _ = sample_scenario(sc, inputs, np.random.SeedSequence(0))
    rates = sampled.tables["staff_groups"].set_index("staff_group")["leaver_rate"]
    assert rates["rad"] == pytest.approx(0.05)
    assert rates["son"] == pytest.approx(0.03)  # only the named row applies to son
    assert sampled.tables["regional_rates"].loc[0, "leaver_rate"] == pytest.approx(0.07)


# --- bad uncertainty rows ------------------------------------------------------------------


BAD_ROWS = [
    ("leavers_rate,*,normal,sd=0.005", "parameter", "leavers_rate", "unknown uncertain parameter"),
    ("leaver_rate,radiographers,normal,sd=0.005", "scope", "radiographers", "unknown staff group"),
    ("completion_rate,radiographer,normal,sd=0.01", "scope", "radiographer", "unknown route"),
    ("demand_growth,*,gaussian,sd=0.01", "distribution", "gaussian", "unknown distribution"),
    ("demand_growth,*,normal,mean=0.01", "arguments", "mean=0.01", "normal needs 'sd'"),
    ("demand_growth,*,normal,sd=1%", "arguments", "sd=1%", "sd=1% is not a number"),
    ("demand_growth,*,normal,sd=-0.01", "arguments", "sd=-0.01", "sd is negative"),
    ("demand_growth,*,triangular,low=0;mode=0.2;high=0.1", "arguments", "low=0;mode=0.2;high=0.1",
     "mode is not between low and high"),
    ("demand_growth,*,beta,a=0;b=2", "arguments", "a=0;b=2", "a and b must be above 0"),
    ("demand_growth,*,normal,sd=0.01;effect=add", "arguments", "sd=0.01;effect=add", "effect 'add' is unknown"),
    ("demand_growth,*,uniform,low=0 high=1", "arguments", "low=0 high=1", "is not a number"),
]


@pytest.mark.parametrize(("line", "column", "value", "message"), BAD_ROWS)
def test_bad_uncertainty_rows_are_rejected_with_location_and_fix(broken, line, column, value, message):
    copy = broken(lambda c: c.write("uncertainty.csv", f"parameter,scope,distribution,arguments\n{line}\n"))
    report = optimiser.validate(copy)
    errors = [i for i in report.errors if i.rule == "check_uncertainty"]
    assert len(errors) == 1, report.render()
    e = errors[0]
    assert (e.file, e.row, e.column, e.value) == ("uncertainty.csv", 2, column, value)
    assert message in e.message
    assert e.fix
    with pytest.raises(optimiser.ScenarioError):
        optimiser.load_scenario(copy)


def test_duplicate_and_blank_uncertainty_cells_are_rejected(broken):
    copy = broken(lambda c: c.write("uncertainty.csv", "parameter,scope,distribution,arguments\n"
                                    "leaver_rate,*,normal,sd=0.005\nleaver_rate,*,normal,sd=0.01\n"
                                    "demand_growth,*,,sd=0.01\n"))
    report = optimiser.validate(copy)
    found = {(i.rule, i.row, i.column) for i in report.errors}
    assert ("check_duplicate_keys", 3, "parameter") in found
    assert ("check_required", 4, "distribution") in found


def test_value_for_every_key_is_a_warning(broken):
    copy = broken(lambda c: c.write("uncertainty.csv", "parameter,scope,distribution,arguments\n"
                                    "completion_rate,*,beta,a=8;b=2\n"))
    report = optimiser.validate(copy)
    assert report.ok
    assert [i.row for i in report.warnings if i.rule == "check_uncertainty"] == [2]


def test_the_west_midlands_uncertainty_table_is_clean():
    sc = optimiser.load_scenario()
    assert not [i for i in sc.report.issues if i.file == "uncertainty.csv"]
    assert len(sc.tables["uncertainty"]) >= 3


def test_a_scenario_without_uncertainty_cannot_be_swept(example_dir):
    with pytest.raises(SweepError, match="no uncertainty rows"):
        sweep(optimiser.load_scenario(example_dir), 2, workers=1)


# --- statistics ----------------------------------------------------------------------------


def test_quantiles_on_a_known_set():
    long = pd.DataFrame({"plan": "p", "staff_group": "g", "region": "r", "year": 2030,
                         "shortfall_wte": [7.0, 1, 10, 3, 5, 2, 9, 4, 6, 8]})
    q = quantile_table(long, ["plan", "staff_group", "region", "year"], "shortfall_wte").iloc[0]
    # 1..10, linear interpolation at (n-1)q: 1 + 9*0.1 = 1.9, 1 + 9*0.5 = 5.5, 1 + 9*0.9 = 9.1
    assert (q["p10_wte"], q["p50_wte"], q["p90_wte"], q["mean_wte"], q["futures"]) == pytest.approx((1.9, 5.5, 9.1, 5.5, 10))


def test_target_probability_counts_futures_without_a_solution_as_misses():
    sc = one_region([row()], establishment=100)  # target_shortfall_rate 0.45 from 2024
    frames = []
    for sample, shortfalls in enumerate([(40, 45), (44, 50), (46, 10)]):
        frames.append(pd.DataFrame({"sample": sample, "plan": "status_quo", "staff_group": "rad", "region": "wm",
                                    "year": [2024, 2025], "demand_wte": 100.0, "shortfall_wte": shortfalls}))
    long = pd.concat(frames, ignore_index=True)
    samples = pd.DataFrame({"sample": [0, 1, 2, 3], "plan": "status_quo"})  # future 3 had no solution
    per, summary = target_probabilities(long, sc, samples)
    per = per.set_index("year")["probability_met"]
    assert per[2024] == pytest.approx(2 / 4)  # 40 and 44 are within 45; 46 is not
    assert per[2025] == pytest.approx(2 / 4)  # 45 (exactly at target) and 10
    assert summary.loc[0, "probability_all_met"] == pytest.approx(1 / 4)  # only future 0 meets both years


# --- command -------------------------------------------------------------------------------


def test_bad_flags_exit_2(example_with_uncertainty, tmp_path):
    from optimiser.cli.errors import Exit

    cases = [dict(samples=0), dict(samples=2, plan="best"), dict(samples=2, executor="dask://nohost"),
             dict(samples=2, executor="spark://x:1"), dict(samples=2, seed=-1), dict(samples=2, workers=0)]
    for kw in cases:
        with pytest.raises(Exit) as exc:
            sweep_command(scenario=example_with_uncertainty, out=tmp_path / "never", **{"workers": 1, **kw})
        assert exc.value.code == 2 and exc.value.message, kw
    assert not (tmp_path / "never").exists()
