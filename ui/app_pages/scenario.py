"""Scenario: start from the default, upload a workbook or zip of CSVs, or open a saved scenario."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from optimiser import (
    DEFAULT_SCENARIO_DIR,
    MAX_TABLE_ROWS,
    MAX_UPLOAD_BYTES,
    is_unreadable,
    load_raw,
    parse_upload,
)
from ui.identity import edits, renamed, scenario_name, show_renamed
from ui.replace_scenario import confirm_pending_replace, replace_scenario
from ui.state import (
    DEFAULT_LABEL,
    current_raw,
    get_store,
    issues_frame,
    raw_fingerprint,
    report_for,
    store_error_types,
)

ss = st.session_state
st.title("Scenario")
st.caption("Choose the scenario to plan: the embedded West Midlands default, your own workbook or "
           "CSV files, or one saved earlier. Edit its tables on the Constraints page.")

raw = current_raw()
report = report_for(raw)
left, right = st.columns([3, 2])
with left:
    st.subheader(scenario_name(raw, ss["scenario_label"]))
    cfg = raw.config
    start, horizon = cfg.get("start_year", "?"), cfg.get("horizon_years", "?")
    n_edits = len(edits(ss["raw_loaded"], raw))
    with st.form("rename_form", border=False):
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        new_name = c1.text_input("Scenario name (shown on every plan, saved run and export)",
                                 value=scenario_name(raw, ""), max_chars=200)
        if c2.form_submit_button("Rename", key="rename_submit") and new_name.strip() != scenario_name(raw, ""):
            if new_name.strip():
                show_renamed(ss, renamed(raw, new_name.strip()))
                st.rerun()
            st.error("A scenario needs a name: nothing changed.")
    st.markdown(f"**Loaded from:** {ss['scenario_label']} ({scenario_name(ss['raw_loaded'])})"
                f"{f' · {n_edits} edit(s) since' if n_edits else ''}  \n"
                f"**Years:** {start} to {int(start) + int(horizon) - 1 if str(start).isdigit() and str(horizon).isdigit() else '?'}"
                f" ({horizon} years)  \n**Objective:** {cfg.get('objective', '(not set)')}")
    counts = pd.DataFrame([(n, len(df)) for n, df in raw.tables.items()], columns=["table", "rows"])
    st.dataframe(counts, hide_index=True, width="content", height=min(600, 36 + 35 * len(counts)))
with right:
    st.subheader("Validation")
    if report.ok:
        st.success(f"No errors. {report.count('warning')} warning(s). The scenario can be solved.")
    else:
        st.error(f"{report.count('error')} error(s): solving is blocked until they are fixed "
                 "(on the Constraints page, or in your file).")
    if report.issues:
        st.dataframe(issues_frame(report), hide_index=True, width="stretch",
                     column_config={"fix": st.column_config.TextColumn("fix", width="large")})

st.divider()
st.subheader("Start from")
c1, c2, c3 = st.columns(3)
with c1:
    st.markdown("**The embedded default**")
    st.caption("West Midlands Imaging Network: six ICBs, 13 staff groups, 2023 to 2036, built from "
               "published figures (provenance in inputs/west_midlands/NOTES.md).")
    if st.button("Load the West Midlands default", key="load_default", type="primary"):
        replace_scenario(load_raw(DEFAULT_SCENARIO_DIR), DEFAULT_LABEL, "load the default")
with c2:
    st.markdown("**Upload a scenario**")
    up = st.file_uploader(f"An .xlsx workbook (a sheet per table) or a .zip of the CSV files, up to "
                          f"{MAX_UPLOAD_BYTES // 2**20} MB and {MAX_TABLE_ROWS:,} rows a table",
                          type=["xlsx", "zip"], key="upload")
    if up is not None and ss.get("_upload_done") != up.file_id:
        ss["_upload_done"] = up.file_id
        parsed = parse_upload(up.name, up.getvalue())
        if is_unreadable(parsed):
            ss["_upload_refused"] = [i.render() for i in parsed.load_issues]
        else:
            ss.pop("_upload_refused", None)
            replace_scenario(parsed, up.name, f"open {up.name}")
    for line in ss.get("_upload_refused", []):
        st.error(f"The upload was refused and nothing changed. {line}")
with c3:
    st.markdown("**Open a saved scenario**")
    store = get_store()
    if store.store is None:
        st.info(store.problem)
    else:
        records = store.store.list_scenarios()
        if not records:
            st.caption("No saved scenarios yet: save the current one below.")
        else:
            labels = {f"{r.name} · {r.created_at:%Y-%m-%d %H:%M} · {r.n_runs} run(s)": r for r in records}
            choice = st.selectbox("Saved scenarios", list(labels), key="saved_choice")
            b1, b2 = st.columns(2)
            if b1.button("Open", key="open_saved"):
                rec = labels[choice]
                try:
                    saved = store.store.load_scenario(rec.id)
                except store_error_types() as exc:
                    st.error(f"It could not be opened: {exc}")
                else:
                    replace_scenario(saved, rec.name, f"open the saved scenario '{rec.name}'", rec.id)
            if b2.button("Delete", key="delete_saved"):
                try:
                    store.store.delete_scenario(labels[choice].id)
                    st.rerun()
                except store_error_types() as exc:
                    st.error(f"It was not deleted: {exc}")

confirm_pending_replace()  # full width, below the three ways in: whichever asked

if get_store().store is not None:
    st.divider()
    st.subheader("Save the current scenario")
    with st.form("save_form"):
        name = st.text_input("Name", value=scenario_name(raw, ss["scenario_label"]), max_chars=200)
        note = st.text_input("Note (what this scenario tests)", max_chars=500)
        overwrite = st.checkbox("Replace a saved scenario with the same name")
        if st.form_submit_button("Save to the scenario database", key="save_submit"):
            name = name.strip() or scenario_name(raw)
            to_save = raw if name == scenario_name(raw, "") else renamed(raw, name)  # saved under its own name
            try:
                rec = get_store().store.save_scenario(name, to_save, note=note, overwrite=overwrite)
                show_renamed(ss, to_save)
                ss["scenario_id"] = rec.id
                ss["scenario_label"] = rec.name
                ss.setdefault("saved_fingerprints", {})[raw_fingerprint(to_save)] = rec.id
                st.success(f"Saved as '{rec.name}'.")
            except store_error_types() as exc:
                st.error(f"Not saved, nothing changed: {exc}")
