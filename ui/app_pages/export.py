"""Export: the plan workbook, the plan's CSV files, and the scenario as a workbook or CSV zip."""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from pathlib import Path

import streamlit as st

from optimiser import (
    ScenarioError,
    board_pack_html,
    plan_context,
    write_folder,
    write_plan,
    write_workbook,
)
from ui.state import current_raw, raw_fingerprint, report_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOARD_PACK = "board_pack.html"
ss = st.session_state
st.title("Export")
st.caption("Files to take to a board or to share. In workbooks and the plan's CSV files, text that a "
           "spreadsheet would run as a formula (starting =, +, - or @) is written with a leading apostrophe, "
           "so it stays text; the scenario's CSV files hold exactly what was typed.")


def _slug(text: str) -> str:
    """A file name from a scenario's name: "West Midlands (edited)" -> "West_Midlands_edited"."""
    return re.sub(r"[^0-9A-Za-z]+", "_", text).strip("_")[:60] or "scenario"


def plan_files(result) -> dict[str, bytes]:
    """write_plan's files (plan.xlsx, CSVs, summary.json, summary.md) and the board pack as bytes,
    made once per plan, told with the names of the scenario it was solved from."""
    cache = ss.setdefault("_export_cache", {})
    key = ("plan", id(result))
    if key not in cache:
        context = plan_context(ss["result_raw"]) if ss.get("result_raw") is not None else None
        with tempfile.TemporaryDirectory(prefix="optimiser-export-") as tmp:
            paths = write_plan(result, Path(tmp) / "plan", context=context)
            cache.clear()
            cache[key] = {p.name: p.read_bytes() for p in paths}
        # where the inputs came from (the workbook has them on its Assumptions sheet)
        cache[key]["assumptions.csv"] = result.assumptions.to_csv(index=False).encode("utf-8")
        cache[key][BOARD_PACK] = board_pack_html(result, context).encode("utf-8")
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
    recorded = result.assumptions.set_index("setting")["value"] if "setting" in result.assumptions else {}
    n_edits = int(recorded.get("provenance.edits", 0) or 0)
    st.markdown(f"**{result.scenario_name}**" + (f" · {n_edits} edit(s) from {recorded.get('provenance.parent_scenario')}, "
                                                 "listed on the workbook's Assumptions sheet" if n_edits else ""))
    st.caption(f"{result.scenario_name} · objective {result.objective_name} · budget ×{result.budget_scale:g} · "
               f"weighted shortfall {result.weighted_shortfall:,.0f} WTE-years · files named {name}_plan…")
    c1, c2 = st.columns(2)
    c1.download_button("Download the plan workbook (plan.xlsx)", files["plan.xlsx"], f"{name}_plan.xlsx",
                       mime=XLSX, type="primary", key="download_plan_xlsx")
    csvs = {k: v for k, v in files.items() if k not in ("plan.xlsx", BOARD_PACK)}
    c2.download_button("Download the plan as CSV files (.zip)", zip_bytes(csvs), f"{name}_plan_csv.zip",
                       mime="application/zip", key="download_plan_zip")
    st.download_button("Download the board pack (one HTML file, opens offline)", files[BOARD_PACK],
                       f"{name}_board_pack.html", mime="text/html", key="download_board_pack")
    st.caption("The board pack tells the plan's story with its charts and map: headline, supply against demand, "
               "what to commission where, what limits the plan, the lever ranking and the assumptions. A "
               "browser's Print > Save as PDF makes a PDF of it.")
    st.caption("The workbook starts with the plan's story (Summary), then a 'How to read' sheet, key figures, "
               "starts, international recruits, "
               "educators, projections (plan and status quo), costs, bottlenecks and the assumptions. "
               f"The zip holds: {', '.join(sorted(csvs))}.")

st.subheader("The scenario")
raw = current_raw()
report = report_for(raw)
if not report.ok:
    st.warning(f"The scenario has {report.count('error')} error(s); it is exported as it stands so you can fix it elsewhere.")
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
