"""pyproject.toml lists every package folder, and maps the shipped folders that exist.

The package list is explicit because two packages come from outside optimiser/ (inputs/ and
ui/); a new subpackage left out of it would be missing from the wheel.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from optimiser.basics import locations

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]
SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def _package_folders(top: Path, name: str) -> set[str]:
    """Every folder of Python modules under `top`, by its package name (with or without __init__)."""
    return {".".join([name, *p.parent.relative_to(top).parts]) for p in top.rglob("*.py")
            if "__pycache__" not in p.parts}


def test_every_package_folder_is_listed_for_the_wheel():
    mapped = SETUPTOOLS["package-dir"]
    expected = _package_folders(ROOT / "optimiser", "optimiser")
    for package, folder in mapped.items():
        expected |= _package_folders(ROOT / folder, package) | {package}
    assert set(SETUPTOOLS["packages"]) == expected


def test_the_shipped_folders_are_where_the_readers_look():
    assert SETUPTOOLS["package-dir"] == {"optimiser._inputs": "inputs", "optimiser._app.ui": "ui"}
    assert locations.INPUTS_DIR == ROOT / "inputs" and locations.APP_HOME == ROOT  # a checkout
    for path in (locations.DICTIONARY_PATH, locations.DEFAULT_SCENARIO_DIR / "scenario.toml",
                 locations.SYNTHETIC_DIR / "presets.toml", locations.APP_SCRIPT,
                 locations.APP_SCRIPT.parent / ".streamlit" / "config.toml"):
        assert path.is_file(), path
