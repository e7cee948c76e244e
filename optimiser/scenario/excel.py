"""What a workbook holds exactly: Excel's limits, its escaping, and settings by type.

A cell holds at most EXCEL_CELL_CHARS characters as Excel counts them (UTF-16 units: an emoji is
two) and a sheet EXCEL_ROWS rows: `workbook_problems` names every cell that would be cut, so the
writer refuses instead of cutting. `write_text` writes text so that it reads back exactly (the
writer's own escaping is ambiguous for two rare shapes of text); `write_setting` writes a
setting so that it reads back with its type (1.0 stays a float). The formula guard and numbers
shown as typed: basics/cells.py.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from optimiser.basics.cells import cell_text, safe_text
from optimiser.basics.issues import Issue

if TYPE_CHECKING:
    from optimiser.scenario.io import RawScenario

SCENARIO_SHEET = "scenario"  # the settings' sheet of a scenario workbook


def config_rows(config: dict) -> list[tuple[str, object]]:
    """scenario.toml as key/value rows in its own order, the [solver] keys last, prefixed 'solver.'
    (so that a workbook lists the settings as the file does, and converting back keeps the order)."""
    solver = config.get("solver", {})
    rows = [(k, v) for k, v in config.items() if not (k == "solver" and isinstance(v, dict))]
    if isinstance(solver, dict):
        rows += [(f"solver.{k}", v) for k, v in solver.items()]
    return rows


def cell_issue(raw: RawScenario, name: str, index, column: str, message: str, fix: str, text: str) -> Issue:
    row = int(index) + 2 if isinstance(index, int | float) else None
    shown = text if len(text) <= 40 else text[:40] + "..."
    return Issue("error", "check_files", raw.where(name), message, fix, row=row, column=column,
                 value=shown, key=raw.row_key(name, row) if row is not None else None)


# What one sheet of a workbook holds (Excel's specification): longer text is cut without a word.
# Excel counts a cell's characters in UTF-16 units: a character beyond U+FFFF (an emoji) is two.
EXCEL_CELL_CHARS = 32_767
EXCEL_ROWS = 1_048_576
EXCEL_COLUMNS = 16_384


def excel_length(text: str) -> int:
    """Characters as a workbook counts them (UTF-16 units)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


UNSTORABLE = ("holds a control character (an invisible one, often pasted in) where a workbook cannot "
              "store it exactly")
UNSTORABLE_FIX = "delete the invisible character, or keep the scenario as a folder of CSV files"


def workbook_problems(raw: RawScenario) -> list[Issue]:
    """What a workbook cannot hold exactly, each naming its table, row and column: text longer
    than a cell holds (the formula guard's apostrophe counts), text the writer cannot store
    exactly (`unstorable`), more rows or columns than a sheet has."""
    limit = EXCEL_CELL_CHARS
    fix = (f"shorten the text to at most {limit:,} characters (keep long notes in a document of "
           "their own), or keep the scenario as a folder of CSV files")
    issues = []
    for key, value in config_rows(raw.config):
        for column, text in (("key", str(key)), ("value", value)):
            if isinstance(text, str) and unstorable(safe_text(text)):
                issues.append(Issue("error", "check_files", raw.where(SCENARIO_SHEET), UNSTORABLE, UNSTORABLE_FIX,
                                    column=str(key) if column == "value" else None, value=text[:40]))
            if isinstance(text, str) and excel_length(safe_text(text)) > limit:
                issues.append(Issue("error", "check_files", raw.where(SCENARIO_SHEET),
                                    f"setting holds {excel_length(text):,} characters; a workbook cell holds at "
                                    f"most {limit:,}", fix, column=str(key) if column == "value" else None,
                                    value=text[:40] + "..."))
    for name, df in raw.tables.items():
        where = raw.where(name)
        if len(df) + 1 > EXCEL_ROWS or len(df.columns) > EXCEL_COLUMNS:
            issues.append(Issue("error", "check_files", where,
                                f"has {len(df):,} rows and {len(df.columns):,} columns; a sheet holds at most "
                                f"{EXCEL_ROWS - 1:,} rows below its header and {EXCEL_COLUMNS:,} columns",
                                "keep the scenario as a folder of CSV files"))
            continue
        for i, col in enumerate(df.columns):
            if excel_length(safe_text(str(col))) > limit:
                issues.append(cell_issue(raw, name, None, str(col)[:40], f"column name holds "
                                          f"{excel_length(str(col)):,} characters; a workbook cell holds at most "
                                          f"{limit:,}", fix, str(col)))
            cells = df.iloc[:, i].astype(str)
            for index, text in cells[cells.str.len() > limit // 2 - 1].items():  # a character is 1 or 2 units
                if excel_length(safe_text(text)) > limit:
                    issues.append(cell_issue(raw, name, index, str(col),
                                              f"cell holds {excel_length(text):,} characters; a workbook cell holds "
                                              f"at most {limit:,} (a longer one would be cut)", fix, text))
            for index, text in cells[cells.str.contains(f"[{_ESCAPED}]", regex=True)].items():
                if unstorable(safe_text(text)):
                    issues.append(cell_issue(raw, name, index, str(col), UNSTORABLE, UNSTORABLE_FIX, text))
            if unstorable(safe_text(str(col))):
                issues.append(cell_issue(raw, name, None, str(col), UNSTORABLE, UNSTORABLE_FIX, str(col)))
    return issues


# Text the workbook writer (xlsxwriter) cannot store exactly: it escapes control characters as
# "_xHHHH_" but leaves "_x0041" before one unmarked ("_x0041\x01" would read back "A_x0001_"),
# and it writes text starting "<r>" and ending "</r>" as raw rich-text XML, which is therefore
# written as two rich-text runs, where a control character would be escaped twice.
_ESCAPED = "\x00-\x08\x0b-\x1f\ufffe\uffff"
_ESCAPE_CLASH = re.compile(f"_x[0-9A-Fa-f]{{4}}[{_ESCAPED}]")
_RICH_LOOKALIKE = re.compile(f"^<r>.*[{_ESCAPED}].*</r>$", re.DOTALL)


def unstorable(text: str) -> bool:
    """Whether a workbook written here would read `text` back as something else."""
    return bool(_ESCAPE_CLASH.search(text) or _RICH_LOOKALIKE.match(text))


def _text_runs(text: str) -> list[str]:
    """Text starting "<r>" and ending "</r>" as two runs (else the writer takes it for markup)."""
    return [text[:1], text[1:]] if text.startswith("<r>") and text.endswith("</r>") else [text]


def write_text(ws, row: int, col: int, text: str, plain, cell_format=None) -> int:
    """Write `text` so that reading it back gives it exactly (one string, or rich-text runs)."""
    pieces = _text_runs(text)
    if len(pieces) == 1:
        return ws.write_string(row, col, text, cell_format)
    tokens: list = [pieces[0]]
    for piece in pieces[1:]:
        tokens += [plain, piece]
    return ws.write_rich_string(row, col, *tokens, *([cell_format] if cell_format else []))


def write_setting(ws, row: int, value, number_format, plain) -> None:
    """A setting's value so that reading it back gives the same value and type: a whole float
    shown with one decimal (1.0); a number a cell would change (17 digits, -0.0, an int it would
    hold as a float) as its text, which a numeric setting reads back as the number; text guarded."""
    if isinstance(value, bool):
        ws.write_boolean(row, 1, value)
    elif isinstance(value, int):
        if f"{value:.16G}" == str(value):
            ws.write_number(row, 1, value)
        else:
            write_text(ws, row, 1, safe_text(str(value)), plain)
    elif isinstance(value, float) and math.isfinite(value):
        stored = f"{value:.16G}"
        if float(stored) != value or (value == 0 and math.copysign(1.0, value) < 0):
            write_text(ws, row, 1, safe_text(repr(value)), plain)
        elif not any(c in stored for c in ".Ee"):
            ws.write_number(row, 1, value, number_format("0.0"))
        else:
            ws.write_number(row, 1, value)
    else:  # text, or a value a workbook cannot hold (inf, a date): as typed
        write_text(ws, row, 1, safe_text(value if isinstance(value, str) else cell_text(value)), plain)
