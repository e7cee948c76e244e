"""Shared fixtures: the worked example scenario and copies of it with one deliberate fault."""

from __future__ import annotations

import csv
import itertools
import os
import shutil
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]  # tests/unit/test_tiers.py runs pytest on small test folders

# A verbatim copy of <repo>/../shared/design/example, so the tests run wherever the repo is copied.
EXAMPLE_DIR = Path(__file__).resolve().parent / "data" / "example"
# The same for <repo>/../shared/design/example_v2: a scenario using every v2 table and setting.
EXAMPLE_V2_DIR = Path(__file__).resolve().parent / "data" / "example_v2"


@pytest.fixture(scope="session")
def example_dir() -> Path:
    """The valid worked example. OPTIMISER_SHARED_DIR=<shared> uses <shared>/design/example instead."""
    shared = os.environ.get("OPTIMISER_SHARED_DIR")
    path = Path(shared) / "design" / "example" if shared else EXAMPLE_DIR
    assert (path / "scenario.toml").is_file(), f"example scenario not found at {path}"
    return path


@pytest.fixture(scope="session")
def example_v2_dir() -> Path:
    """The valid v2 worked example. OPTIMISER_SHARED_DIR=<shared> uses <shared>/design/example_v2."""
    shared = os.environ.get("OPTIMISER_SHARED_DIR")
    path = Path(shared) / "design" / "example_v2" if shared else EXAMPLE_V2_DIR
    assert (path / "scenario.toml").is_file(), f"v2 example scenario not found at {path}"
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


def with_uncertainty(source: Path, copy: Path, *rows: str) -> Path:
    """A copy of the scenario folder `source` at `copy` with an uncertainty.csv of `rows`
    ("parameter,scope,distribution,arguments" lines); returns `copy`."""
    shutil.copytree(source, copy)
    (copy / "uncertainty.csv").write_text("parameter,scope,distribution,arguments\n" + "".join(f"{r}\n" for r in rows),
                                          encoding="utf-8")
    return copy


@pytest.fixture
def example_with_uncertainty(tmp_path, example_dir) -> Path:
    """A copy of the worked example with three uncertainty rows, for sweeps."""
    return with_uncertainty(example_dir, tmp_path / "example", "leaver_rate,*,normal,sd=0.005",
                            "demand_growth,*,normal,sd=0.01",
                            "completion_rate,*,triangular,low=-0.08;mode=0;high=0.03;draw=each")


POSTGRES_URL_ENV = "OPTIMISER_TEST_DATABASE_URL"


@pytest.fixture
def postgres_url():
    """A URL of the PostgreSQL server named by OPTIMISER_TEST_DATABASE_URL (`scripts/ci_postgres.sh`
    starts one and prints the URL) whose every connection works in a fresh schema, dropped
    afterwards. The test is skipped when no server is named. Integration tests only."""
    import uuid

    from optimiser.store.engine import make_engine

    base = os.environ.get(POSTGRES_URL_ENV, "").strip()
    if not base:
        pytest.skip(f"{POSTGRES_URL_ENV} is not set: no PostgreSQL server configured")
    admin = make_engine(base)
    schema = f"store_test_{uuid.uuid4().hex[:12]}"
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    # libpq's options: every connection of this test works in its own schema
    url = admin.url.update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


# --- test tiers --------------------------------------------------------------------------------
# Every test lives in tests/unit, tests/integration or tests/ui and carries that folder's marker
# (pytestmark = pytest.mark.unit / integration / ui). Unit tests run no solver and no database
# server, so the unit tier stays fast and runs anywhere; the guards below hold them to it.


TESTS_DIR = Path(__file__).resolve().parent
TIERS = ("unit", "integration", "ui")
NO_SOLVER = "unit tests run no solver: move this test to tests/integration"
NO_SERVER = "unit tests use no database server (only SQLite): move this test to tests/integration"


def _folder_tier(path: Path) -> str | None:
    """The tier a test file's folder stands for, or None when it is in none of them."""
    try:
        parts = Path(path).resolve().relative_to(TESTS_DIR).parts
    except ValueError:
        return None
    return parts[0] if len(parts) > 1 and parts[0] in TIERS else None


def pytest_collection_modifyitems(config, items):
    """Refuse the whole run when a test has no tier marker, two of them, or another folder's."""
    refused = []
    for item in items:
        marked = sorted({mark.name for mark in item.iter_markers() if mark.name in TIERS})
        folder = _folder_tier(item.path)
        if folder is None:
            refused.append(f"{item.nodeid}: not in a tier folder; move it to tests/unit, "
                           f"tests/integration or tests/ui")
        elif not marked:
            refused.append(f"{item.nodeid}: no tier marker; add pytestmark = pytest.mark.{folder}")
        elif marked != [folder]:
            refused.append(f"{item.nodeid}: marked {' and '.join(marked)} but is in tests/{folder}; "
                           f"it needs exactly one tier marker, pytest.mark.{folder}")
    if refused:
        raise pytest.UsageError("tests without their tier's marker are refused:\n  " + "\n  ".join(refused))


def _refuse(message: str):
    """A stand-in for a solving function that fails the test. pytest.fail raises an outcome
    exception (a BaseException), which a caller's `except Exception` cannot swallow."""
    def refuse(*args, **kwargs):
        pytest.fail(message)
    return refuse


def _refuse_database_servers(dialect, connection_record, cargs, cparams):
    """SQLAlchemy's do_connect hook, before any connection opens: SQLite files pass, servers fail."""
    if dialect.name != "sqlite":
        pytest.fail(f"{NO_SERVER} (it connects to a {dialect.name} database)")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """Around a unit test's setup, call and teardown (module-scoped fixtures included), solving
    and database servers fail the test. A hook rather than an autouse fixture, since a fixture
    cannot wrap fixtures of a wider scope."""
    if item.get_closest_marker("unit") is None:
        return (yield)
    import highspy
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from optimiser.pipeline import api

    with pytest.MonkeyPatch.context() as patch:
        for method in ("run", "solve", "startSolve"):  # Highs.solve calls the base class's run
            patch.setattr(highspy.Highs, method, _refuse(NO_SOLVER))
        for entry in ("project", "solve", "frontier", "solve_built", "explain_infeasibility"):
            if hasattr(api, entry):
                patch.setattr(api, entry, _refuse(NO_SOLVER))  # optimiser.<entry> reads it from api
        event.listen(Engine, "do_connect", _refuse_database_servers)
        try:
            return (yield)
        finally:
            event.remove(Engine, "do_connect", _refuse_database_servers)
