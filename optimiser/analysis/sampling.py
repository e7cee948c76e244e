"""Sampled futures: draw each uncertain input (uncertainty.csv) and perturb a scenario's typed tables."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from optimiser.scenario.realised import RETURNER_POOL
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
        if p.realised:
            record += _realise(scenario, table, p, u, inputs, rng, sample)
            continue
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


def _realised_rows(scenario: Scenario, p: Parameter, u: UncertainInput,
                   inputs: list[UncertainInput]) -> tuple[list[int], list[str]]:
    """Positions of the rows of p's table that row `u` sets, and each one's draw unit (a scheme; a
    route and region): a row naming a scheme (route) replaces one naming its staff group (region),
    which replaces the * row."""
    t = scenario.tables.get(p.table)
    if t is None or t.empty:
        return [], []
    first, second = (["" if v is None or v != v else str(v) for v in t[c].tolist()] for c in p.scopes)
    eligible = [True] * len(first)
    if u.parameter == RETURNER_POOL:  # only the pools of returner routes
        kinds = dict(zip(scenario.tables["routes"]["route"], scenario.tables["routes"]["kind"], strict=True))
        eligible = [kinds.get(k) == "returner" for k in first]
    named = {v.scope for v in inputs if v.parameter == u.parameter and v.scope != ALL}
    at = []
    for i, (a, b) in enumerate(zip(first, second, strict=True)):
        if not eligible[i]:
            continue
        if (u.scope == a or (u.scope == b and a not in named)
                or (u.scope == ALL and a not in named and b not in named)):
            at.append(i)
    units = [first[i] if p.table == "retention" else " ".join(x for x in (first[i], second[i]) if x) for i in at]
    return at, units


def _realise(scenario: Scenario, table, p: Parameter, u: UncertainInput, inputs: list[UncertainInput],
             rng: np.random.Generator, sample: int) -> list[tuple]:
    """Draw row `u` of a realised factor (retention_effect, returner_pool) into its column of the
    future's table (made, blank, where the scenario has none; blank reads as 1 in the model)."""
    at, units = _realised_rows(scenario, p, u, inputs)
    order = list(dict.fromkeys(units))
    d = draw_values(u, rng, 1 if u.draw == "shared" else len(order))
    if not at:
        return []
    shock = dict(zip(order, np.resize(d, len(order)), strict=True))
    t = table(p.table)
    values = (t[p.column].to_numpy(dtype=float, copy=True) if p.column in t.columns
              else np.full(len(t), np.nan))
    base = np.where(np.isnan(values[at]), 1.0, values[at])
    new = np.clip(_apply(u.effect, base, np.array([shock[k] for k in units], dtype=float)), p.low, p.high)
    values[at] = new
    t[p.column] = values
    first = {k: j for j, k in reversed(list(enumerate(units)))}  # one record per scheme or pool
    return [(sample, u.parameter, k, base[j], new[j]) for k, j in first.items()]
