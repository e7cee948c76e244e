"""Each table, and the settings, against the data dictionary: files and columns present, every
cell of the right type and within the dictionary's bounds (a pandera schema per table, generated
from the dictionary), and scenario.toml through the settings model. Cross-table checks:
validation.py.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pydantic import ValidationError

from optimiser.basics.cells import numbers
from optimiser.basics.issues import Issue
from optimiser.scenario.config import ScenarioConfig
from optimiser.scenario.dictionary import ColumnSpec, TableSpec, bound_text, table_specs
from optimiser.scenario.io import RawScenario
from optimiser.scenario.rowwise import LISTED, more_rows

# A bound's check by name: min ">0" in the dictionary is "gt", min "0" is "ge".
_BOUND_TESTS = {"gt": operator.gt, "ge": operator.ge, "lt": operator.lt, "le": operator.le}


def _column_checks(spec: ColumnSpec, numbers_of: Callable[[pd.Series], pd.Series]) -> list[pa.Check]:
    """Named checks "is_number", "is_whole", then "gt:<min>" or "ge:<min>", "lt:<max>" or "le:<max>"."""
    if not spec.numeric:
        return []
    checks = [
        pa.Check(lambda s: np.isfinite(numbers_of(s)) | s.isna(), name="is_number", element_wise=False),
    ]
    if spec.type == "integer":
        checks.append(pa.Check(lambda s: (numbers_of(s) % 1 == 0) | numbers_of(s).isna(), name="is_whole"))
    bounds = []
    if spec.min is not None:
        bounds.append(("gt" if spec.min_exclusive else "ge", spec.min))
    if spec.max is not None:
        bounds.append(("lt" if spec.max_exclusive else "le", spec.max))
    for test, bound in bounds:
        # a blank, text or infinite cell passes: "is_number" reports it, once
        checks.append(pa.Check(lambda s, within=_BOUND_TESTS[test], bound=bound:
                               within(numbers_of(s), bound) | ~np.isfinite(numbers_of(s)),
                               name=f"{test}:{bound_text(bound)}"))
    return checks


def table_schema(spec: TableSpec, numbers_of: Callable[[pd.Series], pd.Series] = numbers) -> pa.DataFrameSchema:
    """The pandera schema of one table, generated from the data dictionary (`numbers_of` reads a
    column's text as numbers: `numbers`, or the same read once per column)."""
    return pa.DataFrameSchema(
        {
            c.column: pa.Column(
                None, nullable=not c.required, required=c.required, checks=_column_checks(c, numbers_of),
            )
            for c in spec.columns
        },
        strict=False,
        coerce=False,
        name=spec.name,
    )


def _numbers_once(frame: pd.DataFrame) -> Callable[[pd.Series], pd.Series]:
    """`numbers` for the columns of `frame`, each read once however many checks ask (a check may
    be handed the column without its blank cells: the same rows are taken)."""
    read: dict[str, pd.Series] = {}

    def numbers_of(s: pd.Series) -> pd.Series:
        if s.name not in frame.columns:
            return numbers(s)
        if s.name not in read:
            read[s.name] = numbers(frame[s.name])
        full = read[s.name]
        return full if full.index.equals(s.index) else full.loc[s.index]

    return numbers_of


def _schema_issue(raw: RawScenario, spec: TableSpec, case: dict) -> Issue:
    where = raw.where(spec.name)
    check = str(case["check"])
    column = None if pd.isna(case["column"]) else str(case["column"])
    idx = case["index"]
    row = None if idx is None or (isinstance(idx, float) and math.isnan(idx)) else int(idx) + 2
    value = None if pd.isna(case["failure_case"]) else str(case["failure_case"])
    if check == "column_in_dataframe":
        c = spec.column(value)
        return Issue("error", "check_columns", where, f"required column '{value}' is missing",
                     f"add a column headed '{value}': {c.description}", column=value, value=value)
    col = next((c for c in spec.columns if c.column == column), None)
    unit = f" ({col.unit})" if col and col.unit else ""
    if check == "not_nullable":
        return Issue("error", "check_required", where, "required value is blank",
                     f"fill in {col.description.lower()}{unit}", row=row, column=column)
    if check == "is_number":
        return Issue("error", "check_numbers", where, "is not a number",
                     f"write a plain number{unit}, e.g. 0.045 or 1200 (no %, units or thousands separators)",
                     row=row, column=column, value=value)
    if check == "is_whole":
        return Issue("error", "check_numbers", where, "must be a whole number",
                     f"write a whole number{unit}", row=row, column=column, value=value)
    bound = check[3:]
    if check.startswith(("gt:", "lt:")):  # a strict bound: the bound itself is not allowed
        above = check.startswith("gt:")
        message = f"must be {'above' if above else 'below'} {bound}"
        fix = (f"write a positive number{unit}" if above and bound == "0"
               else f"write a value {'above' if above else 'below'} {bound}{unit}")
        return Issue("error", "check_ranges", where, message, fix, row=row, column=column, value=value)
    if check.startswith(("ge:", "le:")):
        if col and col.type == "rate":
            message = f"is a rate outside {col.interval()}"
            fix = f"write rates as fractions ({col.bounds_text()}; 4.5% is 0.045)"
        elif check.startswith("ge:") and bound == "0":
            message = "must not be negative"
            fix = f"write 0 or a positive number{unit}"
        elif check.startswith("le:") and col and col.unit and col.unit not in ("year", "years"):
            message = f"is above {bound} {col.unit}, more than any scenario needs"
            fix = (f"write a value at most {bound}{unit}: check the unit and the number of digits "
                   "(a typing slip?)")
        else:
            word = "below the smallest" if check.startswith("ge:") else "above the largest"
            message = f"is {word} allowed value {bound}"
            fix = f"write a value {'at least' if check.startswith('ge:') else 'at most'} {bound}{unit}"
        return Issue("error", "check_ranges", where, message, fix, row=row, column=column, value=value)
    return Issue("error", "check_schema", where, f"failed {check}", "correct the value",
                 row=row, column=column, value=value)


def check_files(raw: RawScenario) -> list[Issue]:
    """Required files present and not header-only; unknown columns are reported as warnings."""
    issues = []
    for name, spec in table_specs().items():
        df = raw.tables.get(name)
        loaded_badly = any(i.file == raw.where(name) for i in raw.load_issues)
        if df is None:
            if spec.required_file and not loaded_badly:
                issues.append(Issue("error", "check_files", raw.where(name), "required table is missing",
                                    f"add {raw.where(name)} with columns {', '.join(spec.required_columns)}"))
            continue
        if df.empty and spec.needs_rows:
            issues.append(Issue("error", "check_files", raw.where(name), "has a header but no rows",
                                f"add at least one row of {name.replace('_', ' ')}"))
        elif df.empty and spec.required_file:
            issues.append(Issue("warning", "check_files", raw.where(name), "has a header but no rows",
                                f"add rows if the scenario should have {name.replace('_', ' ')}"))
        known = {c.column for c in spec.columns}
        for col in df.columns:
            if col not in known:
                issues.append(Issue("warning", "check_columns", raw.where(name),
                                    f"column '{col}' is not in the data dictionary and is ignored",
                                    f"rename it to one of: {', '.join(sorted(known))}", column=col))
    return issues


def check_schemas(raw: RawScenario) -> list[Issue]:
    """Each table against its pandera schema (lazy: every failure, not the first)."""
    issues = []
    for name, df in raw.tables.items():
        spec = table_specs()[name]
        frame = df.replace("", None)
        try:
            table_schema(spec, _numbers_once(frame)).validate(frame, lazy=True)
        except pa.errors.SchemaErrors as exc:
            cases = exc.failure_cases
            counts = cases.groupby(["check", "column"], dropna=False, sort=False).cumcount()
            for case in cases[counts < LISTED].to_dict("records"):
                issues.append(_schema_issue(raw, spec, case))
            for _, rest in cases[counts >= LISTED].groupby(["check", "column"], dropna=False, sort=False):
                issues.append(more_rows(_schema_issue(raw, spec, rest.iloc[0].to_dict()), len(rest)))
    return issues


def check_config(raw: RawScenario) -> tuple[ScenarioConfig | None, list[Issue]]:
    """scenario.toml (or the scenario sheet): known keys, types, horizon of at least 1 year."""
    where = raw.where("scenario")
    if not raw.config and any(i.file == where for i in raw.load_issues):
        return None, []
    try:
        return ScenarioConfig.from_mapping(raw.config), []
    except ValidationError as exc:
        issues = []
        for err in exc.errors():
            key = ".".join(str(p) for p in err["loc"]) or None
            value = err.get("input")
            issues.append(
                Issue("error", "check_config", where, err["msg"].removeprefix("Value error, "),
                      ScenarioConfig.fix_for(key, raw.config), column=key,
                      value=None if isinstance(value, dict) else str(value))
            )
        return None, issues


def typed_tables(raw: RawScenario) -> dict[str, pd.DataFrame]:
    """Tables with numeric columns as numbers and blanks as missing; every dictionary column exists.

    Every table of the dictionary is present: an absent file reads as an empty table with its
    columns, so readers can always index `tables[name]`. A blank optional cell takes the
    dictionary's default, or the value of the column the default names."""
    out = {}
    for name, spec in table_specs().items():
        df = raw.tables.get(name)
        if df is None:
            df = pd.DataFrame(columns=[c.column for c in spec.columns])
        df = df.copy()
        for c in spec.columns:
            if c.column not in df.columns:
                df[c.column] = "" if not c.numeric else None
            if c.numeric:
                df[c.column] = numbers(df[c.column].replace("", None)).astype(float)
                if c.default_value is not None and not c.required:
                    df[c.column] = df[c.column].fillna(c.default_value)
            else:
                df[c.column] = df[c.column].fillna("").astype(str)
        for c in spec.columns:  # after every column is typed: a default may name a later one
            if c.default_column is not None:
                df[c.column] = df[c.column].fillna(df[c.default_column])
        out[name] = df[[c.column for c in spec.columns]]
    return out
