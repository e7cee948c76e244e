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

from ui.runs import collect_frontier, collect_solve  # noqa: E402
from ui.state import current_raw, ensure_session, get_store, report_for  # noqa: E402

st.set_page_config(page_title="Imaging workforce optimiser", page_icon=":material/radiology:", layout="wide")
ensure_session()
collect_solve()
collect_frontier()

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
    st.markdown(f"**Scenario:** {ss['scenario_label']}")
    report = report_for(current_raw())
    if report.ok:
        st.success(f"Valid ({len(report.warnings)} warning(s))", icon=":material/check_circle:")
    else:
        st.error(f"{len(report.errors)} error(s): solving is blocked", icon=":material/block:")
    if ss.get("job") is not None:
        st.info("A solve is running", icon=":material/hourglass_top:")
    if ss.get("result") is not None:
        st.caption(f"Last plan: {ss['result'].status}, weighted shortfall "
                   f"{ss['result'].weighted_shortfall or 0:,.0f} WTE-years")
    if get_store().store is None:
        st.caption(f"Scenario database: {get_store().problem}")

page.run()
