"""Sampled futures: draw each uncertain input (uncertainty.csv) and perturb a scenario's typed tables."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from optimiser.scenario.scenario import Scenario
from optimiser.scenario.uncertainty import ALL, PARAMETERS, Parameter, UncertainInput


def draw_values(u: UncertainInput, rng: np.random.Generator, n: int) -> np.ndarray:
    """n draws of the row's distribution (zero spread gives its centre exactly)."""
    a = u.args
    if u.distribution == "normal":
        return rng.normal(a["mean"], a["sd"], n)
    if u.distribution == "lognormal":
        return rng.lognormal(a["mu"], a["sigma"], n)
    if u.distribution == "uniform":
        return rng.uniform(a["low"], a["high"], n)
    if u.distribution == "triangular":
        if a["low"] == a["high"]:  # numpy refuses a zero-width triangle; the draw is its point
            rng.uniform(0.0, 1.0, n)  # consume the same stream as a real triangle would
            return np.full(n, a["low"])
        return rng.triangular(a["low"], a["mode"], a["high"], n)
    return rng.beta(a["a"], a["b"], n)


def _apply(effect: str, base: np.ndarray, d: np.ndarray) -> np.ndarray:
    if effect == "shift":
        return base + d
    if effect == "scale":
        return base * d
    return np.broadcast_to(d, base.shape).astype(float)


def scope_keys(u: UncertainInput, inputs: list[UncertainInput], all_keys: list[str]) -> list[str]:
    """Keys a row applies to: its named key, or for * every key not named by another row."""
    if u.scope != ALL:
        return [u.scope]
    named = {v.scope for v in inputs if v.parameter == u.parameter and v.scope != ALL}
    return [k for k in all_keys if k not in named]


def _perturb(t: pd.DataFrame, p: Parameter, key: str, column: str, shocks: dict[str, float],
             effect: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Apply each key's shock to `column` of the rows of `t` whose `key` has one, in place (one
    whole-column assignment; row-wise .loc costs more than the sweep's solve). Returns the keys,
    values before and values after of those rows, in table order."""
    keys = t[key].tolist()
    at = [i for i, k in enumerate(keys) if k in shocks]
    values = t[column].to_numpy(dtype=float, copy=True)
    base = values[at]
    new = np.clip(_apply(effect, base, np.array([shocks[keys[i]] for i in at], dtype=float)), p.low, p.high)
    values[at] = new
    t[column] = values
    return [keys[i] for i in at], base, new


def sample_scenario(scenario: Scenario, inputs: list[UncertainInput],
                    seed: np.random.SeedSequence, sample: int = 0) -> tuple[Scenario, pd.DataFrame]:
    """One sampled future: a new Scenario with perturbed typed tables, and the values drawn.

    Draws are made row by row in file order from one generator, so the future depends only on
    the seed and the table. Only the perturbed tables are copied; the others are shared with
    `scenario`, which is left untouched.
    """
    rng = np.random.default_rng(seed)
    tables = dict(scenario.tables)
    copied: set[str] = set()

    def table(name: str) -> pd.DataFrame:
        if name not in copied:
            tables[name] = tables[name].copy()
            copied.add(name)
        return tables[name]

    record = []
    for u in sorted(inputs, key=lambda v: v.row):
        p = PARAMETERS[u.parameter]
        present = p.table in scenario.tables and not scenario.tables[p.table].empty
        keys = scope_keys(u, inputs, scenario.tables[p.table][p.key].tolist() if present else [])
        d = draw_values(u, rng, 1 if u.draw == "shared" else len(keys))
        if not keys:
            continue
        shocks = dict(zip(keys, np.resize(d, len(keys)), strict=True))
        hit, base, new = _perturb(table(p.table), p, p.key, p.column, shocks, u.effect)
        record += [(sample, u.parameter, k, b, v) for k, b, v in zip(hit, base, new, strict=True)]
        if u.parameter == "leaver_rate" and not scenario.tables["regional_rates"].empty:
            _perturb(table("regional_rates"), p, "staff_group", "leaver_rate", shocks, u.effect)
    draws = pd.DataFrame(record, columns=["sample", "parameter", "key", "base_value", "sampled_value"])
    return replace(scenario, tables=tables), draws
