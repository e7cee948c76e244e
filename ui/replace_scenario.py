"""Replacing the scenario being worked on (loading the default, uploading a file, opening a saved
scenario) asks first when that would discard edits not saved yet.

The replacement waits in the session as `pending_replace` until the planner discards their
changes or keeps them; with nothing unsaved it happens at once.
"""

from __future__ import annotations

import streamlit as st

from optimiser import RawScenario

from .identity import edits
from .session import unsaved_edits
from .state import raw_fingerprint, set_scenario


def _apply(raw: RawScenario, label: str, scenario_id: int | None) -> None:
    ss = st.session_state
    set_scenario(raw, label, scenario_id)
    if scenario_id is not None:  # opened from the store: it is saved as it stands
        ss.setdefault("saved_fingerprints", {})[raw_fingerprint(ss["raw"])] = scenario_id


def replace_scenario(raw: RawScenario, label: str, doing: str, scenario_id: int | None = None) -> None:
    """Make `raw` the scenario, or ask first if unsaved edits would be lost. `doing` names the
    action for the question, e.g. "load the default" ("Discard my changes and load the default")."""
    ss = st.session_state
    if not unsaved_edits():
        ss.pop("pending_replace", None)
        _apply(raw, label, scenario_id)
        st.rerun()
    ss["pending_replace"] = {"raw": raw, "label": label, "scenario_id": scenario_id, "doing": doing,
                             "n": len(edits(ss["raw_loaded"], ss["raw"])) or 1}  # the automatic "(edited)" name aside


def confirm_pending_replace() -> None:
    """The question, while a replacement waits: discard the unsaved changes, or keep them."""
    ss = st.session_state
    pending = ss.get("pending_replace")
    if not pending:
        return
    st.warning(f"You asked to {pending['doing']}: that discards your {pending['n']} unsaved change(s) to "
               f"'{ss['scenario_label']}'. Save them first (below) to keep them.", icon=":material/warning:")
    c1, c2, _ = st.columns([2, 1, 2])
    if c1.button(f"Discard my changes and {pending['doing']}", key="confirm_replace_yes"):
        ss.pop("pending_replace")
        _apply(pending["raw"], pending["label"], pending["scenario_id"])
        st.rerun()
    if c2.button("Keep my changes", key="confirm_replace_no"):
        ss.pop("pending_replace")
        st.rerun()
