"""Synthetic presets: the engine against plain HiGHS on the same model, in the same run.

Each run generates the preset, builds it, writes the HiGHS instance's model to MPS before solving,
solves it in the engine, then solves the MPS file with a fresh `highspy.Highs` (HiGHS's defaults,
the engine's threads in all, the same gap and time limit). The figure that matters is the ratio
engine / plain HiGHS of their times to the requested gap (`versus`); absolute seconds are kept
beside it as context only: this machine is shared, and its speed varies 2-3x between runs.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import time
from pathlib import Path

import optimiser
from benchmarks.machine import load_average, machine

PRESET_ORDER = ("S", "M", "W", "L", "XL", "DEFAULT", "S2", "L2")
# Not a synthetic preset: the shipped v2 default (inputs/west_midlands), timed the same way.
DEFAULT_PRESET = "DEFAULT"


def benchmark_presets() -> list[str]:
    """The synthetic presets (optimiser/synthetic) and the v2 default."""
    from optimiser.synthetic import preset_names

    return [*preset_names(), DEFAULT_PRESET]


def preset_scenario(preset: str, seed: int):
    """The scenario a benchmark preset names: the v2 default or a generated synthetic preset."""
    from optimiser.scenario.scenario import scenario_from_raw
    from optimiser.synthetic import generate

    if preset == DEFAULT_PRESET:
        return optimiser.load_scenario(optimiser.DEFAULT_SCENARIO_DIR)
    return scenario_from_raw(generate(preset, seed))


def solve_mps(path: Path, gap: float, time_limit: float, highs_seed: int = 0) -> dict:
    """The exported model solved by plain HiGHS: its defaults, but as many threads as the engine
    uses in all (its two arms, one thread each: portfolio.THREADS_IN_ALL), the same gap, the
    same time limit and the engine's random seed (HiGHS's default, 0, unless `--highs-seed`)."""
    import highspy

    from optimiser.solver import portfolio
    from optimiser.solver.lifecycle import THREADS as ONE
    from optimiser.solver.scheduler import reset_thread_scheduler

    threads = portfolio.THREADS_IN_ALL if portfolio.PLAIN_ARM else ONE

    h = highspy.Highs()
    for option, value in (("output_flag", False), ("threads", threads), ("mip_rel_gap", float(gap)),
                          ("time_limit", float(time_limit)), ("random_seed", int(highs_seed))):
        h.setOptionValue(option, value)
    t0 = time.perf_counter()
    h.readModel(str(path))
    read = time.perf_counter() - t0
    reset_thread_scheduler()  # the engine started this thread's scheduler with one thread: HiGHS
    # would refuse a run asking for another count (optimiser/solver/scheduler.py)
    t1 = time.perf_counter()
    h.run()
    solve = time.perf_counter() - t1
    info = h.getInfo()
    found = info.primal_solution_status == 2
    return {"read_seconds": read, "solve_seconds": solve, "status": h.modelStatusToString(h.getModelStatus()),
            "objective": info.objective_function_value if found else None,
            "mip_gap": info.mip_gap if found else None, "nodes": int(info.mip_node_count),
            "threads": threads, "random_seed": int(highs_seed), "mps_bytes": path.stat().st_size}


def _plain_arm_on() -> bool:
    from optimiser.solver import portfolio

    return portfolio.PLAIN_ARM


def versus(r: dict) -> dict:
    """Engine against plain HiGHS in one run: each one's seconds to the requested gap (None when it
    did not get there within the limit) and the ratio engine / plain.

    `ratio_kind`: "measured" (both reached the gap), "at most" (only the engine did: the ratio is
    below engine / limit), "at least" (only plain HiGHS did), or "gaps" (neither did: the gaps at
    the limit are compared instead, a missing plan counting as the worst and none from either as
    a tie). `not_slower` is the verdict in every case."""
    gap, limit, plain = r["requested_gap"], r["time_limit_s"], r.get("mps") or {}
    engine_s = r["solve_seconds"] if r["status"] == "optimal" else None
    plain_s = plain.get("solve_seconds") if plain.get("status") == "Optimal" else None
    out = {"engine_seconds_to_gap": engine_s, "plain_seconds_to_gap": plain_s,
           "engine_gap_at_end": r.get("mip_gap"), "plain_gap_at_end": plain.get("mip_gap"), "requested_gap": gap}
    if engine_s is not None and plain_s is not None:
        return {**out, "ratio": engine_s / max(plain_s, 1e-9), "ratio_kind": "measured",
                "not_slower": engine_s <= plain_s}
    if engine_s is not None:
        return {**out, "ratio": engine_s / limit, "ratio_kind": "at most", "not_slower": True}
    if plain_s is not None:
        return {**out, "ratio": limit / max(plain_s, 1e-9), "ratio_kind": "at least", "not_slower": False}
    e, p = r.get("mip_gap"), plain.get("mip_gap")
    not_worse = p is None or (e is not None and e <= p)  # no plan from either is a tie
    return {**out, "ratio": None, "ratio_kind": "gaps", "not_slower": not_worse}


def preset_run(preset: str, seed: int, gap: float, time_limit: float, highs_seed: int = 0) -> dict:
    """Generate (or load the v2 default), build, export to MPS, solve in the engine, then solve the
    MPS file plainly; both with HiGHS's random seed `highs_seed` (the engine's own seed is put
    back afterwards, whatever happens)."""
    from optimiser.solver import lifecycle

    kept, lifecycle.RANDOM_SEED = lifecycle.RANDOM_SEED, highs_seed
    try:
        return _seeded_run(preset, seed, gap, time_limit, highs_seed)
    finally:
        lifecycle.RANDOM_SEED = kept


def _seeded_run(preset: str, seed: int, gap: float, time_limit: float, highs_seed: int) -> dict:
    when, load_start = time.strftime("%Y-%m-%dT%H:%M:%S"), load_average()
    t0 = time.perf_counter()
    scenario = preset_scenario(preset, seed)
    generate_seconds = time.perf_counter() - t0
    t1 = time.perf_counter()
    built = optimiser.build_plan(scenario)
    build_wall = time.perf_counter() - t1
    with tempfile.TemporaryDirectory(prefix="bench-mps-") as tmp:
        mps = Path(tmp) / f"{preset}.mps"
        built.compiled.highs.writeModel(str(mps))  # before solving: the model exactly as handed over
        t2 = time.perf_counter()
        plan = optimiser.solve_built(built, time_limit=time_limit, gap=gap, explain=False)
        solve_wall = time.perf_counter() - t2
        direct = solve_mps(mps, gap, time_limit, highs_seed)
    t = plan.timings
    results = t.get("results_seconds", 0.0)
    outside = t["build_seconds"] + t["handoff_seconds"] + results
    solver = t["solve_seconds"] + t.get("shadow_price_seconds", 0.0)
    nnz = plan.size.get("n_nonzeros") or 0
    same = plan.objective is not None and direct["objective"] is not None
    r = {
        "preset": preset.upper(), "seed": seed, "highs_seed": highs_seed, "scenario": scenario.name, "status": plan.status,
        "mip_gap": plan.mip_gap, "objective": plan.objective, "requested_gap": gap, "time_limit_s": time_limit,
        "phases": plan.phases, "generate_seconds": generate_seconds,
        "plain_arm": _plain_arm_on(),  # the engine ran plain branch and bound beside the rounding
        # build_plan's wall clock less the model build and hand-off: index sets and reach (prepare)
        "prepare_seconds": max(0.0, build_wall - t["build_seconds"] - t["handoff_seconds"]),
        "build_seconds": t["build_seconds"], "handoff_seconds": t["handoff_seconds"],
        "solve_seconds": t["solve_seconds"], "shadow_price_seconds": t.get("shadow_price_seconds", 0.0),
        "solver_seconds": solver, "results_seconds": results, "total_seconds": build_wall + solve_wall,
        "outside_solver_ratio": outside / max(solver, 1e-9),
        "us_per_nonzero": outside * 1e6 / nnz if nnz else None,
        **plan.size,
        "mps": {**direct, "objective_rel_diff": (abs(plan.objective - direct["objective"])
                                                 / max(1.0, abs(direct["objective"]))) if same else None},
        "machine": {**machine(), "load_average_1min": load_start, "load_average_1min_end": load_average()},
        "when": when,
    }
    r["versus"] = versus(r)
    return r


def run_preset(preset: str, seed: int, gap: float, time_limit: float, repeat: int, out: Path,
               highs_seeds: tuple[int, ...] = (0,)) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for highs_seed in highs_seeds:
        for i in range(1, repeat + 1):
            written.append(_write_run(preset_run(preset, seed, gap, time_limit, highs_seed), i, repeat, out))
    return written


def _write_run(result: dict, i: int, repeat: int, out: Path) -> Path:
    """One run's JSON file (written whole or not at all) and its line on the console."""
    result = {**result, "run": i, "repeat": repeat}
    seed, highs_seed = result["seed"], result["highs_seed"]
    stamp = time.strftime("%Y%m%dT%H%M%S")
    version = (result["machine"].get("highspy") or "unknown").replace(".", "")
    other_seed = f"_r{highs_seed}" if highs_seed else ""  # HiGHS's default seed keeps the old names
    path = out / f"{result['preset']}_s{seed}{other_seed}_h{version}_{stamp}_run{i}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(result, indent=2) + "\n")
    os.replace(tmp, path)  # never a half-written result file
    v, m = result["versus"], result["mps"]
    print(f"{result['preset']} seed {seed} HiGHS seed {highs_seed} highspy {result['machine']['highspy']} "
          f"run {i}/{repeat}: engine {result['status']} gap {_pct(result['mip_gap'])} in {result['solve_seconds']:.2f}s; "
          f"plain HiGHS {m['status']} gap {_pct(m['mip_gap'])} in {m['solve_seconds']:.2f}s; "
          f"engine/plain {_ratio(v)} ({'not slower' if v['not_slower'] else 'SLOWER'}); "
          f"outside/solver {result['outside_solver_ratio']:.2f}; phases {result['phases']} -> {path}")
    return path


# --- the README table ------------------------------------------------------------------------


def _num(x, places: int) -> str:
    return "n/a" if x is None else f"{x:,.{places}f}"


def _pct(x) -> str:
    return "n/a" if x is None else f"{100 * x:.2f}%"


def _ratio(v: dict) -> str:
    if v["ratio_kind"] == "measured":
        return f"{v['ratio']:.2f}"
    if v["ratio_kind"] == "at most":
        return f"< {v['ratio']:.2f}"
    if v["ratio_kind"] == "at least":
        return f"> {v['ratio']:.2f}"
    return f"gaps {_pct(v['engine_gap_at_end'])} vs {_pct(v['plain_gap_at_end']) if v['plain_gap_at_end'] is not None else 'no plan'}"


def latest_runs(out: Path) -> dict[tuple, dict]:
    """The most recent run of each (preset, seed, highspy version, HiGHS seed) among the JSON files
    in `out` (runs from before `--highs-seed` ran with HiGHS's default, 0)."""
    latest: dict[tuple, dict] = {}
    for path in sorted(out.glob("*.json")):
        try:
            r = json.loads(path.read_text())
        except (json.JSONDecodeError, UnicodeDecodeError):
            continue
        if not isinstance(r, dict) or "preset" not in r or "requested_gap" not in r:
            continue
        key = (r["preset"], r.get("seed", 0), (r.get("machine") or {}).get("highspy") or "?", r.get("highs_seed", 0))
        if key not in latest or r.get("when", "") >= latest[key].get("when", ""):
            latest[key] = r
    return latest


def _order(key: tuple) -> tuple:
    preset, seed, version = key[:3]
    rank = PRESET_ORDER.index(preset) if preset in PRESET_ORDER else len(PRESET_ORDER)
    return rank, preset, seed, tuple(int(p) if p.isdigit() else 0 for p in version.split("."))


def table(out: Path) -> str:
    """One row per preset, seed and highspy version: the latest run with HiGHS's default seed, and
    below it, where runs were made with several HiGHS seeds, their summary (`seeds_table`)."""
    runs = {key[:3]: r for key, r in latest_runs(out).items() if key[3] == 0}
    head = ("| preset | seed | highspy | engine / plain HiGHS | not slower | engine: status, gap | engine s | "
            "plain HiGHS: status, gap | plain s | outside / HiGHS | phases (relax s, nodes; round s; handed over; RINS; chain neighbourhoods) "
            "| columns | nonzeros | load 1 min | when |")
    lines = [head, "|" + " --- |" * (head.count("|") - 1)]
    for key in sorted(runs, key=_order):
        r = runs[key]
        m, v, ph = r.get("mps", {}), versus(r), r.get("phases") or {}
        phases = ("n/a" if not ph else
                  f"{_num(ph.get('relax_seconds'), 1)}, {'n/a' if ph.get('relax_nodes') is None else ph['relax_nodes']}; "
                  f"{_num(ph.get('round_seconds'), 1)}; {'yes' if ph.get('handed_over') else 'no'}"
                  + (f"; RINS {ph['rins']}" if ph.get("rins") else "")
                  + ("; first plan for any cost" if ph.get("any_plan_first") else "")
                  + (f"; {ph['chain_neighbourhoods']} ({ph.get('chain_improvements', 0)} better)"
                     if ph.get("chain_neighbourhoods") else ""))
        load = (r.get("machine") or {})
        lines.append(
            f"| {key[0]} | {key[1]} | {key[2]} | {_ratio(v)} | {'yes' if v['not_slower'] else '**no**'} "
            f"| {r['status']}, {_pct(r['mip_gap'])} | {_num(r['solve_seconds'], 1)} "
            f"| {m.get('status', 'n/a')}, {_pct(m.get('mip_gap'))} | {_num(m.get('solve_seconds'), 1)} "
            f"| {_num(r['outside_solver_ratio'], 2)} | {phases} | {r['n_vars']:,} | {r['n_nonzeros']:,} "
            f"| {_num(load.get('load_average_1min'), 1)}-{_num(load.get('load_average_1min_end'), 1)} "
            f"| {r.get('when', '')} |")
    seeds = seeds_table(out)
    return "\n".join(lines) + (f"\n\n{seeds}" if seeds else "")


# Shift of the shifted geometric mean of times to the gap (seconds): the usual summary of MIP
# benchmarks over seeds (MIPLIB's is 10 s), so that a few quick runs do not decide it alone.
SHIFT_S = 10.0


def shifted_geometric_mean(seconds: list[float], shift: float = SHIFT_S) -> float:
    return math.exp(sum(math.log(t + shift) for t in seconds) / len(seconds)) - shift


def seeds_table(out: Path) -> str:
    """Presets run with several HiGHS random seeds (`--highs-seed`): on a MIP the seed alone can
    move the time to the gap several times over, so one seed's run may be its luck. Per side: how
    many seeds reached the gap, each seed's time (the limit where it did not), and the ratio of
    the shifted geometric means; the latest run of each seed."""
    groups: dict[tuple, dict[int, dict]] = {}
    for key, r in latest_runs(out).items():
        groups.setdefault(key[:3], {})[key[3]] = r
    head = ("| preset | seed | highspy | HiGHS seeds | engine reached the gap | plain HiGHS reached it "
            "| engine s per seed | plain HiGHS s per seed | engine / plain HiGHS (shifted geometric means) | when |")
    lines = [head, "|" + " --- |" * (head.count("|") - 1)]
    for key in sorted((k for k, g in groups.items() if len(g) > 1), key=_order):
        by_seed = dict(sorted(groups[key].items()))
        sides = {"engine": [], "plain": []}
        for r in by_seed.values():
            v = versus(r)
            sides["engine"].append(v["engine_seconds_to_gap"])
            sides["plain"].append(v["plain_seconds_to_gap"])
        limit = max(r["time_limit_s"] for r in by_seed.values())
        means = {side: shifted_geometric_mean([limit if t is None else t for t in ts]) for side, ts in sides.items()}
        times = {side: ", ".join(f"> {limit:g}" if t is None else f"{t:.1f}" for t in ts) for side, ts in sides.items()}
        reached = {side: sum(t is not None for t in ts) for side, ts in sides.items()}
        whens = sorted(r.get("when", "") for r in by_seed.values())
        lines.append(
            f"| {key[0]} | {key[1]} | {key[2]} | {', '.join(map(str, by_seed))} | {reached['engine']} of {len(by_seed)} "
            f"| {reached['plain']} of {len(by_seed)} | {times['engine']} | {times['plain']} "
            f"| {means['engine'] / max(means['plain'], 1e-9):.2f} | {whens[0]} to {whens[-1]} |")
    return "\n".join(lines) if len(lines) > 2 else ""
