"""The command line on the worked example and on broken input: exit codes, files, no tracebacks."""

import json
import subprocess
import sys

import openpyxl
import pandas as pd
import pytest

from optimiser.cli.main import main

pytestmark = pytest.mark.integration


def run(capsys, *args):
    code = main(list(map(str, args)))
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return code, out.out, out.err


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
    assert "where the next GBP 1m goes" not in text  # min_shortfall's ranking only
    summary = json.loads((tmp_path / "p" / "summary.json").read_text())
    assert summary["system_cost_gbp"] == pytest.approx(45_965_072.10, abs=0.01)
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
    assert code == 2 and "not a valid TCP port" in err
    code, _, err = run(capsys, "app", "--scenario", tmp_path / "missing")
    assert code == 2 and "no scenario at" in err
