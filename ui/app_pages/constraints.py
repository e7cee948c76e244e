"""Constraints: every table of the scenario in an editor, each edit checked on the server: a cell
that breaks the data dictionary is refused (ui/exact.py), the rest validated with the other tables."""

from __future__ import annotations

import streamlit as st

from optimiser import RawScenario, table_specs
from ui.editor import (
    SETTINGS_TAB,
    column_config,
    config_from_settings,
    editor_frame,
    settings_frame,
    tab_order,
    text_table,
)
from ui.exact import refusals_frame, refuse_bad_cells
from ui.identity import edits, named, scenario_name
from ui.state import current_raw, issues_frame, raw_fingerprint, report_for, set_scenario

ss = st.session_state
st.title("Constraints")
st.caption("Edit any table: budgets, practice educators and placements first. Every change is checked "
           "against the data dictionary and the other tables as you make it: a value outside what the "
           "dictionary allows is refused and the cell keeps its old value; other problems are listed "
           "under the table with the row, column and a fix. Hover a column heading for its meaning, "
           "unit and allowed values.")

raw = current_raw()
shown_report = report_for(raw)
order = tab_order(raw)


def _where(table: str) -> str:
    return raw.where("scenario" if table == SETTINGS_TAB else table)


def _tab_label(table: str) -> str:
    """The table in words ("educator_capacity" reads "Educator capacity"), with its error count."""
    words = table.replace("_", " ").capitalize()
    n = sum(1 for i in shown_report.errors if i.file == _where(table))
    return f"{words} ({n} error{'s' if n > 1 else ''})" if n else words


bases: dict = ss.setdefault("editor_base", {})
tabs = st.tabs([_tab_label(t) for t in order])
sides = {}
new_tables: dict = {}
new_config = raw.config
versions: dict = ss.setdefault("_editor_versions", {})


def editor_key(table: str) -> str:
    """The grid's widget key. A refusal starts a new grid (a new key): the browser keeps a grid's
    edits on its side, so the same grid would go on showing the refused value."""
    n = versions.get(table, 0)
    return f"editor_{table.replace(' ', '_')}" + (f"_{n}" if n else "")


for table, tab in zip(order, tabs, strict=True):
    key = editor_key(table)
    with tab:
        left = st.container()
        sides[table] = st.container()  # under the table, full width: refusals and findings
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
                                    column_config=column_config(spec, list(frame.columns), numeric, frame))
        text = text_table(edited, base, numeric)
        if base is not None or not text.empty:
            new_tables[table] = text

edited_raw = RawScenario(source=raw.source, form=raw.form, config=new_config, tables=new_tables,
                         load_issues=list(raw.load_issues))
if raw_fingerprint(edited_raw) != raw_fingerprint(raw):
    kept, refused = refuse_bad_cells(raw, edited_raw)
    ss["refusals"] = {}  # shown until the next edit
    for table in {r.table for r in refused}:
        ss["refusals"][table] = [r for r in refused if r.table == table]
        ss.pop(editor_key(table), None)
        versions[table] = versions.get(table, 0) + 1  # a new grid, showing the stored values
        bases.pop(table, None)
    stored = named(ss["raw_loaded"], kept)
    if scenario_name(stored) != scenario_name(kept):  # renamed "(edited)": the settings grid shows it
        ss.pop(editor_key(SETTINGS_TAB), None)
        versions[SETTINGS_TAB] = versions.get(SETTINGS_TAB, 0) + 1
        bases.pop(SETTINGS_TAB, None)
    ss["raw"] = stored
    st.rerun()  # show the new validation in the tab labels and under each table

report = report_for(raw)
ISSUE_COLUMNS = {"row": st.column_config.NumberColumn("row", format="%d", width=60),
                 "key": st.column_config.TextColumn("row's key", width="medium"),
                 "message": st.column_config.TextColumn("problem", width="large"),
                 "fix": st.column_config.TextColumn("fix", width="large")}
for table, side in sides.items():
    mine = [i for i in report.issues if i.file == _where(table)]
    with side:
        refused = ss.get("refusals", {}).get(table)
        if refused:
            for r in refused:
                st.error(r.sentence(), icon=":material/block:")
            st.dataframe(refusals_frame(refused), hide_index=True, width="stretch",
                         key=f"refused_{table.replace(' ', '_')}",
                         column_config={**ISSUE_COLUMNS, "why": st.column_config.TextColumn("why", width="medium")})
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
                         width="stretch", key=f"issues_{table.replace(' ', '_')}", column_config=ISSUE_COLUMNS)

others = [i for i in report.errors if not any(i.file == _where(t) for t in order)]
if others:
    st.error("Other problems: " + " ".join(i.render() for i in others))

st.divider()
diff = edits(ss["raw_loaded"], raw)
st.markdown(f"**Scenario:** {scenario_name(raw)} · "
            + (f"{len(diff)} edit(s) from {scenario_name(ss['raw_loaded'])}" if len(diff) else "as loaded")
            + " (rename it on the Scenario page)")
with st.expander(f"Changes since loaded ({len(diff)})", expanded=bool(len(diff))):
    if diff.empty:
        st.caption("No changes: the scenario is as it was loaded.")
    else:
        st.dataframe(diff, hide_index=True, width="stretch", key="changes_since_loaded")
        if st.button("Discard all changes", key="discard_changes"):
            set_scenario(ss["raw_loaded"], ss["scenario_label"], ss.get("scenario_id"))
            st.rerun()
