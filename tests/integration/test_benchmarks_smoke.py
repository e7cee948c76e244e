"""CI smoke pass of the benchmarks: the smallest preset, a tiny time limit, the JSON's keys.

Timings are never asserted (they depend on the machine); only that a run records them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]


def test_preset_benchmark_writes_one_json_per_run_with_every_key(tmp_path):
    cmd = [sys.executable, "-m", "benchmarks", "--preset", "S", "--time-limit", "1", "--gap", "0.5",
           "--repeat", "2", "--out", str(tmp_path)]
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    files = sorted(tmp_path.glob("S_*_run*.json"))
    assert [f.name.endswith(f"_run{i}.json") for i, f in enumerate(files, 1)] == [True, True]
    for f in files:
        r = json.loads(f.read_text())
        for key in ("preset", "build_seconds", "handoff_seconds", "solve_seconds", "results_seconds",
                    "total_seconds", "outside_solver_ratio", "us_per_nonzero", "mip_gap", "n_vars",
                    "n_int_vars", "n_cons", "n_nonzeros", "status", "machine", "mps"):
            assert key in r, key
        assert r["preset"] == "S" and r["time_limit_s"] == 1.0 and r["requested_gap"] == 0.5
        assert r["n_vars"] > r["n_int_vars"] > 0 and r["n_cons"] > 0 and r["n_nonzeros"] > r["n_vars"]
        assert {"platform", "cpu_count", "python", "highspy", "pyomo"} <= set(r["machine"])
        assert {"solve_seconds", "objective", "status"} <= set(r["mps"])
    table = subprocess.run([sys.executable, "-m", "benchmarks", "--table", "--out", str(tmp_path)],
                           cwd=REPO, capture_output=True, text=True, timeout=120)
    assert table.returncode == 0, table.stderr
    assert "| S |" in table.stdout


def test_runs_with_several_highs_seeds_are_summed_up_beside_the_table(tmp_path):
    cmd = [sys.executable, "-m", "benchmarks", "--preset", "S", "--time-limit", "1", "--gap", "0.5",
           "--highs-seed", "0", "--highs-seed", "2", "--out", str(tmp_path)]
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    runs = {json.loads(f.read_text())["highs_seed"]: (f.name, json.loads(f.read_text())) for f in tmp_path.glob("S_*.json")}
    assert sorted(runs) == [0, 2]
    assert "_r2_" in runs[2][0] and "_r" not in runs[0][0].split("_h")[0]  # seed 0 keeps the old names
    assert [runs[s][1]["mps"]["random_seed"] for s in (0, 2)] == [0, 2]  # plain HiGHS ran with the same seed
    table = subprocess.run([sys.executable, "-m", "benchmarks", "--table", "--out", str(tmp_path)],
                           cwd=REPO, capture_output=True, text=True, timeout=120)
    assert table.returncode == 0, table.stderr
    rows = [line for line in table.stdout.splitlines() if line.startswith("| S |")]
    assert len(rows) == 2  # the preset's row (HiGHS's default seed) and the summary of both seeds
    summary = rows[1].split(" | ")
    assert summary[3] == "0, 2" and summary[4].endswith("of 2") and summary[5].endswith("of 2")
    assert float(summary[8]) > 0


def test_bad_benchmark_options_are_refused(tmp_path):
    for args, message in ((["--highs-seed", "1"], "--highs-seed needs --preset"),
                          (["--preset", "S", "--highs-seed", "-1"], "--highs-seed must be"),
                          (["--preset", "Q"], "unknown preset"), (["--preset", "S", "--gap", "2"], "--gap"),
                          (["--preset", "S", "--time-limit", "0"], "--time-limit"),
                          (["--sweep", "--samples", "0"], "--samples")):
        done = subprocess.run([sys.executable, "-m", "benchmarks", *args, "--out", str(tmp_path)], cwd=REPO,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 2 and message in done.stderr, done.stderr
    assert not list(tmp_path.iterdir())


def test_sweep_benchmark_records_its_futures_and_quantiles(tmp_path):
    cmd = [sys.executable, "-m", "benchmarks", "--sweep", "--samples", "6", "--out", str(tmp_path)]
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    r = json.loads((tmp_path / "sweep_west_midlands_6.json").read_text())
    assert r["samples"] == 6 and r["wall_seconds"] > 0 and r["workers"] >= 1
    assert sum(r["statuses"].values()) == 6
    shortfall = [t for t in r["totals"] if t["measure"] == "weighted_shortfall"][0]
    assert shortfall["p10"] <= shortfall["p50"] <= shortfall["p90"]


def test_startup_benchmark_times_each_command_against_the_reference(tmp_path):
    cmd = [sys.executable, "-m", "benchmarks", "--startup", "--repeat", "1", "--out", str(tmp_path)]
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    r = json.loads((tmp_path / "startup.json").read_text())
    assert set(r["median_seconds"]) == {"import_pandas", "help", "validate", "solve"}
    assert set(r["ratio_to_reference"]) == {"help", "validate", "solve"}
    assert all(len(runs) == 1 and runs[0] > 0 for runs in r["runs"].values())
    assert (Path(r["optimiser_path"]) / "__init__.py").is_file() and "cpu_count" in r["machine"]

def test_a_seeded_run_puts_the_engine_seed_back_even_when_it_fails(monkeypatch):
    # the benchmark process sets HiGHS's seed for each run; a run that fails half way must not
    # leave the next (or a later solve in the same process) with another seed
    from benchmarks import presets
    from optimiser.solver import lifecycle

    def failing(*_args):
        assert lifecycle.RANDOM_SEED == 3  # the run itself had the seed asked for
        raise RuntimeError("generator failed")

    monkeypatch.setattr(presets, "preset_scenario", failing)
    before = lifecycle.RANDOM_SEED
    with pytest.raises(RuntimeError, match="generator failed"):
        presets.preset_run("S", 0, 0.5, 1.0, highs_seed=3)
    assert lifecycle.RANDOM_SEED == before == 0


def test_frontier_benchmark_on_the_worked_example_writes_each_point_warm_and_cold(tmp_path, example_dir):
    cmd = [sys.executable, "-m", "benchmarks", "--frontier", "--scenario", str(example_dir), "--repeat", "1",
           "--out", str(tmp_path)]
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    (f,) = tmp_path.glob("frontier_*.json")
    r = json.loads(f.read_text())
    assert r["points"] == len(r["by_point"]) == 10 and r["ratio"] == r["frontier_seconds"] / r["cold_seconds"]
    for p in r["by_point"]:
        assert p["frontier_status"] == p["cold_status"] == "optimal", p
        # one model re-solved is the model built cold at that scale: the same optimum
        assert p["frontier_weighted_shortfall"] == pytest.approx(p["cold_weighted_shortfall"], rel=1e-4), p
        assert p["frontier_solve_seconds"] >= 0 and p["cold_solve_seconds"] > 0
