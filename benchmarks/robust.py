"""How the robust solve grows with the number of futures N, against the deterministic solve.

    python -m benchmarks.robust [--samples 2 5 10 20] [--time-limit 300] [--scenario default example_v2]

For each scenario, in one run: the deterministic plan (build + solve, shadow prices off), then for
each N the robust plan's parts: building the N futures' models, assembling the extensive form, and
solving it cold (relax and round from nothing) and warm (seeded with the deterministic plan's first
stage, each future's best second stage for it). Times are wall seconds on a shared machine; the
ratios to the deterministic solve in the same run are the figure. The worked example v2 has no
uncertainty.csv: the benchmark gives it the rows of the test fixture (leaver rates, demand growth,
completion). Writes results/robust_<timestamp>.json and .md (the table).
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

import optimiser
from benchmarks.machine import load_average, machine
from optimiser.analysis.robust import Risk, extensive_form, first_stage_values, warm_start
from optimiser.analysis.sampling import sample_scenario
from optimiser.analysis.sweep import uncertain_inputs
from optimiser.pipeline import api
from optimiser.solver import run

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
EXAMPLE_UNCERTAINTY = ("parameter,scope,distribution,arguments\n"
                       "leaver_rate,*,lognormal,sigma=0.15\n"
                       "demand_growth,*,normal,sd=0.01\n"
                       "completion_rate,*,triangular,low=-0.08;mode=0;high=0.03;draw=each\n")


def load(name: str, tmp: Path):
    if name == "default":
        return optimiser.load_scenario(None)
    path = tmp / name
    shutil.copytree(ROOT / "tests" / "data" / name, path)
    (path / "uncertainty.csv").write_text(EXAMPLE_UNCERTAINTY, encoding="utf-8")
    return optimiser.load_scenario(path)


def measure(scenario, samples: list[int], time_limit: float, seed: int) -> dict:
    gap = scenario.config.solver.mip_rel_gap
    t0 = time.perf_counter()
    base = api.build_plan(scenario, "min_shortfall")
    det_build = time.perf_counter() - t0
    det = api.solve_built(base, time_limit, gap, shadow_prices=False)
    det_solve = det.timings["solve_seconds"]
    det_total = det_build + det_solve
    first = first_stage_values(base, det.column_values)
    inputs = uncertain_inputs(scenario)
    rows = []
    for n in samples:
        seeds = np.random.SeedSequence(seed).spawn(n)
        t0 = time.perf_counter()
        futures = [sample_scenario(scenario, inputs, s, i)[0] for i, s in enumerate(seeds)]
        builts = [api.build_plan(f, "min_shortfall") for f in futures]
        build = time.perf_counter() - t0
        t0 = time.perf_counter()
        ext = extensive_form(base, builts, Risk("mean"))
        assemble = time.perf_counter() - t0
        row = {"samples": n, "build_seconds": build, "assemble_seconds": assemble,
               "columns": ext.compiled.n_cols, "rows": ext.compiled.n_rows, "nonzeros": ext.compiled.n_nonzeros,
               "integer_columns": ext.compiled.n_integer}
        for how in ("cold", "warm"):
            t0 = time.perf_counter()
            start = warm_start(ext, first, time_limit) if how == "warm" else None
            out = run(ext.compiled, time_limit, gap, incumbent=start)
            seconds = time.perf_counter() - t0
            row[how] = {"seconds": seconds, "status": str(out.status), "objective": out.objective,
                        "mip_gap": out.mip_gap, "ratio_to_deterministic": (build + assemble + seconds) / det_total}
        rows.append(row)
        print(json.dumps(row), flush=True)
        del builts, ext
    return {"deterministic": {"build_seconds": det_build, "solve_seconds": det_solve, "objective": det.objective,
                              "mip_gap": det.mip_gap, "columns": base.compiled.n_cols, "rows": base.compiled.n_rows},
            "gap": gap, "time_limit": time_limit, "robust": rows}


def table(results: dict) -> str:
    lines = ["| scenario | N | columns | build + assemble s | cold solve s (gap) | warm solve s (gap) | "
             "ratio cold | ratio warm |", "|---|---|---|---|---|---|---|---|"]
    for name, r in results["scenarios"].items():
        d = r["deterministic"]
        lines.append(f"| {name} | deterministic | {d['columns']:,} | {d['build_seconds']:.1f} | "
                     f"{d['solve_seconds']:.1f} ({_pct(d['mip_gap'])}) | | 1 | 1 |")
        for row in r["robust"]:
            c, w = row["cold"], row["warm"]
            lines.append(f"| {name} | {row['samples']} | {row['columns']:,} | "
                         f"{row['build_seconds'] + row['assemble_seconds']:.1f} | {c['seconds']:.1f} ({_pct(c['mip_gap'])}) | "
                         f"{w['seconds']:.1f} ({_pct(w['mip_gap'])}) | {c['ratio_to_deterministic']:.1f} | "
                         f"{w['ratio_to_deterministic']:.1f} |")
    return "\n".join(lines) + "\n"


def _pct(x) -> str:
    return "-" if x is None else f"{x:.2%}"


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--samples", type=int, nargs="+", default=[2, 5, 10, 20])
    p.add_argument("--scenario", nargs="+", default=["example_v2", "default"])
    p.add_argument("--time-limit", type=float, default=300.0)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    results = {"machine": machine(), "samples": args.samples, "seed": args.seed, "scenarios": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.scenario:
            print(f"# {name}", flush=True)
            results["scenarios"][name] = measure(load(name, Path(tmp)), args.samples, args.time_limit, args.seed)
    results["machine"]["load_average_1min_end"] = load_average()
    RESULTS.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    (RESULTS / f"robust_{stamp}.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (RESULTS / f"robust_{stamp}.md").write_text(table(results), encoding="utf-8")
    print(table(results))


if __name__ == "__main__":
    main()
