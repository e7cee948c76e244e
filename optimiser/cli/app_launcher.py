"""Launch the planner's web app: `streamlit run <ui>/app.py`, from the planner's own folder.

`optimiser app [--port N] [--scenario PATH]` calls `launch`. The app is found where the package
keeps it (optimiser/basics/locations.py: ui/ in a source checkout, optimiser/_app/ui in an
installed wheel). It reads the starting scenario from OPTIMISER_UI_SCENARIO (the embedded West
Midlands default when unset) and the scenario database from OPTIMISER_DATABASE_URL (an SQLite
file in the working folder when unset).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from optimiser.basics.locations import APP_SCRIPT as APP
from optimiser.basics.options import OptionError, number_option

SCENARIO_ENV = "OPTIMISER_UI_SCENARIO"
STOP_GRACE_S = 10.0  # the server's time to close its sessions before it is killed


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
    """Run the app until it is stopped (Ctrl+C or SIGTERM, which stop the server and its solve
    workers too); returns Streamlit's exit code (0 when stopped).

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
    # The server gets its own process group (with the solve workers it starts), so that stopping
    # the launcher, by Ctrl+C or SIGTERM, stops all of them and leaves nothing serving the port.
    server = subprocess.Popen(app_command(port), env=env, start_new_session=True)
    on_main_thread = threading.current_thread() is threading.main_thread()  # where signals are handled
    previous = signal.signal(signal.SIGTERM, _stop_on_sigterm) if on_main_thread else None
    try:
        return server.wait()
    except (KeyboardInterrupt, _Stopped):
        return 0
    finally:
        stop_server(server)
        if on_main_thread:
            signal.signal(signal.SIGTERM, previous)


class _Stopped(Exception):
    """The launcher was sent SIGTERM."""


def _stop_on_sigterm(_signum, _frame) -> None:
    raise _Stopped


def stop_server(server: subprocess.Popen, grace_s: float = STOP_GRACE_S) -> None:
    """Stop the server's whole process group: SIGTERM, then SIGKILL after `grace_s` seconds."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):  # the group has gone already
            os.killpg(server.pid, sig)
        try:
            server.wait(timeout=grace_s)
            return
        except subprocess.TimeoutExpired:
            continue
