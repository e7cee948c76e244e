"""Actuals: what really happened, to monitor a plan against and to re-plan from.

An actuals source is a folder of CSV files (actual_in_post.csv, actual_starts.csv,
actual_recruits.csv, actual_retained.csv, actual_spend.csv, each optional, and an optional
actuals.toml of settings) or one .xlsx workbook with a sheet per table (and an optional `actuals`
sheet of key/value rows). Columns, types, units and bounds are in inputs/data_dictionary.csv
(tables actual_* and the settings of table `actuals`). Actuals are checked once, here, against the
plan's scenario: every problem (an unknown region, staff group, provider or route, a date or
year outside the plan, a negative value) is an Issue naming the file, row, key, column and value,
all of them at once.
"""

from __future__ import annotations

import datetime as dt
import tomllib
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from optimiser.basics.cells import cell_text, numbers, restore_text
from optimiser.basics.issues import Issue, ScenarioError, ValidationReport
from optimiser.scenario.dictionary import TableSpec, actuals_specs
from optimiser.scenario.io import RawScenario
from optimiser.scenario.reading import drop_blank_rows, trimmed
from optimiser.scenario.rowwise import references, rows
from optimiser.scenario.scenario import Scenario
from optimiser.scenario.schemas import _schema_issue, table_schema

SETTINGS_FILE = "actuals.toml"
SETTINGS_SHEET = "actuals"
NON_TRAINING_KINDS = ("international", "returner")
SPEND_CATEGORIES = ("training starts", "learners in training", "international recruitment",
                    "returner recruitment", "retention", "extra educators")  # costs.csv's categories


def _clean(df: pd.DataFrame) -> pd.DataFrame:
    """Every cell and header as stripped text with any formula guard removed (as actuals were read
    before the scenario readers moved to scenario/reading.py); the index is kept."""
    df = df.copy()
    df.columns = [restore_text(str(c).strip()) for c in df.columns]
    return trimmed(df, restore=restore_text)


def financial_year_start(year: int) -> pd.Timestamp:
    """1 April of NHS financial year `year`: the date of the stock s[g,r,year]."""
    return pd.Timestamp(year=year, month=4, day=1)


class RawActuals(RawScenario):
    """Actuals as typed (every cell a string), located like a scenario's tables."""

    def row_key(self, table: str, row: int) -> str | None:
        df, spec = self.tables.get(table), actuals_specs()[0].get(table)
        if df is None or spec is None or row - 2 not in df.index:
            return None
        cells = [(c, df.at[row - 2, c]) for c in spec.key if c in df.columns and df.at[row - 2, c] != ""]
        return ", ".join(f"{c}={v}" for c, v in cells) or None


@dataclass(frozen=True)
class Actuals:
    """Validated actuals: typed tables (every table present, perhaps empty) and the settings."""

    tables: dict[str, pd.DataFrame]
    amber_at: float
    red_at: float
    as_of: str
    source: str
    report: ValidationReport = field(default_factory=lambda: ValidationReport(""))

    def years(self, table: str) -> list[int]:
        """The years a table covers (the years its rows name)."""
        df = self.tables[table]
        return sorted({int(y) for y in df["year"]}) if "year" in df else []


def load_raw_actuals(path: str | Path) -> RawActuals:
    path = Path(path)
    specs = actuals_specs()[0]
    if path.is_dir():
        raw = RawActuals(source=str(path), form="folder")
        settings = path / SETTINGS_FILE
        if settings.exists():
            try:
                raw.config = tomllib.loads(settings.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raw.load_issues.append(Issue("error", "check_config", SETTINGS_FILE, f"is not valid TOML: {exc}",
                                             "write one key = value per line, e.g. amber_at = 0.05"))
        for name in specs:
            file = path / f"{name}.csv"
            if file.exists():
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore", pd.errors.ParserWarning)
                        df = pd.read_csv(file, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                                         index_col=False, skip_blank_lines=False)
                    raw.tables[name] = drop_blank_rows(_clean(df))
                except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as exc:
                    raw.load_issues.append(Issue("error", "check_files", f"{name}.csv", f"cannot be read as CSV: {exc}",
                                                 "save it as comma-separated UTF-8 text with a header row"))
    elif path.suffix.lower() == ".xlsx" and path.is_file():
        raw = _load_workbook(path, specs)
    else:
        raw = RawActuals(source=str(path), form="folder")
        raw.load_issues.append(Issue("error", "check_files", str(path), "no actuals here",
                                     "give a folder of actual_*.csv files or an .xlsx workbook with "
                                     "sheets named actual_in_post, actual_starts, ..."))
    if not raw.tables and not raw.load_issues:
        raw.load_issues.append(Issue("error", "check_files", str(path), "holds no actuals table",
                                     f"add at least one of {', '.join(f'{n}.csv' for n in specs)}"))
    return raw


def _load_workbook(path: Path, specs: dict[str, TableSpec]) -> RawActuals:
    import openpyxl

    raw = RawActuals(source=str(path), form="workbook")
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raw.load_issues.append(Issue("error", "check_files", path.name, f"cannot be opened as a workbook: {exc}",
                                     "save the actuals again as an Excel .xlsx workbook"))
        return raw
    try:
        sheets = {ws.title.strip(): ws for ws in wb.worksheets}
        for name in [*specs, SETTINGS_SHEET]:
            if name not in sheets:
                continue
            values = [r for r in sheets[name].iter_rows(values_only=True) if any(v not in (None, "") for v in r)]
            if not values:
                continue
            header = [cell_text(v) for v in values[0]]
            body = [[_cell(v) for v in r[: len(header)]] + [""] * (len(header) - len(r)) for r in values[1:]]
            df = _clean(pd.DataFrame(body, columns=header, dtype=str))
            if name == SETTINGS_SHEET:
                raw.config = {r.iloc[0]: r.iloc[1] for _, r in df.iterrows() if len(r) > 1 and r.iloc[0]}
            else:
                raw.tables[name] = df
    finally:
        wb.close()
    return raw


def _cell(value) -> str:
    """A workbook cell as text; a date cell as YYYY-MM-DD."""
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    return cell_text(value)


def _settings(raw: RawActuals) -> tuple[dict, list[Issue]]:
    where = raw.where(SETTINGS_SHEET) if raw.form == "workbook" else SETTINGS_FILE
    specs = {s.column: s for s in actuals_specs()[1]}
    values, issues = {}, []
    for key, value in raw.config.items():
        if key not in specs:
            issues.append(Issue("error", "check_config", where, f"unknown setting {key!r}",
                                f"use one of {', '.join(specs)}", column=key, value=str(value)))
    for key, spec in specs.items():
        value = raw.config.get(key)
        if spec.numeric:
            number = None if value in (None, "") else numbers(pd.Series([str(value)])).iloc[0]
            if value not in (None, "") and (pd.isna(number) or (spec.min is not None and number < spec.min)):
                issues.append(Issue("error", "check_config", where, "is not a share of the plan (0 or more)",
                                    f"write a fraction, e.g. {spec.default} for {float(spec.default):.0%}",
                                    column=key, value=str(value)))
                number = None
            values[key] = spec.default_value if number is None or pd.isna(number) else float(number)
        else:
            values[key] = "" if value is None else str(value)
    if not issues and values["red_at"] < values["amber_at"]:
        issues.append(Issue("error", "check_config", where, "red_at is below amber_at",
                            "make red_at at least amber_at (red flags a larger difference than amber)",
                            column="red_at", value=str(values["red_at"])))
    return values, issues


def _typed(raw: RawActuals) -> dict[str, pd.DataFrame]:
    out = {}
    for name, spec in actuals_specs()[0].items():
        df = raw.tables.get(name, pd.DataFrame(columns=[c.column for c in spec.columns])).copy()
        for c in spec.columns:
            if c.column not in df:
                df[c.column] = ""
            if c.numeric:
                df[c.column] = numbers(df[c.column].replace("", None)).astype(float)
        out[name] = df[[c.column for c in spec.columns]]
    return out


def _dates(raw: RawActuals, df: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp) -> list[Issue]:
    issues = []
    where = raw.where("actual_in_post")
    for row, r in rows(df):
        date = pd.to_datetime(r["date"], format="%Y-%m-%d", errors="coerce")
        if pd.isna(date):
            issues.append(Issue("error", "check_dates", where, "is not a date", "write the date as YYYY-MM-DD, e.g. 2024-06-30",
                                row=row, column="date", value=r["date"]))
        elif not first <= date <= last:
            issues.append(Issue("error", "check_dates", where, f"is outside the plan ({first:%Y-%m-%d} to {last:%Y-%m-%d})",
                                "give in-post actuals only for dates the plan projects, or monitor a plan that covers them",
                                row=row, column="date", value=r["date"]))
    return issues


def _years(raw: RawActuals, table: str, df: pd.DataFrame, years: list[int], what: str) -> list[Issue]:
    return [Issue("error", "check_years", raw.where(table), f"is outside the plan's {what} ({years[0]}-{years[-1]})",
                  f"give actuals for {what} {years[0]} to {years[-1]}", row=row, column="year", value=cell_text(r["year"]))
            for row, r in rows(df) if not pd.isna(r["year"]) and int(r["year"]) not in years]


def _duplicates(raw: RawActuals, name: str, df: pd.DataFrame, key: tuple[str, ...]) -> list[Issue]:
    keys = df[list(key)].astype(str)
    dup = keys.duplicated(keep="first")
    return [Issue("error", "check_duplicate_keys", raw.where(name),
                  f"duplicates row {int(keys.index[(keys == keys.loc[i]).all(axis=1)][0]) + 2}",
                  "delete one of the two rows, or add them up into one", row=int(i) + 2, column=key[0])
            for i in dup[dup].index]


def _cross_checks(raw: RawActuals, t: dict[str, pd.DataFrame], scenario: Scenario) -> list[Issue]:
    st, cfg = scenario.tables, scenario.config
    regions, groups = set(st["regions"]["region"]), set(st["staff_groups"]["staff_group"])
    providers = set(st["providers"]["provider"])
    kinds = dict(zip(st["routes"]["route"], st["routes"]["kind"], strict=True))
    training = {k for k, kind in kinds.items() if kind == "training"}
    others = {k for k, kind in kinds.items() if kind in NON_TRAINING_KINDS}
    src = "the plan's scenario"
    issues = _dates(raw, t["actual_in_post"], financial_year_start(cfg.start_year),
                    financial_year_start(cfg.stock_years[-1]))
    issues += references(raw, "actual_in_post", t["actual_in_post"], "region", regions, "region", f"{src} regions.csv")
    issues += references(raw, "actual_in_post", t["actual_in_post"], "staff_group", groups, "staff group",
                         f"{src} staff_groups.csv")
    issues += references(raw, "actual_starts", t["actual_starts"], "provider", providers, "provider",
                         f"{src} providers.csv")
    issues += references(raw, "actual_starts", t["actual_starts"], "route", training, "training route",
                         f"{src} routes.csv")
    issues += references(raw, "actual_starts", t["actual_starts"], "region", regions, "region",
                         f"{src} regions.csv", blank_ok=True)
    issues += references(raw, "actual_recruits", t["actual_recruits"], "route", others,
                         "international or returner route", f"{src} routes.csv")
    issues += references(raw, "actual_recruits", t["actual_recruits"], "region", regions, "region", f"{src} regions.csv")
    issues += references(raw, "actual_retained", t["actual_retained"], "region", regions, "region", f"{src} regions.csv")
    issues += references(raw, "actual_retained", t["actual_retained"], "staff_group", groups, "staff group",
                         f"{src} staff_groups.csv")
    issues += references(raw, "actual_spend", t["actual_spend"], "category", set(SPEND_CATEGORIES),
                         "spending category", "costs.csv of a plan")
    offered = set(zip(st["provider_routes"]["provider"], st["provider_routes"]["route"], strict=True))
    issues += [Issue("error", "check_references", raw.where("actual_starts"),
                     f"provider {r['provider']} does not offer route {r['route']} in {src} provider_routes.csv",
                     "correct the provider or route, or add the route to the scenario's provider_routes.csv",
                     row=row, column="route", value=r["route"])
               for row, r in rows(t["actual_starts"])
               if r["provider"] in providers and r["route"] in training and (r["provider"], r["route"]) not in offered]
    for table in ("actual_starts", "actual_recruits", "actual_retained"):
        issues += _years(raw, table, t[table], cfg.years, "start years")
    issues += _years(raw, "actual_spend", t["actual_spend"], cfg.model_years, "model years")
    for name, spec in actuals_specs()[0].items():
        issues += _duplicates(raw, name, raw.tables[name], spec.key) if name in raw.tables else []
    return issues


def check_actuals(raw: RawActuals, scenario: Scenario) -> tuple[ValidationReport, Actuals | None]:
    """Every problem of the actuals at once; the typed actuals when there are none."""
    specs = actuals_specs()[0]
    issues = list(raw.load_issues)
    settings, setting_issues = _settings(raw)
    issues += setting_issues
    for name, df in raw.tables.items():
        spec = specs[name]
        for col in df.columns:
            if col not in {c.column for c in spec.columns}:
                issues.append(Issue("warning", "check_columns", raw.where(name),
                                    f"column '{col}' is not in the data dictionary and is ignored",
                                    f"rename it to one of: {', '.join(c.column for c in spec.columns)}", column=col))
        try:
            table_schema(spec).validate(df.replace("", None), lazy=True)
        except Exception as exc:  # pandera SchemaErrors: every failing cell
            cases = getattr(exc, "failure_cases", None)
            if cases is None:
                raise
            issues += [_schema_issue(raw, spec, case) for _, case in cases.iterrows()]
    # cross-table checks need every column (a bad cell reads as missing there): all errors at once
    if not any(i.severity == "error" and i.rule in ("check_files", "check_columns") for i in issues):
        issues += _cross_checks(raw, _typed(raw), scenario)
    issues = [Issue(**{**i.__dict__, "key": raw.row_key(_table_of(raw, i.file), i.row)})
              if i.row is not None and i.key is None else i for i in issues]
    report = ValidationReport(source=raw.source, issues=tuple(issues))
    if not report.ok:
        return report, None
    tables = _typed(raw)
    tables["actual_in_post"]["date"] = pd.to_datetime(tables["actual_in_post"]["date"], format="%Y-%m-%d")
    return report, Actuals(tables, settings["amber_at"], settings["red_at"], settings["as_of"], raw.source, report)


def _table_of(raw: RawActuals, file: str) -> str:
    return next((name for name in actuals_specs()[0] if raw.where(name) == file), "")


def load_actuals(path: str | Path, scenario: Scenario) -> Actuals:
    """Load and check actuals against the plan's scenario; `ScenarioError` lists every problem."""
    report, actuals = check_actuals(load_raw_actuals(path), scenario)
    if actuals is None:
        raise ScenarioError(report)
    return actuals
