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

import gc
import math
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
from pyomo.common.gc_manager import PauseGC

from optimiser.analysis.sampling import sample_scenario
from optimiser.basics.status import Status
from optimiser.model.build import DECISIONS, ROW_FAMILIES
from optimiser.model.families.training import COHORT_OPEN, STARTS
from optimiser.pipeline import api
from optimiser.results.results import index_words, read_projection, weighted_shortfall
from optimiser.scenario.scenario import Scenario
from optimiser.scenario.uncertainty import UncertainInput, parse_uncertainty
from optimiser.solver import run

QUANTILES = (0.1, 0.5, 0.9)  # P10 / P50 / P90, numpy's default linear interpolation
TARGET_TOLERANCE_WTE = 1e-6
# Plan-model rows that limit only the decisions; relaxed when a given plan is evaluated.
DECISION_LIMITS = tuple(name for name, f in ROW_FAMILIES.items() if f.limits_decisions)
# A plan folder's decision files: file -> (FixedPlan attribute, key columns, value column)
PLAN_FILES = {d.file: (d.table, list(d.index), d.value) for d in DECISIONS}
PROJECTION_KEYS = ["staff_group", "region", "year"]


class SweepError(ValueError):
    """Bad sweep input (flags, uncertainty table, plan folder): the message says what to fix."""


# --- the plan held fixed -------------------------------------------------------------------


@dataclass(frozen=True)
class FixedPlan:
    """Decisions to evaluate in every future (tables as in a solve's output folder)."""

    starts: pd.DataFrame  # provider, region, route, year, starts
    international: pd.DataFrame  # region, route, year, recruits
    educators: pd.DataFrame  # region, year, extra_educator_wte
    source: str


def read_plan_folder(folder: Path) -> FixedPlan:
    """starts.csv, international.csv and educators.csv of `optimiser solve --out`; every problem
    (file, row, column, value, fix) in one SweepError."""
    folder = Path(folder)
    problems: list[str] = []
    tables: dict[str, pd.DataFrame] = {}
    for name, (attr, keys, value) in PLAN_FILES.items():
        path = folder / name
        if not path.is_file():
            problems.append(f"{path}: file is missing. Fix: give the folder written by `optimiser solve --out`")
            continue
        try:
            df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
            problems.append(f"{path}: cannot be read as CSV ({exc}). Fix: save it as comma-separated UTF-8 text")
            continue
        missing = [c for c in [*keys, value] if c not in df.columns]
        if missing:
            problems.append(f"{path}: column(s) {', '.join(missing)} missing. Fix: keep the header "
                            f"{','.join([*keys, value])}")
            continue
        df = df[[*keys, value]].copy()
        for col in ["year", value]:
            numbers = pd.to_numeric(df[col], errors="coerce")
            for i in df.index[numbers.isna() | ~np.isfinite(numbers) | (numbers < 0)]:
                problems.append(f"{path}, row {i + 2}, column '{col}': value {df.at[i, col]!r} is not a "
                                f"non-negative number. Fix: write a plain number such as 12")
            df[col] = numbers
        tables[attr] = df
    if problems:
        raise SweepError("the plan folder has errors:\n  " + "\n  ".join(problems))
    tables["starts"]["year"] = tables["starts"]["year"].astype(int)
    tables["international"]["year"] = tables["international"]["year"].astype(int)
    tables["educators"]["year"] = tables["educators"]["year"].astype(int)
    return FixedPlan(source=str(folder), **tables)


def _column_map(compiled) -> dict[tuple[str, object], int]:
    return {(v.parent_component().name, v.index()): j for j, v in enumerate(compiled.columns)}


def _decision_values(plan: FixedPlan, cols: dict) -> tuple[dict[int, float], list[str]]:
    """Column number -> fixed value for every decision column; plan rows with no such column are problems.

    Every declared decision is fixed (to 0 where the plan has no row); each gated cohort is open
    exactly when the plan starts anyone in it."""
    components = {d.component for d in DECISIONS}
    values: dict[int, float] = {j: 0.0 for (name, _), j in cols.items() if name in components}
    problems = []
    cohort: dict[tuple, float] = {}
    for d in DECISIONS:
        keys = list(d.index)
        df = getattr(plan, d.table)
        for i, row in zip(df.index, df[d.columns].itertuples(index=False, name=None), strict=True):
            *key, amount = row
            key = tuple(int(k) if c == "year" else k for c, k in zip(keys, key, strict=True))
            j = cols.get((d.component, key))
            if j is None:
                if amount > 0:
                    problems.append(f"{d.file}, row {i + 2}: {', '.join(map(str, key))} is not a decision this scenario allows "
                                    "(provider does not offer the route that year, region beyond max_travel_minutes, "
                                    "no onboarding or no educator limit there). Fix: delete the row or solve the plan "
                                    "again on this scenario")
                continue
            values[j] = float(amount)
            if d is STARTS:
                p, _r, k, y = key
                cohort[(p, k, y)] = cohort.get((p, k, y), 0.0) + float(amount)
    for (name, key), j in cols.items():
        if name == COHORT_OPEN:
            values[j] = 1.0 if cohort.get(key, 0.0) > 0 else 0.0
    return values, problems


@dataclass(frozen=True)
class Evaluation:
    """One plan in one future: status, totals and the projection's measured years."""

    status: str
    weighted_shortfall: float | None
    total_shortfall_wte_years: float | None
    projection: pd.DataFrame  # staff_group, region, year, demand_wte, shortfall_wte (years > y0)


def _measured(projection: pd.DataFrame, start_year: int) -> pd.DataFrame:
    p = projection.loc[projection["year"] > start_year, [*PROJECTION_KEYS, "demand_wte", "shortfall_wte"]]
    return p.reset_index(drop=True)


def evaluate_fixed_plan(scenario: Scenario, plan: FixedPlan) -> tuple[Evaluation, list[dict]]:
    """The plan's outcome in `scenario`, and the limits it breaks (if any)."""
    built = api.build_plan(scenario, "min_shortfall")
    compiled = built.compiled
    values, problems = _decision_values(plan, _column_map(compiled))
    if problems:
        raise SweepError("the plan does not fit the scenario:\n  " + "\n  ".join(problems))
    limits = compiled.rows_of(DECISION_LIMITS)
    freed = [(name, key, i, float(compiled.row_lower[i]), float(compiled.row_upper[i])) for name, key, i in limits]
    # HiGHS directly rather than solve_built: with every decision fixed there are no shadow
    # prices or bottlenecks worth reading, and it halves the time per future.
    cfg = scenario.config.solver
    with compiled.relaxed_rows([i for _, _, i in limits]), compiled.fixed_columns(values):
        outcome = run(compiled, cfg.time_limit_s, cfg.mip_rel_gap)
    if not outcome.holds_plan:
        return Evaluation(outcome.status, None, None, pd.DataFrame()), []
    compiled.load_values(outcome.values)
    m, data = compiled.model, built.data
    projection = _measured(read_projection(m, data), data.start_year)
    activity = outcome.row_activity
    return (Evaluation(outcome.status, weighted_shortfall(m, data), float(projection["shortfall_wte"].sum()),
                       projection),
            _breaches(built, freed, activity))


def _breaches(built, freed, activity: np.ndarray) -> list[dict]:
    out = []
    m = built.compiled.model
    for name, key, i, lo, hi in freed:
        a = float(activity[i])
        tol = 1e-6 * max(1.0, abs(lo) if math.isfinite(lo) else 1.0, abs(hi) if math.isfinite(hi) else 1.0)
        if a > hi + tol or a < lo - tol:
            family = m.families[name]
            k = family.row_scale
            limit = hi if a > hi + tol else lo
            out.append({"family": family.planner_name, "index": index_words(key, built.data) if key is not None else "whole horizon",
                        "limit": limit * k, "plan_uses": a * k, "unit": family.unit})
    return out


def evaluate_status_quo(scenario: Scenario) -> Evaluation:
    try:
        r = api.project(scenario)
    except api.InfeasibleProjection:
        return Evaluation(Status.INFEASIBLE, None, None, pd.DataFrame())
    return Evaluation(r.status, r.weighted_shortfall, r.total_shortfall_wte_years,
                      _measured(r.projection, scenario.config.start_year))


def evaluate_reoptimised(scenario: Scenario) -> Evaluation:
    r = api.solve(scenario, with_status_quo=False)
    if not r.feasible:
        return Evaluation(r.status, None, None, pd.DataFrame())
    return Evaluation(r.status, r.weighted_shortfall, r.total_shortfall_wte_years,
                      _measured(r.projection, scenario.config.start_year))


# --- one future ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepJob:
    """Everything a worker needs, sent once per worker."""

    scenario: Scenario
    inputs: tuple[UncertainInput, ...]
    plan: FixedPlan | None  # None: the status quo
    reoptimise: bool


@dataclass(frozen=True)
class SampleOutcome:
    sample: int
    draws: pd.DataFrame
    evaluations: dict[str, Evaluation]  # label ("status_quo", "plan", "reoptimised") -> outcome


def evaluate_sample(job: SweepJob, sample: int, seed: np.random.SeedSequence) -> SampleOutcome:
    """Draw future `sample` from its seed and evaluate the plan(s) in it.

    Each evaluation builds a Pyomo model of some 50,000 objects that is garbage held in cycles
    once read (a scalar Pyomo component refers to itself). With the garbage collector running,
    those objects are promoted and rescanned by older-generation collections (about 37 ms a
    future on the default against some 65 ms of work); paused here and freed by one collection of
    the youngest generation, they cost about 10 ms."""
    with PauseGC():
        scenario, draws = sample_scenario(job.scenario, list(job.inputs), seed, sample)
        evaluations = {}
        if job.plan is None:
            evaluations["status_quo"] = evaluate_status_quo(scenario)
        else:
            evaluations["plan"] = evaluate_fixed_plan(scenario, job.plan)[0]
        if job.reoptimise:
            evaluations["reoptimised"] = evaluate_reoptimised(scenario)
        outcome = SampleOutcome(sample, draws, evaluations)
    # The status quo's model is all in the youngest generation; a plan model (fixed plan,
    # re-optimised) was frozen by build_plan and, unfrozen on release, waits in the oldest one
    # for the collector's own full collections.
    gc.collect(0)
    return outcome


Chunk = list[tuple[int, np.random.SeedSequence]]
_WORKER_JOB: SweepJob | None = None


def _init_worker(job: SweepJob) -> None:
    global _WORKER_JOB
    _WORKER_JOB = job


def _evaluate_chunk(chunk: Chunk) -> list[SampleOutcome]:
    assert _WORKER_JOB is not None, "worker started without its job"
    return [evaluate_sample(_WORKER_JOB, i, s) for i, s in chunk]


def _evaluate_chunk_with(chunk: Chunk, job: SweepJob) -> list[SampleOutcome]:
    return [evaluate_sample(job, i, s) for i, s in chunk]


def chunks_of(seeds: list[np.random.SeedSequence], workers: int) -> list[Chunk]:
    """About eight chunks per worker (so the progress bar moves and slow futures balance out)."""
    n = len(seeds)
    size = max(1, min(25, math.ceil(n / max(1, 8 * workers))))
    items = list(enumerate(seeds))
    return [items[i:i + size] for i in range(0, n, size)]


Progress = Callable[[int, int], None]  # (futures done, futures in all)


def run_local(job: SweepJob, seeds: list[np.random.SeedSequence], workers: int | None = None,
              progress: Progress | None = None) -> list[SampleOutcome]:
    """A spawn-context process pool; workers = 1 evaluates in this process."""
    import multiprocessing

    workers = workers or os.cpu_count() or 1
    outcomes: list[SampleOutcome] = []
    if workers == 1:
        for i, s in enumerate(seeds):
            outcomes.append(evaluate_sample(job, i, s))
            if progress:
                progress(len(outcomes), len(seeds))
        return outcomes
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker, initargs=(job,)) as pool:
        futures = [pool.submit(_evaluate_chunk, c) for c in chunks_of(seeds, workers)]
        _collect(as_completed(futures), outcomes, len(seeds), progress)
    return outcomes


def _collect(done: Iterable, outcomes: list, n: int, progress: Progress | None) -> None:
    for f in done:
        outcomes.extend(f.result())
        if progress:
            progress(len(outcomes), n)


def dask_address(executor: str) -> str:
    """dask://HOST:PORT -> tcp://HOST:PORT (the scheduler's address)."""
    rest = executor.removeprefix("dask://")
    host, _, port = rest.rpartition(":")
    if not executor.startswith("dask://") or not host or not port.isdigit():
        raise SweepError(f"--executor must be local or dask://HOST:PORT (e.g. dask://127.0.0.1:8786), not {executor!r}")
    return f"tcp://{host}:{port}"


def run_dask(job: SweepJob, seeds: list[np.random.SeedSequence], address: str,
             progress: Progress | None = None) -> list[SampleOutcome]:
    """On an existing Dask scheduler: the job is scattered to every worker once, chunks are mapped."""
    from dask.distributed import Client
    from dask.distributed import as_completed as dask_completed

    outcomes: list[SampleOutcome] = []
    try:
        client = Client(address, timeout=30)
    except OSError as exc:
        raise SweepError(f"cannot reach the Dask scheduler at {address}: {exc}. Fix: start one "
                         "(`dask scheduler` and `dask worker ADDRESS`) or use --executor local") from None
    with client:
        workers = max(1, sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()))
        job_future = client.scatter(job, broadcast=True)
        futures = client.map(_evaluate_chunk_with, chunks_of(seeds, workers), job=job_future, pure=False)
        _collect(dask_completed(futures), outcomes, len(seeds), progress)
    return outcomes


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
    inputs, problems = parse_uncertainty(t["uncertainty"], set(t["staff_groups"]["staff_group"]), set(t["routes"]["route"]))
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
    t0 = time.perf_counter()
    if samples < 1:
        raise SweepError(f"--samples must be at least 1, not {samples}")
    if seed < 0:
        raise SweepError(f"--seed must be a whole number 0 or above, not {seed}")
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
        return FixedPlan(r.starts, r.international, r.educators, "optimised on the unperturbed scenario")
    folder = Path(plan)
    if not folder.is_dir():
        raise SweepError(f"--plan must be status_quo, optimised or a plan folder written by `optimiser solve --out`; "
                         f"{str(plan)!r} is none of these")
    return read_plan_folder(folder)
