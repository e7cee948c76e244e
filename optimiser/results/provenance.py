"""Where a plan's inputs came from, recorded in the plan itself: the scenario's name, the scenario
it was edited from, the edits against it and the input hash. The rows join the plan's assumptions,
so the workbook's Assumptions sheet and a stored run's assumptions table carry them.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from optimiser.results.results import PlanResult

PREFIX = "provenance."  # assumption rows this module writes (replaced, never duplicated)
EDIT_COLUMNS = ("table", "row_key", "column", "old", "new", "change")  # optimiser.scenario_diff's


def _edit_value(edit: pd.Series) -> str:
    if edit.get("change", "changed") != "changed":
        return f"{edit['change']}: {edit['new'] or edit['old']}"
    return f"{edit['old'] or '(blank)'} -> {edit['new'] or '(blank)'}"


def provenance_rows(scenario_name: str, parent_name: str, edits: pd.DataFrame, input_hash: str) -> pd.DataFrame:
    """Assumption rows (setting, value): name, parent, input hash, the number of edits and one
    row per edit ("provenance.edit 1: budget year=2024 budget_gbp" = "12600000 -> 13600000")."""
    rows = [(f"{PREFIX}scenario_name", scenario_name), (f"{PREFIX}parent_scenario", parent_name),
            (f"{PREFIX}input_hash", input_hash), (f"{PREFIX}edits", str(len(edits)))]
    for i, (_, edit) in enumerate(edits.iterrows(), start=1):
        where = " ".join(str(edit[c]) for c in ("table", "row_key", "column") if str(edit.get(c, "")) not in ("", "nan"))
        rows.append((f"{PREFIX}edit {i}: {where}", _edit_value(edit)))
    return pd.DataFrame(rows, columns=["setting", "value"])


def with_provenance(result: PlanResult, *, scenario_name: str, parent_name: str, edits: pd.DataFrame,
                    input_hash: str) -> PlanResult:
    """`result` named `scenario_name`, its assumptions ending with where its inputs came from.

    `edits`: the changes from the parent scenario to the one solved, as `optimiser.scenario_diff`
    lists them (columns EDIT_COLUMNS); `input_hash`: `optimiser.input_hash` of the scenario solved."""
    missing = [c for c in EDIT_COLUMNS if c not in edits.columns]
    if missing:
        raise ValueError(f"edits lack the column(s) {', '.join(missing)} (expected scenario_diff's table)")
    kept = result.assumptions
    if not kept.empty and "setting" in kept.columns:
        kept = kept[~kept["setting"].astype(str).str.startswith(PREFIX)]
    rows = provenance_rows(scenario_name, parent_name, edits, input_hash)
    return replace(result, scenario_name=scenario_name,
                   assumptions=pd.concat([kept, rows], ignore_index=True))
