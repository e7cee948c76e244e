"""`optimiser app`: the launcher's command and environment, and a scenario chosen at launch."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from optimiser.cli.app_launcher import APP, LaunchError, app_command, app_environment, launch

pytestmark = pytest.mark.ui
ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "tests" / "data" / "example"


def test_command_runs_the_app_headless_on_the_port():
    cmd = app_command(8765)
    assert cmd[1:4] == ["-m", "streamlit", "run"] and cmd[4] == str(APP)
    assert cmd[-2:] == ["--server.port", "8765"]


def test_a_missing_scenario_or_bad_port_is_refused_before_starting(tmp_path):
    with pytest.raises(LaunchError, match="no scenario at"):
        app_environment(str(tmp_path / "nowhere"))
    with pytest.raises(LaunchError, match=r"whole number from 1 to 65535 \(a TCP port"):
        launch(port=70000)
    assert app_environment(str(EXAMPLE))["OPTIMISER_UI_SCENARIO"] == str(EXAMPLE.resolve())


def test_the_scenario_given_at_launch_is_the_one_the_app_opens(tmp_path, monkeypatch):
    monkeypatch.setenv("OPTIMISER_UI_SCENARIO", str(EXAMPLE))
    monkeypatch.setenv("OPTIMISER_DATABASE_URL", f"sqlite:///{tmp_path / 's.sqlite3'}")
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    assert at.session_state["scenario_label"] == "example"
    assert set(at.session_state["raw"].tables) >= {"regions", "budget", "routes"}


def test_launch_serves_the_app(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "OPTIMISER_DATABASE_URL": f"sqlite:///{tmp_path / 's.sqlite3'}"}
    proc = subprocess.Popen([sys.executable, "-c", f"from optimiser.cli.app_launcher import launch; launch({port})"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read()
                break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None, "the app did not start"
                time.sleep(0.5)
        assert body == b"ok"
    finally:
        os.killpg(proc.pid, 15)  # the launcher and the streamlit server it started
        proc.wait(timeout=15)
