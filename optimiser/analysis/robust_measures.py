"""The robust plan's measures: shortfall bands per plan, CVaR, VSS, EVPI and robust_summary.json."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from optimiser.analysis.sweep import QUANTILES

# The CVaR level bands are given at when the plan minimised the mean (the worst 10% of futures).
REPORTED_ALPHA = 0.9


def cvar(losses, alpha: float) -> float:
    """Conditional value at risk at `alpha` of equally likely losses (Rockafellar and Uryasev):
    min over eta of eta + mean(max(0, loss - eta)) / (1 - alpha); the minimum is at one of the losses."""
    v = np.sort(np.asarray(losses, dtype=float))
    if not len(v):
        return math.nan
    return float(min(eta + np.maximum(v - eta, 0.0).mean() / (1.0 - alpha) for eta in v))


def band_rows(table: pd.DataFrame, alpha: float | None) -> list[dict]:
    """P10/P50/P90 (numpy's linear interpolation), mean and CVaR of weighted shortfall per set and plan,
    over the futures where the plan has a solution."""
    level = REPORTED_ALPHA if alpha is None else alpha
    out = []
    for (where, plan), g in table.groupby(["set", "plan"], sort=False):
        v = g["weighted_shortfall"].dropna().to_numpy(dtype=float)
        q = np.quantile(v, QUANTILES) if len(v) else [math.nan] * len(QUANTILES)
        out.append({"set": where, "plan": plan, "futures": int(len(v)), "solved": int(len(v)) == len(g),
                    **{f"p{round(100 * p)}": float(x) for p, x in zip(QUANTILES, q, strict=True)},
                    "mean": float(v.mean()) if len(v) else math.nan, "cvar_alpha": level, "cvar": cvar(v, level)})
    return out


def _mean(table: pd.DataFrame, plan: str, column: str) -> float | None:
    """The in-sample mean of `column` for `plan`; None unless the plan has a value in every future."""
    v = table.loc[(table["set"] == "in_sample") & (table["plan"] == plan), column]
    return None if v.empty or v.isna().any() else float(v.astype(float).mean())


def _difference(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


def robust_summary(scenario, risk: str, samples: int, seed: int, out_of_sample: int, outcome, ext,
                   table: pd.DataFrame, bands: pd.DataFrame, times: dict, warm_started: bool, deterministic,
                   bounds: list | None = None) -> dict:
    """robust_summary.json: what was solved, how, and the figures a planner compares. VSS and EVPI
    are given in the objective's units (what the robust plan minimises: discounted weighted
    shortfall with the plan model's penalties and cost tie-break) and in weighted shortfall
    (undiscounted, as reports show it); the two agree when discount is 1 and no penalty is on."""
    means = {(p, c): _mean(table, p, c) for p in ("robust", "deterministic", "wait_and_see")
             for c in ("objective", "weighted_shortfall")}
    compiled = ext.compiled
    return {
        "kind": "robust",
        "scenario": scenario.name,
        "risk": risk,
        "samples": samples,
        "seed": seed,
        "out_of_sample": out_of_sample,
        "out_of_sample_seed": seed + 1 if out_of_sample else None,
        "status": str(outcome.status),
        "objective": outcome.objective,
        "mip_gap": outcome.mip_gap,
        "warm_started_from_deterministic_plan": warm_started,
        "deterministic_objective": deterministic.objective,
        "deterministic_weighted_shortfall": deterministic.weighted_shortfall,
        "value_of_stochastic_solution": _difference(means["deterministic", "objective"], means["robust", "objective"]),
        "expected_value_of_perfect_information": _difference(means["robust", "objective"],
                                                             means["wait_and_see", "objective"]),
        # each future is solved only to the MIP gap, so the EVPI above is at most the plan's true one;
        # with the futures' dual bounds in place of their plans it is at least this
        "expected_value_of_perfect_information_bound": _difference(
            means["robust", "objective"], float(np.mean(bounds)) if bounds and None not in bounds else None),
        "value_of_stochastic_solution_weighted_shortfall": _difference(means["deterministic", "weighted_shortfall"],
                                                                       means["robust", "weighted_shortfall"]),
        "expected_value_of_perfect_information_weighted_shortfall": _difference(
            means["robust", "weighted_shortfall"], means["wait_and_see", "weighted_shortfall"]),
        "in_sample_means": {f"{p} {c}": v for (p, c), v in means.items()},
        "measures": "bands: weighted shortfall (weighted WTE-years over the measured years, undiscounted) of each "
                    "plan evaluated in each future, quantiles with numpy linear interpolation; VSS = "
                    "mean(deterministic) - mean(robust), EVPI = mean(robust) - mean(wait_and_see), in sample, in "
                    "the objective's units and in weighted shortfall",
        "extensive_form": {"columns": compiled.n_cols, "integer_columns": compiled.n_integer, "rows": compiled.n_rows,
                           "nonzeros": compiled.n_nonzeros, "first_stage_columns": ext.n_first,
                           "rows_written_once": ext.shared_rows},
        "seconds": {k: round(v, 3) for k, v in times.items()},
        "bands": bands.to_dict("records"),
    }
