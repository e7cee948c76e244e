"""The web app's speed as a planner feels it, as ratios to the engine's own solve time.

python -m benchmarks.ui_speed [--app-root DIR] [--label NAME] [--scenario PATH] [--out DIR]

Starts `streamlit run <app-root>/ui/app.py` on the scenario (OPTIMISER_UI_SCENARIO) with a fresh
SQLite store and drives Debian's chromium with Playwright, as a planner would:

- `first_page_load_s`: a new browser page until the Scenario page is idle and says "No errors."
  (the server's first run of the app script); `page_load_s`: the same with a second new page,
  `SETTLE_S` seconds later (whatever the app started at its first page has settled);
- `edit_s`: one budget cell typed on the Constraints page until "Changes since loaded (1)" shows;
- `click_to_plan_s`, `second_click_to_plan_s`: Solve clicked until the page says the plan was saved
  (the second with budget scale 1.1, so a new solve).

In the same run, a separate process on the same code solves the same edited scenario with the
same options in-process (`optimiser.solve`, timed after its imports): `in_process_solve_s`. Each
browser figure is also written as its ratio to that (`ratios`), so runs on a busy shared machine
compare. `--app-root` times another checkout (e.g. `git worktree add --detach /tmp/ui-before main`);
the app and the in-process solve both run that checkout's code. Writes
`<out>/ui_speed_<label>_<scenario>.json`. A measurement, never asserted in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from benchmarks.machine import load_average, machine

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CHROMIUM = "/usr/bin/chromium"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
# scenario folder name -> (row position in the budget editor, value typed): a budget raised by GBP 1m
SETTLE_S = 20.0
EDITS = {"example": (0, "2500000"), "west_midlands_v1": (1, "5900000")}

IN_PROCESS = """
import json, sys, time
import optimiser
raw = optimiser.load_raw(sys.argv[1])
raw.tables["budget"].iloc[int(sys.argv[2]), raw.tables["budget"].columns.get_loc("budget_gbp")] = sys.argv[3]
scenario = optimiser.scenario_from_raw(raw)
solver = scenario.config.solver
t0 = time.perf_counter()
plan = optimiser.solve(scenario, None, 1.0, solver.time_limit_s, solver.mip_rel_gap)
print(json.dumps({"seconds": time.perf_counter() - t0, "status": plan.status}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def in_process_solve(app_root: Path, scenario: Path, row: int, value: str) -> dict:
    done = subprocess.run([sys.executable, "-c", IN_PROCESS, str(scenario), str(row), value],
                          env={**os.environ, "PYTHONPATH": str(app_root)}, cwd=app_root,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def start_app(app_root: Path, scenario: Path, scratch: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(app_root), "OPTIMISER_UI_SCENARIO": str(scenario),
           "OPTIMISER_DATABASE_URL": f"sqlite:///{scratch / 'store.sqlite3'}"}
    env.pop("OPTIMISER_UI_INLINE_WORKER", None)
    log = (scratch / "streamlit.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "ui/app.py", "--server.headless", "true",
                             "--server.port", str(port), "--browser.gatherUsageStats", "false"],
                            cwd=app_root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return proc, url
        except OSError:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            raise RuntimeError(f"streamlit did not start; see {scratch / 'streamlit.log'}")
        time.sleep(0.5)


def _load(browser, url: str) -> tuple[object, float]:
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(IDLE, timeout=120_000)
    page.get_by_text("No errors.").wait_for(timeout=120_000)
    return page, time.perf_counter() - t0


def _go(page, name: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name).click()
    page.get_by_role("heading", name=name, level=1).wait_for(timeout=60_000)
    page.wait_for_selector(IDLE, timeout=120_000)


def _edit(page, row: int, value: str, scratch: Path) -> float:
    """Type `value` into the budget editor's budget_gbp cell of `row`; seconds from Enter to the
    change listed. The canvas grid may still be laying out when the page is first idle, so the
    edit is tried up to 3 times (the time is the successful attempt's)."""
    grid = page.get_by_test_id("stDataFrame").first
    grid.wait_for()
    for attempt in range(3):
        time.sleep(1.0)
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 60, box["y"] + 35 * (row + 1) + 17)
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")
        time.sleep(0.3)
        page.keyboard.press("Control+a")
        page.keyboard.type(value, delay=30)
        t0 = time.perf_counter()
        page.keyboard.press("Enter")
        try:
            page.get_by_text("Changes since loaded (1)").wait_for(timeout=60_000)
            return time.perf_counter() - t0
        except Exception:  # playwright's TimeoutError
            page.screenshot(path=str(scratch.parent / f"ui_speed_edit_attempt_{attempt + 1}.png"), full_page=True)
    raise RuntimeError("the budget edit never reached the app")


def _click_to_plan(page, run_id: int) -> float:
    """Seconds from clicking Solve until the page says the plan is saved as run `run_id` (a new
    solve's own message: an earlier solve's cannot match)."""
    t0 = time.perf_counter()
    page.get_by_test_id("stFormSubmitButton").get_by_role("button", name="Solve").click()
    page.get_by_text(f"Saved as run {run_id} in the scenario database").wait_for(timeout=600_000)
    return time.perf_counter() - t0


def measure(app_root: Path, scenario: Path) -> dict:
    from playwright.sync_api import sync_playwright

    row, value = EDITS[scenario.name]
    with tempfile.TemporaryDirectory(prefix="optimiser-ui-speed-") as scratch:
        proc, url = start_app(app_root, scenario, Path(scratch))
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM,
                                            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
                first, first_load = _load(browser, url)
                first.close()
                time.sleep(SETTLE_S)
                page, load = _load(browser, url)
                _go(page, "Constraints")
                edit = _edit(page, row, value, Path(scratch))
                _go(page, "Solve")
                plan = _click_to_plan(page, 1)
                box = page.get_by_role("spinbutton", name="Budget scale (× every budget row)")
                box.fill("1.1")
                box.press("Tab")
                second = _click_to_plan(page, 2)
                browser.close()
        finally:
            os.killpg(proc.pid, 15)
            proc.wait(timeout=30)
    solo = in_process_solve(app_root, scenario, row, value)
    figures = {"first_page_load_s": first_load, "page_load_s": load, "edit_s": edit,
               "click_to_plan_s": plan, "second_click_to_plan_s": second}
    return {**figures, "in_process_solve_s": solo["seconds"], "in_process_status": solo["status"],
            "ratios": {k.removesuffix("_s"): v / solo["seconds"] for k, v in figures.items()}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--app-root", type=Path, default=ROOT, help="the checkout whose app is timed")
    ap.add_argument("--label", default="current")
    ap.add_argument("--scenario", type=Path, default=ROOT / "tests" / "data" / "example")
    ap.add_argument("--out", type=Path, default=HERE / "results")
    args = ap.parse_args(argv)
    app_root, scenario = args.app_root.resolve(), args.scenario.resolve()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=app_root, capture_output=True,
                            text=True).stdout.strip()
    load_start = load_average()
    result = {"label": args.label, "app_root": str(app_root), "commit": commit, "scenario": scenario.name,
              **measure(app_root, scenario), "machine": {**machine(), "load_average_1min": load_start,
                                                         "load_average_1min_end": load_average()},
              "when": time.strftime("%Y-%m-%dT%H:%M:%S")}
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"ui_speed_{args.label}_{scenario.name}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
