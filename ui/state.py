"""What the app remembers for one planner's session, and the saved-scenario store.

Session keys (st.session_state):
- `raw_loaded`: the scenario as loaded (RawScenario, every cell text); the "changes since loaded"
  view compares against it.
- `raw`: the scenario as currently edited.
- `scenario_label`, `scenario_id` (the store's id when it came from or was saved to the store).
- `result`, `result_raw`, `run_id`: the last finished plan, the scenario it was solved from and
  its run id in the store.
- `frontier`: the last FrontierResult. `job`: the worker job under way (ui.worker.Job).
- `session_runs`: plans solved in this session, for Compare when the store is unavailable.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from optimiser import (
    DEFAULT_SCENARIO_DIR,
    RawScenario,
    Store,
    StoreError,
    ValidationReport,
    load_raw,
    validate_raw,
)

SCENARIO_ENV = "OPTIMISER_UI_SCENARIO"  # set by `optimiser app --scenario PATH`
DEFAULT_LABEL = "West Midlands Imaging Network (embedded default)"


def copy_raw(raw: RawScenario) -> RawScenario:
    return copy.deepcopy(raw)


def raw_fingerprint(raw: RawScenario) -> str:
    """A hash of every cell and setting: equal fingerprints mean the same scenario."""
    h = hashlib.sha256(json.dumps(raw.config, sort_keys=True, default=str).encode())
    for name in sorted(raw.tables):
        df = raw.tables[name]
        h.update(name.encode())
        h.update("\x1f".join(df.columns).encode())
        h.update(pd.util.hash_pandas_object(df, index=True).values.tobytes())
    return h.hexdigest()


def initial_raw() -> tuple[RawScenario, str]:
    path = os.environ.get(SCENARIO_ENV)
    if path:
        return load_raw(Path(path)), Path(path).name
    return load_raw(DEFAULT_SCENARIO_DIR), DEFAULT_LABEL


def ensure_session() -> None:
    """Load the starting scenario once per session so every page has something to show."""
    ss = st.session_state
    if "raw" not in ss:
        raw, label = initial_raw()
        set_scenario(raw, label)
    ss.setdefault("session_runs", [])


def editor_keys() -> list[str]:
    return [k for k in st.session_state if isinstance(k, str) and k.startswith("editor_")]


def set_scenario(raw: RawScenario, label: str, scenario_id: int | None = None) -> None:
    """Make `raw` the scenario being worked on; editing starts afresh from it."""
    ss = st.session_state
    ss["raw_loaded"] = copy_raw(raw)
    ss["raw"] = copy_raw(raw)
    ss["scenario_label"] = label
    ss["scenario_id"] = scenario_id
    ss["editor_base"] = {}
    ss.pop("refusals", None)
    for k in editor_keys():
        del ss[k]


def current_raw() -> RawScenario:
    return st.session_state["raw"]


def report_for(raw: RawScenario) -> ValidationReport:
    """The validation report of `raw`, recomputed only when a cell or setting changed."""
    ss = st.session_state
    key = raw_fingerprint(raw)
    cached = ss.get("_report_cache")
    if cached is None or cached[0] != key:
        report, _, _ = validate_raw(raw)
        cached = (key, report)
        ss["_report_cache"] = cached
    return cached[1]


def issues_frame(report: ValidationReport) -> pd.DataFrame:
    """The findings as a table: where (file, row number and the row's key cells), what and the fix."""
    df = report.to_frame()
    df["row"] = df["row"].astype("Int64")
    for col in ("key", "column", "value"):  # a finding without one shows a blank, never "None"
        df[col] = df[col].map(lambda v: "" if v is None or v != v else str(v))
    return df[["severity", "file", "row", "key", "column", "value", "message", "fix"]]


# --- the store (optimiser.store, SQLAlchemy) ---------------------------------------------------


@dataclass(frozen=True)
class StoreStatus:
    store: object | None
    problem: str


def get_store() -> StoreStatus:
    """The saved-scenario store, or why it is unavailable (the app still works without it)."""
    ss = st.session_state
    if "_store" in ss:
        return ss["_store"]
    try:
        status = StoreStatus(Store(), "")
    except Exception as exc:  # a bad URL or unreachable server: say so, keep working
        status = StoreStatus(None, f"the scenario database cannot be opened: {exc}")
    ss["_store"] = status
    return status


def store_error_types() -> tuple[type[BaseException], ...]:
    return (StoreError,)


def plan_tables(result) -> dict[str, pd.DataFrame]:
    """A plan's result tables by name (the names of the CSV files it is exported as)."""
    tables = {"starts": result.starts, "international": result.international,
              "educators": result.educators, "projection": result.projection,
              "costs": result.costs, "binding": result.binding}
    if result.status_quo is not None:
        tables["status_quo_projection"] = result.status_quo.projection
    return tables


def remember_run(result, raw: RawScenario, options: dict, run_id: int | None) -> None:
    """Keep a finished plan in the session (for Results, Export and Compare)."""
    ss = st.session_state
    ss["result"] = result
    ss["result_raw"] = copy_raw(raw)
    ss["run_id"] = run_id
    label = f"{len(ss['session_runs']) + 1}: {result.scenario_name}"
    ss["session_runs"].append({"label": label, "raw": copy_raw(raw), "summary": result.summary_dict(),
                               "tables": plan_tables(result), "options": dict(options), "run_id": run_id})
