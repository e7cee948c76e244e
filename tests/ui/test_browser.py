"""A real browser drives the app: load the default, change a budget cell, solve, read the results,
download the plan, solve again with more budget and compare. Screenshots go to tests/ui/artifacts/.

Chromium comes from Debian (`apt-get install chromium`); Playwright drives it at /usr/bin/chromium.

The journey (two solves and a six-point frontier) starts on the v1 default: about 10 s of solving
there against about 3 minutes on the v2 default (one v2 solve 53 s, its frontier 63 s, measured
under load); the other tests run on the embedded v2 default.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.ui

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]

if not CHROMIUM.exists():
    pytest.skip("chromium is not installed at /usr/bin/chromium (apt-get install -y chromium)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(tmp_path_factory, scenario: Path | None):
    """`streamlit run ui/app.py` on a free port with a fresh SQLite store, on `scenario` (None: the
    embedded default), ready when /_stcore/health says ok. Yields its URL."""
    port = _free_port()
    db = tmp_path_factory.mktemp("store") / "store.sqlite3"
    env = {**os.environ, "OPTIMISER_DATABASE_URL": f"sqlite:///{db}"}
    env.pop("OPTIMISER_UI_SCENARIO", None)
    if scenario is not None:
        env["OPTIMISER_UI_SCENARIO"] = str(scenario)
    env.pop("OPTIMISER_UI_INLINE_WORKER", None)  # the real app: solves in a worker process
    log = (tmp_path_factory.mktemp("log") / "streamlit.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "ui/app.py", "--server.headless", "true",
         "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.terminate()
            pytest.fail(f"streamlit did not start: see {log.name}")
        time.sleep(0.5)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    # The journey pins cells and limits of the v1 default (shipped beside the v2 one): the app
    # starts on it, as `optimiser app --scenario inputs/west_midlands_v1` would.
    yield from _serve(tmp_path_factory, ROOT / "inputs" / "west_midlands_v1")


@pytest.fixture(scope="module")
def default_app_url(tmp_path_factory):
    """The app as a new user opens it: on the embedded (v2) default, whose regions have hub coordinates."""
    yield from _serve(tmp_path_factory, None)


def _idle(page) -> None:
    page.wait_for_selector(IDLE, timeout=60_000)


def _go(page, name: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name).click()
    page.get_by_role("heading", name=name, level=1).wait_for(timeout=30_000)
    _idle(page)


def _no_exceptions(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0


def _shot(page, name: str, height: int | None = None) -> None:
    """Save a screenshot; Streamlit scrolls inside its own container, so a tall page needs a tall window."""
    ARTIFACTS.mkdir(exist_ok=True)
    if height:
        page.set_viewport_size({"width": 1400, "height": height})
    time.sleep(1.0)  # let charts finish drawing
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    if height:
        page.set_viewport_size({"width": 1400, "height": 2400})


def _edit_budget_cell(page, row_position: int, value: str, then_visible: str) -> None:
    """Type into the budget editor's budget_gbp cell of the given row (0 = first row), and wait
    until `then_visible` shows the app took the edit.

    The editor is a canvas grid: select a cell of the row, Home to its first column, move right to budget_gbp
    (row, year, budget_gbp), open the cell editor with Enter, type, and commit with Enter. The
    grid may still be laying out when the page is first idle, so the edit is tried up to 3 times."""
    grid = page.get_by_test_id("stDataFrame").first
    grid.wait_for()
    for attempt in range(3):
        time.sleep(0.5)
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 60, box["y"] + 35 * (row_position + 1) + 17)
        page.keyboard.press("Home")  # the row's first column (row), wherever the click landed
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")
        time.sleep(0.3)
        page.keyboard.press("Control+a")
        page.keyboard.type(value, delay=30)
        page.keyboard.press("Enter")
        _idle(page)
        try:
            page.get_by_text(then_visible).wait_for(timeout=30_000)  # a rerun takes seconds on a loaded machine
            return
        except sync_api.TimeoutError:
            _shot(page, f"edit_attempt_{attempt + 1}_failed")
    raise AssertionError(f"the budget edit did not reach the app: '{then_visible}' never appeared")


def _solve(page, run_id: int | None, budget_scale: str | None = None) -> None:
    """Solve and wait until the plan is saved as run `run_id` (a stale outcome cannot match); None:
    as any run, for a page whose session has solved nothing yet (the server's store is shared by
    the module's tests, so the run number depends on which ran before)."""
    if budget_scale is not None:
        box = page.get_by_role("spinbutton", name="Budget scale (× every budget row)")
        box.fill(budget_scale)
        box.press("Tab")
    page.get_by_test_id("stFormSubmitButton").get_by_role("button", name="Solve").click()
    saved = f"Saved as run {run_id} in the scenario database" if run_id is not None else \
        re.compile(r"Saved as run \d+ in the scenario database")
    page.get_by_text(saved).wait_for(timeout=180_000)
    page.get_by_text("Plan found").wait_for()
    _idle(page)


@contextlib.contextmanager
def _page(url: str, downloads: bool = False):
    """Debian's chromium on the app at `url`, once the app is idle; closed on the way out, also
    when the test fails."""
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 2400}, accept_downloads=downloads)
            page.goto(url)
            _idle(page)
            yield page
        finally:
            browser.close()


def test_a_negative_budget_typed_into_the_grid_is_refused_and_nothing_stored(default_app_url):
    with _page(default_app_url) as page:
        _go(page, "Constraints")
        page.get_by_text("Changes since loaded (0)").wait_for()
        # the first budget row holds GBP 23.5m; typing -5000000 must not store 5,000,000 (or anything)
        _edit_budget_cell(page, 0, "-5000000", "Refused budget_gbp = -5000000 in row 2")
        _no_exceptions(page)
        page.get_by_text("must not be negative. Nothing was stored (it keeps 23500000)").wait_for()
        assert page.get_by_text("Changes since loaded (0)").count() == 1  # nothing stored
        assert page.get_by_text("(edited)").count() == 0  # still the default, by name
        page.get_by_test_id("stSidebar").get_by_text("Valid").wait_for()
        _shot(page, "8_editor_refuses_negative_budget", height=1600)


def test_an_edited_scenario_exports_under_its_own_name_with_its_edits(default_app_url):
    import openpyxl

    with _page(default_app_url, downloads=True) as page:
        _go(page, "Constraints")
        _edit_budget_cell(page, 1, "13600000", "Changes since loaded (1)")  # 2024: GBP 12.6m -> 13.6m
        page.get_by_test_id("stSidebar").get_by_text("Scenario: West Midlands Imaging Network (edited)").wait_for()
        _go(page, "Solve")
        _solve(page, 1)
        _go(page, "Results")
        page.get_by_role("heading", name="Where the next pound goes").wait_for()
        page.get_by_role("heading", name="Demand from imaging activity").wait_for()
        page.locator(".js-plotly-plot").nth(9).wait_for(timeout=60_000)
        _no_exceptions(page)
        _shot(page, "9_results_v2", height=9000)
        _go(page, "Export")
        page.get_by_text("1 edit(s) from West Midlands Imaging Network (default)").wait_for()
        with page.expect_download() as info:
            page.get_by_role("button", name="Download the plan workbook (plan.xlsx)").click()
        assert info.value.suggested_filename == "West_Midlands_Imaging_Network_edited_plan.xlsx"
        plan = ARTIFACTS / info.value.suggested_filename
        info.value.save_as(plan)
        book = openpyxl.load_workbook(plan, read_only=True)
        figures = book["Key figures"] if "Key figures" in book.sheetnames else book["Summary"]  # the story takes "Summary"
        summary = {r[0]: r[1] for r in figures.iter_rows(min_row=2, values_only=True)}
        assert summary["Scenario"] == "West Midlands Imaging Network (edited)"
        assumptions = {r[0]: r[1] for r in book["Assumptions"].iter_rows(min_row=2, values_only=True)}
        assert assumptions["provenance.parent_scenario"] == "West Midlands Imaging Network (default)"
        assert assumptions["provenance.edit 1: budget year=2024 budget_gbp"] == "12600000 -> 13600000"
        _shot(page, "10_export_edited", height=1400)


def test_planner_journey_in_a_real_browser(app_url):
    t0 = time.monotonic()
    with _page(app_url, downloads=True) as page:
        page.get_by_text("No errors.").wait_for()
        _shot(page, "1_scenario")

        _go(page, "Constraints")
        page.get_by_text("Changes since loaded (0)").wait_for()
        _edit_budget_cell(page, 1, "5900000", "Changes since loaded (1)")  # 2023: GBP 4.9m -> 5.9m
        assert page.get_by_text("5900000").count() >= 1
        _no_exceptions(page)
        _shot(page, "2_constraints_edited")

        _go(page, "Solve")
        t_solve = time.monotonic()
        _solve(page, 1)
        first_solve_s = time.monotonic() - t_solve
        _no_exceptions(page)
        _shot(page, "3_solve_done")

        page.get_by_role("link", name="See the results").click()
        page.get_by_role("heading", name="Results", level=1).wait_for(timeout=30_000)
        _idle(page)
        page.get_by_text("Weighted shortfall (WTE-years)").wait_for()
        # plotly draws after the script run ends: wait for the fifth chart (supply/demand, starts,
        # recruits, region graph, bottlenecks)
        page.locator(".js-plotly-plot").nth(4).wait_for(timeout=60_000)
        page.get_by_role("button", name="Trace the budget frontier").click()
        page.get_by_text("Table: frontier points").wait_for(timeout=180_000)
        _idle(page)
        _no_exceptions(page)
        _shot(page, "4_results", height=5200)

        _go(page, "Export")
        with page.expect_download() as info:
            page.get_by_role("button", name="Download the plan workbook (plan.xlsx)").click()
        plan = ARTIFACTS / "plan.xlsx"
        info.value.save_as(plan)
        with zipfile.ZipFile(io.BytesIO(plan.read_bytes())) as zf:
            assert "xl/workbook.xml" in zf.namelist()
        import openpyxl

        sheets = openpyxl.load_workbook(plan, read_only=True).sheetnames
        assert {"Summary", "Starts", "Projection", "Bottlenecks"} <= set(sheets)
        _shot(page, "5_export")

        # a second scenario: GBP 2m more in 2024 as well, solved with every budget 10% higher
        _go(page, "Constraints")
        _edit_budget_cell(page, 2, "12100000", "Changes since loaded (2)")
        _go(page, "Solve")
        _solve(page, 3, budget_scale="1.1")  # run 2 is the frontier
        _go(page, "Compare")
        page.get_by_text("Inputs that differ").wait_for()
        page.get_by_text("year=2024").wait_for(state="attached")  # a cell of the canvas grid
        page.get_by_text("Headline figures").wait_for()
        _no_exceptions(page)
        _shot(page, "6_compare", height=3000)
    total = time.monotonic() - t0
    print(f"\nbrowser journey: {total:.1f} s in all; first solve seen in the browser after {first_solve_s:.1f} s")
    assert total < 300  # a new user does all six pages' jobs within five minutes


def test_results_open_with_the_plan_in_brief_naming_the_top_commission_and_the_binding_limit(default_app_url):
    with _page(default_app_url) as page:
        _go(page, "Solve")
        _solve(page, None)  # the export test may have saved run 1 on this server already
        page.get_by_role("link", name="See the results").click()
        page.get_by_role("heading", name="The plan in brief").wait_for(timeout=30_000)
        _idle(page)
        headline = page.locator(".st-key-story_headline").inner_text()
        # the default's largest commission by far (about twice the next): a provider and a route by name
        assert "The largest commission: Birmingham City University, undergraduate radiography." in headline
        binding = re.search(r"The limit that binds hardest: (.+?)\.$", headline.strip())
        assert binding, headline
        limit = binding.group(1)
        page.get_by_text(f"{limit} binds:", exact=False).first.wait_for()  # explained under "What limits the plan"
        story = page.get_by_test_id("stMain").inner_text().split("The plan in brief")[1].split("Details: solver")[0]
        story = re.sub(r"keyboard_arrow_\w+", "", story)  # the expanders' icons, drawn from an icon font's names
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", story), "an identifier in the summary"
        assert not re.search(r"\b(inf|nan)\b", story) and "MIP gap" not in story
        page.locator(".js-plotly-plot").nth(4).wait_for(timeout=60_000)  # the map and heat maps drawn too
        _no_exceptions(page)
        _shot(page, "7_results_summary_and_map", height=4600)  # from the top: the summary, then down to the map


@pytest.fixture(scope="module")
def example_app_url(tmp_path_factory):
    """The app on the worked example (tests/data/example): small enough for alternatives in seconds."""
    yield from _serve(tmp_path_factory, ROOT / "tests" / "data" / "example")


def test_alternatives_page_finds_plans_in_the_worker_and_shows_them_side_by_side(example_app_url):
    with _page(example_app_url) as page:
        _go(page, "Alternatives")
        page.get_by_text("Alternatives are LP plans with the best plan's cohort decisions fixed").wait_for()
        page.get_by_role("button", name="Find alternatives").click()
        page.get_by_role("heading", name="The plans side by side").wait_for(timeout=120_000)
        _idle(page)
        page.get_by_text("People in each category, by plan").wait_for(timeout=30_000)  # the grouped bars drawn
        page.get_by_text("fewer ug_radiography").first.wait_for(state="attached")  # a column of the canvas grid
        _no_exceptions(page)
        _shot(page, "8_alternatives", height=1800)


@pytest.fixture(scope="module")
def uncertain_app_url(tmp_path_factory):
    """The app on the worked example v2 with an uncertainty table (leaver rates, demand, completion,
    the retention effect and the returner pool): sweeps and robust plans in seconds."""
    from conftest import with_uncertainty

    folder = with_uncertainty(ROOT / "tests" / "data" / "example_v2", tmp_path_factory.mktemp("uncertain") / "example_v2",
                              "leaver_rate,*,lognormal,sigma=0.12", "demand_growth,*,normal,sd=0.01",
                              "completion_rate,*,triangular,low=-0.08;mode=0;high=0.03;draw=each",
                              "retention_effect,*,beta,a=8;b=2", "returner_pool,return_to_practice,lognormal,sigma=0.3")
    yield from _serve(tmp_path_factory, folder)


def test_uncertainty_page_sweeps_futures_and_compares_a_robust_plan(uncertain_app_url):
    with _page(uncertain_app_url) as page:
        _go(page, "Uncertainty")
        page.get_by_label("Futures (samples)").fill("12")
        page.get_by_role("button", name="Run the sweep").click()
        page.get_by_role("heading", name="Shortfall across the futures").wait_for(timeout=180_000)
        page.get_by_role("heading", name="The chance of meeting each target").wait_for(timeout=30_000)
        _idle(page)
        page.get_by_text("12 futures, seed 0").first.wait_for()
        _no_exceptions(page)
        _shot(page, "11_uncertainty_sweep", height=3200)

        page.get_by_role("spinbutton", name="Futures to optimise against").fill("3")
        page.get_by_role("spinbutton", name="Out-of-sample futures").fill("5")
        page.get_by_role("button", name="Solve the robust plan").click()
        page.get_by_text("Value of the stochastic solution (VSS)").wait_for(timeout=180_000)
        _idle(page)
        page.get_by_role("button", name="Put the robust plan on Results").wait_for()
        _no_exceptions(page)
        _shot(page, "12_robust_plan_against_deterministic", height=3600)
