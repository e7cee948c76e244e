"""Cell text: one conversion between what a planner typed and numbers, and one guard against
text a spreadsheet would run as a formula.

A number as typed is a plain decimal: an optional sign, digits with an optional point and an
optional exponent ("1200", "-0.045", ".5", "1e-9"); no %, units, underscores or thousands
separators, and never infinite. `finite_number` reads one cell that way and `numbers` a whole
column; `number_text` and `cell_text` write numbers back as the shortest text that reads back
as the same number, whole numbers without ".0".

The formula guard, and where it applies. Text starting with = + - @ or a tab or carriage return
is run as a formula by a spreadsheet that opens it (CSV injection). `safe_text` puts an
apostrophe before such text (and before text that already looks guarded, so that `restore_text`
undoes it exactly). It is applied only where a spreadsheet reads the text:

- workbooks the engine writes (a scenario converted to .xlsx, plan.xlsx): reading a scenario
  workbook undoes the guard, so its cells round-trip to what was typed;
- run-output CSV files (projection.csv, starts.csv, ...), which planners open in Excel.

Scenario files (the CSV files and scenario.toml of a scenario folder) are data: they are
written exactly as typed and read exactly as written, so every other reader (pandas, R, a diff)
sees the text the planner typed and `optimiser convert` is a round trip for every cell.

A workbook holds a number in a numeric column when it shows the text typed exactly
(`workbook_number`): "1200" and "0.045" as numbers, "1.0" as the number 1 shown with one
decimal (`shown_number` reads it back as "1.0"); other spellings ("1e3", "007", "+5") and
numbers a workbook rounds (it keeps 16 significant digits) stay text.
"""

from __future__ import annotations

import math
import re
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


# A number format that shows a fixed count of decimals ("0.0", "0.000"): the only formats that
# change how a number reads back, and only when the decimals show its value exactly.
_DECIMALS_FORMAT = re.compile(r"0\.(0+)")
_PLAIN_DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)\.([0-9]+)")


def _as_stored(number: float) -> int | float:
    """The number a workbook cell holds after writing `number` (xlsxwriter keeps 16 significant
    digits) and reading it back (openpyxl: int unless the stored text has a point or exponent)."""
    stored = f"{number:.16G}"
    return float(stored) if any(c in stored for c in ".Ee") else int(stored)


def shown_number(value: int | float, number_format: str | None) -> str:
    """A workbook's number as the text a planner typed: its `cell_text`, or, for a number shown
    with a fixed count of decimals that state it exactly, that text ("1.0" for 1 shown as 0.0)."""
    match = _DECIMALS_FORMAT.fullmatch(number_format or "")
    if match:
        text = f"{value:.{len(match.group(1))}f}"
        if finite_number(text) == value:
            return text
    return cell_text(value)


def workbook_number(text: str) -> tuple[int | float, str | None] | None:
    """How a workbook holds the numeric cell `text` so that reading it back gives `text` again:
    (number, number format or None), or None when only text can (then it is written as text)."""
    number = finite_number(text)
    if number is None:
        return None
    stored = _as_stored(int(number) if number == int(number) and abs(number) < 2**53 else number)
    if cell_text(stored) == text:
        return stored, None
    decimals = _PLAIN_DECIMAL.fullmatch(text)
    if decimals:
        fmt = "0." + "0" * len(decimals.group(2))
        if shown_number(stored, fmt) == text:
            return stored, fmt
    return None
