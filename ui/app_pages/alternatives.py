"""Alternatives: plans almost as good as the best that differ most in one dimension, as
`optimiser alternatives --slack --count --vary`, side by side with what they trade."""

from __future__ import annotations

import streamlit as st

from optimiser import NUMBER_OPTIONS, OptionError, number_option
from ui import analysis_views as views
from ui.analysis_jobs import start_analysis
from ui.job_panel import job_panel
from ui.state import current_raw, report_for

KEY = "alternatives_job"
DIMENSIONS = {  # optimiser alternatives --vary: the engine checks the name
    "international": "International recruits",
    "providers": "Starts by education provider",
    "regions": "Starts and recruits by region",
    "routes": "Starts and recruits by route",
}
ss = st.session_state
st.title("Alternatives")
st.caption("Plans whose objective is within a slack of the best plan's, each pushed to have as few, or as many, "
           "people as it can in one category: what a different mix would cost in gap.")
st.info("Alternatives are LP plans with the best plan's cohort decisions fixed, so their starts and recruits "
        "may be fractional.", icon=":material/info:")

raw = current_raw()
report = report_for(raw)
if not report.ok:
    st.error(f"The scenario has {report.count('error')} error(s); alternatives are blocked until they are fixed.")
    st.page_link("app_pages/constraints.py", label="Fix them on the Constraints page", icon=":material/edit_note:")

running = ss.get(KEY) is not None
with st.form("alternatives_options"):
    c1, c2, c3 = st.columns([1, 1, 2])
    slack_pct = c1.number_input("Slack (% worse than the best objective)", min_value=0.0, max_value=100.0,
                                value=2.0, step=0.5, key="alternatives_slack",
                                help="2 = plans whose objective is at most 2% worse than the best plan's")
    count = c2.number_input("Alternatives (at most)", min_value=int(NUMBER_OPTIONS["count"].low),
                            max_value=int(NUMBER_OPTIONS["count"].high), value=4, step=1, key="alternatives_count")
    vary = c3.selectbox("Differ most in", list(DIMENSIONS), format_func=DIMENSIONS.get, index=3,
                        key="alternatives_vary")
    submitted = st.form_submit_button("Find alternatives", type="primary", disabled=not report.ok or running,
                                      key="alternatives_submit")
if submitted and report.ok and not running:
    try:  # the engine's one reader of numeric options
        numbers = {"slack": number_option("slack", slack_pct / 100), "count": number_option("count", count)}
    except OptionError as exc:
        st.error(f"Not run: {exc}.")
    else:
        ss[KEY] = start_analysis("alternatives", raw, {"vary": vary, **numbers})
        ss.pop(f"{KEY}_outcome", None)
        st.rerun()


def show_progress(job, status: dict) -> None:
    found = status["progress"].get("found", [])
    with st.status(f"Finding alternatives… {status['elapsed_s']:.0f} s", expanded=True):
        st.write(f"found: {', '.join(found)}" if found else "solving the best plan…")


job_panel(KEY, show_progress, failed="No alternatives", cancelled="Cancelled", cancel=("Cancel", "cancel_alternatives"))
result = ss.get(f"{KEY}_result")
if result is not None:
    options = ss[f"{KEY}_options"]
    table = result.table
    plans = list(table["plan"])
    st.subheader("The plans side by side")
    st.caption(f"Within {100 * result.slack:g}% of the best objective, differing most in "
               f"{DIMENSIONS[result.dimension].lower()}; {len(plans) - 1} alternative(s) in "
               f"{result.total_seconds:.1f} s. People moved: starts and recruits that differ from the best plan.")
    if len(plans) == 1:
        st.caption("No alternative differs from the best plan in this dimension within the slack.")
    st.dataframe(views.alternatives_side_by_side(table), hide_index=True, width="stretch",
                 key="alternatives_table")
    fig, totals = views.alternatives_totals(result.totals, plans)
    st.plotly_chart(fig, key="chart_alternatives_totals")
    st.dataframe(totals, hide_index=True, width="stretch", key="alternatives_totals")
