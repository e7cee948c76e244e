"""A real browser checks that work survives and comparisons are honest: a refresh keeps the plan
and the edits; a cancelled second solve leaves the first plan on Results; a difference inside the
runs' combined optimality gap is flagged on Compare; a saved run reopens in another browser on
Results, Compare and Export. Screenshots go to tests/ui/artifacts/.

Each test opens its own page (its own session) on the app server of test_browser.py's fixture
(the v1 default, a fresh store, solves in the warm worker). Run them one at a time under load.
"""

from __future__ import annotations

import re
import time

import pytest
import test_browser  # tests/ui/test_browser.py: the app server fixture and the page helpers
from test_browser import (
    BROWSER_ARGS,
    CHROMIUM,
    _edit_budget_cell,
    _go,
    _idle,
    _no_exceptions,
    _shot,
)

pytestmark = pytest.mark.ui
app_url = test_browser.app_url
sync_api = test_browser.sync_api
SAVED = re.compile(r"Saved as run (\d+) in the scenario database")
SOLVE_TIMEOUT_MS = 240_000


@pytest.fixture
def page(app_url):
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1800})
        page.goto(app_url)
        _idle(page)
        yield page
        browser.close()


def _solve(page, after_run: int | None = None, budget_scale: str | None = None, gap: str | None = None) -> int:
    """Solve on the Solve page; returns the run id the plan was saved as. `after_run`: the last run
    this page saved, so that its message cannot be taken for the new one."""
    _go(page, "Solve")
    if budget_scale is not None:
        box = page.get_by_role("spinbutton", name="Budget scale (× every budget row)")
        box.fill(budget_scale)
        box.press("Tab")
    if gap is not None:
        box = page.get_by_role("spinbutton", name="Relative MIP gap (fraction)")
        box.fill(gap)
        box.press("Tab")
    page.get_by_test_id("stFormSubmitButton").get_by_role("button", name="Solve").click()
    if after_run is None:
        page.get_by_text(SAVED).wait_for(timeout=SOLVE_TIMEOUT_MS)
    else:
        page.get_by_text(f"Saved as run {after_run + 1} in the scenario database").wait_for(timeout=SOLVE_TIMEOUT_MS)
    _idle(page)
    return int(SAVED.search(page.get_by_text(SAVED).inner_text()).group(1))


def _headline(page) -> str:
    """The weighted shortfall on Results."""
    _go(page, "Results")
    value = page.get_by_test_id("stMetric").filter(has_text="Weighted shortfall (WTE-years)")
    return value.get_by_test_id("stMetricValue").inner_text()


def test_refresh_keeps_the_plan(page):
    _go(page, "Constraints")
    _edit_budget_cell(page, 1, "5900000", "Changes since loaded (1)")  # 2023: GBP 4.9m -> 5.9m
    run = _solve(page)
    before = _headline(page)
    assert "session=" in page.url

    page.reload()  # the browser's refresh: a new session at the same address
    _idle(page)
    page.get_by_role("heading", name="Results", level=1).wait_for(timeout=30_000)
    assert _headline(page) == before
    page.get_by_text(f"run {run}").first.wait_for()
    _no_exceptions(page)
    _shot(page, "refresh_keeps_the_plan", height=1400)
    _go(page, "Constraints")
    page.get_by_text("Changes since loaded (1)").wait_for()  # the edit, against the scenario as loaded


def test_a_cancelled_second_solve_leaves_the_first_plan_on_results(page):
    first = _solve(page)
    plan = _headline(page)
    # the second solve: the embedded v2 default proved to optimality, far longer than we wait
    _go(page, "Scenario")
    page.get_by_role("button", name="Load the West Midlands default").click()
    _idle(page)
    _go(page, "Solve")
    page.get_by_role("spinbutton", name="Relative MIP gap (fraction)").fill("0")
    page.get_by_role("spinbutton", name="Relative MIP gap (fraction)").press("Tab")
    page.get_by_test_id("stFormSubmitButton").get_by_role("button", name="Solve").click()
    cancel = page.get_by_role("button", name="Cancel the solve")
    cancel.wait_for(timeout=60_000)
    time.sleep(2.0)
    cancel.click()
    # case-sensitive: the notice above the plan also says "was cancelled after" when the cancel is quick
    page.get_by_text(re.compile(r"^Cancelled after")).wait_for(timeout=120_000)
    page.get_by_text("The plan on the Results page is the earlier one, unchanged").wait_for()

    assert _headline(page) == plan
    page.get_by_text(f"It did not replace the plan below (run {first})").wait_for()
    page.get_by_text(re.compile(r"The latest solve \(.*\) was cancelled after")).first.wait_for()
    _no_exceptions(page)
    _shot(page, "cancelled_second_solve_keeps_the_plan", height=1400)


def test_a_difference_inside_the_gap_is_flagged(page):
    first = _solve(page)
    _solve(page, after_run=first, budget_scale="1.05")  # 5% more money: less than the 2% gap can tell
    _go(page, "Compare")
    page.get_by_text("Headline figures").wait_for()
    page.get_by_text(re.compile(r"P2 − P1: the weighted shortfall differs by .* within solver tolerance")).wait_for()
    page.get_by_role("button", name="Re-solve to a tight gap").wait_for()
    page.get_by_text("within solver tolerance ±", exact=False).first.wait_for(state="attached")  # the grid's cell
    _no_exceptions(page)
    _shot(page, "difference_inside_the_gap_flagged", height=1600)


def test_a_saved_run_reopens_on_results_compare_and_export(page, app_url):
    first = _solve(page)
    plan = _headline(page)
    _solve(page, after_run=first, budget_scale="1.1")

    # another browser, no address: a new session that starts with no plan, then opens the first run
    context = page.context.browser.new_context(viewport={"width": 1400, "height": 1800})
    try:
        other = context.new_page()
        other.goto(app_url)
        _idle(other)
        _go(other, "Results")
        other.get_by_text("No plan yet: solve the scenario first, or open a saved run.").wait_for()
        other.get_by_role("combobox").first.click()  # the picker: the page's only choice before a plan
        other.get_by_role("option", name=re.compile(rf"run {first}:")).click()
        _idle(other)
        other.get_by_role("button", name="Open this run").click()
        _idle(other)
        other.get_by_text(f"run {first}", exact=False).first.wait_for()
        assert _headline(other) == plan
        _no_exceptions(other)
        _shot(other, "saved_run_reopened_on_results", height=1400)

        _go(other, "Compare")  # the reopened run is one of the plans compared
        other.get_by_text("Headline figures").wait_for()
        picked = other.get_by_test_id("stMultiSelect").inner_text()
        assert re.search(rf"run {first}:", picked) and re.search(rf"run {first + 1}:", picked), picked
        _no_exceptions(other)

        _go(other, "Export")  # and its files are there to download
        other.get_by_role("button", name=re.compile("Download the plan")).first.wait_for()
        other.get_by_test_id("stMain").get_by_text(f"weighted shortfall {plan} WTE-years", exact=False).wait_for()  # the reopened plan's
        _no_exceptions(other)
    finally:
        context.close()
