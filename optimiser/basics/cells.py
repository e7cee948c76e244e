"""Cell text: one conversion between what a planner typed and numbers, and one guard against
text a spreadsheet would run as a formula.

Where the guard applies: every file meant for a spreadsheet (run outputs, workbooks, scenario
files written by `convert`). Reading a scenario undoes it (`restore_text`), so a guarded cell
round-trips to what was typed.
"""

from __future__ import annotations

import math

import pandas as pd

# Leading characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value):
    """Neutralise text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(safe_text)
    return out


def restore_text(text: str) -> str:
    """Undo `safe_text`: an apostrophe guarding a formula-like cell is not data."""
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_PREFIXES:
        return text[1:]
    return text



def cell_text(value) -> str:
    """A workbook cell as the text a planner would have typed into a CSV file."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def typed_cell(text: str, numeric: bool):
    if not numeric or text == "":
        return text if text != "" else None
    try:
        number = float(text)
    except ValueError:
        return text
    if math.isfinite(number) and number == int(number) and "e" not in text.lower():
        return int(number)
    return number
