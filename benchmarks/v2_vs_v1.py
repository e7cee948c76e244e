"""A v2 preset against its v1 preset (L2 against L, S2 against S), in the same run: what the v2
format costs outside the solver (index sets, model build, hand-off to HiGHS, reading the results
back) as ratios v2 / v1, with the models' sizes beside them. Both are solved with the same gap and
time limit only so that results are read back; their solve times are context, not the figure.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import optimiser
from benchmarks.machine import load_average, machine

V1_OF = {"L2": "L", "S2": "S"}
OUTSIDE = ("prepare_seconds", "build_seconds", "handoff_seconds", "results_seconds")


def _one(preset: str, seed: int, gap: float, time_limit: float) -> dict:
    from benchmarks.presets import preset_scenario

    scenario = preset_scenario(preset, seed)
    t0 = time.perf_counter()
    built = optimiser.build_plan(scenario)
    build_wall = time.perf_counter() - t0
    plan = optimiser.solve_built(built, time_limit=time_limit, gap=gap, explain=False)
    t = plan.timings
    r = {"preset": preset, "status": plan.status, "mip_gap": plan.mip_gap,
         "prepare_seconds": max(0.0, build_wall - t["build_seconds"] - t["handoff_seconds"]),
         "build_seconds": t["build_seconds"], "handoff_seconds": t["handoff_seconds"],
         "results_seconds": t.get("results_seconds", 0.0), "solve_seconds": t["solve_seconds"], **plan.size}
    r["outside_seconds"] = sum(r[k] for k in OUTSIDE)
    r["us_per_nonzero"] = r["outside_seconds"] * 1e6 / max(1, r.get("n_nonzeros") or 0)
    return r


def _warm_up() -> None:
    """Build S and S2 once, untimed: the first build of a process imports and caches what every
    later one uses (the v1 preset, timed first, would otherwise pay for both)."""
    from benchmarks.presets import preset_scenario

    for preset in ("S", "S2"):
        optimiser.build_plan(preset_scenario(preset, 0))


def run_v2_vs_v1(preset: str, seed: int, gap: float, time_limit: float, out: Path) -> Path:
    """`preset` (a v2 preset) and its v1 preset, back to back after a warm-up; ratios v2 / v1."""
    _warm_up()
    when, load_start = time.strftime("%Y-%m-%dT%H:%M:%S"), load_average()
    v1 = _one(V1_OF[preset], seed, gap, time_limit)
    v2 = _one(preset, seed, gap, time_limit)
    keys = (*OUTSIDE, "outside_seconds", "us_per_nonzero", "n_vars", "n_int_vars", "n_cons", "n_nonzeros")
    ratios = {k: (v2[k] / v1[k] if v1.get(k) else None) for k in keys}
    result = {"v2_preset": preset, "v1_preset": V1_OF[preset], "seed": seed, "requested_gap": gap,
              "time_limit_s": time_limit, "v1": v1, "v2": v2, "ratio_v2_over_v1": ratios,
              "machine": {**machine(), "load_average_1min": load_start, "load_average_1min_end": load_average()},
              "when": when}
    out.mkdir(parents=True, exist_ok=True)
    version = (result["machine"].get("highspy") or "unknown").replace(".", "")
    dst = out / f"v2_vs_v1_{preset}_s{seed}_h{version}_{time.strftime('%Y%m%dT%H%M%S')}.json"
    tmp = dst.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(result, indent=2) + "\n")
    os.replace(tmp, dst)
    shown = ", ".join(f"{k.replace('_seconds', '')} {ratios[k]:.2f}" for k in (*OUTSIDE, "outside_seconds", "n_nonzeros")
                      if ratios[k] is not None)
    print(f"{preset} / {V1_OF[preset]} (v2 / v1, same run): {shown}; v1 {v1['status']} {v1['outside_seconds']:.1f}s "
          f"outside, v2 {v2['status']} {v2['outside_seconds']:.1f}s outside -> {dst}")
    return dst
