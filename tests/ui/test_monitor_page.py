"""The Monitor page through AppTest: a plan folder of the worked example v2 against synthetic
actuals (flags, chart, lines), bad actuals listed by file, row and column, and the plan rolled up."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import optimiser
from optimiser.basics.locations import APP_SCRIPT

pytestmark = pytest.mark.ui
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def plan_and_actuals(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("monitor")
    result = optimiser.solve(optimiser.load_scenario(ROOT / "tests/data/example_v2"))
    optimiser.write_plan(result, tmp / "plan")
    spec = importlib.util.spec_from_file_location("make_actuals", ROOT / "scripts/make_actuals.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return tmp / "plan", module.make_actuals(tmp / "plan", tmp / "actuals", spread=0.2)


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("OPTIMISER_DATABASE_URL", f"sqlite:///{tmp_path / 'store.sqlite3'}")
    monkeypatch.setenv("OPTIMISER_UI_INLINE_WORKER", "1")
    at = AppTest.from_file(str(APP_SCRIPT), default_timeout=120)
    at.run()
    at.switch_page("app_pages/monitor.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _run(at):
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_monitor_a_plan_folder_against_actuals_and_roll_it_up(app, plan_and_actuals):
    plan, actuals = plan_and_actuals
    assert [t.value for t in app.title] == ["Monitor"]
    app.text_input(key="monitor_plan_folder").set_value(str(plan))
    _run(app)
    app.text_input(key="monitor_actuals_path").set_value(str(actuals))
    _run(app)
    counts = next(f.value for f in app.dataframe if "measure" in f.value.columns and "red" in f.value.columns)
    assert set(counts["measure"]) == {"in post", "starts", "recruits", "retained", "spend"}
    assert len(app.get("imgs")) + len(app.get("image")) == 1, "the chart is shown"
    lines = next(f.value for f in app.dataframe if "variance_pct" in f.value.columns)
    assert set(lines["flag"]) <= {"red", "amber"} and len(lines) > 0
    app.selectbox(key="monitor_level").set_value("parent")
    _run(app)
    shortfall = next(f.value for f in app.dataframe if "shortfall_wte_status_quo" in f.value.columns)
    assert set(shortfall["parent"]) == {"Example v2 network"}
    rolled = next(f.value for f in app.dataframe if "variance_pct" in f.value.columns)
    assert set(rolled["region"]) <= {"Example v2 network", ""}


def test_bad_actuals_are_listed_and_nothing_is_shown(app, plan_and_actuals, tmp_path):
    plan, actuals = plan_and_actuals
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "actual_in_post.csv").write_text("date,region,staff_group,in_post_wte\n2025-05-01,atlantis,radiographer,-1\n")
    app.text_input(key="monitor_plan_folder").set_value(str(plan))
    _run(app)
    app.text_input(key="monitor_actuals_path").set_value(str(bad))
    _run(app)
    assert any("The actuals have 2 error(s)" in e.value for e in app.error)
    issues = next(f.value for f in app.dataframe if "fix" in f.value.columns)
    assert set(issues["column"]) == {"region", "in_post_wte"}
    assert set(issues["row"]) == {2}
    assert not any("variance_pct" in f.value.columns for f in app.dataframe)
