"""Reading and writing scenarios: a folder of CSV files plus scenario.toml, or one workbook.

Everything is read as text first, so that validation can report the exact cell a planner
typed, and so that `convert` is lossless: scenario CSV files and scenario.toml hold exactly what
was typed; a workbook guards formula-like text and shows numbers as typed (basics/cells.py), and
reading it back undoes both. Reading never raises for what a file holds (reading.py: every
problem is an Issue). Writes go to a temporary sibling and are moved into place only when
complete: a failure never leaves a half-written scenario; a scenario that a file cannot hold
(a cell longer than a workbook cell) is refused before anything is written.
"""

from __future__ import annotations

import math
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import tomli_w

from optimiser.basics.cells import cell_text, finite_number, safe_text, workbook_number
from optimiser.basics.files import atomic_path
from optimiser.basics.issues import Issue, ScenarioError, ValidationReport
from optimiser.basics.zips import zip_problem
from optimiser.scenario.dictionary import scenario_key_specs, solver_keys, table_specs
from optimiser.scenario.reading import (
    Unreadable,
    open_workbook,
    problem,
    read_csv_table,
    read_settings_file,
    read_sheet_table,
    settings_rows,
)

SCENARIO_FILE = "scenario.toml"
SCENARIO_SHEET = "scenario"
WORKBOOK = "an .xlsx workbook"


@dataclass
class RawScenario:
    """A scenario as typed by its author: every cell a string ('' when blank)."""

    source: str
    form: str  # "folder" | "workbook"
    config: dict = field(default_factory=dict)  # top-level keys plus a "solver" dict
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    load_issues: list[Issue] = field(default_factory=list)

    def where(self, table: str) -> str:
        if table == SCENARIO_SHEET:
            return SCENARIO_FILE if self.form == "folder" else f"{Path(self.source).name} [scenario]"
        return f"{table}.csv" if self.form == "folder" else f"{Path(self.source).name} [{table}]"

    def row_key(self, table: str, row: int) -> str | None:
        """The table's key cells in spreadsheet row `row` (header = 1) as typed, e.g.
        "provider=uni_west, route=ug_radiography": blank key cells (a year that means every
        year) are left out, unless every key cell is blank ("year=(blank)")."""
        return self.row_keys(table).get(row)

    def row_keys(self, table: str) -> dict[int, str]:
        """`row_key` of every row of `table` at once, keyed by spreadsheet row (one pass)."""
        df, spec = self.tables.get(table), table_specs().get(table)
        if df is None or spec is None:
            return {}
        key = [c for c in spec.key if c in df.columns]
        if not key:
            return {}
        columns = [df[c].tolist() for c in key]
        out = {}
        for i, cells in zip(df.index.tolist(), zip(*columns, strict=True), strict=True):
            filled = [(c, v) for c, v in zip(key, cells, strict=True) if v != ""] or [(c, "(blank)") for c in key]
            out[int(i) + 2] = ", ".join(f"{c}={v}" for c, v in filled)
        return out


def load_raw(path: str | Path) -> RawScenario:
    """Read a scenario folder or workbook as text. Problems become `load_issues`: whatever the
    path holds, this returns (a file that cannot be read is an Issue naming it, never an error)."""
    path = Path(path)
    try:
        if path.is_dir():
            return _load_folder(path)
        if path.suffix.lower() == ".xlsx" and path.is_file():
            return _load_workbook(path)
        exists = path.exists()
    except OSError as exc:  # e.g. a folder on the way this user may not enter
        return _unreadable(path, f"cannot be read: {exc.strerror or exc}",
                           "give the path of a scenario folder or workbook you can read")
    if exists:
        return _unreadable(path, "is not a scenario: expected a folder of CSV files with scenario.toml, "
                                 "or an .xlsx workbook", "give the path of a scenario folder or an .xlsx workbook")
    return _unreadable(path, "no scenario here: expected a folder of CSV files with scenario.toml, or an "
                             ".xlsx workbook", "give the path of a scenario folder or an .xlsx workbook")


def _unreadable(path: Path, message: str, fix: str, form: str = "folder") -> RawScenario:
    raw = RawScenario(source=str(path), form=form)
    raw.load_issues.append(Issue("error", "check_files", str(path), message, fix))
    return raw


def _unexpected(where: str, exc: Exception) -> Issue:
    """The last resort: a reader's own failure, as a finding rather than an error (tests
    check that no file makes one)."""
    return Issue("error", "check_files", where, f"could not be read: an unexpected {type(exc).__name__} ({exc})",
                 "save the file again from the program that made it; if that does not help, report it")


def _load_folder(path: Path) -> RawScenario:
    raw = RawScenario(source=str(path), form="folder")
    toml_path = path / SCENARIO_FILE
    try:
        if not (toml_path.exists() or toml_path.is_symlink()):
            raw.load_issues.append(
                Issue("error", "check_files", SCENARIO_FILE, "file is missing",
                      "add scenario.toml with the scenario settings (see the data dictionary)"))
        else:
            raw.config = read_settings_file(toml_path)
    except Unreadable as exc:
        raw.load_issues.append(problem(SCENARIO_FILE, exc))
    except Exception as exc:  # noqa: BLE001 - see _unexpected
        raw.load_issues.append(_unexpected(SCENARIO_FILE, exc))
    for name in table_specs():
        file, where = path / f"{name}.csv", f"{name}.csv"
        try:
            if not (file.exists() or file.is_symlink()):
                continue
            df, warned = read_csv_table(file)
        except Unreadable as exc:
            raw.load_issues.append(problem(where, exc))
            continue
        except Exception as exc:  # noqa: BLE001 - see _unexpected
            raw.load_issues.append(_unexpected(where, exc))
            continue
        raw.load_issues += [Issue("warning", "check_files", where, message, fix) for message, fix in warned]
        raw.tables[name] = df
    return raw


def _load_workbook(path: Path) -> RawScenario:
    raw = RawScenario(source=str(path), form="workbook")
    problem_text = zip_problem(path, WORKBOOK)
    if problem_text:
        raw.load_issues.append(
            Issue("error", "check_files", path.name, problem_text, "save the scenario again as an Excel .xlsx workbook"))
        return raw
    try:
        wb = open_workbook(path)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for damaged files
        raw.load_issues.append(
            Issue("error", "check_files", path.name, f"cannot be opened as a workbook: {exc}",
                  "save the scenario again as an Excel .xlsx workbook"))
        return raw
    try:
        sheets = {}
        for ws in wb.worksheets:
            title = ws.title.strip()
            if title in sheets:
                raw.load_issues.append(Issue("error", "check_files", path.name,
                                             f"has two sheets named '{title}': it is unclear which is meant",
                                             "delete or rename one of them"))
                return raw
            sheets[title] = ws
        if SCENARIO_SHEET not in sheets:
            raw.load_issues.append(
                Issue("error", "check_files", raw.where(SCENARIO_SHEET), "sheet is missing",
                      "add a sheet named 'scenario' with columns key and value"))
        else:
            _read_sheet(raw, SCENARIO_SHEET, lambda: _config_from_rows(settings_rows(sheets[SCENARIO_SHEET])))
        for name in table_specs():
            if name in sheets:
                _read_sheet(raw, name, lambda name=name: read_sheet_table(sheets[name]))
    finally:
        wb.close()
    return raw


def _read_sheet(raw: RawScenario, name: str, read) -> None:
    """Read one sheet into `raw` (the settings, or a table); a problem is the sheet's Issue."""
    where = raw.where(name)
    try:
        got = read()
    except Unreadable as exc:
        raw.load_issues.append(problem(where, exc))
        return
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raw.load_issues.append(Issue("error", "check_files", where, f"cannot be read: the workbook is damaged ({exc})",
                                     "save the scenario again as an Excel .xlsx workbook"))
        return
    except Exception as exc:  # noqa: BLE001 - see _unexpected
        raw.load_issues.append(_unexpected(where, exc))
        return
    if name == SCENARIO_SHEET:
        raw.config = got
    else:
        raw.tables[name] = got


_WHOLE = re.compile(r"[+-]?[0-9]+")


def _config_from_rows(rows: list[tuple[str, object]]) -> dict:
    """Settings from the 'scenario' sheet's rows: solver.* keys under "solver"; a numeric
    setting typed as text that is a plain number read as that number (whole when written
    without a point or exponent), as scenario.toml would hold it."""
    numeric = {s.column for s in scenario_key_specs() if s.numeric}
    config: dict = {}
    for key, value in rows:
        if isinstance(value, str) and key.removeprefix("solver.") in numeric:
            number = finite_number(value)
            if number is not None:
                value = int(value) if _WHOLE.fullmatch(value) else number
        if key.startswith("solver."):
            config.setdefault("solver", {})[key.removeprefix("solver.")] = value
        else:
            config[key] = value
    return config


# --- writing -------------------------------------------------------------------------------


def config_rows(config: dict) -> list[tuple[str, object]]:
    """scenario.toml as key/value rows (solver keys prefixed 'solver.'), dictionary order first."""
    order = [s.column for s in scenario_key_specs() if not s.is_solver_setting]
    rows = [(k, config[k]) for k in order if k in config]
    rows += [(k, v) for k, v in config.items() if k not in order and k != "solver"]
    solver = config.get("solver", {})
    rows += [(f"solver.{k}", solver[k]) for k in solver_keys() if k in solver]
    rows += [(f"solver.{k}", v) for k, v in solver.items() if k not in solver_keys()]
    return rows


def write_folder(raw: RawScenario, dst: Path) -> None:
    """scenario.toml and a CSV file per table, every cell and setting exactly as `raw` holds it
    (scenario files carry no formula guard: basics/cells.py). Raises ScenarioError, writing
    nothing, when a setting or cell cannot be written."""
    toml = _settings_toml(raw)
    _refuse(raw, _unencodable_cells(raw))
    with atomic_path(dst, is_dir=True) as tmp:
        (tmp / SCENARIO_FILE).write_text(toml, encoding="utf-8")
        for name, df in raw.tables.items():
            df.to_csv(tmp / f"{name}.csv", index=False, lineterminator="\n")


def _settings_toml(raw: RawScenario) -> str:
    try:
        return tomli_w.dumps(raw.config)
    except (TypeError, ValueError) as exc:
        _refuse(raw, [Issue("error", "check_config", raw.where(SCENARIO_SHEET),
                            f"cannot be written as TOML: {exc}",
                            "give every setting a number, true/false or text")])
        raise  # not reached: _refuse raised


def _refuse(raw: RawScenario, issues: list[Issue]) -> None:
    if issues:
        raise ScenarioError(ValidationReport(source=raw.source, issues=tuple(issues)))


def _cell_issue(raw: RawScenario, name: str, index, column: str, message: str, fix: str, text: str) -> Issue:
    row = int(index) + 2 if isinstance(index, int | float) else None
    shown = text if len(text) <= 40 else text[:40] + "..."
    return Issue("error", "check_files", raw.where(name), message, fix, row=row, column=column,
                 value=shown, key=raw.row_key(name, row) if row is not None else None)


def _unencodable_cells(raw: RawScenario) -> list[Issue]:
    """Cells holding a lone surrogate (no file can store one): only an editor bug makes one."""
    issues = []
    for name, df in raw.tables.items():
        for i, col in enumerate(df.columns):
            texts = [str(col), *df.iloc[:, i].astype(str)]
            try:
                "".join(texts).encode("utf-8")
                continue
            except UnicodeEncodeError:
                pass
            for index, text in zip([None, *df.index], texts, strict=True):
                try:
                    text.encode("utf-8")
                except UnicodeEncodeError:
                    issues.append(_cell_issue(raw, name, index, str(col), "holds a character no file can store",
                                              "retype the cell", text.encode("utf-8", "replace").decode()))
    return issues


def _numeric_columns(table: str) -> set[str]:
    spec = table_specs().get(table)
    return {c.column for c in spec.columns if c.numeric} if spec else set()


# What one sheet of a workbook holds (Excel's specification): longer text is cut without a word.
EXCEL_CELL_CHARS = 32_767
EXCEL_ROWS = 1_048_576
EXCEL_COLUMNS = 16_384


def workbook_problems(raw: RawScenario) -> list[Issue]:
    """What a workbook cannot hold exactly, each naming its table, row and column: text longer
    than a cell holds (the formula guard's apostrophe counts), more rows or columns than a sheet has."""
    limit = EXCEL_CELL_CHARS
    fix = (f"shorten the text to at most {limit:,} characters (keep long notes in a document of "
           "their own), or keep the scenario as a folder of CSV files")
    issues = []
    for key, value in config_rows(raw.config):
        for column, text in (("key", key), ("value", value)):
            if isinstance(text, str) and len(safe_text(text)) > limit:
                issues.append(Issue("error", "check_files", raw.where(SCENARIO_SHEET),
                                    f"setting holds {len(text):,} characters; a workbook cell holds at most {limit:,}",
                                    fix, column=key if column == "value" else None, value=text[:40] + "..."))
    for name, df in raw.tables.items():
        where = raw.where(name)
        if len(df) + 1 > EXCEL_ROWS or len(df.columns) > EXCEL_COLUMNS:
            issues.append(Issue("error", "check_files", where,
                                f"has {len(df):,} rows and {len(df.columns):,} columns; a sheet holds at most "
                                f"{EXCEL_ROWS - 1:,} rows below its header and {EXCEL_COLUMNS:,} columns",
                                "keep the scenario as a folder of CSV files"))
            continue
        for i, col in enumerate(df.columns):
            if len(safe_text(str(col))) > limit:
                issues.append(_cell_issue(raw, name, None, str(col)[:40], f"column name holds {len(str(col)):,} "
                                          f"characters; a workbook cell holds at most {limit:,}", fix, str(col)))
            cells = df.iloc[:, i].astype(str)
            for index, text in cells[cells.str.len() >= limit].items():
                if len(safe_text(text)) > limit:
                    issues.append(_cell_issue(raw, name, index, str(col),
                                              f"cell holds {len(text):,} characters; a workbook cell holds at "
                                              f"most {limit:,} (a longer one would be cut)", fix, text))
    return issues


def write_workbook(raw: RawScenario, dst: Path) -> None:
    """A sheet per table plus a 'scenario' sheet of key/value rows. Reading it back gives every
    cell and setting of `raw` again: numbers are numbers where the workbook shows them as typed
    (`workbook_number`), formula-like text is guarded. Raises ScenarioError, writing nothing,
    when a cell does not fit (`workbook_problems`)."""
    _refuse(raw, _unencodable_cells(raw) + workbook_problems(raw))
    with atomic_path(dst, is_dir=False) as tmp:
        import xlsxwriter

        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_numbers": False,
                                            "strings_to_urls": False})
        bold = wb.add_format({"bold": True})
        shown: dict[str, object] = {}

        def number_format(fmt: str):
            if fmt not in shown:
                shown[fmt] = wb.add_format({"num_format": fmt})
            return shown[fmt]

        ws = wb.add_worksheet(SCENARIO_SHEET)
        ws.write_row(0, 0, ["key", "value"], bold)
        for i, (k, v) in enumerate(config_rows(raw.config), start=1):
            ws.write_string(i, 0, safe_text(k))
            _write_setting(ws, i, v, number_format)
        ws.set_column(0, 0, 28)
        ws.set_column(1, 1, 40)
        ws.freeze_panes(1, 0)
        for name, df in raw.tables.items():
            numeric = _numeric_columns(name)
            ws = wb.add_worksheet(name)
            ws.write_row(0, 0, [safe_text(c) for c in df.columns], bold)
            for r, row in enumerate(df.itertuples(index=False), start=1):
                for c, (col, text) in enumerate(zip(df.columns, row, strict=True)):
                    if text == "":
                        continue
                    number = workbook_number(text) if col in numeric else None
                    if number is None:
                        ws.write_string(r, c, safe_text(text))
                    else:
                        ws.write_number(r, c, number[0], number_format(number[1]) if number[1] else None)
            ws.freeze_panes(1, 0)
            ws.set_column(0, max(0, len(df.columns) - 1), 18)
        wb.close()


def _write_setting(ws, row: int, value, number_format) -> None:
    """A setting's value so that reading it back gives the same value and type: a whole float
    shown with one decimal (1.0), a number a cell would round as its text (read back as the
    number: numeric settings read text numbers), text guarded."""
    if isinstance(value, bool):
        ws.write_boolean(row, 1, value)
    elif isinstance(value, int | float) and math.isfinite(value):
        stored = f"{value:.16G}"
        if float(stored) != value:
            ws.write_string(row, 1, repr(value) if isinstance(value, float) else str(value))
        elif isinstance(value, float) and not any(c in stored for c in ".Ee"):
            ws.write_number(row, 1, value, number_format("0.0"))
        else:
            ws.write_number(row, 1, value)
    else:  # text, or a value a workbook cannot hold (inf, a date): as typed
        ws.write_string(row, 1, safe_text(cell_text(value) if not isinstance(value, str) else value))


def write_scenario(raw: RawScenario, dst: str | Path) -> None:
    dst = Path(dst)
    if dst.suffix.lower() == ".xlsx":
        write_workbook(raw, dst)
    else:
        write_folder(raw, dst)
