"""The command line answers `--help` and bad flags before importing the engine's libraries.

Timings belong to `python -m benchmarks --startup`; this only checks which modules a process
has loaded, which does not depend on the machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]
# the engine's libraries (pydantic is not one: typer itself reads options through it)
HEAVY = ("pandas", "numpy", "scipy", "pyomo", "highspy", "networkx", "pandera", "sqlalchemy", "openpyxl",
         "matplotlib", "streamlit", "dask")

PROBE = """
import contextlib, io, json, sys
from optimiser.cli.main import main
codes = []
for argv in {argvs!r}:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        codes.append(main(argv))
heavy = sorted({{m.split(".")[0] for m in sys.modules}} & set({heavy!r}))
print(json.dumps({{"codes": codes, "heavy": heavy}}))
"""


def test_help_and_usage_errors_import_no_engine_library():
    argvs = [["--help"], ["solve", "--help"], ["sweep", "--help"], ["generate", "--help"], ["solve", "--gap", "x"]]
    done = subprocess.run([sys.executable, "-c", PROBE.format(argvs=argvs, heavy=HEAVY)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.splitlines()[-1])
    assert out["codes"] == [0, 0, 0, 0, 2]
    assert out["heavy"] == []
