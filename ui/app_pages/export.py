"""Export: the plan workbook, the plan's CSV files, and the scenario as a workbook or CSV zip."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import streamlit as st

from optimiser import ScenarioError, write_folder, write_plan, write_workbook
from ui.state import current_raw, raw_fingerprint, report_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ss = st.session_state
st.title("Export")
st.caption("Files to take to a board or to share. In workbooks and the plan's CSV files, text that a "
           "spreadsheet would run as a formula (starting =, +, - or @) is written with a leading apostrophe, "
           "so it stays text; the scenario's CSV files hold exactly what was typed.")


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in text).strip("_")[:60] or "scenario"


def plan_files(result) -> dict[str, bytes]:
    """write_plan's files (plan.xlsx, CSVs, summary.json) as bytes, made once per plan."""
    cache = ss.setdefault("_export_cache", {})
    key = ("plan", id(result))
    if key not in cache:
        with tempfile.TemporaryDirectory(prefix="optimiser-export-") as tmp:
            paths = write_plan(result, Path(tmp) / "plan")
            cache.clear()
            cache[key] = {p.name: p.read_bytes() for p in paths}
    return cache[key]


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in sorted(files.items()):
            zf.writestr(name, data)
    return buf.getvalue()


def scenario_files(raw) -> tuple[bytes | None, list[str], bytes | None]:
    """The scenario as a workbook and as a zip of its folder (both upload back unchanged), and why
    either cannot be written (e.g. a cell longer than a workbook cell): None in its place."""
    cache = ss.setdefault("_scenario_export", {})
    key = raw_fingerprint(raw)
    if key not in cache:
        refused, workbook, folder_zip = [], None, None
        with tempfile.TemporaryDirectory(prefix="optimiser-export-") as tmp:
            try:
                write_workbook(raw, Path(tmp) / "scenario.xlsx")
                workbook = (Path(tmp) / "scenario.xlsx").read_bytes()
            except ScenarioError as exc:
                refused += [f"The workbook: {i.render()}" for i in exc.report.issues]
            try:
                write_folder(raw, Path(tmp) / "scenario")
                folder_zip = zip_bytes({p.name: p.read_bytes() for p in (Path(tmp) / "scenario").iterdir()})
            except ScenarioError as exc:
                refused += [f"The CSV files: {i.render()}" for i in exc.report.issues]
        cache.clear()
        cache[key] = (workbook, refused, folder_zip)
    return cache[key]


st.subheader("The plan")
result = ss.get("result")
if result is None or not result.feasible:
    st.info("No plan yet: solve the scenario first.")
else:
    files = plan_files(result)
    name = _slug(result.scenario_name)
    st.caption(f"{result.scenario_name} · objective {result.objective_name} · budget ×{result.budget_scale:g} · "
               f"weighted shortfall {result.weighted_shortfall:,.0f} WTE-years")
    c1, c2 = st.columns(2)
    c1.download_button("Download the plan workbook (plan.xlsx)", files["plan.xlsx"], f"{name}_plan.xlsx",
                       mime=XLSX, type="primary", key="download_plan_xlsx")
    csvs = {k: v for k, v in files.items() if k != "plan.xlsx"}
    c2.download_button("Download the plan as CSV files (.zip)", zip_bytes(csvs), f"{name}_plan_csv.zip",
                       mime="application/zip", key="download_plan_zip")
    st.caption("The workbook has a 'How to read' sheet, the summary, starts, international recruits, "
               "educators, projections (plan and status quo), costs, bottlenecks and the assumptions. "
               f"The zip holds: {', '.join(sorted(csvs))}.")

st.subheader("The scenario")
raw = current_raw()
report = report_for(raw)
if not report.ok:
    st.warning(f"The scenario has {len(report.errors)} error(s); it is exported as it stands so you can fix it elsewhere.")
workbook, refused, folder_zip = scenario_files(raw)
for line in refused:
    st.error(f"Cannot be exported as it stands. {line}")
name = _slug(str(raw.config.get("name", ss["scenario_label"])))
c1, c2 = st.columns(2)
if workbook is not None:
    c1.download_button("Download the scenario as a workbook (.xlsx)", workbook, f"{name}.xlsx", mime=XLSX,
                       key="download_scenario_xlsx")
if folder_zip is not None:
    c2.download_button("Download the scenario as CSV files (.zip)", folder_zip, f"{name}.zip",
                       mime="application/zip", key="download_scenario_zip")
st.caption("Either file uploads back on the Scenario page with every value unchanged, edits included.")
