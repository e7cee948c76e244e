"""kill -9 of a process while it publishes a run folder: --out holds the old run or the new one,
whole, never a mix (optimiser/basics/files.py). Each kill is followed by what the next command
does first (`recover`), which must also leave nothing behind beside --out.

Two kinds of kill: at every step of a publish in turn (the child kills itself on the k-th
rename, removal or flush), and at random moments of a child publishing run after run, ten times
in a row.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from optimiser.basics.files import recover
from optimiser.outputs.run_folders import MANIFEST, read_manifest, run_folder

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")]

ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import os, shutil, signal, sys
from optimiser.outputs.run_folders import run_folder

out, mode, kill_at, n_files = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
calls = [0]

def dying(real):
    def call(*args, **kwargs):
        calls[0] += 1
        if calls[0] == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    return call

os.replace, os.fsync, shutil.rmtree = dying(os.replace), dying(os.fsync), dying(shutil.rmtree)
print("ready", flush=True)
generation = 0
while True:
    with run_folder(out, "solve") as tmp:
        for i in range(n_files):  # a few files of many lines, every line naming this run
            (tmp / f"table{i}.csv").write_text(f"new{generation}\\n" * 2000, encoding="utf-8")
    if mode == "once":
        print("steps", calls[0], flush=True)
        break
    generation += 1
"""


def child(out: Path, mode: str, kill_at: int = 0, n_files: int = 8) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(out), mode, str(kill_at), str(n_files)],
                            stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    assert proc.stdout.readline().strip() == "ready"
    return proc


def old_run(out: Path) -> None:
    with run_folder(out, "solve", replace=True) as tmp:
        for i in range(12):  # more files than the new runs: a mix would show old names
            (tmp / f"table{i}.csv").write_text("old\n" * 1500, encoding="utf-8")


def one_complete_run(out: Path) -> str:
    """The tag of the one run `out` holds; fails on a missing, partial or mixed folder."""
    manifest = read_manifest(out)
    assert manifest is not None, f"no complete run in {out}: {sorted(p.name for p in out.iterdir())}"
    assert {p.name for p in out.iterdir()} == set(manifest["files"]) | {MANIFEST}
    tags = set()
    for name, size in manifest["files"].items():
        text = (out / name).read_text(encoding="utf-8")
        assert len(text.encode("utf-8")) == size, f"{name} is not the size its manifest says"
        tags |= set(text.split())
    assert len(tags) == 1, f"two runs in one folder: {sorted(tags)}"
    return tags.pop()


def after_the_kill(out: Path) -> str:
    recover(out)  # what the next publish, or the next command's check of --out, does first
    tag = one_complete_run(out)
    beside = sorted(p.name for p in out.parent.iterdir() if p.name != out.name)
    assert beside == [], f"left beside {out}: {beside}"
    return tag


def test_a_kill_at_every_step_of_a_publish_leaves_the_old_run_or_the_new_one(tmp_path):
    out = tmp_path / "runs" / "plan"
    old_run(out)
    done = child(out, "once")
    assert done.wait(timeout=60) == 0
    steps = int(done.stdout.readline().split()[1])
    assert after_the_kill(out) == "new0"
    assert steps >= 12  # a flush per file, the folder, two renames in, the old one out
    seen = []
    for k in range(1, steps + 1):
        old_run(out)
        proc = child(out, "once", kill_at=k)
        assert proc.wait(timeout=60) == -signal.SIGKILL, f"step {k} was not reached"
        seen.append(after_the_kill(out))
    # killed before the swap: the old run; after it: the new one; both happen
    assert seen[0] == "old" and seen[-1] == "new0" and set(seen) == {"old", "new0"}, seen
    assert seen == sorted(seen, key=lambda t: t != "old"), f"old after new: {seen}"


def test_ten_kills_at_random_moments_each_leave_one_complete_run(tmp_path):
    rng = random.Random(16)
    out = tmp_path / "runs" / "plan"
    tags = []
    start = time.monotonic()
    for _ in range(10):
        old_run(out)
        proc = child(out, "loop", n_files=20)
        time.sleep(rng.uniform(0.0, 0.4))
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=60) == -signal.SIGKILL
        tags.append(after_the_kill(out))
    assert all(t == "old" or t.startswith("new") for t in tags), tags
    assert time.monotonic() - start < 60
