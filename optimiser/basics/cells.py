"""Cell text: one conversion between what a planner typed and numbers, and one guard against
text a spreadsheet would run as a formula.

A number as typed is a plain decimal: an optional sign, digits with an optional point and an
optional exponent ("1200", "-0.045", ".5", "1e-9"); no %, units, underscores or thousands
separators, and never infinite. `finite_number` reads one cell that way and `numbers` a whole
column; `number_text` and `cell_text` write numbers back as the shortest text that reads back
as the same number, whole numbers without ".0".

Where the guard applies: every file meant for a spreadsheet (run outputs, workbooks, scenario
files written by `convert`). Reading a scenario undoes it (`restore_text`), so a guarded cell
round-trips to what was typed.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np
import pandas as pd

from optimiser.basics.plain_numbers import finite_number

# Leading characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"  # what a spreadsheet itself puts before text that must not be read as a formula



def _needs_guard(text: str) -> bool:
    """Formula-like text, or text that would look guarded: apostrophes then a formula prefix."""
    return text.lstrip(GUARD).startswith(FORMULA_PREFIXES)


def safe_text(value):
    """Neutralise text a spreadsheet would run as a formula (`restore_text` undoes it exactly)."""
    if isinstance(value, str) and _needs_guard(value):
        return GUARD + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(safe_text)
    return out


def restore_text(text: str) -> str:
    """Undo `safe_text`: the apostrophe guarding a formula-like cell is not data."""
    if text.startswith(GUARD) and _needs_guard(text):
        return text[1:]
    return text


def numbers(column: pd.Series) -> pd.Series:
    """A column of cell text as numbers: NaN where a cell is blank or not a number (infinite
    values stay infinite, for the caller to refuse). Agrees with `finite_number` on finite values."""
    return pd.to_numeric(column, errors="coerce")


def number_text(value: float) -> str:
    """A number as the shortest text that reads back as the same number: 30, 0.045, 1e-09."""
    value = float(value)
    if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def cell_text(value) -> str:
    """Any cell (a workbook's, a frame's) as the text a planner would have typed into a CSV file:
    blanks and NaN as "", true/false, numbers by `number_text`, dates in ISO form."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, Integral):
        return str(int(value))
    if isinstance(value, Real):
        return "" if math.isnan(value) else number_text(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def typed_cell(text: str, numeric: bool):
    """A cell's text as a workbook should hold it: None when blank; in a numeric column, a
    number when the text is one (whole numbers as int unless written with an exponent); else text."""
    if text == "":
        return None
    if not numeric:
        return text
    number = finite_number(text)
    if number is None:
        return text
    if number == int(number) and "e" not in text.lower():
        return int(number)
    return number
