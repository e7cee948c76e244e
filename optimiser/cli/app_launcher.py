"""Launch the planner's web app: `streamlit run <ui>/app.py`, from the planner's own folder.

`optimiser app [--port N] [--scenario PATH]` calls `launch`. The app is found where the package
keeps it (optimiser/basics/locations.py: ui/ in a source checkout, optimiser/_app/ui in an
installed wheel). It reads the starting scenario from OPTIMISER_UI_SCENARIO (the embedded West
Midlands default when unset) and the scenario database from OPTIMISER_DATABASE_URL (an SQLite
file in the working folder when unset).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from optimiser.basics.locations import APP_SCRIPT as APP
from optimiser.basics.options import OptionError, number_option

SCENARIO_ENV = "OPTIMISER_UI_SCENARIO"


class LaunchError(RuntimeError):
    """The app cannot be started; the message says why and what to do."""


def app_command(port: int | None = None) -> list[str]:
    cmd = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.headless", "true"]
    if port is not None:
        cmd += ["--server.port", str(port)]
    return cmd


def app_environment(scenario: str | None) -> dict[str, str]:
    env = dict(os.environ)
    if scenario:
        path = Path(scenario).expanduser().resolve()
        if not (path.is_dir() or (path.is_file() and path.suffix.lower() == ".xlsx")):
            raise LaunchError(f"no scenario at {scenario}: give a scenario folder or an .xlsx workbook")
        env[SCENARIO_ENV] = str(path)
    else:
        env.pop(SCENARIO_ENV, None)
    return env


def launch(port: int | None = None, scenario: str | None = None) -> int:
    """Run the app until it is stopped (Ctrl+C); returns Streamlit's exit code.

    Runs in the current working folder, where the SQLite scenario database is kept; Streamlit
    reads the app's settings (XSRF, CORS, upload limit, hidden error details) from the
    `.streamlit/config.toml` beside app.py wherever it is started from."""
    if not APP.exists():
        raise LaunchError(f"the web app is not installed here ({APP} is missing); reinstall the "
                          "package (pip install imaging-workforce-optimiser, or pip install -e . in a checkout)")
    if port is not None:
        try:
            port = number_option("port", port)
        except OptionError as exc:
            raise LaunchError(str(exc)) from None
    env = app_environment(scenario)
    try:
        return subprocess.call(app_command(port), env=env)
    except KeyboardInterrupt:
        return 0
