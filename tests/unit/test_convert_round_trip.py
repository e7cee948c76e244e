"""`optimiser convert` is a true round trip for every cell and setting (hypothesis).

folder -> workbook -> folder gives the same files, byte for byte; workbook -> folder -> workbook
gives the same cells (value, type and number format). Scenario files hold exactly what was typed
(no formula guard in a CSV file or scenario.toml); a workbook runs no formula (every formula-like
text is guarded) and reading it back undoes the guard. Cells are drawn with formula prefixes,
apostrophes, unicode, OOXML escape look-alikes (_x000D_), carriage returns and long text up to
what a workbook cell holds (tests/adversarial.py).
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path

import pytest
from adversarial import raw_scenarios
from hypothesis import HealthCheck, given, settings

from optimiser.basics.cells import FORMULA_PREFIXES
from optimiser.basics.issues import ScenarioError
from optimiser.scenario.excel import EXCEL_CELL_CHARS, excel_length, workbook_problems
from optimiser.scenario.io import SCENARIO_FILE, RawScenario, load_raw, write_folder, write_workbook
from optimiser.scenario.reading import open_workbook

pytestmark = pytest.mark.unit

LONG = EXCEL_CELL_CHARS - 1  # the guard's apostrophe may be added to a formula-like cell
ROUND_TRIP = settings(max_examples=30, deadline=20_000, suppress_health_check=[HealthCheck.too_slow])


def cells_of(raw: RawScenario) -> tuple[dict, dict]:
    """The scenario's settings and each table's cells and columns (row positions aside: a
    written file has no blank lines, so rows renumber)."""
    return raw.config, {n: (list(df.columns), df.astype(str).values.tolist()) for n, df in raw.tables.items()}


def assert_same(back: RawScenario, raw: RawScenario) -> None:
    assert back.load_issues == []
    config, tables = cells_of(raw)
    got_config, got_tables = cells_of(back)
    assert got_tables == tables
    assert got_config == config
    for key, value in config.items():  # 1 is not 1.0: scenario.toml would change
        assert type(got_config[key]) is type(value), key
    for key, value in config.get("solver", {}).items():
        assert type(got_config["solver"][key]) is type(value), key


def workbook_cells(path: Path) -> dict:
    """Every sheet's cells as (value, number format), text as Excel reads it (escapes undone)."""
    wb = open_workbook(path)
    try:
        return {ws.title: [[(c.value, c.number_format if c.value is not None else None) for c in row]
                           for row in ws.iter_rows()] for ws in wb.worksheets}
    finally:
        wb.close()


def refused_whole(raw: RawScenario, dst: Path) -> bool:
    """A scenario holding a cell a workbook cannot store exactly is refused, naming each such
    cell, and nothing is written (True); else False."""
    problems = workbook_problems(raw)
    if problems:
        with pytest.raises(ScenarioError) as refused:
            write_workbook(raw, dst)
        assert refused.value.report.issues and all(i.severity == "error" for i in refused.value.report.issues)
        assert not dst.exists() and [p.name for p in dst.parent.iterdir() if p.name.startswith(".")] == []
    return bool(problems)


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@ROUND_TRIP
@given(raw=raw_scenarios(long_limit=LONG))
def test_folder_to_workbook_to_folder_gives_the_same_files(raw):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        write_folder(raw, tmp / "first")
        first = load_raw(tmp / "first")
        assert_same(first, raw)
        if refused_whole(first, tmp / "book.xlsx"):
            return
        write_workbook(first, tmp / "book.xlsx")
        assert_same(load_raw(tmp / "book.xlsx"), raw)
        write_folder(load_raw(tmp / "book.xlsx"), tmp / "again")
        assert files_of(tmp / "again") == files_of(tmp / "first")
        # scenario files hold exactly what was typed: no apostrophe that was never typed
        for name, df in raw.tables.items():
            text = (tmp / "first" / f"{name}.csv").read_bytes().decode("utf-8")  # no newline translation
            rows = list(csv.reader(io.StringIO(text, newline="")))
            assert rows[0] == list(df.columns)
            assert [r for r in rows[1:] if any(r)] == df.astype(str).values.tolist()
        shutil.rmtree(tmp / "first")


@ROUND_TRIP
@given(raw=raw_scenarios(long_limit=LONG))
def test_workbook_to_folder_to_workbook_gives_the_same_cells_and_runs_no_formula(raw):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if refused_whole(raw, tmp / "first.xlsx"):
            return
        write_workbook(raw, tmp / "first.xlsx")
        assert_same(load_raw(tmp / "first.xlsx"), raw)
        write_folder(load_raw(tmp / "first.xlsx"), tmp / "folder")
        assert_same(load_raw(tmp / "folder"), raw)
        write_workbook(load_raw(tmp / "folder"), tmp / "again.xlsx")
        first = workbook_cells(tmp / "first.xlsx")
        assert workbook_cells(tmp / "again.xlsx") == first
        for sheet in first.values():
            for row in sheet:
                for value, _ in row:
                    assert not (isinstance(value, str) and value.startswith(FORMULA_PREFIXES)), value
                    assert not (isinstance(value, str) and excel_length(value) > EXCEL_CELL_CHARS)


def test_the_round_trip_checks_can_fail(tmp_path):
    """The comparison sees a one-character change and a 1 that came back as 1.0."""
    raw = RawScenario(source="x", form="folder", config={"start_year": 2025},
                      tables={"regions": __import__("pandas").DataFrame({"region": ["'=a"]}, dtype=str)})
    write_folder(raw, tmp_path / "f")
    (tmp_path / "f" / "regions.csv").write_text("region\n=a\n", encoding="utf-8")
    with pytest.raises(AssertionError):
        assert_same(load_raw(tmp_path / "f"), raw)
    (tmp_path / "f" / "regions.csv").write_text("region\n'=a\n", encoding="utf-8")
    (tmp_path / "f" / SCENARIO_FILE).write_text("start_year = 2025.0\n", encoding="utf-8")
    with pytest.raises(AssertionError):
        assert_same(load_raw(tmp_path / "f"), raw)
