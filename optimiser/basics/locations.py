"""Where the shipped files are: the data dictionary, the default scenario, the synthetic presets
and the web app.

A source checkout (an editable install, or PYTHONPATH) keeps them at the repository root, in
inputs/ and ui/. An installed wheel carries the same folders inside the package, as
optimiser/_inputs and optimiser/_app/ui (the package-dir mappings in pyproject.toml). Every
reader asks here, so no other module assumes either layout.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # the optimiser package itself


def _shipped(in_wheel: str, in_checkout: str) -> Path:
    """The folder as installed from a wheel, else as laid out in the repository."""
    packaged = PACKAGE_DIR / in_wheel
    return packaged if packaged.is_dir() else PACKAGE_DIR.parent / in_checkout


INPUTS_DIR = _shipped("_inputs", "inputs")
DICTIONARY_PATH = INPUTS_DIR / "data_dictionary.csv"
DEFAULT_SCENARIO_DIR = INPUTS_DIR / "west_midlands"  # the West Midlands scenario every command defaults to
# The v1 default, kept as shipped for comparison; the synthetic presets are derived from it, so
# they do not move when the default gains v2 tables.
V1_SCENARIO_DIR = INPUTS_DIR / "west_midlands_v1"
SYNTHETIC_DIR = INPUTS_DIR / "synthetic"  # presets.toml and the region tables of the synthetic presets

APP_HOME = _shipped("_app", ".")  # the folder holding the `ui` package (put on sys.path by the app)
APP_SCRIPT = APP_HOME / "ui" / "app.py"
