"""Robust plans: one set of first-stage decisions for many sampled futures (two-stage stochastic
programming, solved as its extensive form).

    optimiser solve --robust --samples N [--risk mean|cvar:ALPHA] [--seed S] [--out-of-sample M]

The first stage is every decision a plan reports (starts, recruits, retention, extra educators; the
model's `DECISIONS`) and the cohort open/close decisions: they are taken now, once, for all futures.
Each future (drawn from uncertainty.csv as sweeps draw them: future i of seed S is sweep future i of
seed S) has its own stock, skill-mix deployment and shortfall: the model's other columns. Every
future is the ordinary plan model (min_shortfall) built and compiled on its own data;
`optimiser/solver/extensive.py` joins them with the first-stage columns shared, so every limit and
budget of every future holds for the one plan. The objective is the mean over futures of the plan
model's objective (weighted shortfall, discounted, with its penalties and cost tie-break), or the
conditional value at risk of it at ALPHA (the mean of the worst 1-ALPHA share of futures).

Reported, for the robust plan beside the deterministic plan (solved on the unperturbed scenario):
in sample (the N futures) and out of sample (M fresh futures of seed S+1, evaluated by the sweep
machinery on the local pool, so `optimiser sweep --plan FOLDER --seed S+1 --samples M` repeats
them), P10/P50/P90, mean and CVaR of weighted shortfall; the value of the stochastic solution
VSS = E[deterministic plan's first stage] - E[robust], and the expected value of perfect information
EVPI = E[robust] - E[wait and see: each future solved with its own decisions], both in sample. A
plan is evaluated in a future as sweeps do (decisions fixed, limits that only bind decisions freed,
skill mix re-chosen), so each figure is that future's best second stage for the plan.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from optimiser.analysis.evaluate import DECISION_LIMITS, FixedPlan, SweepError
from optimiser.analysis.futures import SweepJob, dask_address, map_futures, run_dask, run_local
from optimiser.analysis.robust_measures import band_rows, cvar, robust_summary
from optimiser.analysis.robust_search import METHODS, first_stage_of, optimise
from optimiser.analysis.sampling import sample_scenario
from optimiser.analysis.sweep import uncertain_inputs
from optimiser.model.build import DECISIONS
from optimiser.model.families.training import COHORT_OPEN
from optimiser.pipeline import api
from optimiser.results.results import PlanResult, weighted_shortfall
from optimiser.scenario.scenario import Scenario
from optimiser.solver import run
from optimiser.solver.extensive import ExtensiveForm, assemble
from optimiser.solver.outcome import relative_gap

# The first stage: the decisions a plan reports, and whether each gated cohort runs.
FIRST_STAGE = frozenset({d.component for d in DECISIONS} | {COHORT_OPEN})
ROBUST_COLUMNS = ["sample", "set", "plan", "status", "objective", "weighted_shortfall", "total_shortfall_wte_years"]


@dataclass(frozen=True)
class Risk:
    """What the robust plan minimises over futures: the mean, or the CVaR at `alpha`."""

    kind: str  # "mean" | "cvar"
    alpha: float | None = None

    @property
    def label(self) -> str:
        return "mean" if self.kind == "mean" else f"cvar:{self.alpha:g}"


def parse_risk(text: str) -> Risk:
    """`mean` or `cvar:ALPHA` (0 <= ALPHA < 1; cvar:0.9 is the mean of the worst 10% of futures)."""
    word = str(text).strip().lower()
    if word == "mean":
        return Risk("mean")
    if word.startswith("cvar:"):
        try:
            alpha = float(word.split(":", 1)[1])
        except ValueError:
            alpha = math.nan
        if math.isfinite(alpha) and 0.0 <= alpha < 1.0:
            return Risk("cvar", alpha)
    raise SweepError(f"--risk must be mean or cvar:ALPHA with 0 <= ALPHA < 1 (e.g. cvar:0.9), not {text!r}")


@dataclass(frozen=True)
class RobustResult:
    """`plan`: the robust first stage in the unperturbed scenario (the plan's usual files);
    `deterministic`: the plan solved on the unperturbed scenario; `futures` (robust.csv): weighted
    shortfall per future, set (in_sample, out_of_sample) and plan (robust, deterministic,
    wait_and_see); `bands`: P10/P50/P90, mean and CVaR per set and plan; `summary`
    (robust_summary.json): the bands, VSS, EVPI, the extensive form's size and times."""

    plan: PlanResult
    deterministic: PlanResult
    futures: pd.DataFrame
    bands: pd.DataFrame
    summary: dict = field(default_factory=dict)
    draws: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def vss(self) -> float | None:
        return self.summary.get("value_of_stochastic_solution")

    @property
    def evpi(self) -> float | None:
        return self.summary.get("expected_value_of_perfect_information")


def first_stage_keys(built: api.BuiltPlan) -> list:
    """Per compiled column: its first-stage key (component, index), or None for a future's own column."""
    out = []
    for v in built.compiled.columns:
        name = v.parent_component().name
        out.append((name, v.index()) if name in FIRST_STAGE else None)
    return out


def first_stage_values(built: api.BuiltPlan, values: np.ndarray) -> dict:
    keys = first_stage_keys(built)
    ints = built.compiled.integer
    return {k: (round(float(x)) if ints[j] else float(x)) for j, (k, x) in enumerate(zip(keys, values, strict=True))
            if k is not None}


def _fixing(built: api.BuiltPlan, first: dict) -> dict[int, float]:
    """Column number -> value for every first-stage column of `built` (0 where `first` has none)."""
    return {j: first.get(k, 0.0) for j, k in enumerate(first_stage_keys(built)) if k is not None}


def evaluate_first_stage(built: api.BuiltPlan, first: dict, time_limit: float) -> tuple:
    """The first stage held fixed in one future's built model (limits that bind decisions only
    freed, as sweeps evaluate a plan): status, the plan model's objective (what the robust plan
    minimises), weighted shortfall and total shortfall WTE-years."""
    compiled = built.compiled
    limits = [i for _, _, i in compiled.rows_of(DECISION_LIMITS)]
    with compiled.relaxed_rows(limits), compiled.fixed_columns(_fixing(built, first)):
        outcome = run(compiled, time_limit, 1e-9)
    if not outcome.holds_plan:
        return str(outcome.status), None, None, None
    return str(outcome.status), outcome.objective, *_shortfalls(built, outcome.values)


def _shortfalls(built: api.BuiltPlan, values: np.ndarray) -> tuple[float, float]:
    compiled = built.compiled
    compiled.load_values(values)
    m = compiled.model
    return weighted_shortfall(m, built.data), float(sum(v.value or 0.0 for v in m.shortfall.values()))


def extensive_form(base: api.BuiltPlan, builts: list[api.BuiltPlan], risk: Risk) -> ExtensiveForm:
    """Block 0: the unperturbed scenario, of weight 0, whose limits the first stage must meet (the
    limits a deterministic plan meets); blocks 1..N: the futures, equally likely, each with its
    definitions only (stock, coverage, shortfall), its limits that bind decisions freed as when a
    sweep evaluates a plan, so a future's second stage is exactly its evaluation."""
    blocks = [base, *builts]
    return assemble([b.compiled.form for b in blocks], [first_stage_keys(b) for b in blocks],
                    _weights(builts), _masks(builts), risk.alpha if risk.kind == "cvar" else None)


def _weights(builts: list[api.BuiltPlan]) -> list[float]:
    return [0.0] + [1.0] * len(builts)


def _masks(builts: list[api.BuiltPlan]) -> list[np.ndarray | None]:
    masks: list[np.ndarray | None] = [None]
    for b in builts:
        mask = np.ones(b.compiled.n_rows, dtype=bool)
        mask[[i for _, _, i in b.compiled.rows_of(DECISION_LIMITS)]] = False
        masks.append(mask)
    return masks


def solve_robust(scenario: Scenario, samples: int, risk: str | Risk = "mean", seed: int = 0,
                 out_of_sample: int = 0, time_limit: float | None = None, gap: float | None = None,
                 workers: int | None = None, wait_and_see: bool = True, warm: bool = True,
                 futures: list[Scenario] | None = None, method: str = "bounded",
                 phase: Callable[[str], None] | None = None, executor: str = "local") -> RobustResult:
    """One plan for `samples` futures of the scenario's uncertainty.csv (see the module docstring).

    `out_of_sample`: M fresh futures (seed + 1) each plan is also evaluated in (0: none);
    `wait_and_see`: solve each in-sample future with its own decisions for the EVPI (N more solves);
    `warm`: start from the deterministic plan's first stage; `futures`: the in-sample futures
    themselves (instead of sampling; for tests and the app); `method`: "decomposition" (the
    L-shaped method; the extensive form as one MIP if a future has no second stage for some first
    stage) or "extensive" (the extensive form as one MIP). `executor` ("local": a pool of `workers`
    processes; dask://HOST:PORT: an existing Dask scheduler) runs the wait-and-see solves and the
    out-of-sample futures; each is a function of its future alone, so the result is the same on any."""
    step = phase or (lambda _step: None)
    rk = parse_risk(risk) if isinstance(risk, str) else risk
    if samples < 1:
        raise SweepError(f"--samples must be at least 1, not {samples}")
    if seed < 0:
        raise SweepError(f"--seed must be a whole number 0 or above, not {seed}")
    if method not in METHODS:
        raise SweepError(f"the robust method must be one of {', '.join(METHODS)}, not {method!r}")
    if out_of_sample < 0:
        raise SweepError(f"--out-of-sample must be 0 or more, not {out_of_sample}")
    if executor != "local":
        dask_address(executor)  # a bad address refused before any work
    cfg = scenario.config.solver
    time_limit = cfg.time_limit_s if time_limit is None else time_limit
    gap = cfg.mip_rel_gap if gap is None else gap
    times: dict[str, float] = {}
    t_all = time.perf_counter()
    inputs = uncertain_inputs(scenario) if futures is None or out_of_sample else []
    draws = pd.DataFrame()
    if futures is None:
        drawn = [sample_scenario(scenario, inputs, s, i)
                 for i, s in enumerate(np.random.SeedSequence(seed).spawn(samples))]
        futures = [f for f, _d in drawn]
        draws = pd.concat([d for _f, d in drawn], ignore_index=True)
    futures = list(futures)[:samples]
    if len(futures) < samples:
        raise SweepError(f"{samples} futures asked for, {len(futures)} given")

    step("projecting the status quo")
    sq = api.project(scenario, "min_shortfall")
    step("solving the deterministic plan")
    t0 = time.perf_counter()
    base = api.build_plan(scenario, "min_shortfall")
    deterministic = api.solve_built(base, time_limit, gap, status_quo=sq)
    times["deterministic_seconds"] = time.perf_counter() - t0
    if not deterministic.feasible:
        raise SweepError(f"the scenario has no plan ({deterministic.status}: {deterministic.message}); "
                         "run `optimiser solve` for the explanation")
    det_first = first_stage_values(base, deterministic.column_values)

    step(f"building {samples} futures")
    t0 = time.perf_counter()
    builts = [api.build_plan(f, "min_shortfall") for f in futures]
    times["build_seconds"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    ext = extensive_form(base, builts, rk)
    times["assemble_seconds"] = time.perf_counter() - t0
    step("optimising the robust plan")
    outcome, start, used = optimise(ext, [b.compiled.form for b in (base, *builts)], _weights(builts),
                                    rk.alpha if rk.kind == "cvar" else None, deterministic.column_values, det_first,
                                    time_limit, gap, warm, method, times, step)
    if not outcome.holds_plan:
        raise SweepError(f"no robust plan was found ({outcome.status}: {outcome.message}); allow more time "
                         "(--time-limit) or fewer futures (--samples)")
    first = first_stage_of(ext, outcome.values)

    step("evaluating the plans in each future")
    t0 = time.perf_counter()
    rows = []
    for i, built in enumerate(builts):
        for label, plan_first in (("robust", first), ("deterministic", det_first)):
            rows.append((i, "in_sample", label, *evaluate_first_stage(built, plan_first, time_limit)))
    del builts  # each future's model is no longer needed (the wait-and-see solves build their own)
    bounds: list[float | None] = []  # the wait-and-see solves' dual bounds: the EVPI is at most E[robust] - their mean
    if wait_and_see:
        step("solving each future with its own decisions")
        solves = [(f, time_limit, gap) for f in futures]
        for i, (status, objective, bound, *shortfall) in enumerate(map_futures(own_decisions, solves, executor, workers)):
            bounds.append(bound)
            rows.append((i, "in_sample", "wait_and_see", status, objective, *shortfall))
    times["in_sample_seconds"] = time.perf_counter() - t0

    step("the robust plan in the unperturbed scenario")
    plan = _plan_in_base(base, first, time_limit, sq)
    if out_of_sample:
        step(f"evaluating both plans in {out_of_sample} fresh futures")
        t0 = time.perf_counter()
        rows += _out_of_sample(scenario, inputs, {"robust": plan, "deterministic": deterministic},
                               out_of_sample, seed + 1, workers, executor)
        times["out_of_sample_seconds"] = time.perf_counter() - t0
    table = pd.DataFrame(rows, columns=ROBUST_COLUMNS)
    bands = pd.DataFrame(band_rows(table, rk.alpha))
    times["total_seconds"] = time.perf_counter() - t_all
    summary = robust_summary(scenario, rk.label, samples, seed, out_of_sample, outcome, ext, table, bands, times,
                             warm_started=start is not None, deterministic=deterministic, bounds=bounds)
    # how the plan was found, and the lower bound its gap is measured against
    summary["method"] = used
    summary["bound"] = outcome.dual_bound
    # the plan's objective from its evaluations future by future (robust.csv), against the bound
    own = table.loc[(table["set"] == "in_sample") & (table["plan"] == "robust"), "objective"]
    exact = None if own.isna().any() else (float(own.mean()) if rk.kind == "mean" else cvar(own, rk.alpha))
    summary["in_sample_objective"] = exact
    summary["in_sample_gap"] = (None if exact is None or outcome.dual_bound is None
                                else relative_gap(exact, outcome.dual_bound))
    return RobustResult(plan, deterministic, table, bands, summary, draws)


def _plan_in_base(base: api.BuiltPlan, first: dict, time_limit: float, sq) -> PlanResult:
    """The robust first stage in the unperturbed scenario, as a plan with its usual tables. A limit
    it breaks there (it met every future's) is freed, as when sweeps evaluate a plan."""
    compiled = base.compiled
    with compiled.fixed_columns(_fixing(base, first)):
        plan = api.solve_built(base, time_limit, 1e-9, status_quo=sq, explain=False, shadow_prices=False)
    if plan.feasible:
        return plan
    limits = [i for _, _, i in compiled.rows_of(DECISION_LIMITS)]
    with compiled.relaxed_rows(limits), compiled.fixed_columns(_fixing(base, first)):
        return api.solve_built(base, time_limit, 1e-9, status_quo=sq, explain=False, shadow_prices=False)


def fixed_plan(plan: PlanResult, source: str) -> FixedPlan:
    return FixedPlan(plan.starts, plan.international, plan.educators, source,
                     recruits=plan.recruits, retention=plan.retention)


def own_decisions(solve: tuple[Scenario, float, float]) -> tuple:
    """One future solved with its own decisions (wait and see), from a fresh build:
    (status, objective, dual bound or None, weighted shortfall, shortfall WTE-years)."""
    future, time_limit, gap = solve
    built = api.build_plan(future, "min_shortfall")
    own = run(built.compiled, time_limit, gap)
    if not own.holds_plan:
        return str(own.status), None, None, None, None
    return str(own.status), own.objective, own.dual_bound, *_shortfalls(built, own.values)


def _out_of_sample(scenario: Scenario, inputs, plans: dict[str, PlanResult], count: int, seed: int,
                   workers: int | None, executor: str = "local") -> list[tuple]:
    """Each plan in `count` futures of `seed`, on the local pool or Dask (the sweep's evaluation)."""
    rows = []
    seeds = np.random.SeedSequence(seed).spawn(count)
    for label, plan in plans.items():
        job = SweepJob(scenario, tuple(inputs), fixed_plan(plan, label), False)
        outcomes = (run_local(job, seeds, workers or os.cpu_count() or 1, None) if executor == "local"
                    else run_dask(job, seeds, dask_address(executor)))
        for o in sorted(outcomes, key=lambda o: o.sample):
            ev = o.evaluations["plan"]
            rows.append((o.sample, "out_of_sample", label, str(ev.status), None, ev.weighted_shortfall,
                         ev.total_shortfall_wte_years))
    return rows
