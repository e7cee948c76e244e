"""An installed wheel works on its own: built from this checkout, installed into a fresh virtual
environment (its dependencies borrowed from this one), and run from a folder with no checkout.

The wheel is built from a copy of the files it is made of: an in-place build would leave build/
in the checkout, and setuptools would pack a stale build/lib into the next wheel. The venv sees this interpreter's
packages (--system-site-packages) so nothing is downloaded but the build backend; PYTHONPATH is
dropped so no command can reach the checkout's code or files.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "tests" / "data" / "example"
SHIPPED = {"inputs": "optimiser/_inputs", "ui": "optimiser/_app/ui"}  # checkout folder -> place in the wheel


def _run(cmd: list, cwd: Path, env: dict, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source, dist = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("dist")
    for name in ("pyproject.toml", "README.md"):  # what the build reads, and nothing else
        shutil.copy2(ROOT / name, source / name)
    for name in ("optimiser", *SHIPPED):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    done = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", dist, source], dist, dict(os.environ))
    assert done.returncode == 0, done.stdout + done.stderr
    (path,) = dist.glob("imaging_workforce_optimiser-*.whl")
    return path


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> tuple[Path, dict, Path]:
    """(the venv's bin folder, the environment to run it in, an empty working folder)."""
    venv = tmp_path_factory.mktemp("venv")
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "OPTIMISER_DATABASE_URL", "OPTIMISER_UI_SCENARIO", "OPTIMISER_UI_INLINE_WORKER")}
    assert _run([sys.executable, "-m", "venv", "--system-site-packages", venv], venv, env).returncode == 0
    bin_ = venv / "bin"
    # --ignore-installed: this interpreter's own (editable) install of the project must not satisfy it
    done = _run([bin_ / "python", "-m", "pip", "install", "--no-deps", "--ignore-installed", wheel], venv, env)
    assert done.returncode == 0, done.stdout + done.stderr
    return bin_, env, tmp_path_factory.mktemp("work")


def test_the_wheel_carries_every_shipped_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder, inside in SHIPPED.items():
        files = [p for p in (ROOT / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts]
        assert files
        missing = [str(p) for p in files if f"{inside}/{p.relative_to(ROOT / folder).as_posix()}" not in names]
        assert not missing, missing


def test_installed_package_validates_and_solves_from_any_folder(installed):
    bin_, env, work = installed
    where = _run([bin_ / "python", "-c", "import optimiser; print(optimiser.__file__)"], work, env)
    assert Path(where.stdout.strip()).is_relative_to(bin_.parent), where.stdout + where.stderr
    validate = _run([bin_ / "optimiser", "validate"], work, env)
    assert validate.returncode == 0 and "0 error(s)" in validate.stdout, validate.stdout + validate.stderr
    example = _run([bin_ / "optimiser", "validate", EXAMPLE], work, env)
    assert example.returncode == 0 and "0 error(s)" in example.stdout, example.stdout + example.stderr
    solve = _run([bin_ / "optimiser", "solve", "--out", "plan"], work, env)
    assert solve.returncode == 0, solve.stdout + solve.stderr
    summary = json.loads((work / "plan" / "summary.json").read_text())
    assert summary["status"] == "optimal" and (work / "plan" / "plan.xlsx").is_file()
    generate = _run([bin_ / "optimiser", "generate", "W", "--out", "wales"], work, env)  # the synthetic presets
    assert generate.returncode == 0 and (work / "wales" / "scenario.toml").is_file(), generate.stderr
    assert sorted(p.name for p in work.iterdir()) == ["plan", "wales"]  # nothing else written here


def test_installed_app_starts_and_its_worker_solves(installed):
    bin_, env, work = installed
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app_env = {**env, "OPTIMISER_DATABASE_URL": f"sqlite:///{work / 'app.sqlite3'}"}
    proc = subprocess.Popen([str(bin_ / "optimiser"), "app", "--port", str(port)], cwd=work, env=app_env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read()
                break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None, "the installed app did not start"
                time.sleep(0.5)
        assert body == b"ok"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, 15)  # the launcher and the streamlit server it started
        proc.wait(timeout=15)
    # the app's script, pages and worker as installed: a session opens the default, a worker
    # process (python -m ui.worker) solves it
    probe = """
import sys, time
from streamlit.testing.v1 import AppTest
from optimiser.basics.locations import APP_HOME, APP_SCRIPT
at = AppTest.from_file(str(APP_SCRIPT), default_timeout=120).run()
assert not at.exception, at.exception
sys.path.insert(0, str(APP_HOME))
from ui.worker import start_job
job = start_job("solve", at.session_state["raw"], {"gap": 0.05, "time_limit": 60})
while not job.done:
    time.sleep(0.2)
print(job.status()["state"], job.result().status)
"""
    done = _run([bin_ / "python", "-c", probe], work, app_env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.split()[-2:] == ["finished", "optimal"], done.stdout
