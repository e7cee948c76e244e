"""Uncertain inputs: the optional `uncertainty` table, parsed and checked (sampling: analysis/sampling.py).

Each row of `uncertainty.csv` says how one input varies between futures:

    parameter, scope, distribution, arguments
    leaver_rate, *, normal, sd=0.005              every group's leaver rate moves by the same
                                                  N(0, 0.005) shift in each future
    completion_rate, ug_radiography, triangular, low=-0.08;mode=0;high=0.04

A row draws a perturbation d and applies it to the scenario's typed tables (never to the model):
`effect=shift` gives value + d (d in the parameter's own units: 0.005 is half a percentage
point), `effect=scale` gives value * d, `effect=value` replaces the value by d. Defaults: shift
for normal, uniform and triangular; scale for lognormal (a factor with median exp(mu));
value for beta. Results are clipped to the parameter's valid range (rates to [0, 1], demand
growth and activity growth to [-1, 1]). `draw=shared` (default) makes one draw per row and future, applied to every
staff group or route in its scope (a common shock); `draw=each` draws independently for each.
A row naming a staff group or route replaces the `*` row of the same parameter for that key.

Two (v2) parameters vary what a plan's first-stage decisions deliver rather than an input value
(optimiser/scenario/realised.py): `retention_effect` (the share f of the WTE a retention scheme
is paid to retain that it keeps; scope a scheme, a staff group with a scheme, or *) and
`returner_pool` (a returner pool's size as a factor g; scope a returner route, a region of a
returner pool row, or *). Their base value is 1, so shift gives 1 + d, scale and value d; f is
clipped to [0, 1], g at 0.

leaver_rate also moves the `regional_rates` rows of the same group by the same draw, so a
regional override keeps its difference from the group rate. Explicit `demand` rows are planned
figures and are not perturbed.

Futures are reproducible: future i uses `numpy.random.default_rng(SeedSequence(seed).spawn(N)[i])`
and draws rows in file order, so it is the same whichever process evaluates it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from optimiser.basics.cells import finite_number
from optimiser.scenario.realised import (
    RETENTION_EFFECT,
    RETURNER_POOL,
    scope_finding,
    support_finding,
)


@dataclass(frozen=True)
class Parameter:
    table: str  # typed table holding the value
    key: str  # column naming the staff group or route
    column: str
    scope_word: str  # what a scope names, in the planner's words
    low: float  # valid range: sampled values are clipped to it
    high: float
    # a realised factor of a first-stage decision (optimiser/scenario/realised.py): 1 where no row
    # draws, its column made only in sampled futures; a scope may name any of `scopes`, the first
    # replacing the second
    scopes: tuple[str, ...] = ()

    @property
    def realised(self) -> bool:
        return bool(self.scopes)


PARAMETERS: dict[str, Parameter] = {
    "leaver_rate": Parameter("staff_groups", "staff_group", "leaver_rate", "staff group", 0.0, 1.0),
    "demand_growth": Parameter("staff_groups", "staff_group", "demand_growth", "staff group", -1.0, 1.0),
    "completion_rate": Parameter("routes", "route", "completion_rate", "route", 0.0, 1.0),
    # v2: the yearly growth of a modality's examinations (modalities.csv), which drives activity-based demand
    "activity_growth": Parameter("modalities", "modality", "growth", "modality", -1.0, 1.0),
    # v2: the share of the WTE a retention scheme is paid to retain that it keeps (first stage: the WTE
    # planned and paid for; second stage: f x that WTE in the stock)
    RETENTION_EFFECT: Parameter("retention", "scheme", "realised_share", "retention scheme or staff group", 0.0, 1.0,
                                ("scheme", "staff_group")),
    # v2: a returner pool's realised size as a factor g of recruitment_pool.csv's (first stage: the
    # recruits planned and paid for; second stage: arrivals <= planned and <= g x the pool)
    RETURNER_POOL: Parameter("recruitment_pool", "route", "realised_factor", "returner route or region", 0.0, math.inf,
                             ("route", "region")),
}


@dataclass(frozen=True)
class Distribution:
    required: tuple[str, ...]
    optional: dict[str, float]
    effect: str  # default effect


DISTRIBUTIONS: dict[str, Distribution] = {
    "normal": Distribution(("sd",), {"mean": 0.0}, "shift"),
    "lognormal": Distribution(("sigma",), {"mu": 0.0}, "scale"),
    "uniform": Distribution(("low", "high"), {}, "shift"),
    "triangular": Distribution(("low", "mode", "high"), {}, "shift"),
    "beta": Distribution(("a", "b"), {}, "value"),
}
EFFECTS = ("shift", "scale", "value")
DRAWS = ("shared", "each")
ALL = "*"


@dataclass(frozen=True)
class UncertainInput:
    """One validated row of uncertainty.csv."""

    row: int  # spreadsheet row (header = 1)
    parameter: str
    scope: str
    distribution: str
    args: dict[str, float]
    effect: str
    draw: str


@dataclass(frozen=True)
class Problem:
    """A bad cell, before it is turned into a validation Issue (which needs the file name)."""

    row: int
    column: str
    value: str
    message: str
    fix: str
    severity: str = "error"


def _example(distribution: str) -> str:
    return {
        "normal": "sd=0.005", "lognormal": "sigma=0.1", "uniform": "low=-0.01;high=0.01",
        "triangular": "low=-0.05;mode=0;high=0.03", "beta": "a=82;b=18",
    }[distribution]


def parse_arguments(text: str, distribution: str, row: int) -> tuple[dict[str, float], str, str, list[Problem]]:
    """`key=value;...` into numbers plus the effect and draw words; problems name the bad part."""
    spec = DISTRIBUTIONS[distribution]
    known = set(spec.required) | set(spec.optional)
    fix_all = f"write e.g. {_example(distribution)} (keys for {distribution}: {', '.join(spec.required)}" + (
        f"; optional {', '.join(spec.optional)}" if spec.optional else "") + "; optional effect, draw)"
    args: dict[str, float] = {}
    effect, draw = spec.effect, "shared"
    problems: list[Problem] = []
    seen: set[str] = set()
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        key, eq, value = (s.strip() for s in part.partition("="))
        key = key.lower()
        if not eq or not key or not value:
            problems.append(Problem(row, "arguments", text, f"'{part}' is not key=value", fix_all))
            continue
        if key in seen:
            problems.append(Problem(row, "arguments", text, f"'{key}' is given twice", "give each key once"))
            continue
        seen.add(key)
        if key == "effect":
            if value not in EFFECTS:
                problems.append(Problem(row, "arguments", text, f"effect '{value}' is unknown",
                                        "write effect=shift (add the draw), scale (multiply) or value (replace)"))
            effect = value
        elif key == "draw":
            if value not in DRAWS:
                problems.append(Problem(row, "arguments", text, f"draw '{value}' is unknown",
                                        "write draw=shared (one draw for the whole scope) or draw=each"))
            draw = value
        elif key not in known:
            problems.append(Problem(row, "arguments", text, f"'{key}' is not an argument of {distribution}", fix_all))
        else:
            number = finite_number(value)
            if number is None:
                problems.append(Problem(row, "arguments", text, f"{key}={value} is not a number",
                                        f"write a plain number, e.g. {_example(distribution)}"))
                continue
            args[key] = number
    if not problems:  # a missing key is reported only when the rest reads cleanly
        for key in spec.required:
            if key not in seen:
                problems.append(Problem(row, "arguments", text, f"{distribution} needs '{key}'", fix_all))
    if not problems:
        problems += _check_shape(distribution, args, text, row)
    return {**spec.optional, **args}, effect, draw, problems


def _check_shape(distribution: str, a: dict[str, float], text: str, row: int) -> list[Problem]:
    bad = []
    if distribution == "normal" and a["sd"] < 0:
        bad.append(("sd is negative", "write sd=0 or a positive spread"))
    if distribution == "lognormal" and a["sigma"] < 0:
        bad.append(("sigma is negative", "write sigma=0 or a positive spread"))
    if distribution == "uniform" and a["low"] > a["high"]:
        bad.append(("low is above high", "swap low and high"))
    if distribution == "triangular" and not a["low"] <= a["mode"] <= a["high"]:
        bad.append(("mode is not between low and high", "write low <= mode <= high"))
    if distribution == "beta" and (a["a"] <= 0 or a["b"] <= 0):
        bad.append(("a and b must be above 0", "write positive shape values, e.g. a=82;b=18 (mean 0.82)"))
    return [Problem(row, "arguments", text, m, f) for m, f in bad]


def scope_sets(tables: dict[str, pd.DataFrame]) -> dict[str, set[str]]:
    """What each parameter's scope may name, from a scenario's typed tables: table -> its keys."""
    out = {}
    for p in PARAMETERS.values():
        t = tables.get(p.table)
        out[p.table] = set() if t is None or t.empty else set(t[p.key].astype(str))
    return out


def parse_uncertainty(df: pd.DataFrame, groups: set[str], routes: set[str],
                      modalities: set[str] | None = None,
                      tables: dict[str, pd.DataFrame] | None = None) -> tuple[list[UncertainInput], list[Problem]]:
    """The typed `uncertainty` table as inputs, and every problem in it (rows in file order).
    `tables`: the scenario's typed tables, which the scopes of retention_effect and returner_pool
    are checked against (without them only * is known)."""
    known_keys = {"staff_groups": groups, "routes": routes, "modalities": modalities or set()}
    inputs, problems = [], []
    hints: dict[str, str] = {}  # built once per table named, not once per finding
    records = zip(df.index.tolist(), df.to_dict("records"), strict=True)
    for i, r in records:
        row = int(i) + 2
        parameter, scope, distribution = (str(r[c]).strip() for c in ("parameter", "scope", "distribution"))
        ok = True
        if parameter not in PARAMETERS:
            problems.append(Problem(row, "parameter", parameter, "unknown uncertain parameter",
                                    f"write one of {', '.join(PARAMETERS)}"))
            ok = False
        elif PARAMETERS[parameter].realised:
            found = scope_finding(parameter, scope, tables)
            if found is not None:
                problems.append(Problem(row, "scope", scope, found[1], found[2], found[0]))
                ok = found[0] != "error"
        else:
            p = PARAMETERS[parameter]
            known = known_keys[p.table]
            if scope != ALL and scope not in known:
                if p.table not in hints:
                    hints[p.table] = ", ".join(sorted(known)[:6]) + (" ..." if len(known) > 6 else "")
                hint = hints[p.table]
                problems.append(Problem(row, "scope", scope, f"unknown {p.scope_word} for {parameter}",
                                        f"write * (every {p.scope_word}) or a {p.scope_word} id ({hint})"))
                ok = False
        if distribution not in DISTRIBUTIONS:
            problems.append(Problem(row, "distribution", distribution, "unknown distribution",
                                    f"write one of {', '.join(DISTRIBUTIONS)}"))
            continue
        args, effect, draw, bad = parse_arguments(str(r["arguments"]), distribution, row)
        problems += bad
        if ok and not bad:
            p = PARAMETERS[parameter]
            found = support_finding(parameter, distribution, args, effect) if p.realised else None
            if found is not None:
                problems.append(Problem(row, "arguments", str(r["arguments"]), found[1], found[2], found[0]))
                if found[0] == "error":
                    continue
            if not p.realised and effect == "value" and scope == ALL and draw == "shared":
                problems.append(Problem(row, "arguments", str(r["arguments"]),
                                        f"effect=value with scope * gives every {p.scope_word} the same {parameter}",
                                        "name one staff group or route, add draw=each, or use effect=shift", "warning"))
            inputs.append(UncertainInput(row, parameter, scope, distribution, args, effect, draw))
    return inputs, problems
