"""Several processes saving scenarios and runs to one SQLite file at once (optimiser/store/retry.py).

Four writer processes start together on a fresh file, ten rounds in a row. The connection's busy
timeout is cut to a few milliseconds, so contention reaches "database is locked" and the retries
must absorb it. Every save must land, except the saves of a name another writer saved first,
which are refused with the store's own message; the file must pass SQLite's integrity check and
hold exactly what the writers say landed.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from optimiser.store.tables import RunRow, RunTableRow, ScenarioRow

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
WRITERS, ROUNDS, SAVES = 4, 10, 3
BUSY_TIMEOUT_S = 0.005  # the connection gives up almost at once: the retries do the waiting

WRITER = """
import json, logging, sys, time
sys.path.insert(0, sys.argv[2])  # tests/, for hand_results
from hand_results import plan_result
from optimiser.scenario.io import load_raw
from optimiser.store import Store, StoreError, engine

engine.SQLITE_BUSY_TIMEOUT_S = float(sys.argv[1])
retries = []

class Count(logging.Handler):
    def emit(self, record):
        retries.append(record.getMessage())

logger = logging.getLogger("optimiser.store.retry")
logger.addHandler(Count())
logger.setLevel(logging.INFO)
raw, plan = load_raw(sys.argv[3]), plan_result()
print("ready", flush=True)
for line in sys.stdin:
    url, who, start_at, saves = line.split()
    time.sleep(max(0.0, float(start_at) - time.time()))  # every writer starts at the same moment
    retries.clear()
    report = {"scenarios": [], "runs": [], "refused": [], "errors": []}
    try:
        with Store(url) as store:
            for i in range(int(saves)):
                for name in (f"{who} {i}", "shared"):  # every writer saves 'shared': one lands
                    try:
                        record = store.save_scenario(name, raw, note=who)
                    except StoreError as exc:
                        report["refused"].append([name, str(exc)])
                        continue
                    report["scenarios"].append(name)
                    try:
                        report["runs"].append(store.save_run(record.id, plan, {"writer": who, "i": i}).id)
                    except StoreError as exc:
                        report["refused"].append([f"run of {name}", str(exc)])
    except StoreError as exc:
        report["errors"].append(str(exc))
    except Exception as exc:  # anything but the store's own error is a failure of the test
        report["errors"].append("not a StoreError: " + repr(exc))
    report["retries"] = len(retries)
    print(json.dumps(report), flush=True)
"""


@pytest.fixture
def writers(example_dir):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(BUSY_TIMEOUT_S), str(ROOT / "tests"),
                               str(example_dir)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                              cwd=ROOT, env=env) for _ in range(WRITERS)]
    for p in procs:
        assert p.stdout.readline().strip() == "ready"
    yield procs
    for p in procs:
        p.stdin.close()
        p.wait(timeout=60)


def round_of_saves(procs, url: str) -> list[dict]:
    start_at = time.time() + 0.2
    for k, p in enumerate(procs):
        p.stdin.write(f"{url} writer{k} {start_at} {SAVES}\n")
        p.stdin.flush()
    return [json.loads(p.stdout.readline()) for p in procs]


def test_writers_saving_at_once_all_land_or_are_refused_cleanly_ten_rounds_in_a_row(writers, tmp_path):
    started = time.monotonic()
    retries = []
    for r in range(ROUNDS):
        path = tmp_path / f"round{r}.sqlite3"
        reports = round_of_saves(writers, f"sqlite:///{path}")
        assert [rep["errors"] for rep in reports] == [[]] * WRITERS
        for rep in reports:
            for name, message in rep["refused"]:  # the only refusal: a name another writer saved first
                assert name == "shared" and "a scenario named 'shared' is already saved" in message, (name, message)
        landed = [name for rep in reports for name in rep["scenarios"]]
        expected = {f"writer{k} {i}" for k in range(WRITERS) for i in range(SAVES)} | {"shared"}
        assert sorted(landed) == sorted(expected), f"round {r}: {sorted(landed)}"
        with sqlite3.connect(path) as db:
            assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert db.execute("PRAGMA foreign_key_check").fetchall() == []
            assert sorted(n for (n,) in db.execute(f"SELECT name FROM {ScenarioRow.__tablename__}")) == sorted(expected)
            run_ids = sorted(i for rep in reports for i in rep["runs"])
            assert sorted(i for (i,) in db.execute(f"SELECT id FROM {RunRow.__tablename__}")) == run_ids
            assert len(run_ids) == len(expected)
            tables = db.execute(f"SELECT COUNT(DISTINCT run_id) FROM {RunTableRow.__tablename__}").fetchone()[0]
            assert tables == len(run_ids)  # every run with its tables: none half-saved
        retries.append(sum(rep["retries"] for rep in reports))
    assert sum(retries) > 0, "no save ever met a locked database: the test did not test the retries"
    assert time.monotonic() - started < 240
    print(f"retries per round: {retries}")
