"""Constraints: every table of the scenario in an editor, validated again on the server at each edit."""

from __future__ import annotations

import streamlit as st

from optimiser import RawScenario, scenario_diff, table_specs
from ui.editor import (
    SETTINGS_TAB,
    column_config,
    config_from_settings,
    editor_frame,
    settings_frame,
    tab_order,
    text_table,
)
from ui.state import current_raw, issues_frame, raw_fingerprint, report_for, set_scenario

ss = st.session_state
st.title("Constraints")
st.caption("Edit any table: budgets, practice educators and placements first. Every change is checked "
           "against the data dictionary and the other tables as you make it; problems appear beside "
           "the table with the row, column and a fix. Hover a column heading for its meaning and unit.")

raw = current_raw()
shown_report = report_for(raw)
order = tab_order(raw)


def _where(table: str) -> str:
    return raw.where("scenario" if table == SETTINGS_TAB else table)


def _tab_label(table: str) -> str:
    n = sum(1 for i in shown_report.errors if i.file == _where(table))
    return f"{table} ({n} error{'s' if n > 1 else ''})" if n else table


bases: dict = ss.setdefault("editor_base", {})
tabs = st.tabs([_tab_label(t) for t in order])
sides = {}
new_tables: dict = {}
new_config = raw.config
for table, tab in zip(order, tabs, strict=True):
    key = f"editor_{table.replace(' ', '_')}"
    with tab:
        left, right = st.columns([3, 2])
        sides[table] = right.container()
        if table == SETTINGS_TAB:
            if key not in ss or table not in bases:
                bases[table] = dict(raw.config)
            with left:
                st.markdown("**Scenario settings** (scenario.toml)")
                edited = st.data_editor(
                    settings_frame(bases[table]), key=key, hide_index=True, width="stretch",
                    disabled=["setting", "unit", "allowed", "meaning"],
                    column_config={"value": st.column_config.TextColumn("value", help="Blank = the default")},
                )
            new_config = config_from_settings(edited, bases[table])
            continue
        if key not in ss or table not in bases:
            current = raw.tables.get(table)
            bases[table] = None if current is None else current.copy()
        base = bases[table]
        frame, numeric = editor_frame(table, base)
        spec = table_specs().get(table)
        with left:
            if spec is not None:
                st.markdown(f"**{table}** · key: {', '.join(spec.key)}"
                            + ("" if base is not None else " · not in this scenario: add rows to create it"))
            edited = st.data_editor(frame, key=key, num_rows="dynamic", width="stretch", placeholder="(blank)",
                                    column_config=column_config(spec, list(frame.columns), numeric))
        text = text_table(edited, base, numeric)
        if base is not None or not text.empty:
            new_tables[table] = text

edited_raw = RawScenario(source=raw.source, form=raw.form, config=new_config, tables=new_tables,
                         load_issues=list(raw.load_issues))
if raw_fingerprint(edited_raw) != raw_fingerprint(raw):
    ss["raw"] = edited_raw
    st.rerun()  # show the new validation in the tab labels and beside each table

report = report_for(raw)
for table, side in sides.items():
    mine = [i for i in report.issues if i.file == _where(table)]
    with side:
        errors = [i for i in mine if i.severity == "error"]
        if errors:
            st.error(f"{len(errors)} error(s) in this table: solving is blocked until they are fixed.")
        elif mine:
            st.warning(f"{len(mine)} warning(s) in this table.")
        else:
            st.success("No problems in this table.")
        if mine:
            df = issues_frame(type(report)(source=report.source, issues=tuple(mine)))
            st.dataframe(df[["severity", "row", "key", "column", "value", "message", "fix"]], hide_index=True,
                         width="stretch", key=f"issues_{table.replace(' ', '_')}")

others = [i for i in report.errors if not any(i.file == _where(t) for t in order)]
if others:
    st.error("Other problems: " + " ".join(i.render() for i in others))

st.divider()
diff = scenario_diff(ss["raw_loaded"], raw)
with st.expander(f"Changes since loaded ({len(diff)})", expanded=bool(len(diff))):
    if diff.empty:
        st.caption("No changes: the scenario is as it was loaded.")
    else:
        st.dataframe(diff, hide_index=True, width="stretch", key="changes_since_loaded")
        if st.button("Discard all changes", key="discard_changes"):
            set_scenario(ss["raw_loaded"], ss["scenario_label"], ss.get("scenario_id"))
            st.rerun()
