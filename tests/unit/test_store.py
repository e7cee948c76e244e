"""The scenario store on SQLite: round trips, atomic writes, SQLite settings, tables as JSON.

Every test that takes `store` runs on a fresh SQLite file here, and again on PostgreSQL in
tests/integration/test_store_postgres.py when OPTIMISER_TEST_DATABASE_URL names a server. Runs
saved from real solves are in tests/integration/test_store_runs.py.
"""

from __future__ import annotations

import datetime as dt
import shutil

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import event, func, select

from optimiser.basics.locations import DEFAULT_SCENARIO_DIR
from optimiser.scenario.io import load_raw, write_workbook
from optimiser.scenario.scenario import scenario_from_raw
from optimiser.scenario.validation import validate_raw
from optimiser.store import Store, StoreError, default_url, input_hash
from optimiser.store import store as store_module
from optimiser.store.payload import table_from_payload, table_payload
from optimiser.store.tables import RunRow, RunTableRow, ScenarioRow, ScenarioTableRow

pytestmark = pytest.mark.unit

ALL_ROWS = (ScenarioRow, ScenarioTableRow, RunRow, RunTableRow)


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture
def store_url(tmp_path):
    """A fresh SQLite file (tests/integration/test_store_postgres.py gives these tests PostgreSQL)."""
    return f"sqlite:///{tmp_path / 'store.sqlite3'}"


@pytest.fixture
def store(store_url):
    with Store(store_url) as s:
        yield s


@pytest.fixture
def frozen_workbook_clock(monkeypatch):
    """A workbook's only time-dependent bytes are its creation stamp (docProps/core.xml)."""
    import xlsxwriter.core

    class Frozen(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return dt.datetime(2025, 4, 1, 9, 0, tzinfo=dt.UTC)

    monkeypatch.setattr(xlsxwriter.core, "datetime", Frozen)


def row_counts(store: Store) -> dict[str, int]:
    with store.engine.connect() as conn:
        return {m.__tablename__: conn.execute(select(func.count()).select_from(m)).scalar_one() for m in ALL_ROWS}


def failing_on_call(n: int, monkeypatch) -> list[str]:
    """Make the table serialiser raise on its n-th call; returns the tables it was asked for."""
    real = table_payload
    calls: list[str] = []

    def flaky(table, df):
        calls.append(table)
        if len(calls) == n:
            raise RuntimeError(f"disk full while writing table '{table}'")
        return real(table, df)

    monkeypatch.setattr(store_module, "table_payload", flaky)
    return calls


def count_inserts(store: Store, table: str) -> list[int]:
    """Count INSERTs into `table` that reach the database (before any commit or rollback)."""
    seen = [0]

    def before(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(f"INSERT INTO {table.upper()}"):
            seen[0] += 1

    event.listen(store.engine, "before_cursor_execute", before)
    return seen


def assert_tables_equal(saved: dict[str, pd.DataFrame], loaded: dict[str, pd.DataFrame]) -> None:
    assert list(loaded) == list(saved)
    for name, df in saved.items():
        pd.testing.assert_frame_equal(loaded[name], df, check_exact=True, obj=name)


# --- scenarios -------------------------------------------------------------------------------


def test_west_midlands_round_trip_exports_the_same_workbook_and_validates_the_same(
        store, tmp_path, frozen_workbook_clock):
    raw = load_raw(DEFAULT_SCENARIO_DIR)
    record = store.save_scenario("West Midlands default", raw, note="as shipped")
    back = store.load_scenario(record.id)

    write_workbook(raw, tmp_path / "original.xlsx")
    write_workbook(back, tmp_path / "from_store.xlsx")
    assert (tmp_path / "from_store.xlsx").read_bytes() == (tmp_path / "original.xlsx").read_bytes()

    report, tables, config = validate_raw(raw)
    report_back, tables_back, config_back = validate_raw(back)
    assert report.ok and report_back.ok
    assert report_back.issues == report.issues  # the same warnings, at the same rows
    assert config_back == config
    assert_tables_equal(tables, tables_back)
    assert scenario_from_raw(back).name == "West Midlands Imaging Network (default)"
    assert record.input_hash == input_hash(raw) == input_hash(back)
    assert (record.note, record.n_runs) == ("as shipped", 0)


def test_errors_in_a_saved_draft_come_back_at_the_same_rows(store, broken):
    """A draft with a bad cell below a blank line: the file row (5) must survive the store."""
    def blank_line_and_negative_in_post(copy):
        lines = (copy.path / "workforce.csv").read_text(encoding="utf-8").splitlines(keepends=True)
        lines.insert(2, "\n")  # file rows: header 1, radiographer 2, blank 3, sonographer 4, AP 5
        lines[4] = lines[4].replace("east,assistant_practitioner,10,", "east,assistant_practitioner,-5,")
        copy.write("workforce.csv", "".join(lines))

    raw = load_raw(broken(blank_line_and_negative_in_post))
    report, _, _ = validate_raw(raw)
    assert [(i.file, i.row, i.column, i.value) for i in report.errors] == [
        ("workforce.csv", 5, "in_post_wte", "-5")]

    back = store.load_scenario(store.save_scenario("draft", raw).id)
    report_back, _, _ = validate_raw(back)
    assert report_back.issues == report.issues


def test_a_workbook_scenario_keeps_its_form_and_sheet_names_in_messages(store, tmp_path):
    from conftest import EXAMPLE_DIR

    write_workbook(load_raw(EXAMPLE_DIR), tmp_path / "two_icbs.xlsx")
    raw = load_raw(tmp_path / "two_icbs.xlsx")
    back = store.load_scenario(store.save_scenario("two ICBs", raw).id)
    assert (back.form, back.where("budget")) == ("workbook", "two_icbs.xlsx [budget]")
    assert back.config == raw.config


def test_load_problems_are_kept_with_the_scenario(store, broken):
    raw = load_raw(broken(lambda c: c.delete("scenario.toml")))
    missing = validate_raw(raw)[0].errors
    assert any(i.file == "scenario.toml" and i.rule == "check_files" for i in raw.load_issues)
    back = store.load_scenario(store.save_scenario("no budget yet", raw).id)
    assert validate_raw(back)[0].errors == missing


def test_same_name_is_refused_and_the_saved_scenario_is_unchanged(store, broken):
    original = load_raw(broken())
    edited = load_raw(broken(lambda c: c.set_cell("budget", 2, "budget_gbp", "999")))
    saved = store.save_scenario("Two ICBs", original)

    with pytest.raises(StoreError, match=r"'Two ICBs' is already saved .*inputs differ.*another name"):
        store.save_scenario("Two ICBs", edited)
    with pytest.raises(StoreError, match="exactly the same inputs"):
        store.save_scenario("  Two ICBs ", original)  # the name is compared as trimmed

    assert [s.name for s in store.list_scenarios()] == ["Two ICBs"]
    assert input_hash(store.load_scenario(saved.id)) == input_hash(original)


def test_input_hash_is_about_content_not_where_it_came_from(broken):
    a, b = load_raw(broken()), load_raw(broken())
    assert a.source != b.source and input_hash(a) == input_hash(b)
    changed = load_raw(broken(lambda c: c.set_cell("budget", 2, "budget_gbp", "1")))
    assert input_hash(changed) != input_hash(a)
    a.config["horizon_years"] = 7
    assert input_hash(a) != input_hash(b)


def test_identical_content_under_two_names_is_found_by_hash(store, broken):
    raw = load_raw(broken())
    store.save_scenario("copy A", raw)
    store.save_scenario("copy B", load_raw(broken()))
    store.save_scenario("other", load_raw(broken(lambda c: c.set_cell("budget", 2, "budget_gbp", "1"))))
    assert [s.name for s in store.find_scenarios(input_hash(raw))] == ["copy A", "copy B"]
    assert [s.name for s in store.list_scenarios()] == ["copy A", "copy B", "other"]


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
def test_bad_names_are_refused_before_anything_is_written(store, broken, name):
    with pytest.raises(StoreError, match="name"):
        store.save_scenario(name, load_raw(broken()))
    assert set(row_counts(store).values()) == {0}


# --- deletes and transactions ----------------------------------------------------------------


def test_a_scenario_save_that_fails_midway_leaves_nothing(store, store_url, broken, monkeypatch):
    raw = load_raw(broken())
    inserts = count_inserts(store, "optimiser_scenario_tables")
    calls = failing_on_call(3, monkeypatch)
    with pytest.raises(RuntimeError, match="disk full"):
        store.save_scenario("Two ICBs", raw)
    assert len(calls) == 3 and inserts[0] == 2  # two tables really reached the database first
    assert set(row_counts(store).values()) == {0}
    with Store(store_url) as fresh:  # and another connection sees nothing either
        assert fresh.list_scenarios() == []


def test_an_overwrite_that_fails_midway_keeps_the_old_scenario(store, broken, monkeypatch):
    original = load_raw(broken())
    saved = store.save_scenario("Two ICBs", original)
    before = row_counts(store)
    failing_on_call(3, monkeypatch)
    with pytest.raises(RuntimeError):
        store.save_scenario("Two ICBs", load_raw(broken(lambda c: c.set_cell("budget", 2, "budget_gbp", "1"))),
                            overwrite=True)
    assert row_counts(store) == before
    assert input_hash(store.load_scenario(saved.id)) == input_hash(original)
    assert store.get_scenario(saved.id).updated_at is None


# --- SQLite settings and configuration ------------------------------------------------------


def test_sqlite_has_wal_and_foreign_keys_on_every_connection(tmp_path):
    with Store(f"sqlite:///{tmp_path / 'deep' / 'folder' / 'store.sqlite3'}") as s:
        first, second = s.engine.connect(), s.engine.connect()  # two pooled connections at once
        try:
            for conn in (first, second):
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        finally:
            first.close()
            second.close()
    assert (tmp_path / "deep" / "folder" / "store.sqlite3").is_file()


def test_default_url_is_a_file_in_the_working_folder_unless_configured(tmp_path, monkeypatch):
    monkeypatch.delenv("OPTIMISER_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    assert default_url() == f"sqlite:///{tmp_path / 'optimiser_store.sqlite3'}"
    with Store() as s:
        s.save_scenario("here", load_raw(DEFAULT_SCENARIO_DIR))
    assert (tmp_path / "optimiser_store.sqlite3").is_file()
    monkeypatch.setenv("OPTIMISER_DATABASE_URL", f"sqlite:///{tmp_path / 'team.sqlite3'}")
    assert default_url().endswith("team.sqlite3")


def test_an_in_memory_database_is_one_database(broken):
    with Store("sqlite://") as s:
        s.save_scenario("scratch", load_raw(broken()))
        assert [r.name for r in s.list_scenarios()] == ["scratch"]


# --- tables as JSON -------------------------------------------------------------------------


def test_result_tables_of_every_dtype_come_back_equal():
    df = pd.DataFrame({
        "region": pd.Series(["east", None, "=cmd()"], dtype="str"),
        "year": np.array([2025, 2026, 2027], dtype="int64"),
        "wte": [0.1 + 0.2, float("nan"), float("inf")],  # every bit kept, not rounded to 10 digits
        "binding": [True, False, True],
        "key_year": pd.Series([2025, None, "all years"], dtype=object),
        "small": np.array([1.5, -2.25, 0.0], dtype="float32"),
        "count": pd.array([1, None, 3], dtype="Int64"),
        "when": pd.to_datetime(["2025-04-01 00:00", None, "2026-04-01 12:30"]).tz_localize("UTC"),
    }, index=pd.Index([5, 9, 12], name="file_row"))
    back = table_from_payload(table_payload("mixed", df))
    pd.testing.assert_frame_equal(back, df, check_exact=True)
    assert back.loc[5, "wte"] == 0.30000000000000004


def test_tables_the_store_cannot_keep_are_refused_by_name():
    df = pd.DataFrame({"band": pd.Categorical(["6", "7"])})
    with pytest.raises(StoreError, match="table 'staff' column 'band' has type category"):
        table_payload("staff", df)


def test_a_copied_store_file_opens_elsewhere(tmp_path, broken):
    """The SQLite file is self-contained: moved after closing (WAL checkpointed), it still loads."""
    raw = load_raw(broken())
    with Store(f"sqlite:///{tmp_path / 'a.sqlite3'}") as s:
        scenario_id = s.save_scenario("Two ICBs", raw).id
    shutil.copy(tmp_path / "a.sqlite3", tmp_path / "b.sqlite3")
    with Store(f"sqlite:///{tmp_path / 'b.sqlite3'}") as s:
        assert input_hash(s.load_scenario(scenario_id)) == input_hash(raw)


def test_saves_from_two_stores_at_once_wait_their_turn(tmp_path, broken):
    """The app and a solve worker each hold their own Store on one SQLite file: saves queue."""
    import threading

    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    raw = load_raw(broken())
    failures: list[str] = []

    def save_five(who: str) -> None:
        try:
            with Store(url) as s:
                for i in range(5):
                    s.save_scenario(f"{who} {i}", raw)
        except Exception as exc:  # collected: an exception in a thread would not fail the test
            failures.append(repr(exc))

    threads = [threading.Thread(target=save_five, args=(who,)) for who in ("app", "worker")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    with Store(url) as s:
        assert len(s.list_scenarios()) == 10
