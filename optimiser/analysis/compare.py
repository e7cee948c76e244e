"""What differs between two scenarios, and between two or more solved plans, as tidy DataFrames.

`scenario_diff(old, new)` lists every setting and cell that differs, one row each (DIFF_COLUMNS).
Rows of a table are matched on its key columns from the data dictionary (budget by year,
provider_routes by provider, route and year), not on position, so inserting a row does not make
every later row look changed. Numbers equal as numbers ("1.0" and "1") are equal. A key that
appears more than once gets '#2', '#3', ... so that no row is lost.

`compare_runs(runs, labels)` puts plans side by side: a column per plan, in the order given, and a
column "<label> − <first label>" (a minus sign, U+2212) for each later plan's difference from the
first. A plan is a `PlanRun` (headline figures, result tables, the scenario it was solved from)
or a `PlanResult`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from optimiser.scenario.dictionary import table_specs
from optimiser.scenario.io import RawScenario, config_rows

DIFF_COLUMNS = ["table", "row_key", "column", "old", "new", "change"]

# (key in a plan's summary, measure as the planner reads it, unit)
HEADLINE_MEASURES: tuple[tuple[str, str, str], ...] = (
    ("status", "solver status", ""),
    ("weighted_shortfall", "weighted shortfall", "WTE-years"),
    ("status_quo_weighted_shortfall", "status quo weighted shortfall", "WTE-years"),
    ("total_shortfall_wte_years", "shortfall, unweighted", "WTE-years"),
    ("total_cost_gbp", "total cost", "GBP"),
    ("mip_gap", "MIP gap", "fraction"),
    ("budget_scale", "budget scale", "×"),
    ("objective_name", "objective", ""),
)


# ---------------------------------------------------------------------------------------------
# scenario differences


def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    try:
        return float(a) == float(b)
    except ValueError:
        return False


def _keyed(df: pd.DataFrame, key: list[str]) -> dict[str, pd.Series]:
    """Rows by a readable key; a repeated key gets '#2', '#3' so no row is lost."""
    out: dict[str, pd.Series] = {}
    for _, row in df.iterrows():
        label = ", ".join(f"{k}={row[k] or '(all)'}" for k in key) if key else str(row.name)
        n, unique = 1, label
        while unique in out:
            n += 1
            unique = f"{label} #{n}"
        out[unique] = row
    return out


def _row_text(row: pd.Series) -> str:
    return ", ".join(f"{c}={v}" for c, v in row.items() if v != "" and c != "notes")


def _table_diff(name: str, old: pd.DataFrame | None, new: pd.DataFrame | None) -> list[dict]:
    spec = table_specs().get(name)
    old = old if old is not None else pd.DataFrame()
    new = new if new is not None else pd.DataFrame()
    columns = list(dict.fromkeys([*old.columns, *new.columns]))
    key = [k for k in (spec.key if spec else ()) if k in columns]
    a = _keyed(old.reindex(columns=columns, fill_value=""), key)
    b = _keyed(new.reindex(columns=columns, fill_value=""), key)
    rows = []
    for k, row in b.items():
        if k not in a:
            rows.append({"table": name, "row_key": k, "column": "", "old": "", "new": _row_text(row),
                         "change": "added row"})
            continue
        for c in columns:
            before, after = str(a[k][c]), str(row[c])
            if not _same(before, after):
                rows.append({"table": name, "row_key": k, "column": c, "old": before, "new": after,
                             "change": "changed"})
    for k, row in a.items():
        if k not in b:
            rows.append({"table": name, "row_key": k, "column": "", "old": _row_text(row), "new": "",
                         "change": "removed row"})
    return rows


def _config_diff(old: dict, new: dict) -> list[dict]:
    a, b = dict(config_rows(old)), dict(config_rows(new))
    rows = []
    for k in dict.fromkeys([*a, *b]):
        before = "" if k not in a else str(a[k])
        after = "" if k not in b else str(b[k])
        if not _same(before, after):
            rows.append({"table": "scenario settings", "row_key": k, "column": "value", "old": before,
                         "new": after, "change": "changed"})
    return rows


def scenario_diff(old: RawScenario, new: RawScenario) -> pd.DataFrame:
    """Every setting and cell that differs from `old` to `new`, a row each.

    Columns (DIFF_COLUMNS): table ("scenario settings" for scenario.toml), row_key (e.g.
    "year=2024"; a blank key cell reads "(all)"; solver settings are "solver.<key>"), column, old,
    new, change ("changed", "added row" or "removed row"; an added or removed row has a blank
    column and the row's non-blank cells, notes left out, as "column=value, ..."). Settings come
    first, then tables in the data dictionary's order; an empty frame when nothing differs.
    """
    rows = _config_diff(old.config, new.config)
    order = list(table_specs())
    names = sorted(set(old.tables) | set(new.tables), key=lambda n: order.index(n) if n in order else 99)
    for name in names:
        rows += _table_diff(name, old.tables.get(name), new.tables.get(name))
    return pd.DataFrame(rows, columns=DIFF_COLUMNS)


# ---------------------------------------------------------------------------------------------
# plans side by side


@dataclass(frozen=True, eq=False)
class PlanRun:
    """One solved plan as a comparison reads it.

    summary: headline figures by name, as `PlanResult.summary_dict()` (or a stored run's summary);
        the keys of HEADLINE_MEASURES are read, a missing one is blank.
    tables: result tables by their CSV names: "projection" (year, staff_group, shortfall_wte),
        "starts" (route, region, starts), "international" (region, recruits) and "costs"
        (category, gbp); a missing or empty table counts as nothing.
    raw: the scenario the plan was solved from; None when unknown (its inputs are then not compared).
    """

    summary: Mapping[str, Any]
    tables: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    raw: RawScenario | None = None

    @classmethod
    def from_result(cls, result, raw: RawScenario | None = None) -> PlanRun:
        """A `PlanResult` (or anything with its summary_dict() and result tables) as a PlanRun."""
        return cls(result.summary_dict(), {"projection": result.projection, "starts": result.starts,
                                           "international": result.international, "costs": result.costs}, raw)


@dataclass(frozen=True, eq=False)
class RunComparison:
    """Two or more plans side by side (see `compare_runs`); every table is a tidy DataFrame.

    headline: a row per measure of HEADLINE_MEASURES: measure, unit, a column per plan, and the
        difference from the first plan where both figures are numbers (NaN otherwise).
    shortfall_by_group: shortfall WTE per staff group, summed over the measured years (every year
        after the first) or, with final_year_only, in the final year.
    starts_by_route, starts_by_region (the placement region): training starts over all years.
    recruits_by_region: international recruits over all years.
    cost_by_category: GBP over all years.
    The five tables above have their key column first ("staff_group", "route", "placement region",
    "region", "cost category (GBP)"); a key missing from a plan counts as 0 for that plan.
    input_differences: `scenario_diff` of the first plan's scenario against each later plan's, with
        a first column "plan" naming the later plan; plans whose scenario is unknown are left out.
    """

    labels: tuple[str, ...]
    headline: pd.DataFrame
    shortfall_by_group: pd.DataFrame
    starts_by_route: pd.DataFrame
    starts_by_region: pd.DataFrame
    recruits_by_region: pd.DataFrame
    cost_by_category: pd.DataFrame
    input_differences: pd.DataFrame


def _headline(runs: Sequence[PlanRun], labels: Sequence[str]) -> pd.DataFrame:
    rows = []
    first = labels[0]
    for key, name, unit in HEADLINE_MEASURES:
        row = {"measure": name, "unit": unit}
        for label, run in zip(labels, runs, strict=True):
            row[label] = run.summary.get(key)
        base = runs[0].summary.get(key)
        for label, run in zip(labels[1:], runs[1:], strict=True):
            value = run.summary.get(key)
            if isinstance(base, int | float) and isinstance(value, int | float):
                row[f"{label} − {first}"] = value - base
        rows.append(row)
    return pd.DataFrame(rows)


def _side_by_side(runs: Sequence[PlanRun], labels: Sequence[str],
                  per_plan: Callable[[Mapping[str, pd.DataFrame]], pd.Series], what: str) -> pd.DataFrame:
    out = pd.DataFrame({label: per_plan(run.tables) for label, run in zip(labels, runs, strict=True)}).fillna(0.0)
    for label in labels[1:]:
        out[f"{label} − {labels[0]}"] = out[label] - out[labels[0]]
    out.index.name = what
    return out.reset_index()


def _summed(table: str, by: str, value: str, years: Callable[[pd.Series], pd.Series] | None = None):
    """A per-plan Series: `value` summed by `by` in one result table (only the years picked by `years`)."""
    def f(tables: Mapping[str, pd.DataFrame]) -> pd.Series:
        t = tables.get(table)
        if t is None or t.empty:
            return pd.Series(dtype=float)
        if years is not None:
            t = t[years(t["year"])]
        return t.groupby(by)[value].sum()

    return f


def _input_differences(runs: Sequence[PlanRun], labels: Sequence[str]) -> pd.DataFrame:
    base = runs[0].raw
    frames = []
    for label, run in zip(labels[1:], runs[1:], strict=True):
        if base is None or run.raw is None:
            continue
        d = scenario_diff(base, run.raw)
        d.insert(0, "plan", label)
        frames.append(d)
    if not frames:
        return pd.DataFrame(columns=["plan", *DIFF_COLUMNS])
    return pd.concat(frames, ignore_index=True)


def compare_runs(runs: Sequence[PlanRun | Any], labels: Sequence[str] | None = None, *,
                 final_year_only: bool = False) -> RunComparison:
    """Two or more plans side by side, each later one also as its difference from the first.

    runs: PlanRun or PlanResult objects (a PlanResult's scenario is unknown, so its inputs are
    not compared: pass PlanRun.from_result(result, raw) to compare them). labels: a distinct name
    per plan, used as column names; "P1", "P2", ... by default. Raises ValueError for fewer than
    two plans or labels that do not match them one to one.
    """
    runs = [r if isinstance(r, PlanRun) else PlanRun.from_result(r) for r in runs]
    labels = [f"P{i + 1}" for i in range(len(runs))] if labels is None else [str(x) for x in labels]
    if len(runs) < 2:
        raise ValueError(f"compare_runs needs two or more plans, got {len(runs)}")
    if len(labels) != len(runs) or len(set(labels)) != len(labels):
        raise ValueError(f"compare_runs needs one distinct label per plan: {len(runs)} plans, labels {labels}")

    def side_by_side(per_plan, what: str) -> pd.DataFrame:
        return _side_by_side(runs, labels, per_plan, what)

    if final_year_only:
        def years(y: pd.Series) -> pd.Series:
            return y == y.max()
    else:
        def years(y: pd.Series) -> pd.Series:
            return y > y.min()
    return RunComparison(
        labels=tuple(labels),
        headline=_headline(runs, labels),
        shortfall_by_group=side_by_side(_summed("projection", "staff_group", "shortfall_wte", years), "staff_group"),
        starts_by_route=side_by_side(_summed("starts", "route", "starts"), "route"),
        starts_by_region=side_by_side(_summed("starts", "region", "starts"), "placement region"),
        recruits_by_region=side_by_side(_summed("international", "region", "recruits"), "region"),
        cost_by_category=side_by_side(_summed("costs", "category", "gbp"), "cost category (GBP)"),
        input_differences=_input_differences(runs, labels),
    )
