"""Reading and writing scenarios: a folder of CSV files plus scenario.toml, or one workbook.

Everything is read as text first, so that validation can report the exact cell a planner
typed, and so that `convert` is lossless. Writes go to a temporary sibling and are moved into
place only when complete: a failure never leaves a half-written scenario.
"""

from __future__ import annotations

import math
import tomllib
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import tomli_w

from optimiser.basics.cells import cell_text, restore_text, safe_text, typed_cell
from optimiser.basics.files import atomic_path
from optimiser.basics.issues import Issue
from optimiser.basics.zips import zip_problem
from optimiser.scenario.dictionary import scenario_key_specs, solver_keys, table_specs

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
        df, spec = self.tables.get(table), table_specs().get(table)
        if df is None or spec is None or row - 2 not in df.index:
            return None
        cells = [(c, df.at[row - 2, c]) for c in spec.key if c in df.columns]
        filled = [(c, v) for c, v in cells if v != ""] or [(c, "(blank)") for c, _ in cells]
        return ", ".join(f"{c}={v}" for c, v in filled) or None


def _clean(df: pd.DataFrame) -> pd.DataFrame:
    """Every cell as stripped text with any formula guard removed; the index is kept (row = index + 2)."""
    df = df.copy()
    df.columns = [restore_text(str(c).strip()) for c in df.columns]
    for c in df.columns:
        df[c] = df[c].fillna("").astype(str).str.strip().map(restore_text)
    return df


def load_raw(path: str | Path) -> RawScenario:
    """Read a scenario folder or workbook as text. Problems become `load_issues`."""
    path = Path(path)
    if path.is_dir():
        return _load_folder(path)
    if path.suffix.lower() == ".xlsx" and path.is_file():
        return _load_workbook(path)
    raw = RawScenario(source=str(path), form="folder")
    raw.load_issues.append(
        Issue(
            "error",
            "check_files",
            str(path),
            "no scenario here: expected a folder of CSV files with scenario.toml, or an .xlsx workbook",
            "give the path of a scenario folder or an .xlsx workbook",
        )
    )
    return raw


def _load_folder(path: Path) -> RawScenario:
    raw = RawScenario(source=str(path), form="folder")
    toml_path = path / SCENARIO_FILE
    if not toml_path.exists():
        raw.load_issues.append(
            Issue("error", "check_files", SCENARIO_FILE, "file is missing",
                  "add scenario.toml with the scenario settings (see the data dictionary)")
        )
    else:
        try:
            raw.config = tomllib.loads(toml_path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raw.load_issues.append(
                Issue("error", "check_config", SCENARIO_FILE, f"is not valid TOML: {exc}",
                      'write one key = value per line, text in double quotes, e.g. name = "My plan"')
            )
    for name in table_specs():
        file = path / f"{name}.csv"
        if not file.exists():
            continue
        try:
            # index_col=False: a trailing comma must not turn the first column into an index;
            # blank lines are kept while reading so row numbers match the file.
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", pd.errors.ParserWarning)
                df = pd.read_csv(file, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                                 index_col=False, skip_blank_lines=False)
            if any(issubclass(w.category, pd.errors.ParserWarning) for w in caught):
                raw.load_issues.append(
                    Issue("warning", "check_files", f"{name}.csv", "some rows have more cells than the header; the extra cells are ignored",
                          "remove trailing commas or add a header for the extra column")
                )
        except pd.errors.EmptyDataError:
            raw.load_issues.append(
                Issue("error", "check_files", f"{name}.csv", "file is empty",
                      "add a header row naming the columns (see the data dictionary)")
            )
            continue
        except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
            raw.load_issues.append(
                Issue("error", "check_files", f"{name}.csv", f"cannot be read as CSV: {exc}",
                      "save it as comma-separated UTF-8 text with the same number of cells on every row")
            )
            continue
        raw.tables[name] = _drop_blank_rows(_clean(df))
    return raw


def _drop_blank_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Blank lines carry no data; the index keeps each row's position in the file (row = index + 2)."""
    return df[(df != "").any(axis=1)]


def _load_workbook(path: Path) -> RawScenario:
    import openpyxl

    raw = RawScenario(source=str(path), form="workbook")
    problem = zip_problem(path, WORKBOOK)
    if problem:
        raw.load_issues.append(
            Issue("error", "check_files", path.name, problem, "save the scenario again as an Excel .xlsx workbook")
        )
        return raw
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raw.load_issues.append(
            Issue("error", "check_files", path.name, f"cannot be opened as a workbook: {exc}",
                  "save the scenario again as an Excel .xlsx workbook")
        )
        return raw
    try:
        sheets = {ws.title.strip(): ws for ws in wb.worksheets}
        if SCENARIO_SHEET not in sheets:
            raw.load_issues.append(
                Issue("error", "check_files", raw.where(SCENARIO_SHEET), "sheet is missing",
                      "add a sheet named 'scenario' with columns key and value")
            )
        else:
            raw.config = _config_from_rows(raw, list(sheets[SCENARIO_SHEET].iter_rows(values_only=True)))
        for name in table_specs():
            if name not in sheets:
                continue
            rows = list(sheets[name].iter_rows(values_only=True))
            if not any(any(v is not None and str(v).strip() != "" for v in r) for r in rows):
                raw.load_issues.append(
                    Issue("error", "check_files", raw.where(name), "sheet is empty",
                          "add a header row naming the columns (see the data dictionary)")
                )
                continue
            header = [cell_text(v) for v in rows[0]]
            while header and header[-1] == "":
                header.pop()
            body = [[cell_text(v) for v in r[: len(header)]] for r in rows[1:]]
            body = [r + [""] * (len(header) - len(r)) for r in body]
            raw.tables[name] = _drop_blank_rows(_clean(pd.DataFrame(body, columns=header, dtype=str)))
    finally:
        wb.close()
    return raw


def _config_from_rows(raw: RawScenario, rows: list[tuple]) -> dict:
    config: dict = {}
    for row in rows[1:]:
        if not row or row[0] is None or str(row[0]).strip() == "":
            continue
        key = restore_text(str(row[0]).strip())
        value = row[1] if len(row) > 1 else None
        if value is None or (isinstance(value, str) and value.strip() == ""):
            continue
        if isinstance(value, str):
            value = restore_text(value.strip())
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
    with atomic_path(dst, is_dir=True) as tmp:
        (tmp / SCENARIO_FILE).write_text(tomli_w.dumps(raw.config), encoding="utf-8")
        for name, df in raw.tables.items():
            _guard_text_columns(name, df).to_csv(tmp / f"{name}.csv", index=False, lineterminator="\n")


def _guard_text_columns(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """Guard every cell that is text, not a number: "-0.01" in a rate column stays as typed."""
    numeric = _numeric_columns(name)
    out = df.copy()
    out.columns = [safe_text(c) for c in out.columns]
    for col, guarded in zip(df.columns, out.columns, strict=True):
        is_numeric = col in numeric
        out[guarded] = df[col].map(lambda text, n=is_numeric: text if isinstance(typed_cell(text, n), int | float)
                                   else safe_text(text))
    return out


def _numeric_columns(table: str) -> set[str]:
    spec = table_specs().get(table)
    return {c.column for c in spec.columns if c.numeric} if spec else set()


def write_workbook(raw: RawScenario, dst: Path) -> None:
    """A sheet per table (numbers as numbers) plus a 'scenario' sheet of key/value rows."""
    with atomic_path(dst, is_dir=False) as tmp:
        import xlsxwriter

        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_numbers": False})
        bold = wb.add_format({"bold": True})
        ws = wb.add_worksheet(SCENARIO_SHEET)
        ws.write_row(0, 0, ["key", "value"], bold)
        for i, (k, v) in enumerate(config_rows(raw.config), start=1):
            ws.write_string(i, 0, safe_text(k))
            if isinstance(v, bool):
                ws.write_boolean(i, 1, v)
            elif isinstance(v, int | float) and math.isfinite(v):
                ws.write_number(i, 1, v)
            else:  # text, or a number a workbook cannot hold (inf): as typed
                ws.write_string(i, 1, safe_text(cell_text(v)))
        ws.set_column(0, 0, 28)
        ws.set_column(1, 1, 40)
        ws.freeze_panes(1, 0)
        for name, df in raw.tables.items():
            numeric = _numeric_columns(name)
            ws = wb.add_worksheet(name)
            ws.write_row(0, 0, [safe_text(c) for c in df.columns], bold)
            for r, row in enumerate(df.itertuples(index=False), start=1):
                for c, (col, text) in enumerate(zip(df.columns, row, strict=True)):
                    value = typed_cell(text, col in numeric)
                    if value is None:
                        continue
                    if isinstance(value, int | float):
                        ws.write_number(r, c, value)
                    else:
                        ws.write_string(r, c, safe_text(value))
            ws.freeze_panes(1, 0)
            ws.set_column(0, max(0, len(df.columns) - 1), 18)
        wb.close()


def write_scenario(raw: RawScenario, dst: str | Path) -> None:
    dst = Path(dst)
    if dst.suffix.lower() == ".xlsx":
        write_workbook(raw, dst)
    else:
        write_folder(raw, dst)
