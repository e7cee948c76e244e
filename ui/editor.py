"""The Constraints page's editors: column settings from the data dictionary, text in and text out.

A scenario is text (RawScenario), exactly as typed. The editor shows a numeric column as numbers
when every cell in it is a number, so the planner gets number inputs in the column's unit with the
dictionary's allowed values in the heading's help; a column holding a non-number stays text, so a
bad upload can be corrected in place. Edited cells go back to text; unchanged cells keep their
original text ("0.0450" stays so). Numbers are read and written by the engine's one cell-text
conversion (optimiser.finite_number, numbers, cell_text), so the editor accepts exactly what
validation accepts. The grid enforces no limits (it would change values silently); every edit is
checked on the server, and a cell that breaks the dictionary is refused (ui/exact.py).
"""

from __future__ import annotations

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


def number_format(spec: ColumnSpec) -> str:
    """How a number column shows its values: years as years (no separator, no decimals), money
    in pounds with thousands separators, everything else in the reader's locale (1,234.5)."""
    if spec.unit == "year":
        return "%d"
    if spec.unit.startswith("GBP"):
        return "£%,.0f"
    return "localized"


def column_width(label: str, values: pd.Series | None = None) -> int:
    """Pixels enough for the heading and the widest value formatted (3580 weeks must show 3580)."""
    widest = 0
    if values is not None and len(values):
        widest = max(len(f"{v:,.0f}") + 3 if isinstance(v, float) and v == v else len(str(v)) for v in values)
    return int(max(90, min(320, 8 * max(len(label), widest) + 36)))


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


def column_config(spec: TableSpec | None, columns: list[str], numeric: set[str],
                  frame: pd.DataFrame | None = None) -> dict:
    """st.column_config for each column from the data dictionary: label with unit, help with the
    allowed values, a format in the column's unit and a width that fits `frame`'s values."""
    config: dict = {"_index": st.column_config.NumberColumn(ROW_LABEL, disabled=True,
                                                            help="Row number in the file or sheet (header = row 1)")}
    for col in columns:
        cs = next((c for c in spec.columns if c.column == col), None) if spec else None
        if cs is None:
            config[col] = st.column_config.TextColumn(col, help="Not in the data dictionary: ignored by the model")
        elif col in numeric:
            # No min_value, max_value or step: the grid would drop a minus sign, clamp to the
            # maximum or round to the step without a word (ui/exact.py refuses bad values instead).
            config[col] = st.column_config.NumberColumn(
                _label(cs), help=_help(cs), required=cs.required, format=number_format(cs),
                width=column_width(_label(cs), None if frame is None else frame[col]),
            )
        else:
            config[col] = st.column_config.TextColumn(
                _label(cs), help=_help(cs), required=cs.required,
                width=column_width(_label(cs), None if frame is None else frame[col]))
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
