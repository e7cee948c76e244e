"""What survives a browser refresh: the working state kept in the store, keyed from the address.

Each browser session has a random key, kept in the page's address as `?session=<key>` (put back
on every run: Streamlit clears the address's parameters when the page changes). After every run
that changed something, the scenario as edited, the scenario as loaded, its label and id, the
latest plan's run id and the last solve that gave no plan to keep are written to the store
(`Store.save_working_state`); a new session opened at an address with a key starts from them.
The plan itself is a saved run: it comes back with `Store.load_plan`. Without a store the app
works as before, for the life of the browser tab.
"""

from __future__ import annotations

import hashlib
import json
import secrets

import streamlit as st

from optimiser import scenario_diff

from .state import (
    copy_raw,
    ensure_session,
    get_store,
    raw_fingerprint,
    set_scenario,
    store_error_types,
)

SESSION_PARAM = "session"


def _valid(key: str | None) -> bool:
    return bool(key) and len(key) <= 64 and key.replace("-", "").replace("_", "").isalnum()


def session_key() -> str:
    """This browser session's key: from the address when it carries one, else a new one."""
    ss = st.session_state
    if "session_key" not in ss:
        given = st.query_params.get(SESSION_PARAM)
        ss["session_key"] = given if _valid(given) else secrets.token_urlsafe(16)
    if st.query_params.get(SESSION_PARAM) != ss["session_key"]:
        st.query_params[SESSION_PARAM] = ss["session_key"]
    return ss["session_key"]


def start_session() -> None:
    """Every run: the session's key in the address; once per session: its state restored from
    the store when there is one, else the starting scenario loaded."""
    key = session_key()
    ss = st.session_state
    if "raw" not in ss and not _restore(key):
        ensure_session()
    ss.setdefault("session_runs", [])
    ss.setdefault("attempt", None)


def _restore(key: str) -> bool:
    store = get_store().store
    if store is None:
        return False
    try:
        state = store.load_working_state(key)
    except store_error_types():
        return False
    if state is None:
        return False
    ss = st.session_state
    set_scenario(state.loaded, state.label, state.scenario_id)
    ss["raw"] = copy_raw(state.raw)
    ss["attempt"] = state.attempt
    if state.run_id is not None:
        problem = reopen_run(state.run_id)
        if problem:
            ss["restore_problem"] = f"The last plan (run {state.run_id}) could not be reopened: {problem}"
    ss["_persisted"] = _fingerprint()
    return True


def reopen_run(run_id: int) -> str:
    """Make saved run `run_id` the plan on Results, Compare and Export; returns a problem or ''."""
    store = get_store().store
    if store is None:
        return get_store().problem
    try:
        plan = store.load_plan(run_id)
        raw = store.load_scenario(store.get_run(run_id).scenario_id)
    except store_error_types() as exc:
        return str(exc)
    ss = st.session_state
    ss["result"], ss["result_raw"], ss["run_id"] = plan, raw, run_id
    return ""


def _known_fingerprint(raw) -> str:
    """raw_fingerprint, remembered for the scenario objects in use: the app replaces a scenario
    when it changes (never edits one in place), so an object seen before has not changed, and
    every run need not hash every table again."""
    ss = st.session_state
    seen = ss.setdefault("_fingerprints_by_object", {})
    hit = seen.get(id(raw))
    if hit is None or hit[0] is not raw:
        hit = (raw, raw_fingerprint(raw))
        in_use = {id(ss.get("raw")), id(ss.get("raw_loaded"))}
        for stale in [k for k in seen if k not in in_use]:
            del seen[stale]
        seen[id(raw)] = hit
    return hit[1]


def _fingerprint() -> str:
    ss = st.session_state
    facts = [_known_fingerprint(ss["raw"]), _known_fingerprint(ss["raw_loaded"]), ss.get("scenario_label"),
             ss.get("scenario_id"), ss.get("run_id"), ss.get("attempt")]
    return hashlib.sha256(json.dumps(facts, default=str).encode()).hexdigest()


def persist_session() -> None:
    """Write the working state to the store if anything in it changed since it was last written.
    A store failure is shown once and never stops the app."""
    ss = st.session_state
    store = get_store().store
    if store is None or "raw" not in ss or "session_key" not in ss:
        return
    fingerprint = _fingerprint()
    if ss.get("_persisted") == fingerprint:
        return
    try:
        store.save_working_state(ss["session_key"], raw=ss["raw"], loaded=ss["raw_loaded"],
                                 label=ss["scenario_label"], scenario_id=ss.get("scenario_id"),
                                 run_id=ss.get("run_id"), attempt=ss.get("attempt"))
        ss["_persisted"] = fingerprint
        ss.pop("persist_problem", None)
    except store_error_types() as exc:
        ss["persist_problem"] = f"Your work is not being kept for a refresh: {exc}"


def unsaved_edits() -> int:
    """How many cells and settings differ from the scenario as loaded, unless saved since."""
    ss = st.session_state
    raw = ss["raw"]
    if raw_fingerprint(raw) == raw_fingerprint(ss["raw_loaded"]):
        return 0
    if raw_fingerprint(raw) in ss.get("saved_fingerprints", {}):
        return 0
    return len(scenario_diff(ss["raw_loaded"], raw))
