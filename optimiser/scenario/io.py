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

import dataclasses
import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import tomli_w

from optimiser.basics.cells import finite_number, safe_text, workbook_number
from optimiser.basics.files import DestinationError, atomic_path
from optimiser.basics.issues import Issue, ScenarioError, ValidationReport
from optimiser.basics.zips import zip_problem
from optimiser.scenario.dictionary import scenario_key_specs, table_specs
from optimiser.scenario.excel import (
    SCENARIO_SHEET,
    cell_issue,
    config_rows,
    workbook_problems,
    write_setting,
    write_text,
)
from optimiser.scenario.reading import (
    Unreadable,
    open_workbook,
    problem,
    read_csv_table,
    read_settings_file,
    read_sheet_table,
    settings_rows,
)
from optimiser.scenario.text_tables import as_text_tables

SCENARIO_FILE = "scenario.toml"
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

    def row_keys(self, table: str, rows: set[int] | None = None) -> dict[int, str]:
        """`row_key` of every row of `table` (or of `rows` only), keyed by spreadsheet row, in one pass."""
        df, spec = self.tables.get(table), table_specs().get(table)
        if df is None or spec is None:
            return {}
        key = [c for c in spec.key if c in df.columns]
        if not key:
            return {}
        columns = [df[c].tolist() for c in key]
        out = {}
        for i, cells in zip(df.index.tolist(), zip(*columns, strict=True), strict=True):
            if rows is not None and int(i) + 2 not in rows:
                continue
            filled = [(c, v if len(v) <= 60 else v[:57] + "...") for c, v in zip(key, cells, strict=True)
                      if v != ""] or [(c, "(blank)") for c in key]
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


def write_folder(raw: RawScenario, dst: Path) -> None:
    """scenario.toml and a CSV file per table, every cell and setting exactly as `raw` holds it
    (scenario files carry no formula guard: basics/cells.py). Raises ScenarioError, writing
    nothing, when a setting or cell cannot be written."""
    raw = _as_text(raw)
    toml = _settings_toml(raw)
    _refuse(raw, _unencodable_cells(raw))
    with _disk_errors(dst), atomic_path(dst, is_dir=True) as tmp:
        (tmp / SCENARIO_FILE).write_text(toml, encoding="utf-8")
        for name, df in raw.tables.items():
            (tmp / f"{name}.csv").write_text(csv_text(df), encoding="utf-8", newline="")


def _csv_field(text: str) -> str:
    """A cell as CSV: quoted when it holds a comma, quote, line break or carriage return (which
    Python's csv writer leaves bare with "\n" line ends) or starts with a byte-order mark."""
    if any(c in text for c in ',"\r\n') or text.startswith("\ufeff"):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_text(df: pd.DataFrame) -> str:
    """A table of text cells as CSV with "\n" line ends, every cell exactly as held."""
    columns = [df.iloc[:, i].astype(str).tolist() for i in range(len(df.columns))]
    lines = [",".join(_csv_field(str(c)) for c in df.columns)]
    lines += [",".join(_csv_field(cell) for cell in row) for row in zip(*columns, strict=True)]
    return "\n".join(lines) + "\n"


@contextmanager
def _disk_errors(dst: Path) -> Iterator[None]:
    """A file system error while writing (a full disk) as the engine's DestinationError: the
    staged copy is gone and `dst` is as it was (basics/files.py)."""
    try:
        yield
    except DestinationError:
        raise
    except OSError as exc:
        raise DestinationError(f"cannot write {dst}: {exc.strerror or exc}; nothing there was changed. Free "
                               "some space or choose another folder") from None


def _settings_toml(raw: RawScenario) -> str:
    try:
        return tomli_w.dumps(raw.config)
    except (TypeError, ValueError, RecursionError) as exc:
        _refuse(raw, [Issue("error", "check_config", raw.where(SCENARIO_SHEET),
                            f"cannot be written as TOML: {exc}",
                            "give every setting a number, true/false or text")])
        raise  # not reached: _refuse raised


def _as_text(raw: RawScenario) -> RawScenario:
    """`raw` as load_raw makes it; a table that is not the dictionary's, or names a column twice,
    is refused (a table name never becomes a file name unless it is the dictionary's)."""
    text, issues = as_text_tables(raw)
    _refuse(raw, [dataclasses.replace(i, severity="error") for i in issues])
    return text


def _refuse(raw: RawScenario, issues: list[Issue]) -> None:
    if issues:
        raise ScenarioError(ValidationReport(source=raw.source, issues=tuple(issues)))


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
                    issues.append(cell_issue(raw, name, index, str(col), "holds a character no file can store",
                                              "retype the cell", text.encode("utf-8", "replace").decode()))
    return issues


def _numeric_columns(table: str) -> set[str]:
    spec = table_specs().get(table)
    return {c.column for c in spec.columns if c.numeric} if spec else set()


def write_workbook(raw: RawScenario, dst: Path) -> None:
    """A sheet per table plus a 'scenario' sheet of key/value rows. Reading it back gives every
    cell and setting of `raw` again: numbers are numbers where the workbook shows them as typed
    (`workbook_number`), formula-like text is guarded. Raises ScenarioError, writing nothing,
    when a cell does not fit (`workbook_problems`)."""
    raw = _as_text(raw)
    _refuse(raw, _unencodable_cells(raw) + workbook_problems(raw))
    with _disk_errors(dst), atomic_path(dst, is_dir=False) as tmp:
        import xlsxwriter

        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_numbers": False,
                                            "strings_to_urls": False})
        bold, plain = wb.add_format({"bold": True}), wb.add_format()
        shown: dict[str, object] = {}

        def number_format(fmt: str):
            if fmt not in shown:
                shown[fmt] = wb.add_format({"num_format": fmt})
            return shown[fmt]

        ws = wb.add_worksheet(SCENARIO_SHEET)
        ws.write_row(0, 0, ["key", "value"], bold)
        for i, (k, v) in enumerate(config_rows(raw.config), start=1):
            write_text(ws, i, 0, safe_text(str(k)), plain)
            write_setting(ws, i, v, number_format, plain)
        ws.set_column(0, 0, 28)
        ws.set_column(1, 1, 40)
        ws.freeze_panes(1, 0)
        for name, df in raw.tables.items():
            numeric = _numeric_columns(name)
            ws = wb.add_worksheet(name)
            for c, col in enumerate(df.columns):
                write_text(ws, 0, c, safe_text(str(col)), plain, bold)
            for r, row in enumerate(df.itertuples(index=False), start=1):
                for c, (col, text) in enumerate(zip(df.columns, row, strict=True)):
                    if text == "":
                        continue
                    number = workbook_number(text) if col in numeric else None
                    if number is None:
                        done = write_text(ws, r, c, safe_text(text), plain)
                    else:
                        done = ws.write_number(r, c, number[0], number_format(number[1]) if number[1] else None)
                    if done != 0:  # workbook_problems missed a limit: refuse rather than cut
                        raise ScenarioError(ValidationReport(raw.source, (cell_issue(
                            raw, name, df.index[r - 1], str(col), "cannot be written to a workbook exactly",
                            "keep the scenario as a folder of CSV files", text),)))
            ws.freeze_panes(1, 0)
            ws.set_column(0, max(0, len(df.columns) - 1), 18)
        wb.close()


def write_scenario(raw: RawScenario, dst: str | Path) -> None:
    dst = Path(dst)
    if dst.suffix.lower() == ".xlsx":
        write_workbook(raw, dst)
    else:
        write_folder(raw, dst)
