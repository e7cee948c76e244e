"""A plan's life after the first solve, on the worked example v2: monitor against synthetic
actuals, re-plan from actuals (equal to the plan: the plan's remaining years come back), roll
reports up, and merge two local scenarios into the joint one (the same plan)."""

import json
from pathlib import Path

import pandas as pd
import pytest
from command_line import run, script

from optimiser.cli.main import main

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def plan(tmp_path_factory, example_v2_dir):
    out = tmp_path_factory.mktemp("plan") / "plan"
    assert main(["solve", "--scenario", str(example_v2_dir), "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def actuals(plan, tmp_path_factory):
    return script("make_actuals").make_actuals(plan, tmp_path_factory.mktemp("act") / "actuals", years=2, spread=0.2)


def test_monitor_writes_lines_flags_and_chart(capsys, plan, actuals, tmp_path):
    out = tmp_path / "mon"
    code, text, _ = run(capsys, "monitor", "--plan", plan, "--actuals", actuals, "--out", out)
    assert code == 0, text
    assert "in post is compared with the plan's stock interpolated linearly between 1 Aprils" in text
    assert {p.name for p in out.iterdir()} == {"monitor.csv", "monitor_flags.csv", "monitor.png", "run.json"}
    lines = pd.read_csv(out / "monitor.csv", keep_default_na=False)
    assert set(lines["measure"]) == {"in post", "starts", "recruits", "retained", "spend"}
    assert {"red", "green"} <= set(lines["flag"])  # some lines off plan, some on it
    in_post = lines[lines["measure"] == "in post"]
    assert in_post["date"].min() == "2025-04-01" and in_post["date"].max() == "2027-04-01"
    assert (in_post[in_post["date"] == "2025-04-01"]["variance"].abs() < 1e-6).all()  # the drift starts at 0
    assert json.loads((out / "run.json").read_text())["kind"] == "monitor"
    up = tmp_path / "mon_up"
    assert run(capsys, "monitor", "--plan", plan, "--actuals", actuals, "--level", "parent", "--out", up)[0] == 0
    rolled = pd.read_csv(up / "monitor.csv", keep_default_na=False)
    assert set(rolled.loc[rolled["measure"] == "in post", "region"]) == {"Example v2 network"}
    assert rolled.loc[rolled["measure"] == "in post", "actual"].sum() == pytest.approx(in_post["actual"].sum())


def test_bad_actuals_exit_2_and_write_nothing(capsys, plan, actuals, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    for f in actuals.iterdir():
        (bad / f.name).write_bytes(f.read_bytes())
    text = (bad / "actual_starts.csv").read_text().splitlines()
    text[1] = "2025,uni_atlantis,ug_radiography,city,-4"
    (bad / "actual_starts.csv").write_text("\n".join(text) + "\n")
    out = tmp_path / "never"
    code, _, err = run(capsys, "monitor", "--plan", plan, "--actuals", bad, "--out", out)
    assert code == 2
    assert "actual_starts.csv, row 2 (year=2025, provider=uni_atlantis, route=ug_radiography, region=city), " \
           "column 'starts': must not be negative (value: '-4')" in err
    assert "column 'provider': unknown provider (value: 'uni_atlantis')" in err
    assert "nothing was run or written" in err
    assert not out.exists()
    assert run(capsys, "replan", "--plan", plan, "--actuals", bad, "--from-year", "2027", "--out", out)[0] == 2
    assert not out.exists()
    code, _, err = run(capsys, "monitor", "--plan", actuals, "--actuals", actuals)
    assert code == 2 and "is not a plan's run folder" in err


def test_replan_with_actuals_equal_to_the_plan_reproduces_its_remaining_years(capsys, plan, tmp_path, example_v2_dir):
    same = script("make_actuals").make_actuals(plan, tmp_path / "same", years=2, spread=0.0)
    out = tmp_path / "replan"
    code, text, _ = run(capsys, "replan", "--plan", plan, "--actuals", same, "--from-year", 2027, "--out", out)
    assert code == 0, text
    assert "nothing: the re-plan keeps the previous plan's remaining years" in text
    before = pd.read_csv(plan / "starts.csv")
    after = pd.read_csv(out / "starts.csv")
    key = ["provider", "region", "route", "year"]
    b, a = (df[df["year"] >= 2027].set_index(key)["starts"].sort_index() for df in (before, after))
    pd.testing.assert_series_equal(a, b)
    # Recruits of one pooled market may land in other regions at the same objective (alternative
    # optima): they are compared by route and year, the stock by group and year, the shortfall in total.
    for file, keys, value in (("recruits.csv", ["route", "year"], "recruits"),
                              ("retention.csv", ["staff_group", "year"], "retained_wte"),
                              ("projection.csv", ["staff_group", "year"], "supply_wte")):
        b, a = (pd.read_csv(d / file) for d in (plan, out))
        b, a = (df[df["year"] >= 2027].groupby(keys)[value].sum() for df in (b, a))
        pd.testing.assert_series_equal(a, b, atol=1e-3)
    b, a = (pd.read_csv(d / "projection.csv") for d in (plan, out))
    assert a.loc[a["year"] > 2027, "shortfall_wte"].sum() == pytest.approx(
        b.loc[b["year"] > 2027, "shortfall_wte"].sum(), abs=1e-2)
    objectives = [json.loads((d / "summary.json").read_text())["objective"] for d in (plan, out)]
    assert objectives[1] == pytest.approx(objectives[0], rel=1e-6)
    facts = json.loads((out / "replan.json").read_text())
    assert facts["first_decision_year"] == 2027
    assert facts["intake_of_frozen_years"]["starts 2026"] == "actuals"
    carried = pd.read_csv(out / "in_training.csv")
    assert (carried["joins_stock_of"] > 2027).all() and (carried["start_year"] < 2027).all()


def test_replan_from_actuals_off_plan_says_what_changed_and_why(capsys, plan, actuals, tmp_path):
    out = tmp_path / "replan"
    code, text, _ = run(capsys, "replan", "--plan", plan, "--actuals", actuals, "--from-year", 2027, "--out", out)
    assert code == 0, text
    changes = pd.read_csv(out / "changes.csv", keep_default_na=False)
    assert {"starts", "recruits", "cost (GBP, years from Y)", "shortfall (WTE-years, measured years after Y)"} \
        <= set(changes["measure"])
    correction = pd.read_csv(out / "in_post_correction.csv")
    actual = pd.read_csv(actuals / "actual_in_post.csv")
    at_start = actual[actual["date"] == "2027-04-01"].set_index(["staff_group", "region"])["in_post_wte"]
    assert correction.set_index(["staff_group", "region"])["actual"].sort_index().tolist() == \
        pytest.approx(at_start.sort_index().tolist())
    projected = pd.read_csv(out / "projection.csv").set_index(["staff_group", "region", "year"])["supply_wte"]
    for _, r in correction.iterrows():  # the re-plan's stock at the start of 2027 is the actual in post
        assert projected[(r["staff_group"], r["region"], 2027)] == pytest.approx(r["actual"], abs=1e-6)
    why = pd.read_csv(out / "why.csv", keep_default_na=False)
    assert not why.empty and set(why["flag"]) <= {"amber", "red"}
    code, _, err = run(capsys, "replan", "--plan", plan, "--actuals", actuals, "--from-year", 2025)
    assert code == 2 and "--from-year 2025 is outside the plan's re-plannable years 2026-2029" in err
    code, _, err = run(capsys, "replan", "--plan", plan, "--actuals", actuals, "--from-year", 2029)
    assert code == 2 and "no staff in post within 31 days of 1 April 2029" in err


def test_rollup_costs_by_region_add_up_to_the_plan(capsys, plan, tmp_path):
    out = tmp_path / "up"
    code, text, _ = run(capsys, "rollup", plan, "--level", "parent", "--out", out)
    assert code == 0, text
    costs = pd.read_csv(out / "costs.csv")
    plan_costs = pd.read_csv(plan / "costs.csv")
    assert costs["gbp"].sum() == pytest.approx(plan_costs["gbp"].sum(), rel=1e-9)
    by = costs.groupby(["year", "category"])["gbp"].sum()
    assert by.to_dict() == pytest.approx(plan_costs.set_index(["year", "category"])["gbp"].to_dict(), rel=1e-9)
    proj = pd.read_csv(out / "projection.csv")
    assert set(proj["parent"]) == {"Example v2 network"}
    assert proj["shortfall_wte"].sum() == pytest.approx(pd.read_csv(plan / "projection.csv")["shortfall_wte"].sum())
    code, _, err = run(capsys, "rollup", plan, "--level", "galaxy")
    assert code == 2 and "level 'galaxy' is not in the scenario's hierarchy" in err


def test_rollup_of_a_status_quo_projection(capsys, example_v2_dir, tmp_path):
    proj = tmp_path / "proj"
    assert run(capsys, "project", "--scenario", example_v2_dir, "--out", proj)[0] == 0
    code, _, err = run(capsys, "rollup", proj, "--level", "parent")
    assert code == 2 and "does not record its scenario: give it with --scenario" in err
    out = tmp_path / "up"
    code, text, _ = run(capsys, "rollup", proj, "--level", "parent", "--scenario", example_v2_dir, "--out", out)
    assert code == 0 and "status quo projection" in text
    rolled, regional = pd.read_csv(out / "shortfall.csv"), pd.read_csv(proj / "projection.csv")
    assert set(rolled["parent"]) == {"Example v2 network"}
    assert rolled.set_index("year")["shortfall_wte"].to_dict() == \
        pytest.approx(regional.groupby("year")["shortfall_wte"].sum().to_dict())


def test_two_icb_merge_solves_to_the_joint_plan(capsys, plan, example_v2_dir, tmp_path):
    from optimiser.scenario.io import load_raw, write_scenario

    parts = script("split_scenario").split(load_raw(example_v2_dir), {"coast": ["coast"], "inland": ["city", "hills"]})
    for name, raw in parts.items():
        write_scenario(raw, tmp_path / name)
    merged = tmp_path / "merged"
    code, text, _ = run(capsys, "merge", tmp_path / "coast", tmp_path / "inland", "--out", merged,
                        "--name", "Worked example v2: three ICBs, activity-based demand")
    assert code == 0, text
    assert "rows given identically by more than one scenario, taken once: staff_groups" in text
    out = tmp_path / "plan"
    assert run(capsys, "solve", "--scenario", merged, "--out", out)[0] == 0
    joint, again = (json.loads((d / "summary.json").read_text()) for d in (plan, out))
    assert again["objective"] == pytest.approx(joint["objective"], rel=1e-9)
    assert again["total_cost_gbp"] == pytest.approx(joint["total_cost_gbp"], rel=1e-9)
    b, a = (pd.read_csv(d / "starts.csv").sort_values(["provider", "region", "route", "year"]).reset_index(drop=True)
            for d in (plan, out))
    pd.testing.assert_frame_equal(a, b)
    code, _, err = run(capsys, "merge", tmp_path / "coast", tmp_path / "coast", "--out", tmp_path / "twice")
    assert code == 2 and "region coast is also defined in" in err and not (tmp_path / "twice").exists()


def test_a_replan_folder_proves_itself(capsys, plan, actuals, tmp_path):
    """A re-plan's folder carries its scenario, the plan folder and the actuals (inputs/), and
    `optimiser verify` makes it again from them alone; an edited actuals copy is caught."""
    out = tmp_path / "replan"
    assert run(capsys, "replan", "--plan", plan, "--actuals", actuals, "--from-year", 2027, "--out", out)[0] == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "replan" and manifest["options"]["from_year"] == 2027
    assert set(manifest["inputs"]) == {"plan", "actuals"}
    assert json.loads((out / "summary.json").read_text())["manifest_sha256"]
    code, text, err = run(capsys, "verify", out)
    assert code == 0, text + err
    assert "agrees" in text
    starts = out / "inputs" / "actuals" / "actual_starts.csv"
    starts.write_text(starts.read_text() + "\n", encoding="utf-8")
    code, _, err = run(capsys, "verify", out)
    assert code == 2 and "inputs/actuals/actual_starts.csv" in err
