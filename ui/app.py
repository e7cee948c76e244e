"""The planner's web app: `streamlit run ui/app.py` (or `optimiser app`) from any folder; its
Streamlit settings are in ui/.streamlit/config.toml beside it.

Nine pages (ui/app_pages/): Scenario, Constraints, Solve, Results, Uncertainty, Alternatives, Compare,
Export, Monitor. All model work
goes through the public optimiser API; solves run in a worker process (ui/worker.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # holds the ui package: the checkout, or optimiser/_app
if str(ROOT) not in sys.path:  # `streamlit run ui/app.py` puts ui/ itself, not its parent, on the path
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from ui.identity import scenario_name  # noqa: E402
from ui.plan_panel import attempt_sentence  # noqa: E402
from ui.runs import collect_frontier, collect_solve  # noqa: E402
from ui.session import persist_session, start_session  # noqa: E402
from ui.state import current_raw, get_store, report_for  # noqa: E402
from ui.worker import WARM_UP_DELAY_S, warm_up  # noqa: E402

st.set_page_config(page_title="Imaging workforce optimiser", page_icon=":material/radiology:", layout="wide")
start_session()  # this browser session's work, restored from the store after a refresh
collect_solve()
collect_frontier()
persist_session()

PAGES = [
    st.Page("app_pages/scenario.py", title="Scenario", icon=":material/folder_open:", default=True),
    st.Page("app_pages/constraints.py", title="Constraints", icon=":material/edit_note:"),
    st.Page("app_pages/solve.py", title="Solve", icon=":material/play_arrow:"),
    st.Page("app_pages/results.py", title="Results", icon=":material/bar_chart:"),
    st.Page("app_pages/uncertainty.py", title="Uncertainty", icon=":material/stacked_line_chart:"),
    st.Page("app_pages/alternatives.py", title="Alternatives", icon=":material/alt_route:"),
    st.Page("app_pages/compare.py", title="Compare", icon=":material/compare_arrows:"),
    st.Page("app_pages/export.py", title="Export", icon=":material/download:"),
    st.Page("app_pages/monitor.py", title="Monitor", icon=":material/monitoring:"),
]
page = st.navigation(PAGES)

with st.sidebar:
    ss = st.session_state
    st.markdown("**Imaging workforce optimiser**")
    st.caption("Training places, placements, international recruits and educators for the NHS imaging workforce.")
    st.markdown(f"**Scenario:** {scenario_name(current_raw(), ss['scenario_label'])}")
    report = report_for(current_raw())
    if report.ok:
        st.success(f"Valid ({report.count('warning')} warning(s))", icon=":material/check_circle:")
    else:
        st.error(f"{report.count('error')} error(s): solving is blocked", icon=":material/block:")
    if ss.get("job") is not None:
        st.info("A solve is running", icon=":material/hourglass_top:")
    if ss.get("result") is not None:
        st.caption(f"Plan on Results: {ss['result'].status}, weighted shortfall "
                   f"{ss['result'].weighted_shortfall:,.0f} WTE-years"
                   + (f" (run {ss['run_id']})" if ss.get("run_id") is not None else ""))
    if ss.get("attempt"):
        st.caption(attempt_sentence(ss["attempt"]))
    if get_store().store is None:
        st.caption(f"Scenario database: {get_store().problem}")
    for problem in (ss.get("restore_problem"), ss.get("persist_problem")):
        if problem:
            st.caption(problem)

try:
    page.run()
finally:  # also when the page reruns or stops part-way: what it changed is kept for a refresh
    persist_session()
    # the solve worker imports the engine before the planner clicks Solve, not then; it starts a
    # few seconds after the first page, so that its imports do not slow that page down
    warm_up(WARM_UP_DELAY_S)
