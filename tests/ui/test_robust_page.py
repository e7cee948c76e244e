"""The Uncertainty page's robust plan through AppTest, on the worked example (tests/data/example) with a
small uncertainty table: what the page shows is checked against `optimiser.solve_robust` called directly
with the same options (deterministic for a seed), and the robust plan can be put on Results.
The job runs in-process (OPTIMISER_UI_INLINE_WORKER=1): AppTest cannot poll a worker process."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import optimiser
from optimiser.basics.locations import APP_SCRIPT
from ui.robust_panel import PLANS, SETS, difference_text

pytestmark = pytest.mark.ui

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "tests" / "data" / "example"
UNCERTAINTY = "parameter,scope,distribution,arguments\nleaver_rate,*,lognormal,sigma=0.12\ndemand_growth,*,normal,sd=0.01\n"
SAMPLES, SEED, FRESH = 2, 4, 3


@pytest.fixture
def uncertain_example(tmp_path) -> Path:
    folder = tmp_path / "example_uncertain"
    shutil.copytree(EXAMPLE, folder)
    (folder / "uncertainty.csv").write_text(UNCERTAINTY)
    return folder


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_robust_plan_against_the_deterministic_plan_and_put_on_results(monkeypatch, tmp_path, uncertain_example):
    monkeypatch.setenv("OPTIMISER_DATABASE_URL", f"sqlite:///{tmp_path / 'store.sqlite3'}")
    monkeypatch.setenv("OPTIMISER_UI_INLINE_WORKER", "1")
    monkeypatch.setenv("OPTIMISER_UI_SCENARIO", str(uncertain_example))
    at = AppTest.from_file(str(APP_SCRIPT), default_timeout=300)
    _run(at)
    _run(at.switch_page("app_pages/uncertainty.py"))
    at.number_input(key="robust_samples").set_value(SAMPLES)
    at.selectbox(key="robust_risk").set_value("cvar")
    at.number_input(key="robust_alpha").set_value(0.5)
    at.number_input(key="robust_seed").set_value(SEED)
    at.number_input(key="robust_out_of_sample").set_value(FRESH)
    at.button(key="robust_submit").click()
    _run(at)
    assert not at.error, [e.value for e in at.error]

    direct = optimiser.solve_robust(optimiser.load_scenario(uncertain_example), SAMPLES, "cvar:0.5", seed=SEED,
                                    out_of_sample=FRESH)
    shown = next(f.value for f in at.dataframe if "P50 weighted shortfall" in f.value.columns)
    assert len(shown) == 5  # robust and deterministic in and out of sample, perfect information in sample
    for _, b in direct.bands.iterrows():
        row = shown[(shown["futures"] == SETS[b["set"]]) & (shown["plan"] == PLANS[b["plan"]])].iloc[0]
        assert row["number of futures"] == b["futures"]
        for col, name in (("p10", "P10"), ("p50", "P50"), ("p90", "P90"), ("mean", "mean")):
            assert row[f"{name} weighted shortfall"] == pytest.approx(round(b[col], 1)), (b["set"], b["plan"], col)
    metrics = {m.label: m.value for m in at.metric}
    own = at.session_state["robust_job_result"].summary
    for label, key in (("Value of the stochastic solution (VSS)", "value_of_stochastic_solution"),
                       ("Expected value of perfect information (EVPI)", "expected_value_of_perfect_information")):
        shown_value, name = metrics[label], f"{key}_weighted_shortfall"
        assert shown_value == difference_text(own[name])
        # the direct solve agrees to the 0.1 shown; its sign may not where the difference is rounding noise
        # about zero (CI on 30 Nov 2026: VSS -0.0 on the page against 0.0 direct, the bands equal)
        assert float(shown_value.replace(",", "")) == pytest.approx(direct.summary[name], abs=0.051), label

    at.button(key="robust_keep").click()
    _run(at)
    assert any(s.value.startswith("The robust plan is the session's plan, saved as run ") for s in at.success)
    kept = at.session_state["result"]
    assert kept.weighted_shortfall == pytest.approx(direct.plan.weighted_shortfall)
    # the plan put on Results is the robust plan the page showed; the direct solve above may hold
    # another plan of the same objective (seen once in CI on 30 Nov 2026: the same weighted
    # shortfall, other starts; probably because the worked example's rounding box hands over after
    # phase 1's 0.01 s of patience, so branch and bound's start, and the optimum it ends at, follow
    # timing)
    assert kept.starts.equals(at.session_state["robust_job_result"].plan.starts)
    assert at.session_state["run_id"] is not None
    _run(at.switch_page("app_pages/results.py"))


def test_the_solve_page_points_to_the_robust_plan(monkeypatch, tmp_path):
    monkeypatch.setenv("OPTIMISER_DATABASE_URL", f"sqlite:///{tmp_path / 'store.sqlite3'}")
    monkeypatch.setenv("OPTIMISER_UI_SCENARIO", str(EXAMPLE))
    at = AppTest.from_file(str(APP_SCRIPT), default_timeout=120)
    _run(at)
    _run(at.switch_page("app_pages/solve.py"))
    links = [(e.proto.label, e.proto.page) for e in at.get("page_link")]
    assert any(label.startswith("To choose commissions that hold up across futures, use Uncertainty > Robust plan")
               and page == "uncertainty" for label, page in links), links
