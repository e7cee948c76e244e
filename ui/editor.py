"""The Constraints page's editors: column settings from the data dictionary, text in and text out.

A scenario is text (RawScenario), exactly as typed. The editor shows a numeric column as numbers
when every cell in it is a number, so the planner gets number inputs with the dictionary's units
and limits; a column holding a non-number stays text, so a bad upload can be corrected in place.
Edited cells go back to text; unchanged cells keep their original text ("0.0450" stays so).
Numbers are read and written by the engine's one cell-text conversion (optimiser.finite_number,
numbers, cell_text), so the editor accepts exactly what validation accepts. The
editor's limits help the planner but are not trusted: every edit is validated again on the
server with `optimiser.validate_raw`.
"""

from __future__ import annotations

import math
import re

import pandas as pd
import streamlit as st

from optimiser import (
    ColumnSpec,
    RawScenario,
    TableSpec,
    cell_text,
    finite_number,
    numbers,
    scenario_key_specs,
    table_specs,
)

ROW_LABEL = "row"
FIRST_TABS = ("budget", "educator_capacity", "placement_capacity")
SETTINGS_TAB = "scenario settings"


def tab_order(raw: RawScenario) -> list[str]:
    """Budget, educator and placement tables first (what planners test most), then the settings, then the rest."""
    rest = [t for t in table_specs() if t not in FIRST_TABS]
    extra = [t for t in raw.tables if t not in table_specs()]
    return [*FIRST_TABS, SETTINGS_TAB, *rest, *extra]


def _is_number(text: str) -> bool:
    """Blank or a plain finite decimal, as validation reads it ("1_000" and "inf" are not)."""
    return text == "" or finite_number(text) is not None


def number_limits(spec: ColumnSpec) -> tuple[float | None, float | None]:
    """The lowest and highest value a number input offers for a column (None = no limit).

    An inclusive bound is offered as it is. A strict one (min ">0") cannot be: a number input's
    limits are inclusive, so it would offer the very value validation refuses. An integer column
    offers the next whole number inside instead; any other column no limit on that side."""
    def limit(bound: float | None, strict: bool, inward) -> float | None:
        if bound is None or not strict:
            return bound
        return float(inward(bound)) if spec.type == "integer" else None

    return (limit(spec.min, spec.min_exclusive, lambda b: math.floor(b) + 1),
            limit(spec.max, spec.max_exclusive, lambda b: math.ceil(b) - 1))


def _help(spec: ColumnSpec) -> str:
    parts = [spec.description]
    if spec.unit:
        parts.append(f"Unit: {spec.unit}.")
    if spec.bounds_text():
        parts.append(f"Allowed: {spec.bounds_text()}.")
    parts.append("Required." if spec.required else f"Optional (blank = {spec.default or 'none'}).")
    return " ".join(parts)


def _label(spec: ColumnSpec) -> str:
    return f"{spec.column} ({spec.unit})" if spec.unit else spec.column


def base_columns(table: str, df: pd.DataFrame | None) -> list[str]:
    """The table's columns: as loaded, or the dictionary's for a table the scenario lacks."""
    if df is not None:
        return list(df.columns)
    spec = table_specs().get(table)
    return [c.column for c in spec.columns] if spec else []


def editor_frame(table: str, text: pd.DataFrame | None) -> tuple[pd.DataFrame, set[str]]:
    """The frame the editor shows: indexed by spreadsheet row number (header = row 1).

    Returns the frame and the columns shown as numbers."""
    spec = table_specs().get(table)
    columns = base_columns(table, text)
    text = text if text is not None else pd.DataFrame(columns=columns, dtype=str)
    out = pd.DataFrame(index=pd.Index([int(i) + 2 for i in text.index], name=ROW_LABEL, dtype="int64"))
    numeric: set[str] = set()
    for col in columns:
        known = spec is not None and any(c.column == col for c in spec.columns)
        if known and spec.column(col).numeric and text[col].map(_is_number).all():
            out[col] = numbers(text[col]).astype("float64").to_numpy()
            numeric.add(col)
        else:
            out[col] = text[col].astype(str).to_numpy()
    return out, numeric


def column_config(spec: TableSpec | None, columns: list[str], numeric: set[str]) -> dict:
    """st.column_config for each column from the data dictionary: label with unit, help, limits."""
    config: dict = {"_index": st.column_config.NumberColumn(ROW_LABEL, disabled=True,
                                                            help="Row number in the file or sheet (header = row 1)")}
    for col in columns:
        cs = next((c for c in spec.columns if c.column == col), None) if spec else None
        if cs is None:
            config[col] = st.column_config.TextColumn(col, help="Not in the data dictionary: ignored by the model")
        elif col in numeric:
            lowest, highest = number_limits(cs)
            config[col] = st.column_config.NumberColumn(
                _label(cs), help=_help(cs), required=cs.required,
                min_value=lowest, max_value=highest,
                step=1 if cs.type == "integer" else None,
                format="%d" if cs.type == "integer" else None,
            )
        else:
            config[col] = st.column_config.TextColumn(_label(cs), help=_help(cs), required=cs.required)
    return config


def _cell_text(value, original: str | None, numeric: bool) -> str:
    """An edited cell as text; a number equal to the original keeps the original text ("0.0450")."""
    text = cell_text(value)
    if numeric and text != "" and original not in (None, ""):
        number = finite_number(text)
        if number is not None and number == finite_number(original):
            return original  # unchanged: keep the text as typed
    return text


def text_table(edited: pd.DataFrame, before: pd.DataFrame | None, numeric: set[str]) -> pd.DataFrame:
    """The editor's output as text, indexed like a loaded table (row number - 2).

    Added rows get the next free row numbers; rows left wholly blank are dropped (as when loading)."""
    rows = list(edited.index)
    used = {int(r) for r in rows if r is not None and not pd.isna(r)}
    next_row = max(used | {1}) + 1
    index, seen = [], set()
    for r in rows:
        if r is None or pd.isna(r) or int(r) in seen:
            r = next_row
            next_row += 1
        seen.add(int(r))
        index.append(int(r) - 2)
    out = pd.DataFrame(index=pd.Index(index), columns=list(edited.columns), dtype=object)
    for col in edited.columns:
        values = []
        for pos, value in enumerate(edited[col].tolist()):
            i = index[pos]
            original = None
            if before is not None and col in before.columns and i in before.index:
                original = before.at[i, col]
            values.append(_cell_text(value, original, col in numeric))
        out[col] = values
    out = out.astype(str)
    if out.empty:
        return out
    return out[(out != "").any(axis=1)]


# --- scenario settings (scenario.toml) as a key/value table -------------------------------------


SETTINGS_COLUMNS = ("setting", "value", "unit", "allowed", "meaning")


def settings_frame(config: dict) -> pd.DataFrame:
    """One row per setting of the data dictionary: key, value (as TOML holds it, in text), unit,
    allowed values (the dictionary's bounds in words) and meaning."""
    solver = config.get("solver", {})
    rows = []
    for s in scenario_key_specs():
        value = solver.get(s.column) if s.is_solver_setting else config.get(s.column)
        rows.append({"setting": s.column, "value": "" if value is None else str(value),
                     "unit": s.unit, "allowed": s.bounds_text(), "meaning": s.meaning})
    return pd.DataFrame(rows, columns=list(SETTINGS_COLUMNS))


_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")


def _typed_setting(text: str):
    """A setting as TOML would hold it: whole numbers as int, other numbers as float, true/false as
    booleans, else text.

    Not `workbook_number` (a table cell in a workbook): scenario.toml tells 1 from 1.0 and has
    booleans, so "1.0" stays a float as typed and "true" becomes a boolean. Numbers are read by
    `finite_number`, as table cells are: "1_000" or "inf" is text, not a number."""
    if finite_number(text) is not None:
        return int(text) if _WHOLE_NUMBER.fullmatch(text) else finite_number(text)
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    return text


def config_from_settings(edited: pd.DataFrame, before: dict) -> dict:
    """scenario.toml contents from the edited settings table; unchanged values keep their type."""
    solver_keys = {s.column for s in scenario_key_specs() if s.is_solver_setting}
    out = {k: v for k, v in before.items() if k != "solver"}
    solver = dict(before.get("solver", {}))
    for row in edited.itertuples(index=False):
        key = str(row.setting)
        text = cell_text(row.value)
        target = solver if key in solver_keys else out
        old = target.get(key)
        if text == "":
            target.pop(key, None)
        elif old is None or str(old) != text:
            target[key] = _typed_setting(text)
    if solver:
        out["solver"] = solver
    return out
