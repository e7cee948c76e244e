"""Uncertainty sweeps: sampling, the hand-checked effect of a perturbation, bad uncertainty rows,
quantiles and target probabilities, fixed plans from a folder, and the command's flags."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest
from scenarios import group, make, route

import optimiser
from optimiser.analysis.sampling import sample_scenario
from optimiser.analysis.sweep import (
    SweepError,
    quantile_table,
    read_plan_folder,
    sweep,
    target_probabilities,
)
from optimiser.cli.sweep import sweep_command
from optimiser.outputs.reports import write_plan
from optimiser.outputs.sweep_files import write_sweep
from optimiser.scenario.uncertainty import parse_uncertainty

pytestmark = pytest.mark.integration

LAMBDA = 0.0452 + 0.0124 + 0.0146 - 0.0186  # 0.0536: WMIN radiographer net attrition
INFLOW = {2023: 197, 2024: 204, 2025: 210, 2026: 210}


def one_region(uncertainty: list[dict], establishment: float = 4000.0, **group_changes):
    """WMIN radiographers as one region (1,880 WTE, ESR rates and inflows), flat demand of 4,000 WTE
    so that shortfall = 4,000 - supply in every year (no skill mix, no decisions)."""
    g = group(staff_group="rad", name="Radiographer", leaver_rate=0.0452, retirement_rate=0.0124,
              net_churn_rate=0.0146, labour_market_rate=0.0186, demand_growth=0.0, target_shortfall_rate=0.45)
    g.update(group_changes)
    t = {"regions": [dict(region="wm", name="West Midlands")], "staff_groups": [g],
         "workforce": [dict(region="wm", staff_group="rad", in_post_wte=1880, establishment_wte=establishment)],
         "committed_inflows": [dict(region="wm", staff_group="rad", year=y, wte=w) for y, w in INFLOW.items()],
         "routes": [], "providers": [], "provider_routes": [], "uncertainty": uncertainty}
    return make(t, start_year=2023, horizon_years=4)


def row(parameter="leaver_rate", scope="*", distribution="normal", arguments="sd=0.005"):
    return dict(parameter=parameter, scope=scope, distribution=distribution, arguments=arguments)


@pytest.fixture
def example_with_uncertainty(tmp_path, example_dir):
    path = tmp_path / "example"
    shutil.copytree(example_dir, path)
    (path / "uncertainty.csv").write_text(
        "parameter,scope,distribution,arguments\n"
        "leaver_rate,*,normal,sd=0.005\n"
        "demand_growth,*,normal,sd=0.01\n"
        "completion_rate,*,triangular,low=-0.08;mode=0;high=0.03;draw=each\n", encoding="utf-8")
    return path


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


def test_zero_spread_reproduces_the_unperturbed_projection_exactly():
    rows = [row("leaver_rate", "*", "normal", "sd=0"),
            row("demand_growth", "*", "uniform", "low=0;high=0"),
            row("demand_growth", "rad", "triangular", "low=0;mode=0;high=0"),
            row("completion_rate", "*", "lognormal", "sigma=0")]
    sc = one_region(rows, establishment=2500)
    base = optimiser.project(sc).projection
    base = base[base["year"] > 2023].set_index(["staff_group", "region", "year"])["shortfall_wte"]
    result = sweep(sc, 3, seed=11, workers=1)
    q = result.shortfall.set_index(["staff_group", "region", "year"])
    for col in ("p10_wte", "p50_wte", "p90_wte"):
        assert (q[col] == base).all(), col  # exact, not approximate
    assert (result.draws["sampled_value"] == result.draws["base_value"]).all()


def test_leaver_shift_moves_the_projection_by_the_recurrence():
    # uniform with low = high: every future shifts the leaver rate by exactly +0.01 (a point draw)
    sc = one_region([row("leaver_rate", "*", "uniform", "low=0.01;high=0.01")])
    result = sweep(sc, 2, seed=0, workers=1)
    keep = 1 - (LAMBDA + 0.01)  # 0.9364
    s, expected = 1880.0, {}
    for y in (2023, 2024, 2025, 2026):
        s = s * keep + INFLOW[y]
        expected[y + 1] = 4000 - s
    # by hand: 2024 supply 1880 * 0.9364 + 197 = 1957.432; shortfall 2042.568
    assert expected[2024] == pytest.approx(2042.568)
    q = result.shortfall.set_index("year")
    for y, short in expected.items():
        assert q.loc[y, "p50_wte"] == pytest.approx(short, abs=1e-6)
        assert q.loc[y, "p10_wte"] == pytest.approx(short, abs=1e-6)
    assert set(result.draws["sampled_value"].round(10)) == {0.0552}
    # 0.01 more leavers a year costs 1880 * 0.01 = 18.8 WTE in the first year against the base
    unshifted = optimiser.project(sc).projection.set_index("year")["shortfall_wte"]
    assert q.loc[2024, "p50_wte"] - unshifted[2024] == pytest.approx(18.8)


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


def test_same_results_whatever_the_number_of_workers(example_with_uncertainty):
    sc = optimiser.load_scenario(example_with_uncertainty)
    one = sweep(sc, 5, seed=3, workers=1)
    two = sweep(sc, 5, seed=3, workers=2)
    for attr in ("shortfall", "totals", "targets", "samples", "draws"):
        pd.testing.assert_frame_equal(getattr(one, attr), getattr(two, attr), check_exact=True)
    assert one.samples["weighted_shortfall"].nunique() == 5  # the futures really differ


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


# --- fixed plans ---------------------------------------------------------------------------


def test_optimised_plan_fixed_in_the_unperturbed_future_scores_as_solved(example_with_uncertainty):
    sc = optimiser.load_scenario(example_with_uncertainty)
    solved = optimiser.solve(sc, with_status_quo=False)
    result = sweep(sc, 3, plan="optimised", reoptimise=True, seed=5, workers=1)
    totals = result.totals.set_index(["plan", "measure"])
    assert totals.loc[("plan", "weighted_shortfall"), "unperturbed"] == pytest.approx(solved.weighted_shortfall, rel=1e-9)
    assert solved.weighted_shortfall == pytest.approx(1007.496, abs=1e-3)  # the worked example's optimum
    s = result.samples.pivot(index="sample", columns="plan", values="weighted_shortfall")
    # re-solving with foresight can only do better (to the solver's gap)
    assert (s["reoptimised"] <= s["plan"] * (1 + 1e-5)).all()
    assert result.summary["plan_breaks_limits"] == []


def test_plan_folder_gives_the_same_futures_as_optimised(example_with_uncertainty, tmp_path):
    sc = optimiser.load_scenario(example_with_uncertainty)
    write_plan(optimiser.solve(sc), tmp_path / "plan")
    from_folder = sweep(sc, 3, plan=tmp_path / "plan", seed=2, workers=1)
    optimised = sweep(sc, 3, plan="optimised", seed=2, workers=1)
    pd.testing.assert_frame_equal(from_folder.shortfall, optimised.shortfall)


def test_a_plan_over_budget_is_evaluated_with_limits_relaxed_and_reported(example_with_uncertainty, tmp_path):
    sc = optimiser.load_scenario(example_with_uncertainty)
    rich = optimiser.solve(sc, budget_scale=3.0, with_status_quo=False)
    write_plan(rich, tmp_path / "rich")
    result = sweep(sc, 2, plan=tmp_path / "rich", seed=1, workers=1)
    breaks = result.summary["plan_breaks_limits"]
    assert breaks and {b["family"] for b in breaks} >= {"budget"}
    assert all(b["plan_uses"] > b["limit"] for b in breaks if b["family"] == "budget")
    totals = result.totals.set_index(["plan", "measure"])
    assert totals.loc[("plan", "weighted_shortfall"), "unperturbed"] == pytest.approx(rich.weighted_shortfall, rel=1e-9)
    assert (result.samples["status"] == "optimal").all()


def test_bad_plan_folder_names_file_row_column_and_fix(example_with_uncertainty, tmp_path):
    sc = optimiser.load_scenario(example_with_uncertainty)
    folder = tmp_path / "plan"
    write_plan(optimiser.solve(sc, with_status_quo=False), folder)
    starts = pd.read_csv(folder / "starts.csv", dtype=str)
    starts.loc[1, "starts"] = "twelve"
    starts.to_csv(folder / "starts.csv", index=False)
    (folder / "educators.csv").unlink()
    with pytest.raises(SweepError) as exc:
        read_plan_folder(folder)
    text = str(exc.value)
    assert "starts.csv, row 3, column 'starts': value 'twelve'" in text and "Fix:" in text
    assert "educators.csv: file is missing" in text


def test_plan_rows_the_scenario_cannot_take_are_rejected(example_with_uncertainty, tmp_path):
    sc = optimiser.load_scenario(example_with_uncertainty)
    folder = tmp_path / "plan"
    write_plan(optimiser.solve(sc, with_status_quo=False), folder)
    with (folder / "starts.csv").open("a", encoding="utf-8") as fh:
        fh.write("nowhere_university,east,ug_radiography,2026,5\n")
    with pytest.raises(SweepError, match=r"starts.csv, row \d+: nowhere_university"):
        sweep(sc, 1, plan=folder, workers=1)


# --- command and files ---------------------------------------------------------------------


def test_bad_flags_exit_2(example_with_uncertainty, tmp_path):
    from optimiser.cli.errors import Exit

    cases = [dict(samples=0), dict(samples=2, plan="best"), dict(samples=2, executor="dask://nohost"),
             dict(samples=2, executor="spark://x:1"), dict(samples=2, seed=-1), dict(samples=2, workers=0)]
    for kw in cases:
        with pytest.raises(Exit) as exc:
            sweep_command(scenario=example_with_uncertainty, out=tmp_path / "never", **{"workers": 1, **kw})
        assert exc.value.code == 2 and exc.value.message, kw
    assert not (tmp_path / "never").exists()


def test_command_writes_tables_without_live_formulas(tmp_path, capsys):
    g = group(staff_group="=HYPERLINK(1)", name="Formula group", target_shortfall_rate=0.5)
    t = {"staff_groups": [g], "routes": [route(produces="=HYPERLINK(1)")],
         "workforce": [dict(region="a", staff_group="=HYPERLINK(1)", in_post_wte=100, establishment_wte=120)],
         "uncertainty": [row("demand_growth", "*", "normal", "sd=0.01")]}
    sc = make(t)
    result = sweep(sc, 3, seed=0, workers=1)
    paths = write_sweep(result, tmp_path / "out")
    assert {p.name for p in paths} >= {"summary.json", "shortfall_quantiles.csv", "targets.csv", "draws.csv"}
    text = (tmp_path / "out" / "shortfall_quantiles.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK(1)" in text and ",=HYPERLINK" not in text
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["kind"] == "sweep" and summary["samples"] == 3
    write_sweep(result, tmp_path / "out")  # an earlier sweep's folder may be replaced
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "mine.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(SweepError, match="already holds other files"):
        write_sweep(result, tmp_path / "other")
    assert (tmp_path / "other" / "mine.txt").read_text(encoding="utf-8") == "keep"


def test_command_runs_end_to_end(example_with_uncertainty, tmp_path, capsys):
    sweep_command(samples=4, scenario=example_with_uncertainty, workers=1, seed=9, out=tmp_path / "sweep")
    printed = capsys.readouterr().out
    assert "4 futures of Worked example" in printed and "P50" in printed
    q = pd.read_csv(tmp_path / "sweep" / "shortfall_quantiles.csv")
    assert (q["p10_wte"] <= q["p50_wte"] + 1e-9).all() and (q["p50_wte"] <= q["p90_wte"] + 1e-9).all()
    assert set(q["futures"]) == {4}

