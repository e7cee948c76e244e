"""Reading one scenario file or sheet as text, within limits, with every problem an Issue.

A table is read from a CSV file or a worksheet; the settings from scenario.toml or the
'scenario' sheet. Whatever a file holds, the answer is its cells as text or an Issue that names
the file and what to do: a folder where a file should be, a file this user may not read, bytes
that are not UTF-8, a header naming a column twice, more rows or columns than a scenario has.

Limits (documented in docs/architecture.md, "Input limits"): a table holds at most
MAX_TABLE_ROWS rows and MAX_COLUMNS columns, a CSV file at most MAX_FILE_BYTES, scenario.toml at
most MAX_SETTINGS_BYTES. They are checked before a file is parsed, so a small upload cannot make
the reader build an enormous frame. The largest national table has ~20,000 rows.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
import warnings
from collections import Counter
from pathlib import Path

import pandas as pd

from optimiser.basics.cells import cell_text, restore_text, shown_number
from optimiser.basics.issues import Issue

MAX_TABLE_ROWS = 200_000
MAX_COLUMNS = 100  # a table of the data dictionary has at most 10
MAX_FILE_BYTES = 200 * 1024 * 1024  # as much as an upload may unpack to (basics/zips.py)
MAX_SETTINGS_BYTES = 1024 * 1024
MAX_SETTINGS_ROWS = 1_000  # the 'scenario' sheet: one row per setting (about 20)
_HEADER_BYTES = 64 * 1024  # a header row longer than this is not a scenario table's

CSV_FIX = "save it as comma-separated UTF-8 text with the same number of cells on every row"


class Unreadable(Exception):
    """A file or sheet that cannot be read: `message` completes "<file>: ...", `fix` says what to do."""

    def __init__(self, message: str, fix: str, rule: str = "check_files"):
        super().__init__(message)
        self.message, self.fix, self.rule = message, fix, rule


def problem(where: str, exc: Unreadable) -> Issue:
    return Issue("error", exc.rule, where, exc.message, exc.fix)


def file_bytes(file: Path, limit: int) -> bytes:
    """The bytes of a file that should be there, or Unreadable saying why they cannot be had."""
    try:
        if file.is_dir():
            raise Unreadable("is a folder, not a file",
                             f"remove or rename the folder {file.name}: the scenario expects a file there")
        if not file.is_file():
            raise Unreadable("is not a regular file", f"replace {file.name} with an ordinary file")
        size = file.stat().st_size
        if size > limit:
            raise Unreadable(f"is {size / 2**20:,.0f} MB; at most {limit / 2**20:,.0f} MB is read",
                             "remove rows or columns that the scenario does not need")
        return file.read_bytes()
    except PermissionError:
        raise Unreadable("cannot be read: permission denied",
                         f"give your user permission to read {file.name}, or copy the scenario to a "
                         "folder you own") from None
    except OSError as exc:
        raise Unreadable(f"cannot be read: {exc.strerror or exc}", "check the file, or save it again") from None


def duplicated(names: list[str]) -> list[str]:
    """Column names given more than once, in order."""
    return [name for name, n in Counter(names).items() if n > 1]


def _column_names(cells: list[str]) -> list[str]:
    """Header cells trimmed; a blank one named as pandas names it, so it can never repeat."""
    return [c.strip() or f"Unnamed: {i}" for i, c in enumerate(cells)]


def _check_header(names: list[str]) -> None:
    if len(names) > MAX_COLUMNS:
        raise Unreadable(f"has {len(names)} columns; a scenario table has at most {MAX_COLUMNS}",
                         "keep the columns of the data dictionary (and a few of your own)")
    twice = duplicated(names)
    if twice:
        raise Unreadable(f"names column{'s' if len(twice) > 1 else ''} {', '.join(map(repr, twice))} "
                         "more than once in its header: it is unclear which is meant",
                         "delete or rename the repeated column")


def _too_many_rows(rows: int) -> Unreadable:
    return Unreadable(f"has {rows:,} rows or more; at most {MAX_TABLE_ROWS:,} are read",
                      "split the scenario, or remove rows it does not need (blank rows below the data "
                      "count too)")


def _csv_header(data: bytes) -> list[str]:
    """The first record of a CSV file, parsed on its own (pandas renames a repeated name)."""
    head = data[:_HEADER_BYTES]
    if len(data) > _HEADER_BYTES and b"\n" not in head and b"\r" not in head:
        raise Unreadable(f"has a header row longer than {_HEADER_BYTES // 1024} kB",
                         "the first line names the columns (see the data dictionary)")
    try:
        data.decode("utf-8-sig")  # the whole file, strictly, before any of it is believed
    except UnicodeDecodeError as exc:
        raise Unreadable(f"is not UTF-8 text (byte {exc.start} cannot be read)",
                         "save it as CSV UTF-8 (in Excel: File > Save As > CSV UTF-8)") from None
    text = head.decode("utf-8-sig", errors="ignore")  # a character cut at the 64 kB edge
    try:
        first = next(csv.reader(io.StringIO(text, newline="")), [])
    except csv.Error as exc:
        raise Unreadable(f"cannot be read as CSV: {exc}", CSV_FIX) from None
    if not any(c.strip() for c in first):
        raise Unreadable("file is empty" if not text.strip() else "its first line is blank",
                         "add a header row naming the columns (see the data dictionary)")
    return first


def read_csv_table(file: Path) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """A CSV table's cells as text (trimmed, exactly as typed otherwise), blank rows dropped, the
    index each row's place in the file (row = index + 2); and (message, fix) warnings."""
    data = file_bytes(file, MAX_FILE_BYTES)
    lines = max(data.count(b"\n"), data.count(b"\r")) + (1 if data and not data.endswith((b"\n", b"\r")) else 0)
    if lines - 1 > MAX_TABLE_ROWS:
        raise _too_many_rows(lines - 1)
    header = _csv_header(data)
    names = _column_names(header)
    _check_header(names)
    warned = []
    try:
        # index_col=False: a trailing comma must not turn the first column into an index;
        # blank lines are kept while reading so row numbers match the file.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", pd.errors.ParserWarning)
            df = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig",
                             index_col=False, skip_blank_lines=False)
    except pd.errors.EmptyDataError:
        raise Unreadable("file is empty", "add a header row naming the columns (see the data dictionary)") from None
    except UnicodeDecodeError as exc:
        raise Unreadable(f"is not UTF-8 text (byte {exc.start} cannot be read)",
                         "save it as CSV UTF-8 (in Excel: File > Save As > CSV UTF-8)") from None
    except (pd.errors.ParserError, ValueError, csv.Error) as exc:
        raise Unreadable(f"cannot be read as CSV: {exc}", CSV_FIX) from None
    if any(issubclass(w.category, pd.errors.ParserWarning) for w in caught):
        warned.append(("some rows have more cells than the header; the extra cells are ignored",
                       "remove trailing commas or add a header for the extra column"))
    if len(df.columns) != len(names):  # the two readers disagree on the header: trust neither
        raise Unreadable("has a header row that cannot be read as CSV", CSV_FIX)
    df.columns = names
    return drop_blank_rows(trimmed(df)), warned


def trimmed(df: pd.DataFrame, restore=None) -> pd.DataFrame:
    """Every cell as text without surrounding blanks (and, for a workbook, without the formula
    guard: `restore`); the index is kept."""
    out = {}
    for i, c in enumerate(df.columns):
        column = df.iloc[:, i].fillna("").astype(str).str.strip()
        out[c] = column.map(restore).astype(str) if restore is not None else column
    return pd.DataFrame(out, index=df.index, columns=list(df.columns))


def drop_blank_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Blank lines carry no data; the index keeps each row's position in the file (row = index + 2)."""
    return df[(df != "").any(axis=1)] if len(df.columns) else df


def trimmed_settings(config: dict, depth: int = 0) -> dict:
    """Settings with text values trimmed, as cells are (and as the 'scenario' sheet is read):
    top-level keys and those of a section ([solver])."""
    return {k: trimmed_settings(v, depth + 1) if isinstance(v, dict) and depth == 0
            else v.strip() if isinstance(v, str) else v for k, v in config.items()}


def read_settings_file(file: Path) -> dict:
    """scenario.toml as a dict, text values trimmed."""
    data = file_bytes(file, MAX_SETTINGS_BYTES)
    fix = 'write one key = value per line, text in double quotes, e.g. name = "My plan"'
    try:
        return trimmed_settings(tomllib.loads(data.decode("utf-8-sig")))
    except UnicodeDecodeError as exc:
        raise Unreadable(f"is not UTF-8 text (byte {exc.start} cannot be read)", fix, "check_config") from None
    except (tomllib.TOMLDecodeError, RecursionError, ValueError) as exc:
        raise Unreadable(f"is not valid TOML: {exc}", fix, "check_config") from None


# --- workbooks -------------------------------------------------------------------------------

# OOXML escapes: _xHHHH_ is the character HHHH; _x005F before an escape-like text makes it literal.
_OOXML_ESCAPE = re.compile(r"_x005[Ff](_x[0-9A-Fa-f]{4}_)|_x([0-9A-Fa-f]{4})_")


def unescape(text: str) -> str:
    """One text run's OOXML escapes undone, left to right, as Excel reads them ("_x000D_" is a
    carriage return, "_x005F_x000D_" the literal text "_x000D_"); openpyxl leaves them in."""
    if "_x" not in text:
        return text

    def char(match: re.Match) -> str:
        if match.group(1) is not None:
            return match.group(1)
        code = int(match.group(2), 16)
        return match.group(0) if 0xD800 <= code <= 0xDFFF else chr(code)

    return _OOXML_ESCAPE.sub(char, text)


def shared_strings(source) -> list[str]:
    """The shared-string table of a workbook, each string as Excel reads it (rich-text runs
    joined, phonetic guides left out, OOXML escapes undone)."""
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    si, t, r = (f"{{{SHEET_MAIN_NS}}}{tag}" for tag in ("si", "t", "r"))
    strings = []
    for _, node in iterparse(source):
        if node.tag == si:  # each run unescaped on its own: an escape never spans two runs
            parts = [child.text or "" for child in node if child.tag == t]
            parts += [run_text.text or "" for run in node if run.tag == r for run_text in run if run_text.tag == t]
            strings.append("".join(unescape(part) for part in parts))
            node.clear()
    return strings


def open_workbook(path: Path):
    """The workbook, read-only, with its shared strings read exactly (see `shared_strings`)."""
    from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader

    class ExactStrings(ExcelReader):
        def read_strings(self):
            found = self.package.find(SHARED_STRINGS)
            if found is not None:
                with self.archive.open(found.PartName[1:]) as src:
                    self.shared_strings = shared_strings(src)

    reader = ExactStrings(path, read_only=True, data_only=True)
    reader.read()
    return reader.wb


def cell_value_text(cell) -> str:
    """A workbook cell as the text a planner typed: numbers by `shown_number`, text trimmed."""
    value = cell.value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return shown_number(value, getattr(cell, "number_format", None))
    return cell_text(value)


def read_sheet_table(ws) -> pd.DataFrame:
    """A worksheet's table as text (the formula guard undone), blank rows dropped; the index is
    each row's place in the sheet (row = index + 2)."""
    first = next(ws.iter_rows(min_row=1, max_row=1, max_col=MAX_COLUMNS + 1), ())
    header = [restore_text(cell_value_text(c)) for c in first]
    while header and header[-1] == "":
        header.pop()
    if not header:
        if any(any(v is not None and str(v).strip() for v in row)
               for row in ws.iter_rows(min_row=2, max_row=MAX_TABLE_ROWS + 1, max_col=MAX_COLUMNS, values_only=True)):
            raise Unreadable("its first row is blank", "put the column names in row 1 (see the data dictionary)")
        raise Unreadable("sheet is empty", "add a header row naming the columns (see the data dictionary)")
    names = _column_names(header)
    _check_header(names)
    body = []
    for n, row in enumerate(ws.iter_rows(min_row=2, max_col=len(names)), start=1):
        if n > MAX_TABLE_ROWS:
            raise _too_many_rows(n)
        cells = [cell_value_text(c) for c in row[: len(names)]]
        body.append(cells + [""] * (len(names) - len(cells)))
    df = pd.DataFrame(body, columns=names, dtype=object)
    return drop_blank_rows(trimmed(df, restore_text))


def settings_rows(ws) -> list[tuple[str, object]]:
    """The 'scenario' sheet's (key, value) rows below its header: blank keys and blank values
    skipped, the formula guard undone, a whole number shown with decimals read as a float."""
    rows = []
    for n, row in enumerate(ws.iter_rows(min_row=2, max_col=2), start=1):
        if n > MAX_SETTINGS_ROWS:
            raise Unreadable(f"has more than {MAX_SETTINGS_ROWS:,} rows; a scenario has about 20 settings",
                             "keep one row per setting (key, value)")
        if not row or row[0].value is None:
            continue
        key = restore_text(cell_text(row[0].value))
        value = row[1].value if len(row) > 1 else None
        if key == "" or value is None:
            continue
        if isinstance(value, str):
            value = restore_text(value.strip())
            if value == "":
                continue
        elif isinstance(value, int) and not isinstance(value, bool) and "." in shown_number(value, row[1].number_format):
            value = float(value)  # 1.0 written as 1 shown as "1.0": the float it was
        elif not isinstance(value, bool | int | float):
            value = cell_text(value)  # a date or time: as text (settings hold none)
        rows.append((key, value))
    return rows
