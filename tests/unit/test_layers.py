"""The layers of docs/architecture.md hold, and the public API is what it says it is.

`lint-imports` checks the contracts in pyproject.toml: each layer imports only the layers below
it, no cycles, typer/rich/click/streamlit only at the edge, and the web app only `optimiser`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import optimiser

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]


def test_every_import_contract_is_kept():
    exe = Path(sys.executable).with_name("lint-imports")  # installed with the test extra
    done = subprocess.run([str(exe), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    kept = [line for line in done.stdout.splitlines() if line.endswith(" KEPT")]
    assert len(kept) >= 5 and "0 broken" in done.stdout, done.stdout


def test_the_public_api_lists_every_name_it_loads_and_each_one_resolves():
    assert set(optimiser.__all__) == set(optimiser._PUBLIC)
    assert len(optimiser.__all__) == len(set(optimiser.__all__))
    for name, module in optimiser._PUBLIC.items():
        # the hook itself: a test's monkeypatch of optimiser.<name> leaves a copy in its globals
        value = optimiser.__getattr__(name)
        assert value is getattr(sys.modules[module], name), name


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'solve_everything'"):
        _ = optimiser.solve_everything
