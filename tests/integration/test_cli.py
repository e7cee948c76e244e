"""The command line on the worked example and on broken input: exit codes, files, no tracebacks."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from command_line import run

pytestmark = pytest.mark.integration


def test_validate_ok_and_broken(capsys, example_dir, broken):
    assert run(capsys, "validate", example_dir)[0] == 0
    bad = broken(lambda s: s.set_cell("staff_groups", 2, "leaver_rate", "4.5%"))
    code, out, _ = run(capsys, "validate", bad.path)
    assert code == 2
    assert ("staff_groups.csv, row 2 (staff_group=radiographer), column 'leaver_rate': is not a number "
            "(value: '4.5%')") in out


def test_solve_writes_every_output(capsys, example_dir, tmp_path):
    out = tmp_path / "plan"
    code, text, _ = run(capsys, "solve", "--scenario", example_dir, "--out", out)
    assert code == 0
    assert "weighted shortfall   plan 1,007.5   status quo 1,533.4" in text
    expected = {"summary.json", "starts.csv", "international.csv", "recruits.csv", "retention.csv", "educators.csv",
                "projection.csv", "status_quo_projection.csv", "costs.csv", "binding.csv", "plan.xlsx"}
    assert expected <= {p.name for p in out.iterdir()}
    summary = json.loads((out / "summary.json").read_text())
    for key in ("status", "objective", "total_shortfall_wte_years", "status_quo_shortfall_wte_years",
                "total_cost_gbp", "mip_gap", "solve_seconds", "build_seconds"):
        assert key in summary
    assert summary["status"] == "optimal"
    proj = pd.read_csv(out / "projection.csv")
    assert list(proj.columns) == ["staff_group", "region", "year", "supply_wte", "demand_wte", "covered_wte", "shortfall_wte",
                                  "run_out"]
    assert not proj["run_out"].any()  # the example has no run-out years
    assert proj.loc[proj["year"] > 2025, "shortfall_wte"].sum() == pytest.approx(summary["total_shortfall_wte_years"], rel=1e-5)
    costs = pd.read_csv(out / "costs.csv")
    assert costs["gbp"].sum() == pytest.approx(summary["total_cost_gbp"])
    wb = openpyxl.load_workbook(out / "plan.xlsx")
    assert {"How to read this", "Summary", "Starts", "Projection", "Status quo", "Bottlenecks", "Assumptions"} <= set(wb.sheetnames)
    assert wb["Starts"].freeze_panes == "A2"


def test_exports_neutralise_formula_text(capsys, broken, tmp_path):
    bad = broken(lambda s: s.set_cell("regions", 3, "name", "=HYPERLINK(\"http://x\",\"y\")"))
    out = tmp_path / "plan"
    assert run(capsys, "solve", "-s", bad.path, "-o", out)[0] == 0
    binding = pd.read_csv(out / "binding.csv")
    west = binding[binding["index"].str.contains("HYPERLINK")]
    assert not west.empty and west["index"].str.startswith("'=").all()
    wb = openpyxl.load_workbook(out / "plan.xlsx")
    cells = [c.value for row in wb["Bottlenecks"].iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and not any(v.startswith("=") for v in cells)
    assert any(v.startswith("'=") for v in cells)
    assert all(c.data_type != "f" for row in wb["Bottlenecks"].iter_rows() for c in row)


def test_infeasible_exit_3_and_nothing_written(capsys, broken, tmp_path):
    # A contracted minimum of 30 ug_radiography starts a year costs 30 x 14,250 = 427,500 in the first
    # year but three cohorts in training cost 1.28m; with a budget of 100,000 no plan exists.
    bad = broken(lambda s: (s.set_cell("budget", 2, "budget_gbp", "100000"),
                            s.replace_text("provider_routes.csv", "provider,route,max_starts,year",
                                           "provider,route,max_starts,year,min_starts"),
                            s.replace_text("provider_routes.csv", "uni_west,ug_radiography,30,", "uni_west,ug_radiography,30,,30")))
    out = tmp_path / "never"
    code, _, err = run(capsys, "solve", "-s", bad.path, "-o", out)
    assert code == 3
    assert "raise limits" in err and "budget, 2025: raise by" in err
    assert "lower requirements" in err and "contracted minimum starts, West University, ug_radiography, 2025" in err
    assert not out.exists()


def test_a_status_quo_that_cannot_be_projected_exits_3(capsys, example_dir, monkeypatch):
    import optimiser

    def impossible(scenario):
        raise optimiser.InfeasibleProjection("the status quo cannot be projected: lower those baseline_starts rows")

    monkeypatch.setattr(optimiser, "project", impossible)
    code, _, err = run(capsys, "project", "--scenario", example_dir)
    assert code == 3 and "error: the status quo cannot be projected" in err


def test_bad_flags_exit_2(capsys, example_dir, tmp_path):
    assert run(capsys, "solve", "-s", example_dir, "--objective", "max_profit")[0] == 2
    assert run(capsys, "solve", "-s", example_dir, "--budget-scale", "-1")[0] == 2
    assert run(capsys, "frontier", "-s", example_dir, "--budget-scales", "1,lots")[0] == 2
    assert run(capsys, "solve", "-s", tmp_path / "missing")[0] == 2


def test_min_system_cost_from_the_command_line(capsys, example_dir, example_v2_dir, tmp_path):
    code, text, _ = run(capsys, "solve", "-s", example_v2_dir, "--objective", "min_system_cost", "-o", tmp_path / "p")
    assert code == 0
    assert "min_system_cost: the least present value of spending plus the premium" in text
    assert "system cost (present value) GBP 45,965,072.1, of which gap premium GBP 38,915,2" in text
    assert "run-out years 2031-2033 included" in text and "other recruits: return_to_practice 24" in text
    # the objective's unit everywhere: GBP of system cost, never weighted WTE-years
    assert "Objective value: 45,965,072.1 (GBP, present value)" in text
    assert "where the next GBP 1m goes (GBP of system cost" in text and "saves GBP" in text
    assert "WTE-years of weighted gap" not in text
    levers = pd.read_csv(tmp_path / "p" / "levers.csv")
    assert {"gbp_saved_per_unit", "gbp_saved_per_gbp_m"} <= set(levers.columns)
    assert "wte_years_per_gbp_m" not in levers.columns
    summary = json.loads((tmp_path / "p" / "summary.json").read_text())
    assert summary["system_cost_gbp"] == pytest.approx(45_965_072.10, abs=0.01)
    assert summary["objective_unit"] == "GBP, present value"
    # the v1 example prices no gap: min_system_cost cannot run on it
    code, _, err = run(capsys, "solve", "-s", example_dir, "--objective", "min_system_cost")
    assert code == 2 and "gap_cost_per_wte" in err and "nothing was run or written" in err


def test_project_and_frontier(capsys, example_dir, tmp_path):
    code, text, _ = run(capsys, "project", "-s", example_dir, "-o", tmp_path / "p")
    assert code == 0 and "1,533.4 weighted" in text
    assert (tmp_path / "p" / "projection.csv").exists()
    code, text, _ = run(capsys, "frontier", "-s", example_dir, "--budget-scales", "0,1", "-o", tmp_path / "f")
    assert code == 0
    f = pd.read_csv(tmp_path / "f" / "frontier.csv")
    assert f["weighted_shortfall"].round(3).tolist() == [1533.383, 1007.496]
    assert (tmp_path / "f" / "frontier.png").stat().st_size > 1000


def test_convert_round_trip_is_lossless(capsys, example_dir, tmp_path):
    from optimiser import load_scenario

    xlsx, back, again = tmp_path / "s.xlsx", tmp_path / "back", tmp_path / "again.xlsx"
    assert run(capsys, "convert", example_dir, xlsx)[0] == 0
    assert run(capsys, "convert", xlsx, back)[0] == 0
    assert run(capsys, "convert", back, again)[0] == 0
    a, b, c = load_scenario(example_dir), load_scenario(xlsx), load_scenario(back)
    assert a.config == b.config == c.config
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name], check_dtype=False)
        pd.testing.assert_frame_equal(a.tables[name], c.tables[name], check_dtype=False)
    # a second trip changes nothing at all
    assert run(capsys, "convert", again, tmp_path / "back2")[0] == 0
    for f in back.iterdir():
        assert (tmp_path / "back2" / f.name).read_bytes() == f.read_bytes()
    # never overwrites
    assert run(capsys, "convert", example_dir, xlsx)[0] == 2


def test_console_module_entry_point(example_dir):
    done = subprocess.run([sys.executable, "-m", "optimiser", "validate", str(example_dir)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0
    assert "0 error(s), 0 warning(s)" in done.stdout


def test_code_is_lint_clean():
    ruff = pytest.importorskip("ruff")
    import os

    exe = os.path.join(os.path.dirname(ruff.__file__), "..", "..", "..", "..", "bin", "ruff")
    cmd = [exe] if os.path.exists(exe) else [sys.executable, "-m", "ruff"]
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    done = subprocess.run([*cmd, "check", root], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout


def test_app_refuses_a_bad_port_or_scenario_without_starting(capsys, tmp_path):
    code, _, err = run(capsys, "app", "--port", "99999")
    assert code == 2 and "port must be a whole number from 1 to 65535 (a TCP port, e.g. 8501), not '99999'" in err
    code, _, err = run(capsys, "app", "--scenario", tmp_path / "missing")
    assert code == 2 and "no scenario at" in err


# --- options and output folders: refused before any work (issue 16, classes 1, 4 and 8) --------


@pytest.fixture
def no_work(monkeypatch):
    """Every way a command starts work fails loudly: a refusal must come before all of them."""
    import optimiser.scenario.io
    import optimiser.scenario.scenario
    import optimiser.synthetic

    def work_started(*args, **kwargs):
        raise AssertionError("work started before the refusal")

    for module, name in ((optimiser.scenario.scenario, "load_scenario"), (optimiser.scenario.io, "load_raw"),
                         (optimiser.synthetic, "generate")):
        monkeypatch.setattr(module, name, work_started)


BAD_NUMBERS = [
    (["solve", "--budget-scale", "inf"], "--budget-scale", "budget scale must be a number from 0 to 100"),
    (["solve", "--budget-scale", "nan"], "--budget-scale", "not 'nan'"),
    (["solve", "--budget-scale", "1e308"], "--budget-scale", "not '1e308'"),
    (["solve", "--time-limit", "0"], "--time-limit", "time limit must be a number from 0.01"),
    (["solve", "--gap", "nan"], "--gap", "relative MIP gap must be"),
    (["frontier", "--budget-scales", "nan"], "--budget-scales", "each budget scale must be a number from 0 to 100"),
    (["frontier", "--budget-scales", "0.5,inf,1"], "--budget-scales", "not 'inf'"),
    (["frontier", "--budget-scales", ","], "--budget-scales", "give at least one budget scale"),
    (["frontier", "--time-limit", "inf"], "--time-limit", "not 'inf'"),
    (["sweep", "--samples", "0"], "--samples", "number of sampled futures must be a whole number from 1"),
    (["sweep", "--samples", "2.5"], "--samples", "not '2.5'"),
    (["sweep", "-n", "5", "--seed", "nan"], "--seed", "seed must be a whole number from 0"),
    (["sweep", "-n", "5", "--workers", "0"], "--workers", "number of worker processes must be"),
    (["generate", "S", "--out", "never", "--seed", "-1"], "--seed", "not '-1'"),
    (["app", "--port", "nan"], "--port", "port must be a whole number from 1 to 65535"),
    (["alternatives", "--slack", "nan"], "--slack", "slack must be a number from 0 to 1"),
    (["alternatives", "--slack", "2"], "--slack", "not '2'"),
    (["alternatives", "--count", "0"], "--count", "number of alternatives must be a whole number from 1 to 50"),
    (["alternatives", "--vary", "hospitals"], "--vary", "must be one of international, providers, regions, routes"),
]


@pytest.mark.parametrize(("args", "flag", "message"), BAD_NUMBERS, ids=[" ".join(a) for a, _, _ in BAD_NUMBERS])
def test_a_bad_numeric_option_exits_2_naming_it_before_any_work_and_without_a_warning(capsys, no_work, args,
                                                                                        flag, message):
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code, out, err = run(capsys, *args)
    assert code == 2
    assert flag in err and message in err, err
    assert [str(w.message) for w in caught] == []


def _taken(tmp_path, how: str):
    """A destination no command may write, and the words its refusal must use."""
    if how == "a file":
        (tmp_path / "taken.csv").write_text("keep", encoding="utf-8")
        return tmp_path / "taken.csv", "is a file"
    if how == "under a file":
        (tmp_path / "taken.csv").write_text("keep", encoding="utf-8")
        return tmp_path / "taken.csv" / "out", "taken.csv is a file, not a folder"
    if how == "unwritable":  # /sys refuses new entries even to root
        if not _refuses_new_entries("/sys"):
            pytest.skip("no read-only place to aim at here")
        return Path("/sys/optimiser-test-out"), "cannot write /sys/optimiser-test-out"
    (tmp_path / "theirs").mkdir()
    (tmp_path / "theirs" / "notes.txt").write_text("keep", encoding="utf-8")
    return tmp_path / "theirs", "theirs"


def _refuses_new_entries(folder: str) -> bool:
    if not os.path.isdir(folder):
        return False
    try:
        os.rmdir(tempfile.mkdtemp(dir=folder))
    except OSError:
        return True
    return False


def snapshot(path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): p.read_bytes() if p.is_file() else b"<dir>" for p in sorted(path.rglob("*"))}


COMMANDS = {
    "solve": lambda out: ["solve", "--out", out],
    "project": lambda out: ["project", "--out", out],
    "frontier": lambda out: ["frontier", "--budget-scales", "1", "--out", out],
    "sweep": lambda out: ["sweep", "-n", "2", "--out", out],
    "generate": lambda out: ["generate", "S", "--out", out],
    "convert": lambda out: ["convert", "tests/data/example", out],
}


@pytest.mark.parametrize("how", ["a file", "under a file", "unwritable", "other files"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_an_out_that_cannot_or_must_not_be_written_is_refused_before_any_work(capsys, tmp_path, no_work,
                                                                               command, how):
    out, words = _taken(tmp_path, how)
    if command in ("generate", "convert") and how in ("a file", "other files"):
        words = "already exists; give a new path so nothing is overwritten"  # a new scenario never replaces
    holder = tmp_path
    before = snapshot(holder)
    code, _, err = run(capsys, *COMMANDS[command](out))
    assert code == 2, err
    assert words in err and ("give" in err or "choose" in err), err
    assert snapshot(holder) == before


def test_a_run_folder_of_another_kind_is_refused_untouched_then_replaced_with_replace_and_said(
        capsys, example_dir, tmp_path):
    from hand_results import plan_result

    from optimiser.outputs.reports import write_plan

    out = tmp_path / "plan"
    write_plan(plan_result(), out)
    before = snapshot(out)
    code, _, err = run(capsys, "project", "-s", example_dir, "-o", out)
    assert code == 2
    assert f"--out: {out} holds a plan (optimiser solve) written " in err and "pass --replace" in err
    assert snapshot(out) == before
    code, text, _ = run(capsys, "project", "-s", example_dir, "-o", out, "--replace")
    assert code == 0
    assert "Replaced a plan (optimiser solve) written " in text and f" in {out}" in text
    assert sorted(p.name for p in out.iterdir()) == ["inputs", "manifest.json", "projection.csv",
                                                     "projection_summary.csv", "run.json"]
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["kind"] == "project"
    # an earlier run of the same kind is replaced without asking, and still said
    code, text, _ = run(capsys, "project", "-s", example_dir, "-o", out)
    assert code == 0 and "Replaced a status quo projection (optimiser project) written " in text
    # files that are not a run's: named, and replaced only when asked
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep", encoding="utf-8")
    code, _, err = run(capsys, "project", "-s", example_dir, "-o", tmp_path / "mine")
    assert code == 2 and "already holds other files that are not an optimiser run's (notes.txt)" in err
    code, text, _ = run(capsys, "project", "-s", example_dir, "-o", tmp_path / "mine", "--replace")
    assert code == 0 and "Replaced 1 file that was not an optimiser run's (notes.txt)" in text
