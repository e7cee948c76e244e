"""The Uncertainty page's robust plan: one plan optimised against several sampled futures at once
(`optimiser.solve_robust`, as `optimiser solve --robust`), compared with the plan solved on the
scenario as entered, run in the background job runner; the robust plan can be put on Results."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from optimiser import NUMBER_OPTIONS, OptionError, SweepError, number_option, parse_risk
from ui.analysis_jobs import start_analysis
from ui.job_panel import job_panel
from ui.runs import keep_plan
from ui.state import copy_raw, raw_fingerprint

KEY = "robust_job"
MAX_SAMPLES = 20  # the extensive form grows with every future; beyond this the app is the wrong place
PLANS = {"robust": "Robust plan", "deterministic": "Plan solved on the scenario as entered",
         "wait_and_see": "Each future planned for on its own (perfect information)"}
SETS = {"in_sample": "In sample (the futures optimised against)", "out_of_sample": "Out of sample (fresh futures)"}
ss = st.session_state


def bands_table(bands: pd.DataFrame) -> pd.DataFrame:
    """P10 / P50 / P90 and mean of weighted shortfall (weighted WTE-years) per plan and set of futures."""
    t = bands[bands["plan"].isin(PLANS)].copy()
    out = pd.DataFrame({"futures": t["set"].map(SETS), "plan": t["plan"].map(PLANS), "number of futures": t["futures"]})
    for col, name in (("p10", "P10"), ("p50", "P50"), ("p90", "P90"), ("mean", "mean")):
        out[f"{name} weighted shortfall"] = t[col].round(1)
    return out.reset_index(drop=True)


def difference_text(value: float | None) -> str:
    """A difference of two plans' means (VSS, EVPI) to 0.1 WTE-years. Two plans of equal mean differ by
    rounding noise of either sign, so "z" shows a difference that rounds to zero as 0.0, never -0.0."""
    return "—" if value is None else f"{value:z,.1f}"


def _options_form(raw, ok: bool) -> None:
    running = ss.get(KEY) is not None
    with st.form("robust_options"):
        c1, c2, c3, c4, c5 = st.columns(5)
        samples = c1.number_input("Futures to optimise against", min_value=1, max_value=MAX_SAMPLES, value=5,
                                  step=1, key="robust_samples")
        risk = c2.selectbox("Optimise", ["mean", "cvar"], key="robust_risk",
                            format_func={"mean": "the mean over futures", "cvar": "the worst futures (CVaR)"}.get)
        alpha = c3.number_input("CVaR alpha", min_value=0.0, max_value=0.99, value=0.9, step=0.05, key="robust_alpha",
                                help="With CVaR: 0.9 = the mean of the worst 10% of futures")
        seed = c4.number_input("Seed", min_value=0, max_value=int(NUMBER_OPTIONS["seed"].high), value=0, step=1,
                               key="robust_seed", help="The same seed gives the same futures")
        fresh = c5.number_input("Out-of-sample futures", min_value=0, max_value=1000, value=10, step=5,
                                key="robust_out_of_sample", help="Fresh futures (seed + 1) both plans are also "
                                                                 "evaluated in; 0 for none")
        st.caption("The default scenario takes about 25 s at 5 futures, and minutes at 10 or more.")
        submitted = st.form_submit_button("Solve the robust plan", type="primary", disabled=not ok or running,
                                          key="robust_submit")
    if not (submitted and ok and not running):
        return
    try:  # the engine's own readers of the options
        numbers = {"samples": number_option("samples", samples), "seed": number_option("seed", seed),
                   "out_of_sample": int(fresh)}
        words = "mean" if risk == "mean" else f"cvar:{alpha:g}"
        parse_risk(words)
    except (OptionError, SweepError) as exc:
        st.error(f"Not run: {exc}.")
        return
    ss[KEY] = start_analysis("robust", raw, {"risk": words, **numbers})
    ss["robust_raw"] = copy_raw(raw)  # the version solved, kept apart from later edits
    for k in (f"{KEY}_outcome", "robust_kept"):
        ss.pop(k, None)
    st.rerun()


def _show(result, raw) -> None:
    options = ss[f"{KEY}_options"]
    risk = "the mean" if options["risk"] == "mean" else f"CVaR at {options['risk'].split(':')[1]}"
    st.caption(f"{options['samples']} futures, seed {options['seed']}, optimising {risk} of the objective; "
               f"{options['out_of_sample']} out-of-sample futures (seed {options['seed'] + 1}). Weighted shortfall "
               "is in weighted WTE-years over the measured years; lower is better.")
    if raw_fingerprint(ss["robust_raw"]) != raw_fingerprint(raw):
        st.caption("This robust plan was solved on another version of the scenario than the one being edited.")
    st.dataframe(bands_table(result.bands), hide_index=True, width="stretch", key="robust_bands")
    s = result.summary
    vss, evpi = (s.get(f"{k}_weighted_shortfall") for k in ("value_of_stochastic_solution",
                                                              "expected_value_of_perfect_information"))
    c1, c2 = st.columns(2)
    c1.metric("Value of the stochastic solution (VSS)", difference_text(vss))
    c1.caption("How much lower the robust plan's mean weighted shortfall is, across these futures, than the plan "
               "solved on the scenario as entered: what planning for uncertainty gains.")
    c2.metric("Expected value of perfect information (EVPI)", difference_text(evpi))
    c2.caption("How much lower it would be again if each future were known in advance and planned for on its "
               "own: the most that better forecasts could be worth.")
    if st.button("Put the robust plan on Results", key="robust_keep"):
        ss["robust_kept"] = keep_plan(result.plan, ss["robust_raw"], {"robust": True, **options})
    if "robust_kept" in ss:
        run_id, problem = ss["robust_kept"]
        st.success("The robust plan is the session's plan" + (f", saved as run {run_id}." if run_id is not None
                   else f" (not saved to the database: {problem})."))
        st.page_link("app_pages/results.py", label="See the results", icon=":material/bar_chart:")


def _show_progress(job, status: dict) -> None:
    with st.status(f"Solving the robust plan… {status['elapsed_s']:.0f} s", expanded=True):
        st.write(status["progress"].get("phase", "starting"))


def robust_section(raw, ok: bool) -> None:
    """The options form, the job's progress and cancel, and the comparison when it has ended."""
    _options_form(raw, ok)

    job_panel(KEY, _show_progress, failed="The robust plan was not solved",
              cancelled="The robust solve was cancelled", cancel=("Cancel the robust solve", "cancel_robust"))
    if ss.get(f"{KEY}_outcome", {}).get("state") == "finished" and ss.get(f"{KEY}_result") is not None:
        _show(ss[f"{KEY}_result"], raw)
