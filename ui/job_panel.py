"""A background job's panel: its progress and a Cancel button while it runs (polled each second),
then why it failed or when it was cancelled; the sweep, alternatives and robust plan use it."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from ui.analysis_jobs import collect

POLL_S = 1.0  # how often a running job's progress is read again


def job_panel(key: str, show: Callable[[object, dict], None], *, failed: str, cancelled: str,
              cancel: tuple[str, str]) -> None:
    """The job in session key `key`: while it runs, `show(job, status)` draws its progress (status:
    ui.worker.Job.status) above a Cancel button (`cancel`: its label and widget key), and the page
    runs again when the job ends; once ended, its outcome in words: "<failed>: <the message>" or
    "<cancelled> after N s.". The job's result is then in session key `key + '_result'`
    (ui.analysis_jobs.collect)."""
    ss = st.session_state

    @st.fragment(run_every=POLL_S if ss.get(key) is not None else None)
    def progress_panel() -> None:
        job = ss.get(key)
        if job is None:
            outcome = ss.get(f"{key}_outcome")
            if outcome and outcome["state"] == "failed":
                st.error(f"{failed}: {outcome['message']}", icon=":material/error:")
            elif outcome and outcome["state"] == "cancelled":
                st.warning(f"{cancelled} after {outcome['elapsed_s']:.0f} s.")
            return
        show(job, job.status())
        label, button_key = cancel
        if st.button(label, key=button_key, disabled=job.cancel_requested_at is not None):
            job.cancel()
        if collect(key) is not None:
            st.rerun()

    with st.container():  # the panel's own block: a late timed rerun of it cannot overwrite what follows
        progress_panel()
    collect(key)  # an AppTest run (inline worker) ends before the panel polls
