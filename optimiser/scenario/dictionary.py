"""The data dictionary: the single source of every table's columns, types, units and limits.

`inputs/data_dictionary.csv` drives the validation schemas, the converter, the docs and the
web app's column settings. Table-level facts (which files are required, which columns form a
table's key) live here beside it, because they are structural rather than per column.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

# INPUTS_DIR and DEFAULT_SCENARIO_DIR are re-exported for modules that still import them from here
from optimiser.basics.locations import DEFAULT_SCENARIO_DIR, DICTIONARY_PATH, INPUTS_DIR  # noqa: F401

NUMERIC_TYPES = {"integer", "number", "rate"}


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

    @property
    def numeric(self) -> bool:
        return self.type in NUMERIC_TYPES


@dataclass(frozen=True)
class TableSpec:
    name: str
    required_file: bool  # the file must exist
    needs_rows: bool  # a header-only file is an error
    key: tuple[str, ...]  # columns whose combination must be unique
    columns: tuple[ColumnSpec, ...]

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @property
    def required_columns(self) -> list[str]:
        return [c.column for c in self.columns if c.required]

    def column(self, name: str) -> ColumnSpec:
        for c in self.columns:
            if c.column == name:
                return c
        raise KeyError(name)


# name: (required file, needs rows, key columns). Order = order of sheets and tabs.
_TABLE_FACTS: dict[str, tuple[bool, bool, tuple[str, ...]]] = {
    "regions": (True, True, ("region",)),
    "links": (True, False, ("region_a", "region_b")),
    "staff_groups": (True, True, ("staff_group",)),
    "workforce": (True, True, ("region", "staff_group")),
    "committed_inflows": (False, False, ("region", "staff_group", "year")),
    "routes": (True, False, ("route",)),
    "providers": (True, False, ("provider",)),
    "provider_routes": (True, False, ("provider", "route", "year")),
    "placement_capacity": (False, False, ("region", "year")),
    "educator_capacity": (False, False, ("region", "year")),
    "international_capacity": (False, False, ("region", "year")),
    "skill_mix": (False, False, ("covering_group", "covered_group")),
    "budget": (False, False, ("year",)),
    "baseline_starts": (False, False, ("provider", "region", "route", "year")),
    "demand": (False, False, ("region", "staff_group", "year")),
    "graduate_destinations": (False, False, ("from_region", "to_region")),
    "regional_rates": (False, False, ("region", "staff_group")),
    "uncertainty": (False, False, ("parameter", "scope")),  # read only by `optimiser sweep`
}


def _num(text: str) -> float | None:
    return float(text) if text.strip() else None


@cache
def load_dictionary() -> tuple[dict[str, TableSpec], tuple[ColumnSpec, ...]]:
    """Return (table specs by name, scenario.toml key specs)."""
    with DICTIONARY_PATH.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    specs = [
        ColumnSpec(
            table=r["table"],
            column=r["column"],
            type=r["type"],
            unit=r["unit"],
            required=r["required"] == "yes",
            default=r["default"],
            min=_num(r["min"]),
            max=_num(r["max"]),
            description=r["description"],
        )
        for r in rows
    ]
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
    return tables, scenario_keys


def table_specs() -> dict[str, TableSpec]:
    return load_dictionary()[0]


def scenario_key_specs() -> tuple[ColumnSpec, ...]:
    return load_dictionary()[1]


SOLVER_KEYS = ("time_limit_s", "mip_rel_gap")
