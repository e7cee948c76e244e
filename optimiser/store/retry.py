"""Another writer holds the database: wait and try the whole transaction again.

SQLite lets one process write at a time. A save first waits on the connection's busy timeout
(engine.py); where SQLite answers "database is locked" anyway (the timeout ran out, or the lock
could not be waited for, as when a new file's journal mode is being set), the transaction is
rolled back whole and tried again after a growing, jittered pause, until RETRY_FOR_S have passed.
PostgreSQL's serialisation failures and deadlocks are retried the same way.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import OperationalError

T = TypeVar("T")
log = logging.getLogger(__name__)

RETRY_FOR_S = 60.0  # how long a save keeps trying before it gives up and says so
FIRST_PAUSE_S = 0.02
LONGEST_PAUSE_S = 1.0
SQLITE_BUSY, SQLITE_LOCKED = 5, 6  # primary result codes (the low byte of an extended code)
POSTGRES_RETRYABLE = {"40001", "40P01", "55P03"}  # serialisation failure, deadlock, lock not available


def is_busy(exc: OperationalError) -> bool:
    """Whether the database refused only because another connection held a lock."""
    orig = getattr(exc, "orig", None)
    code = getattr(orig, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (SQLITE_BUSY, SQLITE_LOCKED)
    if getattr(orig, "sqlstate", None) in POSTGRES_RETRYABLE:
        return True
    text = str(orig if orig is not None else exc).lower()
    return any(s in text for s in ("database is locked", "database is busy", "database table is locked"))


class StillBusy(Exception):
    """The database stayed locked by another writer for RETRY_FOR_S; `tries` attempts were made."""

    def __init__(self, tries: int, waited_s: float, last: OperationalError):
        super().__init__(str(last))
        self.tries, self.waited_s, self.last = tries, waited_s, last

    def describe(self, what: str) -> str:
        return (f"{what} waited {self.waited_s:.0f} s ({self.tries} tries) while another program kept the "
                "database locked; try again when it has finished")


def with_retries(attempt: Callable[[], T]) -> T:
    """`attempt()` (one whole transaction), tried again while the database is busy."""
    start = time.monotonic()
    deadline = start + RETRY_FOR_S
    pause = FIRST_PAUSE_S
    tries = 1
    while True:
        try:
            return attempt()
        except OperationalError as exc:
            if not is_busy(exc):
                raise
            if time.monotonic() + pause > deadline:
                raise StillBusy(tries, time.monotonic() - start, exc) from exc
            log.info("database busy (try %d): %s; trying again in %.2f s", tries, exc.orig, pause)
        time.sleep(pause * random.uniform(0.5, 1.5))  # jitter: writers that collided do not collide again
        pause = min(2 * pause, LONGEST_PAUSE_S)
        tries += 1
