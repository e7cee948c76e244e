"""Cell text (optimiser/basics/cells.py): one reading of numbers, one formula guard (in workbooks
only), and scenario files that round-trip formula-like text exactly through a folder (written as
typed) and through a workbook (guarded, and the guard undone on reading)."""

from __future__ import annotations

import csv
import datetime

import numpy as np
import openpyxl
import pandas as pd
import pytest

from optimiser.basics.cells import (
    FORMULA_PREFIXES,
    cell_text,
    finite_number,
    numbers,
    restore_text,
    safe_text,
    shown_number,
    workbook_number,
)
from optimiser.scenario.dictionary import table_specs
from optimiser.scenario.io import load_raw, write_folder, write_workbook

pytestmark = pytest.mark.unit

FORMULA_LIKE = [
    '=HYPERLINK("http://example.org","x")', "+44 121 000", "-- checked by the ICB", "@SUM(A1:A9)",
    "\tTabbed", "\rreturn", "=", "-", "'=typed with its own guard", "''-two apostrophes", "'@",
]
ORDINARY = ["", "plain", "it's fine", "'", "''", "'quoted'", "5", "0.045", "uni_west"]


@pytest.mark.parametrize("text", FORMULA_LIKE + ORDINARY)
def test_guard_round_trips_every_text_exactly(text):
    guarded = safe_text(text)
    assert restore_text(guarded) == text
    assert not guarded.startswith(FORMULA_PREFIXES)


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_is_not_guarded(text):
    assert safe_text(text) == text


def test_guard_leaves_non_text_alone():
    assert safe_text(-5) == -5 and safe_text(None) is None


SAMPLES = ["12", "-0.01", "+5", ".5", "5.", "1e3", "1E-9", "0.0450", "1_000", "1,000", "4.5%", "12 WTE",
           "0x10", "inf", "-inf", "nan", "1e400", "", "abc", "\u0661\u0662"]


def test_one_cell_and_a_column_read_numbers_alike():
    column = numbers(pd.Series(SAMPLES, dtype=object))
    for text, value in zip(SAMPLES, column, strict=True):
        one = finite_number(text)
        if np.isfinite(value):
            assert one == value, text
        else:
            assert one is None, text
    assert finite_number("1_000") is None and finite_number("1e400") is None


@pytest.mark.parametrize(("value", "text"), [
    (None, ""), (float("nan"), ""), (pd.NA, ""), (True, "true"), (np.bool_(False), "false"),
    (30, "30"), (np.int64(30), "30"), (30.0, "30"), (0.045, "0.045"), (1e-9, "1e-09"),
    (np.float32(0.5), "0.5"), (datetime.date(2025, 4, 1), "2025-04-01"), ("  x  ", "x"),
])
def test_cell_text(value, text):
    assert cell_text(value) == text


@pytest.mark.parametrize(("text", "held"), [
    ("30", (30, None)), ("0.045", (0.045, None)), ("-0.01", (-0.01, None)), ("1e-09", (1e-09, None)),
    ("1.0", (1, "0.0")), ("0.50", (0.5, "0.00")), ("-2.500", (-2.5, "0.000")),
    # spellings a workbook cannot show, and a number it would round: text
    ("1e3", None), ("1E-9", None), ("007", None), ("+5", None), (".5", None), ("5.", None), ("-0", None),
    ("-0.0", None), ("0.30000000000000004", None), ("12345678901234567", None),
    ("inf", None), ("1_000", None), ("=1+1", None), ("", None),
])
def test_a_workbook_holds_a_number_only_where_it_shows_the_text_typed(text, held):
    got = workbook_number(text)
    assert got == held and (got is None or type(got[0]) is type(held[0]))
    if got is not None:
        assert shown_number(*got) == text


@pytest.mark.parametrize(("value", "number_format", "text"), [
    (1, "0.0", "1.0"), (1, "General", "1"), (0.5, "0.00", "0.50"), (0.045, "0.00", "0.045"),
    (2.5, "0", "2.5"), (3, "0.00%", "3"), (1e-9, "0.0", "1e-09"), (7, None, "7"),
])
def test_a_workbook_number_reads_as_its_decimals_only_where_they_state_it_exactly(value, number_format, text):
    assert shown_number(value, number_format) == text


def formula_scenario(example_dir):
    """The worked example with formula-like text in text columns, a header, a setting, and a
    numeric column (which also gets a negative number and infinite ones, as typed)."""
    raw = load_raw(example_dir)
    raw.config["name"] = "=cmd|' /C calc'!A0"
    regions = raw.tables["regions"]
    regions["name"] = FORMULA_LIKE[: len(regions)]
    regions["notes"] = ["-- checked", "'=typed with its own guard"][: len(regions)]
    regions["=unknown column"] = "@x"
    workforce = raw.tables["workforce"]
    workforce.loc[workforce.index[0], "in_post_wte"] = "=1+1"
    workforce.loc[workforce.index[1], "in_post_wte"] = "inf"
    workforce.loc[workforce.index[2], "in_post_wte"] = "1e400"  # a workbook cannot hold infinity
    raw.tables["staff_groups"].loc[0, "demand_growth"] = "-0.01"
    return raw


def assert_same_cells(back, raw, *, numbers_as_values: bool):
    assert back.config == raw.config
    assert set(back.tables) == set(raw.tables)
    for name, df in raw.tables.items():
        got = back.tables[name]
        assert list(got.columns) == list(df.columns), name
        numeric = {c.column for c in table_specs()[name].columns if c.numeric}
        for col in df.columns:
            for a, b in zip(got[col], df[col], strict=True):
                if numbers_as_values and col in numeric and finite_number(b) is not None:
                    assert finite_number(a) == finite_number(b), (name, col, a, b)
                else:
                    assert a == b, (name, col, a, b)


def test_folder_holds_formula_like_text_exactly_as_typed(example_dir, tmp_path):
    raw = formula_scenario(example_dir)
    write_folder(raw, tmp_path / "copy")
    back = load_raw(tmp_path / "copy")
    assert_same_cells(back, raw, numbers_as_values=False)
    cells = set()
    for path in (tmp_path / "copy").glob("*.csv"):
        with path.open(newline="", encoding="utf-8") as fh:
            cells |= {cell for row in csv.reader(fh) for cell in row}
    # scenario files are data: no apostrophe that was never typed (other readers see them too)
    assert set(FORMULA_LIKE[:2]) <= cells and "'=typed with its own guard" in cells
    assert "'" + FORMULA_LIKE[0] not in cells
    assert 'name = "=cmd|' in (tmp_path / "copy" / "scenario.toml").read_text(encoding="utf-8")
    assert "-0.01" in (tmp_path / "copy" / "staff_groups.csv").read_text()


def test_workbook_round_trips_formula_like_text_exactly(example_dir, tmp_path):
    raw = formula_scenario(example_dir)
    write_workbook(raw, tmp_path / "copy.xlsx")
    back = load_raw(tmp_path / "copy.xlsx")
    assert_same_cells(back, raw, numbers_as_values=True)  # "1.0" comes back as "1"
    wb = openpyxl.load_workbook(tmp_path / "copy.xlsx", read_only=True)
    try:
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True):
                for cell in row:
                    assert not (isinstance(cell, str) and cell.startswith(FORMULA_PREFIXES)), (ws.title, cell)
    finally:
        wb.close()
