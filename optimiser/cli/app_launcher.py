"""Launch the planner's web app: `streamlit run ui/app.py` from the repository root.

The lead's CLI wires `optimiser app [--port N] [--scenario PATH]` to `launch`. The app reads the
starting scenario from OPTIMISER_UI_SCENARIO (the embedded West Midlands default when unset) and
the scenario database from OPTIMISER_DATABASE_URL (an SQLite file in the working folder when unset).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
APP = REPO_ROOT / "ui" / "app.py"
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

    Runs from the repository root so that `.streamlit/config.toml` (XSRF, CORS, upload limit,
    hidden error details) applies."""
    if not APP.exists():
        raise LaunchError(f"the web app is not installed here ({APP} is missing); install the "
                          "repository with `pip install -e .` and run from its folder")
    if port is not None and not 1 <= port <= 65535:
        raise LaunchError(f"port {port} is not a valid TCP port: use 1 to 65535 (e.g. 8501)")
    try:
        import streamlit  # noqa: F401
    except ImportError as exc:
        raise LaunchError("streamlit is not installed: pip install streamlit plotly") from exc
    env = app_environment(scenario)
    try:
        return subprocess.call(app_command(port), cwd=REPO_ROOT, env=env)
    except KeyboardInterrupt:
        return 0
