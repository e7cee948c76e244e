"""Shared fixtures: the worked example scenario and copies of it with one deliberate fault."""

from __future__ import annotations

import csv
import itertools
import os
import shutil
from pathlib import Path

import pytest

# A verbatim copy of <repo>/../shared/design/example, so the tests run wherever the repo is copied.
EXAMPLE_DIR = Path(__file__).resolve().parent / "data" / "example"


@pytest.fixture(scope="session")
def example_dir() -> Path:
    """The valid worked example. OPTIMISER_SHARED_DIR=<shared> uses <shared>/design/example instead."""
    shared = os.environ.get("OPTIMISER_SHARED_DIR")
    path = Path(shared) / "design" / "example" if shared else EXAMPLE_DIR
    assert (path / "scenario.toml").is_file(), f"example scenario not found at {path}"
    return path


class ScenarioCopy:
    """A copy of a scenario folder with small edit helpers. Rows use spreadsheet numbering (header = 1)."""

    def __init__(self, path: Path):
        self.path = path

    def __fspath__(self) -> str:
        return str(self.path)

    def _read(self, table: str) -> list[list[str]]:
        with (self.path / f"{table}.csv").open(newline="", encoding="utf-8") as fh:
            return list(csv.reader(fh))

    def _write(self, table: str, rows: list[list[str]]) -> ScenarioCopy:
        with (self.path / f"{table}.csv").open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh, lineterminator="\n").writerows(rows)
        return self

    def set_cell(self, table: str, row: int, column: str, value: str) -> ScenarioCopy:
        rows = self._read(table)
        rows[row - 1][rows[0].index(column)] = value
        return self._write(table, rows)

    def add_row(self, table: str, **cells: str) -> ScenarioCopy:
        """Append a row; columns not named are blank. Returns self; the new row is `rows(table)`."""
        rows = self._read(table)
        unknown = set(cells) - set(rows[0])
        assert not unknown, f"{table}.csv has no column(s) {unknown}"
        rows.append([str(cells.get(c, "")) for c in rows[0]])
        return self._write(table, rows)

    def rows(self, table: str) -> int:
        """Spreadsheet number of the last row."""
        return len(self._read(table))

    def drop_column(self, table: str, column: str) -> ScenarioCopy:
        rows = self._read(table)
        i = rows[0].index(column)
        return self._write(table, [r[:i] + r[i + 1:] for r in rows])

    def header_only(self, table: str) -> ScenarioCopy:
        return self._write(table, self._read(table)[:1])

    def delete(self, filename: str) -> ScenarioCopy:
        (self.path / filename).unlink()
        return self

    def write(self, filename: str, text: str) -> ScenarioCopy:
        (self.path / filename).write_text(text, encoding="utf-8")
        return self

    def replace_text(self, filename: str, old: str, new: str) -> ScenarioCopy:
        file = self.path / filename
        text = file.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {filename}"
        file.write_text(text.replace(old, new, 1), encoding="utf-8")
        return self


@pytest.fixture
def broken(tmp_path, example_dir):
    """A factory: each call copies the example into tmp_path and returns a `ScenarioCopy` to edit.

    `broken()` gives an unedited copy; `broken(fn)` also calls `fn(copy)` first.
    """
    counter = itertools.count()

    def make(edit=None) -> ScenarioCopy:
        copy = ScenarioCopy(tmp_path / f"scenario{next(counter)}")
        shutil.copytree(example_dir, copy.path)
        if edit is not None:
            edit(copy)
        return copy

    return make


@pytest.fixture
def example_with_uncertainty(tmp_path, example_dir) -> Path:
    """A copy of the worked example with three uncertainty rows, for sweeps."""
    path = tmp_path / "example"
    shutil.copytree(example_dir, path)
    (path / "uncertainty.csv").write_text(
        "parameter,scope,distribution,arguments\n"
        "leaver_rate,*,normal,sd=0.005\n"
        "demand_growth,*,normal,sd=0.01\n"
        "completion_rate,*,triangular,low=-0.08;mode=0;high=0.03;draw=each\n", encoding="utf-8")
    return path

