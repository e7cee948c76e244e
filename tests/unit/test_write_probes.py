"""check_writable's probe folder left by a writer killed between making and removing it (found
by tests/integration/test_publish_kill.py: a kill at a random moment left
'.optimiser-write-test-...' beside --out). The probe is named with the writer's process id, and
the next check or publish removes those of writers that have gone."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from optimiser.basics.files import WRITE_TEST, check_writable, recover

pytestmark = pytest.mark.unit


def gone_pid() -> int:
    """The process id of a process that has ended."""
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    return int(proc.stdout)


def probes(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(WRITE_TEST))


@pytest.mark.skipif(os.name != "posix", reason="a process is asked whether it lives on POSIX only")
@pytest.mark.parametrize("after", ["recover", "check_writable"])
def test_a_probe_of_a_writer_that_has_gone_is_removed_and_a_live_ones_kept(tmp_path, after):
    out = tmp_path / "plan"
    out.mkdir()
    (tmp_path / f"{WRITE_TEST}{gone_pid()}-abc").mkdir()
    (tmp_path / f"{WRITE_TEST}1-def").mkdir()  # process 1 lives as long as the machine
    full = tmp_path / f"{WRITE_TEST}{gone_pid()}-full"
    full.mkdir()
    (full / "x").write_text("not a probe's", encoding="utf-8")
    recover(out) if after == "recover" else check_writable(out)
    assert probes(tmp_path) == sorted([f"{WRITE_TEST}1-def", full.name])


def test_check_writable_leaves_no_probe_of_its_own(tmp_path):
    out = tmp_path / "plan"
    out.mkdir()
    check_writable(out)
    assert probes(tmp_path) == []
