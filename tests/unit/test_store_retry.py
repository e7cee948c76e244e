"""A save that meets a locked SQLite database waits and tries again, then lands or is refused
cleanly (optimiser/store/retry.py). Several writer processes at once: tests/integration/test_store_concurrency.py."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time

import pytest
from sqlalchemy.exc import OperationalError

from optimiser.scenario.io import load_raw
from optimiser.store import Store, StoreError, engine, retry
from optimiser.store.retry import is_busy

pytestmark = pytest.mark.unit


@pytest.fixture
def impatient(monkeypatch):
    """Connections that give up on a lock at once, so the retries are what waits."""
    monkeypatch.setattr(engine, "SQLITE_BUSY_TIMEOUT_S", 0.001)


def hold_write_lock(path, seconds: float) -> threading.Thread:
    """Another program holding the database's write lock for `seconds`."""
    taken = threading.Event()

    def hold():
        db = sqlite3.connect(path, isolation_level=None)
        db.execute("BEGIN IMMEDIATE")
        taken.set()
        time.sleep(seconds)
        db.execute("COMMIT")
        db.close()

    thread = threading.Thread(target=hold)
    thread.start()
    taken.wait(5)
    return thread


def test_a_save_waits_for_another_writer_and_then_lands(tmp_path, broken, impatient, caplog):
    path = tmp_path / "store.sqlite3"
    with Store(f"sqlite:///{path}") as store:
        holder = hold_write_lock(path, 0.6)
        with caplog.at_level(logging.INFO, logger=retry.__name__):
            started = time.monotonic()
            record = store.save_scenario("Two ICBs", load_raw(broken()))
        holder.join()
        assert time.monotonic() - started >= 0.4  # it waited for the lock ...
        assert any("database busy" in r.getMessage() for r in caplog.records)  # ... by retrying
        assert [s.name for s in store.list_scenarios()] == ["Two ICBs"] and record.id == 1


def test_a_lock_held_longer_than_the_retries_is_refused_with_a_clear_message_and_nothing_saved(
        tmp_path, broken, impatient, monkeypatch):
    path = tmp_path / "store.sqlite3"
    monkeypatch.setattr(retry, "RETRY_FOR_S", 0.3)
    with Store(f"sqlite:///{path}") as store:
        holder = hold_write_lock(path, 1.5)
        with pytest.raises(StoreError, match=r"saving scenario 'Two ICBs' waited \d+ s \(\d+ tries\) while another "
                                             r"program kept the database locked; try again when it has finished; "
                                             r"nothing was saved"):
            store.save_scenario("Two ICBs", load_raw(broken()))
        holder.join()
        assert store.list_scenarios() == []


def _operational(orig: Exception) -> OperationalError:
    return OperationalError("INSERT ...", {}, orig)


class _Driver(Exception):
    def __init__(self, text, **attrs):
        super().__init__(text)
        self.__dict__.update(attrs)


@pytest.mark.parametrize(("orig", "busy"), [
    (_Driver("database is locked", sqlite_errorcode=5), True),
    (_Driver("database table is locked", sqlite_errorcode=6), True),
    (_Driver("database is locked", sqlite_errorcode=5 | (2 << 8)), True),  # SQLITE_BUSY_SNAPSHOT
    (_Driver("disk I/O error", sqlite_errorcode=10), False),
    (_Driver("no such table: x", sqlite_errorcode=1), False),
    (_Driver("could not serialize access", sqlstate="40001"), True),
    (_Driver("deadlock detected", sqlstate="40P01"), True),
    (_Driver("connection refused", sqlstate="08001"), False),
    (_Driver("database is locked"), True),  # a driver that gives no code: its words
])
def test_only_a_lock_held_by_another_writer_is_retried(orig, busy):
    assert is_busy(_operational(orig)) is busy


def test_any_other_database_failure_is_not_retried(monkeypatch):
    calls = []

    def fails():
        calls.append(1)
        raise _operational(_Driver("disk I/O error", sqlite_errorcode=10))

    with pytest.raises(OperationalError):
        retry.with_retries(fails)
    assert calls == [1]
