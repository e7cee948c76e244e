"""Uncertainty sweeps: evaluate a plan in many sampled futures, on a local process pool or Dask.

    optimiser sweep --samples 1000 [--plan status_quo|optimised|FOLDER] [--reoptimise]
                    [--executor local|dask://HOST:PORT] [--seed 0] [--out DIR]

Each future is the scenario with leaver rates, demand growth and completion rates drawn from
its `uncertainty.csv` (see optimiser/uncertainty.py). In each future we evaluate:
- `status_quo`: the projection (baseline commissioning continued);
- `optimised`: the plan solved once on the unperturbed scenario, its decisions (starts,
  international recruits, extra educators) held fixed; or a plan folder written by
  `optimiser solve --out` (starts.csv, international.csv, educators.csv);
- with `--reoptimise`, also a plan re-solved for that future (what perfect foresight buys).

A fixed plan is evaluated in the plan model with every decision column fixed. Limit rows
(budget, capacities, cohort sizes, stability, contracted starts) are relaxed: they constrain
only the decisions, which are given, so they cannot change the outcome; a plan that breaks
one is reported once in summary.json (`plan_breaks_limits`) rather than declared infeasible.
The skill mix is still chosen to minimise weighted shortfall, as in the status quo.

Future i is drawn from `SeedSequence(seed).spawn(N)[i]` and evaluated by a pure function of
(base scenario, uncertainty rows, plan, that seed), with HiGHS on one thread, so results are
the same whatever the executor or number of workers. Workers receive the base scenario once
(pool initializer; Dask `scatter(broadcast=True)`) and then only (index, seed) chunks.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from optimiser.analysis.evaluate import (
    PROJECTION_KEYS,
    Evaluation,
    FixedPlan,
    SweepError,
    evaluate_fixed_plan,
    evaluate_reoptimised,
    evaluate_status_quo,
    read_plan_folder,
)
from optimiser.analysis.futures import (
    Progress,
    SampleOutcome,
    SweepJob,
    dask_address,
    run_dask,
    run_local,
)
from optimiser.basics.options import number_option
from optimiser.pipeline import api
from optimiser.scenario.scenario import Scenario
from optimiser.scenario.uncertainty import UncertainInput, parse_uncertainty, scope_sets

QUANTILES = (0.1, 0.5, 0.9)  # P10 / P50 / P90, numpy's default linear interpolation
TARGET_TOLERANCE_WTE = 1e-6


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepResult:
    """Tidy tables over every sampled future. Quantiles are numpy's linear-interpolation P10/P50/P90
    over the futures with a solution; target probabilities count futures without one as misses."""

    shortfall: pd.DataFrame  # plan, staff_group, region, year, p10_wte, p50_wte, p90_wte, mean_wte, futures
    shortfall_by_group: pd.DataFrame  # plan, staff_group, year, p10_wte, ... (summed over regions)
    totals: pd.DataFrame  # plan, measure, p10, p50, p90, mean, unperturbed
    targets: pd.DataFrame  # plan, staff_group, region, year, target_shortfall_rate, probability_met
    target_summary: pd.DataFrame  # plan, staff_group, target_shortfall_rate, probability_all_met
    samples: pd.DataFrame  # sample, plan, status, weighted_shortfall, total_shortfall_wte_years
    draws: pd.DataFrame  # sample, parameter, key, base_value, sampled_value
    summary: dict = field(default_factory=dict)


def quantile_table(long: pd.DataFrame, by: list[str], value: str, suffix: str = "_wte") -> pd.DataFrame:
    names = [f"p{round(100 * q)}{suffix}" for q in QUANTILES] + [f"mean{suffix}", "futures"]
    if long.empty:  # no future had a solution
        return pd.DataFrame(columns=[*by, *names])
    g = long.groupby(by, sort=True)[value]
    q = g.quantile(list(QUANTILES)).unstack()
    q.columns = names[:len(QUANTILES)]
    q[f"mean{suffix}"] = g.mean()
    q["futures"] = g.size()
    return q.reset_index()


def _long_projection(outcomes: list[SampleOutcome]) -> pd.DataFrame:
    frames = []
    for o in outcomes:
        for label, ev in o.evaluations.items():
            if not ev.projection.empty:
                frames.append(ev.projection.assign(sample=o.sample, plan=label))
    if not frames:
        return pd.DataFrame(columns=["sample", "plan", *PROJECTION_KEYS, "demand_wte", "shortfall_wte"])
    return pd.concat(frames, ignore_index=True)


def summarise(outcomes: list[SampleOutcome], scenario: Scenario, base: dict[str, Evaluation]) -> SweepResult:
    outcomes = sorted(outcomes, key=lambda o: o.sample)
    samples = pd.DataFrame(
        [(o.sample, label, ev.status, ev.weighted_shortfall, ev.total_shortfall_wte_years)
         for o in outcomes for label, ev in o.evaluations.items()],
        columns=["sample", "plan", "status", "weighted_shortfall", "total_shortfall_wte_years"],
    )
    long = _long_projection(outcomes)
    shortfall = quantile_table(long, ["plan", *PROJECTION_KEYS], "shortfall_wte")
    by_group = long.groupby(["sample", "plan", "staff_group", "year"], as_index=False)["shortfall_wte"].sum()
    shortfall_by_group = quantile_table(by_group, ["plan", "staff_group", "year"], "shortfall_wte")
    totals = []
    for label in samples["plan"].unique():
        ok = samples[(samples["plan"] == label) & samples["weighted_shortfall"].notna()]
        for measure in ("weighted_shortfall", "total_shortfall_wte_years"):
            v = ok[measure].to_numpy(dtype=float)
            q = np.quantile(v, QUANTILES) if len(v) else [math.nan] * 3
            unperturbed = getattr(base[label], measure) if label in base else None
            totals.append({"plan": label, "measure": measure, "p10": q[0], "p50": q[1], "p90": q[2],
                           "mean": float(v.mean()) if len(v) else math.nan, "futures": len(v),
                           "unperturbed": unperturbed})
    targets, target_summary = target_probabilities(long, scenario, samples)
    draws = pd.concat([o.draws for o in outcomes], ignore_index=True) if outcomes else pd.DataFrame()
    return SweepResult(shortfall, shortfall_by_group, pd.DataFrame(totals), targets, target_summary, samples, draws)


def target_probabilities(long: pd.DataFrame, scenario: Scenario,
                         samples: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A target is a staff group's target_shortfall_rate: shortfall <= rate * demand in every year from
    target_year (the contract's min_cost targets). Met is judged in each future on its own demand."""
    sg = scenario.tables["staff_groups"]
    rates = {g: float(r) for g, r in zip(sg["staff_group"], sg["target_shortfall_rate"], strict=True) if not math.isnan(r)}
    cols = ["plan", *PROJECTION_KEYS, "target_shortfall_rate", "probability_met"]
    scols = ["plan", "staff_group", "target_shortfall_rate", "probability_all_met"]
    if not rates or long.empty:
        return pd.DataFrame(columns=cols), pd.DataFrame(columns=scols)
    first = scenario.config.first_target_year
    t = long[(long["year"] >= first) & long["staff_group"].isin(rates)].copy()
    t["target_shortfall_rate"] = t["staff_group"].map(rates)
    t["met"] = t["shortfall_wte"] <= t["target_shortfall_rate"] * t["demand_wte"] + TARGET_TOLERANCE_WTE
    # futures without a solution count as misses: divide by every future of that plan
    futures = samples.groupby("plan")["sample"].nunique()
    per = t.groupby(["plan", *PROJECTION_KEYS, "target_shortfall_rate"], as_index=False)["met"].sum()
    per["probability_met"] = per["met"] / per["plan"].map(futures)
    all_met = t.groupby(["plan", "sample", "staff_group", "target_shortfall_rate"], as_index=False)["met"].all()
    summ = all_met.groupby(["plan", "staff_group", "target_shortfall_rate"], as_index=False)["met"].sum()
    summ["probability_all_met"] = summ["met"] / summ["plan"].map(futures)
    return per[cols], summ[scols]


# --- the sweep -------------------------------------------------------------------------------


def uncertain_inputs(scenario: Scenario) -> list[UncertainInput]:
    t = scenario.tables
    inputs, problems = parse_uncertainty(t["uncertainty"], set(t["staff_groups"]["staff_group"]), set(t["routes"]["route"]),
                                        scope_sets(t)["modalities"], t)
    errors = [p for p in problems if p.severity == "error"]
    if errors:  # load_scenario already rejects these; kept for scenarios built in code
        raise SweepError("uncertainty.csv has errors:\n  " + "\n  ".join(
            f"row {p.row}, column '{p.column}': {p.message} (value: {p.value!r}). Fix: {p.fix}" for p in errors))
    if not inputs:
        raise SweepError(f"the scenario {scenario.name!r} has no uncertainty rows, so every future would be the same. "
                         "Fix: add uncertainty.csv (columns parameter, scope, distribution, arguments; see "
                         "inputs/data_dictionary.csv and inputs/west_midlands/uncertainty.csv)")
    return inputs


def sweep(scenario: Scenario, samples: int, plan: str | Path = "status_quo", reoptimise: bool = False,
          executor: str = "local", seed: int = 0, workers: int | None = None,
          progress: Progress | None = None) -> SweepResult:
    """Sample `samples` futures from the scenario's uncertainty table and evaluate the plan in each.

    `plan`: "status_quo", "optimised" (solved once on the unperturbed scenario) or a plan folder.
    `executor`: "local" (process pool of `workers`, default os.cpu_count()) or "dask://HOST:PORT".
    """
    # read as the CLI reads -n, --seed and --workers (basics.options): OptionError before any work
    samples, seed = number_option("samples", samples), number_option("seed", seed)
    workers = None if workers is None else number_option("workers", workers)
    t0 = time.perf_counter()
    address = dask_address(executor) if executor != "local" else None
    inputs = uncertain_inputs(scenario)
    fixed, base, breaks, plan_label = None, {}, [], "status_quo"
    if plan == "status_quo":
        base["status_quo"] = evaluate_status_quo(scenario)
    else:
        fixed = _plan_to_fix(scenario, plan)
        plan_label = "optimised" if plan == "optimised" else str(plan)
        base["plan"], breaks = evaluate_fixed_plan(scenario, fixed)
    if reoptimise:
        base["reoptimised"] = evaluate_reoptimised(scenario)
    job = SweepJob(scenario, tuple(inputs), fixed, reoptimise)
    seeds = np.random.SeedSequence(seed).spawn(samples)
    if address is None:
        workers = workers or os.cpu_count() or 1
        outcomes = run_local(job, seeds, workers, progress)
        where = f"local, {workers} process(es)"
    else:
        outcomes = run_dask(job, seeds, address, progress)
        where = f"dask {address}"
    result = summarise(outcomes, scenario, base)
    counts = result.samples.groupby(["plan", "status"]).size()
    summary = {
        "kind": "sweep",
        "scenario": scenario.name,
        "samples": samples,
        "seed": seed,
        "plan": plan_label,
        "reoptimise": reoptimise,
        "executor": where,
        "wall_seconds": round(time.perf_counter() - t0, 3),
        "statuses": {f"{p}:{s}": int(c) for (p, s), c in counts.items()},
        "plan_breaks_limits": breaks,
        "quantiles": "P10/P50/P90 with numpy linear interpolation over futures with a solution",
        "uncertainty": [{"row": u.row, "parameter": u.parameter, "scope": u.scope, "distribution": u.distribution,
                         "arguments": u.args, "effect": u.effect, "draw": u.draw} for u in inputs],
        "totals": result.totals.to_dict("records"),
    }
    return replace(result, summary=summary)


def _plan_to_fix(scenario: Scenario, plan: str | Path) -> FixedPlan:
    if plan == "optimised":
        r = api.solve(scenario, with_status_quo=False)
        if not r.feasible:
            raise SweepError(f"the plan could not be optimised on the unperturbed scenario ({r.status}: {r.message}); "
                             "run `optimiser solve` for the explanation")
        return FixedPlan(r.starts, r.international, r.educators, "optimised on the unperturbed scenario",
                         recruits=r.recruits, retention=r.retention)
    folder = Path(plan)
    if not folder.is_dir():
        raise SweepError(f"--plan must be status_quo, optimised or a plan folder written by `optimiser solve --out`; "
                         f"{str(plan)!r} is none of these")
    return read_plan_folder(folder)
