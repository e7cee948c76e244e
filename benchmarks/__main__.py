"""Timed runs: model build, hand-off to HiGHS, HiGHS's own solve, results; one JSON per run.

python -m benchmarks [--scenario PATH] [--repeat N] [--out DIR]
Medians over --repeat runs are reported; never asserted in tests.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path

import optimiser
from optimiser.dictionary import DEFAULT_SCENARIO_DIR


def one_run(path: Path) -> dict:
    sc = optimiser.load_scenario(path)
    t0 = time.perf_counter()
    plan = optimiser.solve(sc, with_status_quo=False)
    total = time.perf_counter() - t0
    t = plan.timings
    outside = t["build_seconds"] + t["handoff_seconds"] + t.get("results_seconds", 0.0)
    return {"scenario": sc.name, "status": plan.status, "mip_gap": plan.mip_gap, "objective": plan.objective,
            **t, "total_seconds": total, "outside_solver_ratio": outside / max(t["solve_seconds"], 1e-9),
            **plan.size}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenario", type=Path, action="append")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = ap.parse_args()
    paths = args.scenario or [DEFAULT_SCENARIO_DIR, Path(__file__).parent.parent / "tests" / "data" / "example"]
    args.out.mkdir(parents=True, exist_ok=True)
    for path in paths:
        runs = [one_run(path) for _ in range(args.repeat)]
        keys = [k for k, v in runs[0].items() if isinstance(v, int | float) and not isinstance(v, bool)]
        med = {k: statistics.median(r[k] for r in runs if r[k] is not None) for k in keys if runs[0][k] is not None}
        result = {**runs[0], **med, "repeat": args.repeat, "machine": f"{platform.node()} {platform.processor()} "
                  f"python {platform.python_version()}", "when": time.strftime("%Y-%m-%dT%H:%M:%S")}
        name = path.name.replace(" ", "_")
        (args.out / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
        print(f"{name}: build {med['build_seconds']:.3f}s handoff {med['handoff_seconds']:.3f}s "
              f"HiGHS {med['solve_seconds']:.3f}s results {med['results_seconds']:.3f}s "
              f"total {med['total_seconds']:.3f}s (outside/solver {med['outside_solver_ratio']:.2f}) "
              f"gap {result['mip_gap']}; {result['n_vars']} vars, {result['n_int_vars']} int, {result['n_cons']} rows")


if __name__ == "__main__":
    main()
