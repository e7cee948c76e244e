"""The data dictionary: the single source of every table's columns, types, units and limits.

`inputs/data_dictionary.csv` drives the validation schemas, the settings model (config.py), the
converter, the docs and the web app's column settings. Table-level facts (which files are
required, which columns form a table's key) live here beside it, because they are structural
rather than per column.

`min` and `max` are inclusive ("0" allows 0); a leading ">" or "<" makes one strict: min ">0"
allows anything above 0 but not 0 itself, max "<1" anything below 1. Every count, amount and
duration has a max: generous (about a thousand times what the largest real scenario holds) but
finite, so that a slip of the unit or of a few zeros (1e12 WTE) is refused at the boundary
instead of reaching the solver. `default` is what a blank
optional cell or an absent optional setting means; in a numeric column it may name another
column of the same table, whose value a blank cell then takes. Settings (table `scenario`) whose
description starts with "[solver]" belong in scenario.toml's [solver] section.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from optimiser.basics.cells import finite_number
from optimiser.basics.locations import DICTIONARY_PATH

NUMERIC_TYPES = {"integer", "number", "rate"}
SOLVER_PREFIX = "[solver]"


def bound_text(bound: float) -> str:
    """A bound as a planner reads it: 0.5, 2100, 1,000,000 (not 1e+06)."""
    if bound == int(bound) and abs(bound) >= 10_000:
        return f"{bound:,.0f}"
    return f"{bound:g}"


@dataclass(frozen=True)
class ColumnSpec:
    table: str
    column: str
    type: str  # text | integer | number | rate
    unit: str
    required: bool
    default: str
    min: float | None
    max: float | None
    description: str
    min_exclusive: bool = False  # min ">0": above 0, not 0 itself
    max_exclusive: bool = False

    @property
    def numeric(self) -> bool:
        return self.type in NUMERIC_TYPES

    @property
    def default_column(self) -> str | None:
        """The column a blank cell copies, when `default` names one (skill_mix.current_share's
        default is "max_share": today's share is the largest allowed unless stated)."""
        if self.numeric and self.default != "" and finite_number(self.default) is None:
            return self.default
        return None

    @property
    def default_value(self) -> int | float | str | None:
        """`default` typed: None when blank or naming a column, a number in a numeric column,
        else the text."""
        if self.default == "" or self.default_column is not None:
            return None
        if not self.numeric:
            return self.default
        number = finite_number(self.default)
        if number is None:
            raise ValueError(f"{DICTIONARY_PATH.name}, {self.table}.{self.column}: default "
                             f"{self.default!r} is not a number")
        return int(number) if self.type == "integer" else number

    @property
    def is_solver_setting(self) -> bool:
        return self.table == "scenario" and self.description.startswith(SOLVER_PREFIX)

    @property
    def meaning(self) -> str:
        """The description without the "[solver]" marker."""
        return self.description.removeprefix(SOLVER_PREFIX).strip()

    def bounds_text(self) -> str:
        """The bounds in words, e.g. "above 0 and at most 1"; "" when there are none."""
        parts = []
        if self.min is not None:
            parts.append(f"{'above' if self.min_exclusive else 'at least'} {bound_text(self.min)}")
        if self.max is not None:
            parts.append(f"{'below' if self.max_exclusive else 'at most'} {bound_text(self.max)}")
        return " and ".join(parts)

    def interval(self) -> str:
        """The bounds as an interval, e.g. "(0, 1]"."""
        lo = "-inf" if self.min is None else bound_text(self.min)
        hi = "inf" if self.max is None else bound_text(self.max)
        return (f"{'(' if self.min_exclusive or self.min is None else '['}{lo}, "
                f"{hi}{')' if self.max_exclusive or self.max is None else ']'}")


@dataclass(frozen=True)
class TableSpec:
    name: str
    required_file: bool  # the file must exist
    needs_rows: bool  # a header-only file is an error
    key: tuple[str, ...]  # columns whose combination must be unique
    columns: tuple[ColumnSpec, ...]

    @property
    def required_columns(self) -> list[str]:
        return [c.column for c in self.columns if c.required]

    def column(self, name: str) -> ColumnSpec:
        for c in self.columns:
            if c.column == name:
                return c
        raise KeyError(name)


# name: (required file, needs rows, key columns). Order = order of sheets and tabs.
# Only scenario.toml, regions, staff_groups and workforce are required: every other table may be
# absent or header-only, and then means none (no routes, no travel links, no limit).
_TABLE_FACTS: dict[str, tuple[bool, bool, tuple[str, ...]]] = {
    "regions": (True, True, ("region",)),
    "links": (False, False, ("region_a", "region_b")),
    "staff_groups": (True, True, ("staff_group",)),
    "workforce": (True, True, ("region", "staff_group")),
    "committed_inflows": (False, False, ("region", "staff_group", "year")),
    "routes": (False, False, ("route",)),
    "providers": (False, False, ("provider",)),
    "provider_routes": (False, False, ("provider", "route", "year")),
    "placement_capacity": (False, False, ("region", "year")),
    "educator_capacity": (False, False, ("region", "year")),
    "international_capacity": (False, False, ("region", "year")),
    "recruitment_pool": (False, False, ("route", "region", "year")),
    "skill_mix": (False, False, ("covering_group", "covered_group", "modality")),
    "budget": (False, False, ("year",)),
    "baseline_starts": (False, False, ("provider", "region", "route", "year")),
    # routes is a set of route identifiers: validation compares it as one (order and spacing aside)
    "policy_shares": (False, False, ("staff_group", "routes", "year")),
    "retention": (False, False, ("scheme", "region", "year")),
    "demand": (False, False, ("region", "staff_group", "year")),
    "modalities": (False, False, ("modality",)),
    "activity": (False, False, ("region", "modality", "year")),
    "workload": (False, False, ("modality", "staff_group")),
    "graduate_destinations": (False, False, ("from_region", "to_region")),
    "regional_rates": (False, False, ("region", "staff_group")),
    "uncertainty": (False, False, ("parameter", "scope")),  # read only by `optimiser sweep`
    "areas": (False, False, ("area",)),  # the hierarchy above regions.parent: read only by roll-ups
}

# Tables of an actuals folder or workbook (optimiser monitor and replan), not of a scenario; the
# table `actuals` holds the settings of actuals.toml (the red/amber/green thresholds).
ACTUALS_TABLE_FACTS: dict[str, tuple[bool, bool, tuple[str, ...]]] = {
    "actual_in_post": (False, False, ("date", "region", "staff_group")),
    "actual_starts": (False, False, ("year", "provider", "route", "region")),
    "actual_recruits": (False, False, ("year", "route", "region")),
    "actual_retained": (False, False, ("year", "region", "staff_group")),
    "actual_spend": (False, False, ("year", "category")),
}


def _bound(text: str, strict_mark: str, where: str) -> tuple[float | None, bool]:
    """A `min` or `max` cell as (bound, exclusive): "" -> (None, False), ">0" -> (0.0, True)."""
    text = text.strip()
    exclusive = text.startswith(strict_mark)
    text = text.removeprefix(strict_mark).strip()
    if text == "":
        if exclusive:
            raise ValueError(f"{DICTIONARY_PATH.name}, {where}: '{strict_mark}' without a number")
        return None, False
    number = finite_number(text)
    if number is None:
        raise ValueError(f"{DICTIONARY_PATH.name}, {where}: bound {text!r} is not a number")
    return number, exclusive


@cache
def load_dictionary() -> tuple[dict[str, TableSpec], tuple[ColumnSpec, ...]]:
    """Return (table specs by name, scenario.toml key specs, every row of the dictionary)."""
    with DICTIONARY_PATH.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    specs = []
    for r in rows:
        where = f"{r['table']}.{r['column']}"
        lo, lo_strict = _bound(r["min"], ">", where)
        hi, hi_strict = _bound(r["max"], "<", where)
        specs.append(ColumnSpec(
            table=r["table"], column=r["column"], type=r["type"], unit=r["unit"],
            required=r["required"] == "yes", default=r["default"], min=lo, max=hi,
            description=r["description"], min_exclusive=lo_strict, max_exclusive=hi_strict,
        ))
    for s in specs:
        if s.default_column is not None and not any(
                o.table == s.table and o.column == s.default_column and o.numeric for o in specs):
            raise ValueError(f"{DICTIONARY_PATH.name}, {s.table}.{s.column}: default "
                             f"{s.default!r} is neither a number nor a numeric column of {s.table}")
    tables = {
        name: TableSpec(
            name=name,
            required_file=req,
            needs_rows=rows_needed,
            key=key,
            columns=tuple(s for s in specs if s.table == name),
        )
        for name, (req, rows_needed, key) in _TABLE_FACTS.items()
    }
    scenario_keys = tuple(s for s in specs if s.table == "scenario")
    return tables, scenario_keys, tuple(specs)


def table_specs() -> dict[str, TableSpec]:
    return load_dictionary()[0]


def actuals_specs() -> tuple[dict[str, TableSpec], tuple[ColumnSpec, ...]]:
    """The tables of an actuals folder (by name) and the settings of its actuals.toml."""
    every = load_dictionary()[2]
    tables = {name: TableSpec(name, req, rows_needed, key, tuple(s for s in every if s.table == name))
              for name, (req, rows_needed, key) in ACTUALS_TABLE_FACTS.items()}
    return tables, tuple(s for s in every if s.table == "actuals")


def scenario_key_specs() -> tuple[ColumnSpec, ...]:
    """The settings of scenario.toml, top-level keys and [solver] keys, in dictionary order."""
    return load_dictionary()[1]


def setting_spec(key: str) -> ColumnSpec:
    """One setting of scenario.toml by its key (without "solver.")."""
    for spec in scenario_key_specs():
        if spec.column == key:
            return spec
    raise KeyError(key)


def solver_keys() -> tuple[str, ...]:
    """The keys of scenario.toml's [solver] section."""
    return tuple(s.column for s in scenario_key_specs() if s.is_solver_setting)
