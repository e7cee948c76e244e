"""How the robust solve grows with the number of futures N, against N independent deterministic solves.

    python -m benchmarks.robust [--samples 5 10 20 50] [--scenario default M] [--time-limit 150]

For each scenario, in one run: the deterministic plan (build + solve, shadow prices off); then for
each N, the N futures (sampled and built) and the extensive form assembled, and the robust plan's
search two ways, each from the deterministic plan's first stage and with the same time limit:
**before**, the extensive form as one MIP (`method="extensive"`), and **after**, relax and evaluate
(`method="bounded"`: the extensive form's LP relaxation as the bound, the first stages evaluated
exactly in every future, the extensive MIP searching on only when outside the gap). Each row gives
the objective (the plan evaluated in every future), the bound and gap, and the ratio of the robust
solve (build + assemble + search) to N independent deterministic solves of the futures (each
future's own plan, the wait-and-see solves). Those are timed for the first `--independent` futures
and their mean is multiplied by N beyond that (the futures of a seed are nested: future i is the
same for every N). Times are wall seconds on a shared machine; the ratios in the same run are the
figure. The synthetic preset M has no uncertainty.csv: it is given the test fixture's rows (leaver
rates, demand growth, completion), as the worked example is. Writes results/robust_<timestamp>.json
and .md (the table).
"""

from __future__ import annotations

import argparse
import json
import math
import tempfile
import time
from pathlib import Path

import numpy as np

import optimiser
from benchmarks.machine import load_average, machine
from optimiser.analysis.robust import Risk, _weights, extensive_form, first_stage_values
from optimiser.analysis.robust_search import optimise
from optimiser.analysis.sampling import sample_scenario
from optimiser.analysis.sweep import uncertain_inputs
from optimiser.pipeline import api
from optimiser.solver import run

RESULTS = Path(__file__).resolve().parent / "results"
FIXTURE_UNCERTAINTY = ("parameter,scope,distribution,arguments\n"
                       "leaver_rate,*,lognormal,sigma=0.15\n"
                       "demand_growth,*,normal,sd=0.01\n"
                       "completion_rate,*,triangular,low=-0.08;mode=0;high=0.03;draw=each\n")
METHODS = {"before": "extensive", "after": "bounded"}


def load(name: str, tmp: Path):
    """The v2 default, or a synthetic preset written to `tmp` with the fixture's uncertainty rows."""
    if name == "default":
        return optimiser.load_scenario(None)
    from optimiser.scenario.io import write_scenario
    from optimiser.synthetic import generate

    path = tmp / name
    write_scenario(generate(name, 0), path)
    (path / "uncertainty.csv").write_text(FIXTURE_UNCERTAINTY, encoding="utf-8")
    return optimiser.load_scenario(path)


def measure(scenario, samples: list[int], time_limit: float, seed: int, independent: int) -> dict:
    gap = scenario.config.solver.mip_rel_gap
    t0 = time.perf_counter()
    base = api.build_plan(scenario, "min_shortfall")
    det_build = time.perf_counter() - t0
    det = api.solve_built(base, time_limit, gap, shadow_prices=False)
    det_solve = det.timings["solve_seconds"]
    det_first = first_stage_values(base, det.column_values)
    inputs = uncertain_inputs(scenario)
    own_seconds: list[float] = []  # each future's own deterministic solve (build + solve), in order
    rows = []
    for n in samples:
        seeds = np.random.SeedSequence(seed).spawn(n)
        t0 = time.perf_counter()
        futures = [sample_scenario(scenario, inputs, s, i)[0] for i, s in enumerate(seeds)]
        builts = [api.build_plan(f, "min_shortfall") for f in futures]
        build = time.perf_counter() - t0
        for i in range(len(own_seconds), min(n, independent)):
            t1 = time.perf_counter()
            own = api.build_plan(futures[i], "min_shortfall")
            run(own.compiled, time_limit, gap)
            own_seconds.append(time.perf_counter() - t1)
        independent_seconds = float(np.mean(own_seconds)) * n
        t0 = time.perf_counter()
        ext = extensive_form(base, builts, Risk("mean"))
        assemble = time.perf_counter() - t0
        forms = [b.compiled.form for b in (base, *builts)]
        row = {"samples": n, "build_seconds": build, "assemble_seconds": assemble,
               "independent_seconds": independent_seconds, "independent_timed": min(n, independent),
               "columns": ext.compiled.n_cols, "rows": ext.compiled.n_rows, "integer_columns": ext.compiled.n_integer}
        for label, method in METHODS.items():
            times: dict[str, float] = {}
            t0 = time.perf_counter()
            out, _start, used = optimise(ext, forms, _weights(builts), None, det.column_values, det_first, time_limit,
                                         gap, True, method, times)
            seconds = time.perf_counter() - t0
            total = build + assemble + seconds
            row[label] = {"method": used, "seconds": seconds, "status": str(out.status), "objective": out.objective,
                          "bound": out.dual_bound, "mip_gap": out.mip_gap, "robust_seconds": total,
                          "ratio_to_independent": total / independent_seconds}
        rows.append(row)
        print(json.dumps(row), flush=True)
        del builts, ext
    return {"deterministic": {"build_seconds": det_build, "solve_seconds": det_solve, "objective": det.objective,
                              "mip_gap": det.mip_gap, "columns": base.compiled.n_cols, "rows": base.compiled.n_rows},
            "independent_solve_seconds": own_seconds, "gap": gap, "time_limit": time_limit, "robust": rows}


def table(results: dict) -> str:
    lines = ["| scenario | N | columns | N independent solves s | before: extensive MIP s (gap) | ratio before | "
             "after: relax and evaluate s (gap) | ratio after | after: objective / bound |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name, r in results["scenarios"].items():
        d = r["deterministic"]
        lines.append(f"| {name} | deterministic | {d['columns']:,} | {d['build_seconds'] + d['solve_seconds']:.1f} "
                     f"({_pct(d['mip_gap'])}) | | | | | |")
        for row in r["robust"]:
            b, a = row["before"], row["after"]
            lines.append(f"| {name} | {row['samples']} | {row['columns']:,} | {row['independent_seconds']:.0f} | "
                         f"{b['robust_seconds']:.0f} ({_pct(b['mip_gap'])}) | {b['ratio_to_independent']:.2f} | "
                         f"{a['robust_seconds']:.0f} ({_pct(a['mip_gap'])}) | {a['ratio_to_independent']:.2f} | "
                         f"{_num(a['objective'])} / {_num(a['bound'])} |")
    return "\n".join(lines) + "\n"


def _pct(x) -> str:
    return "-" if x is None or not math.isfinite(x) else f"{x:.2%}"


def _num(x) -> str:
    return "-" if x is None or not math.isfinite(x) else f"{x:,.0f}"


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--samples", type=int, nargs="+", default=[5, 10, 20, 50])
    p.add_argument("--scenario", nargs="+", default=["default", "M"])
    p.add_argument("--time-limit", type=float, default=150.0)
    p.add_argument("--independent", type=int, default=5, help="futures whose own deterministic solve is timed")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    results = {"machine": machine(), "samples": args.samples, "seed": args.seed, "scenarios": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.scenario:
            print(f"# {name}", flush=True)
            results["scenarios"][name] = measure(load(name, Path(tmp)), args.samples, args.time_limit, args.seed,
                                                 args.independent)
    results["machine"]["load_average_1min_end"] = load_average()
    RESULTS.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    (RESULTS / f"robust_{stamp}.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (RESULTS / f"robust_{stamp}.md").write_text(table(results), encoding="utf-8")
    print(table(results))


if __name__ == "__main__":
    main()
