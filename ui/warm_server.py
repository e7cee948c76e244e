"""The warm solve worker: one server process per app that imports the engine once and forks a
process for each job, so a solve starts at once.

The app starts `python -m ui.warm_server` once (`WarmServer.ensure_soon`, after its first page) and
writes each job's folder to its standard input, a line each. The server has imported the engine
(`PRELOAD`: pandas, Pyomo, HiGHS, the model) before it reads the first line; for each job it
forks a child that runs `ui.worker.run_job(folder)` and writes the child's pid to the folder
(`worker.json`) and, once the child has ended, its exit code (`exit.json`). Each job so still has
a process of its own that a cancel can end (SIGTERM, then SIGKILL) without touching the server,
other jobs or the app. The server ends when the app does (its standard input closes); the
launcher's stop ends running jobs with it (they share its process group).

Where the platform cannot fork, each job is a fresh `python -m ui.worker <folder>` process, as
before the server existed; so is a job that wants a process group of its own (a sweep, whose
process pool a stop must end too).
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

APP_HOME = Path(__file__).resolve().parent.parent  # holds the ui package: the checkout, or optimiser/_app
# what the server imports once, so that no job pays for it: everything a job imports
PRELOAD = ("pandas", "pyomo.environ", "highspy", "optimiser.scenario.scenario", "optimiser.scenario.validation",
           "optimiser.pipeline.api", "optimiser.results.results", "ui.worker")
CAN_FORK = hasattr(os, "fork")


def write_json(path: Path, data: dict) -> None:
    """Write `data` whole or not at all (a reader never sees half a file): the jobs' state files."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, path)


def read_json(path: Path) -> dict:
    """A state file's data, or {} while it is not written yet."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


# --- the server ---------------------------------------------------------------------------------


def serve(lines=None) -> None:
    """Import the engine, then fork a job process for each folder read; return at end of input."""
    for module in PRELOAD:
        importlib.import_module(module)
    from ui.worker import run_job

    children: dict[int, Path] = {}

    def reap(_signum=None, _frame=None) -> None:
        while children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            folder = children.pop(pid, None)
            if folder is not None:
                write_json(folder / "exit.json", {"exit_code": os.waitstatus_to_exitcode(status)})

    signal.signal(signal.SIGCHLD, reap)
    for line in lines if lines is not None else sys.stdin:
        folder = Path(line.strip())
        if not line.strip() or not folder.is_dir():
            continue
        # a job that ends at once must not be reaped before it is known: no SIGCHLD until then
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
        pid = os.fork()
        if pid == 0:  # the job's own process
            code = 1
            try:
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})
                run_job(folder)  # never raises; records its own outcome
                code = 0
            finally:
                os._exit(code)
        children[pid] = folder
        write_json(folder / "worker.json", {"pid": pid, "server_pid": os.getpid()})
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})
    while children:  # the app has gone: let running jobs finish writing, then leave
        reap()
        time.sleep(0.2)


# --- in the app ---------------------------------------------------------------------------------


class ForkedJob:
    """A job process forked by the warm server, seen through its folder: the interface of
    multiprocessing.Process that `ui.worker.Job` uses (pid, is_alive, exitcode, terminate,
    kill, join)."""

    def __init__(self, folder: Path, server: subprocess.Popen):
        self.folder, self.server = folder, server

    @property
    def pid(self) -> int | None:
        return read_json(self.folder / "worker.json").get("pid")

    @property
    def exitcode(self) -> int | None:
        ended = read_json(self.folder / "exit.json")
        if ended:
            return ended["exit_code"]
        if self.server.poll() is not None and not self._exists():  # nobody is left to report it
            return -1
        return None

    def _exists(self) -> bool:
        pid = self.pid
        if pid is None:
            return self.server.poll() is None  # not forked yet: alive while the server is
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True

    def is_alive(self) -> bool:
        return self.exitcode is None

    def _signal(self, sig: int) -> None:
        pid = self.pid
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)

    def terminate(self) -> None:
        self._signal(signal.SIGTERM)

    def kill(self) -> None:
        self._signal(signal.SIGKILL)

    def join(self, timeout: float | None = None) -> None:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.is_alive() and (deadline is None or time.monotonic() < deadline):
            time.sleep(0.05)


class SpawnedJob:
    """A job in a fresh interpreter, where the platform cannot fork or the job wants a process
    group of its own (`own_group`: a stop then stops the processes it started too): the same
    interface."""

    def __init__(self, folder: Path, own_group: bool = False):
        self.own_group = own_group
        with (folder / "worker.log").open("wb") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "ui.worker", str(folder)], cwd=str(APP_HOME),
                                            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                            start_new_session=own_group)
        self.pid = self.process.pid

    @property
    def exitcode(self) -> int | None:
        return self.process.poll()

    def is_alive(self) -> bool:
        return self.process.poll() is None

    def _stop_group(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):  # the group has gone already
            os.killpg(self.pid, sig)

    def terminate(self) -> None:
        if self.own_group:
            self._stop_group(signal.SIGTERM)
        else:
            self.process.terminate()

    def kill(self) -> None:
        if self.own_group:
            self._stop_group(signal.SIGKILL)
        else:
            self.process.kill()

    def join(self, timeout: float | None = None) -> None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=timeout)


class WarmServer:
    """The app's one warm server, started on first use and again if it has died."""

    def __init__(self):
        self._lock = threading.Lock()
        self._server: subprocess.Popen | None = None
        self._timer: threading.Timer | None = None

    def ensure(self) -> subprocess.Popen | None:
        """The running server (started now if need be; returns at once, it imports by itself)."""
        if not CAN_FORK:
            return None
        with self._lock:
            if self._server is None or self._server.poll() is not None:
                self._server = subprocess.Popen([sys.executable, "-m", "ui.warm_server"], cwd=str(APP_HOME),
                                                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                                                bufsize=1)
            return self._server

    def ensure_soon(self, delay_s: float) -> None:
        """Start the server `delay_s` seconds from now unless it is running or already due (a
        page drawn first is not slowed by its imports on a small machine)."""
        with self._lock:
            running = self._server is not None and self._server.poll() is None
            if running or not CAN_FORK or (self._timer is not None and self._timer.is_alive()):
                return
            self._timer = threading.Timer(delay_s, self.ensure)
            self._timer.daemon = True
            self._timer.start()

    def start(self, folder: Path) -> ForkedJob | SpawnedJob:
        """Run the job in `folder` in a process of its own: forked by the server where it can be."""
        for _attempt in range(2):  # a server that died since it was started is started again, once
            server = self.ensure()
            if server is None:
                return SpawnedJob(folder)
            try:
                with self._lock:
                    server.stdin.write(f"{folder}\n")
                    server.stdin.flush()
                return ForkedJob(folder, server)
            except (BrokenPipeError, OSError):
                server.kill()
        return SpawnedJob(folder)


if __name__ == "__main__":
    serve()
