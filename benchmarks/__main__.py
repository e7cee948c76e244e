"""Timed runs: model build, hand-off to HiGHS, HiGHS's own solve, results; one JSON per run.

python -m benchmarks [--scenario PATH] [--repeat N] [--out DIR]
    the West Midlands default and the worked example (medians over --repeat runs)
python -m benchmarks --preset NAME [--out DIR] [--gap G] [--time-limit S] [--repeat N] [--seed K]
    a synthetic preset (S, M, L, XL, W; S2, L2 in the v2 format; optimiser/synthetic) or DEFAULT
    (the v2 default, inputs/west_midlands): each run writes
    <preset>_s<seed>_h<highspy>_<timestamp>_run<i>.json: the engine's solve, the same model
    exported to MPS and solved by plain HiGHS (its defaults, the engine's threads, the same gap
    and limit), and the ratio engine / plain HiGHS of their times to the gap (benchmarks/presets.py)
python -m benchmarks --preset L2 --v2-vs-v1 [--time-limit S] [--seed K]
    the v2 preset against its v1 preset (L2 / L, S2 / S) in one run: prepare, build, hand-off and
    results seconds as ratios v2 / v1 (benchmarks/v2_vs_v1.py)
python -m benchmarks --frontier [--scenario PATH] [--repeat N]
    a 10-point budget frontier against 10 cold solves, in the same run (medians)
python -m benchmarks --sweep [--samples N] [--scenario PATH]
    an uncertainty sweep of the status quo (default 1,000 futures) on a local process pool of
    os.cpu_count() workers: wall clock, per-future milliseconds, P10/P50/P90 weighted shortfall
python -m benchmarks --startup [--repeat N] [--out DIR]
    `optimiser --help`, `optimiser validate` and `optimiser solve` on the default as whole
    processes, each against `python -c "import pandas"` in the same run (medians, default 5 runs;
    benchmarks/startup.py)
python -m benchmarks --table [--out DIR]
    the latest run of each preset, seed and highspy version as a Markdown table (written into
    benchmarks/README.md and README.md when --out is the default benchmarks/results)

Benchmarks are measurements, never asserted in tests (CI only checks a smoke run's keys).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import optimiser
from benchmarks.machine import machine
from benchmarks.presets import run_preset, table
from optimiser import DEFAULT_SCENARIO_DIR

HERE = Path(__file__).resolve().parent
RESULTS_DIR = HERE / "results"
README = HERE / "README.md"
ROOT_README = HERE.parent / "README.md"  # its performance section shows the same table
TABLE_START, TABLE_END = "<!-- preset-table:start -->", "<!-- preset-table:end -->"
PRESET_GAP, PRESET_TIME_LIMIT = 0.01, 120.0


# --- the default and the worked example (unchanged behaviour) --------------------------------


def solver_seconds(t: dict) -> float:
    """HiGHS's own time: the MIP (with its relax-and-round phases) and the shadow-price LP."""
    return t["solve_seconds"] + t.get("shadow_price_seconds", 0.0)


def one_run(path: Path) -> dict:
    """End to end as `optimiser solve` does it, after imports: load and validate, the status quo,
    build, solve, results."""
    t0 = time.perf_counter()
    sc = optimiser.load_scenario(path)
    load = time.perf_counter() - t0
    plan = optimiser.solve(sc)
    total = time.perf_counter() - t0
    t = plan.timings
    outside = t["build_seconds"] + t["handoff_seconds"] + t.get("results_seconds", 0.0)
    return {"scenario": sc.name, "status": plan.status, "mip_gap": plan.mip_gap, "objective": plan.objective,
            "load_seconds": load, **t, "solver_seconds": solver_seconds(t), "total_seconds": total,
            "outside_solver_ratio": outside / max(solver_seconds(t), 1e-9), **plan.size}


def run_scenarios(paths: list[Path], repeat: int, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for path in paths:
        runs = [one_run(path) for _ in range(repeat)]
        keys = [k for k, v in runs[0].items() if isinstance(v, int | float) and not isinstance(v, bool)]
        med = {k: statistics.median(r[k] for r in runs if r[k] is not None) for k in keys if runs[0][k] is not None}
        result = {**runs[0], **med, "repeat": repeat, "machine": machine(), "when": time.strftime("%Y-%m-%dT%H:%M:%S")}
        name = path.name.replace(" ", "_")
        (out / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
        print(f"{name}: build {med['build_seconds']:.3f}s handoff {med['handoff_seconds']:.3f}s "
              f"HiGHS {med['solve_seconds']:.3f}s results {med.get('results_seconds', 0.0):.3f}s "
              f"total {med['total_seconds']:.3f}s (outside/solver {med['outside_solver_ratio']:.2f}) "
              f"gap {result['mip_gap']}; {result['n_vars']} vars, {result['n_int_vars']} int, {result['n_cons']} rows")


# --- the budget frontier against cold solves -------------------------------------------------

FRONTIER_SCALES = (0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0)


def run_frontier(path: Path, repeat: int, out: Path) -> Path:
    """A 10-point frontier (one model, warm re-solves) against 10 cold solves (load, validate,
    status quo, build, solve, results for each budget), timed in the same run; medians."""
    optimiser.solve(optimiser.load_scenario(path), with_status_quo=False)  # imports and caches warm for both
    warm, cold, points = [], [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        f = optimiser.frontier(optimiser.load_scenario(path), list(FRONTIER_SCALES))
        warm.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        cold_plans = [optimiser.solve(optimiser.load_scenario(path), budget_scale=s) for s in FRONTIER_SCALES]
        cold.append(time.perf_counter() - t0)
        points = [{"budget_scale": s, "frontier_weighted_shortfall": w, "frontier_gap": g,
                   "frontier_solve_seconds": t, "frontier_status": str(st),
                   "cold_weighted_shortfall": c.weighted_shortfall, "cold_gap": c.mip_gap,
                   "cold_solve_seconds": c.timings["solve_seconds"], "cold_status": str(c.status)}
                  for s, w, g, t, st, c in zip(FRONTIER_SCALES, f.frontier["weighted_shortfall"], f.frontier["mip_gap"],
                                               f.frontier["solve_seconds"], f.frontier["status"], cold_plans,
                                               strict=True)]
    result = {"scenario": str(path), "points": len(FRONTIER_SCALES), "repeat": repeat,
              "frontier_seconds": statistics.median(warm), "cold_seconds": statistics.median(cold),
              "ratio": statistics.median(warm) / statistics.median(cold), "runs": {"frontier": warm, "cold": cold},
              "by_point": points, "machine": machine(), "when": time.strftime("%Y-%m-%dT%H:%M:%S")}
    out.mkdir(parents=True, exist_ok=True)
    version = (result["machine"].get("highspy") or "unknown").replace(".", "")  # one file per version
    dst = out / f"frontier_{path.name.replace(' ', '_')}_h{version}.json"
    dst.write_text(json.dumps(result, indent=2) + "\n")
    print(f"frontier of {len(FRONTIER_SCALES)} points {result['frontier_seconds']:.2f}s vs {len(FRONTIER_SCALES)} cold "
          f"solves {result['cold_seconds']:.2f}s: ratio {result['ratio']:.3f} (medians of {repeat}) -> {dst}")
    return dst


# --- uncertainty sweeps ---------------------------------------------------------------------


def run_sweep(path: Path, samples: int, out: Path) -> Path:
    """`optimiser sweep --samples N` of the status quo, timed: the whole call (pool start-up,
    sampling, every future's projection, the summary) on os.cpu_count() local workers."""
    from optimiser.analysis.sweep import sweep

    scenario = optimiser.load_scenario(path)
    t0 = time.perf_counter()
    result = sweep(scenario, samples, plan="status_quo", seed=0)
    wall = time.perf_counter() - t0
    workers = os.cpu_count() or 1
    record = {"kind": "sweep", "scenario": str(path), "samples": samples, "workers": workers,
              "wall_seconds": wall, "ms_per_future_per_worker": 1000 * wall * workers / samples,
              "statuses": result.summary["statuses"], "totals": result.summary["totals"],
              "machine": machine(), "when": time.strftime("%Y-%m-%dT%H:%M:%S")}
    out.mkdir(parents=True, exist_ok=True)
    dst = out / f"sweep_{path.name.replace(' ', '_')}_{samples}.json"
    dst.write_text(json.dumps(record, indent=2, default=str) + "\n")
    print(f"sweep of {samples} status-quo futures on {workers} workers: {wall:.1f}s "
          f"({record['ms_per_future_per_worker']:.0f} ms per future per worker) -> {dst}")
    return dst


# --- the README table ------------------------------------------------------------------------


def write_table(out: Path, readme: Path = README) -> str:
    """Print the table and put it between the markers of the README (if it has them)."""
    text = table(out)
    if readme.exists():
        doc = readme.read_text(encoding="utf-8")
        if TABLE_START in doc and TABLE_END in doc:
            before, rest = doc.split(TABLE_START, 1)
            _, after = rest.split(TABLE_END, 1)
            tmp = readme.with_suffix(".md.tmp")
            tmp.write_text(f"{before}{TABLE_START}\n{text}\n{TABLE_END}{after}", encoding="utf-8")
            os.replace(tmp, readme)
    return text


# --- command line ----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    ap.add_argument("--scenario", type=Path, action="append", help="scenario folder or .xlsx (repeatable)")
    ap.add_argument("--preset", help="synthetic preset (S, M, L, XL, W, S2, L2) or DEFAULT (the v2 default)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the synthetic preset (default 0)")
    ap.add_argument("--highs-seed", type=int, action="append", dest="highs_seeds",
                    help="HiGHS's random seed for the engine and plain HiGHS alike (repeatable: one run per "
                         "seed; default 0, HiGHS's own); the table sums several seeds up beside the preset's row")
    ap.add_argument("--gap", type=float, default=None, help=f"relative MIP gap (preset default {PRESET_GAP})")
    ap.add_argument("--time-limit", type=float, default=None,
                    help=f"seconds for HiGHS (preset default {PRESET_TIME_LIMIT:g})")
    ap.add_argument("--repeat", type=int, default=None, help="runs (default 3 for scenarios, 1 for a preset)")
    ap.add_argument("--out", type=Path, default=RESULTS_DIR, help="folder for the JSON files")
    ap.add_argument("--plain-arm", action="store_true",
                    help="the engine with plain branch and bound beside the rounding (portfolio.PLAIN_ARM); "
                         "plain HiGHS then gets two threads. Use another --out: the table keeps one run per preset")
    ap.add_argument("--table", action="store_true", help="print the latest figures per preset; update README.md")
    ap.add_argument("--frontier", action="store_true",
                    help="time a 10-point budget frontier against 10 cold solves (default scenario)")
    ap.add_argument("--sweep", action="store_true",
                    help="time an uncertainty sweep of the status quo (default scenario)")
    ap.add_argument("--samples", type=int, default=1000, help="futures for --sweep (default 1000)")
    ap.add_argument("--v2-vs-v1", action="store_true",
                    help="with --preset L2 or S2: build, hand-off and results against its v1 preset, same run")
    ap.add_argument("--startup", action="store_true",
                    help="time `optimiser --help`, `validate` and `solve` as processes against `import pandas`")
    args = ap.parse_args(argv)
    problem = _check(args)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    if args.table:  # the README shows the committed results only, never a scratch folder's
        if args.out.resolve() == RESULTS_DIR.resolve():
            write_table(args.out, ROOT_README)
            print(write_table(args.out))
        else:
            print(table(args.out))
        return 0
    if args.preset and args.v2_vs_v1:
        from benchmarks.v2_vs_v1 import run_v2_vs_v1

        run_v2_vs_v1(args.preset.strip().upper(), args.seed, PRESET_GAP if args.gap is None else args.gap,
                     PRESET_TIME_LIMIT if args.time_limit is None else args.time_limit, args.out)
        return 0
    if args.plain_arm:
        from optimiser.solver import portfolio

        portfolio.PLAIN_ARM = True
    if args.preset:
        run_preset(args.preset.strip().upper(), args.seed, PRESET_GAP if args.gap is None else args.gap,
                   PRESET_TIME_LIMIT if args.time_limit is None else args.time_limit, args.repeat or 1, args.out,
                   tuple(args.highs_seeds or (0,)))
        return 0
    if args.startup:
        from benchmarks.startup import run_startup

        run_startup(args.repeat or 5, args.out, machine())
        return 0
    if args.sweep:
        run_sweep((args.scenario or [DEFAULT_SCENARIO_DIR])[0], args.samples, args.out)
        return 0
    if args.frontier:
        run_frontier((args.scenario or [DEFAULT_SCENARIO_DIR])[0], args.repeat or 3, args.out)
        return 0
    paths = args.scenario or [DEFAULT_SCENARIO_DIR, HERE.parent / "tests" / "data" / "example"]
    run_scenarios(paths, args.repeat or 3, args.out)
    return 0


def _check(args) -> str | None:
    from benchmarks.presets import benchmark_presets

    if args.preset and args.preset.strip().upper() not in benchmark_presets():
        return f"unknown preset {args.preset!r}: choose one of {', '.join(benchmark_presets())}"
    if args.preset and args.scenario:
        return "give --preset or --scenario, not both"
    if args.v2_vs_v1 and (args.preset or "").strip().upper() not in ("L2", "S2"):
        return "--v2-vs-v1 needs --preset L2 or S2 (a v2 preset, timed against its v1 preset)"
    if args.gap is not None and not 0 <= args.gap <= 1:
        return f"--gap must be a fraction from 0 to 1, not {args.gap}"
    if args.time_limit is not None and args.time_limit <= 0:
        return f"--time-limit must be above 0 seconds, not {args.time_limit}"
    if args.repeat is not None and args.repeat < 1:
        return f"--repeat must be 1 or more, not {args.repeat}"
    if any(s < 0 for s in args.highs_seeds or ()):
        return f"--highs-seed must be 0 or more, not {min(args.highs_seeds)}"
    if args.highs_seeds and not args.preset:
        return "--highs-seed needs --preset (the engine against plain HiGHS, seed by seed)"
    if args.seed < 0:
        return f"--seed must be 0 or more, not {args.seed}"
    if args.samples < 1:
        return f"--samples must be 1 or more, not {args.samples}"
    return None


if __name__ == "__main__":
    sys.exit(main())
