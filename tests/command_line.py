"""The command line as the tests call it: `run` calls `optimiser ...` in this process (as a
planner would type it, arguments as text) and `script` loads one of the repository's scripts/
as a module, so a test can call its functions."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from optimiser.cli.main import main

ROOT = Path(__file__).resolve().parents[1]


def run(capsys, *args) -> tuple[int, str, str]:
    """`optimiser *args`: (exit code, standard output, standard error); a traceback fails the test."""
    code = main(list(map(str, args)))
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return code, out.out, out.err


def script(name: str) -> ModuleType:
    """scripts/<name>.py, loaded as a module."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
