"""`optimiser app`: the launcher's command and environment, and a scenario chosen at launch."""

from __future__ import annotations

import os
import signal
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


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()] if path.exists() else []


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # a zombie has stopped; only its parent's wait would remove it
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "\nState:\tZ" in status.read_text()


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl+C"])
def test_launch_serves_the_app_and_stopping_it_stops_the_server(tmp_path, stop):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "OPTIMISER_DATABASE_URL": f"sqlite:///{tmp_path / 's.sqlite3'}"}
    proc = subprocess.Popen([sys.executable, "-c", f"from optimiser.cli.app_launcher import launch; launch({port})"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    server = None
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
        (server,) = _children(proc.pid)  # the streamlit server the launcher started
        os.kill(proc.pid, stop)  # the launcher alone, as a terminal's Ctrl+C or a service manager would
        assert proc.wait(timeout=30) == 0
        deadline = time.monotonic() + 15
        while not _gone(server):
            assert time.monotonic() < deadline, "the streamlit server outlived the launcher"
            time.sleep(0.2)
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
    finally:
        for pid in (proc.pid, server):
            if pid is not None and not _gone(pid):
                os.killpg(os.getpgid(pid), signal.SIGKILL)
        proc.wait(timeout=15)
