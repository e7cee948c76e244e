"""A plan's run folder read back (optimiser solve --out, or replan --out): its tables and the
scenario it was solved from, for monitoring against actuals and re-planning."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from optimiser.basics.locations import DEFAULT_SCENARIO_DIR
from optimiser.scenario.scenario import Scenario, load_scenario

PLAN_KINDS = ("solve", "replan")  # run.json kinds that hold a plan
PLAN_TABLES = ("projection", "status_quo_projection", "starts", "recruits", "retention", "educators", "costs")


class PlanFolderError(ValueError):
    """The folder is not a plan's run folder, or its scenario cannot be found."""


@dataclass(frozen=True)
class PlanTables:
    path: Path
    kind: str
    summary: dict
    tables: dict[str, pd.DataFrame]
    source: str  # the scenario it was solved from, as recorded in plan.xlsx's Assumptions sheet

    @property
    def stock_years(self) -> list[int]:
        return sorted(int(y) for y in self.tables["projection"]["year"].unique())


def read_plan_tables(path: str | Path) -> PlanTables:
    """A plan folder's run.json, summary.json and tables; PlanFolderError says what is missing."""
    path = Path(path)
    try:
        manifest = json.loads((path / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PlanFolderError(f"{path} is not a plan's run folder (no readable run.json: {exc}); "
                              "give the --out folder of optimiser solve") from None
    kind = manifest.get("kind") if isinstance(manifest, dict) else None
    if kind not in PLAN_KINDS:
        raise PlanFolderError(f"{path} holds a run of kind {kind!r}, not a plan: give the --out folder of "
                              "optimiser solve (or replan)")
    tables = {}
    for name in PLAN_TABLES:
        file = path / f"{name}.csv"
        if not file.exists():
            raise PlanFolderError(f"{file} is missing: the plan folder is incomplete; solve the plan again")
        tables[name] = pd.read_csv(file, keep_default_na=False, na_values=[""])
        for col in tables[name].columns:  # blank text cells stay text (a region-less row)
            if tables[name][col].dtype == object:
                tables[name][col] = tables[name][col].fillna("").astype(str)
    summary = json.loads((path / "summary.json").read_text(encoding="utf-8"))
    return PlanTables(path, kind, summary, tables, _recorded_source(path))


def _recorded_source(path: Path) -> str:
    try:
        assumptions = pd.read_excel(path / "plan.xlsx", sheet_name="Assumptions", dtype=str)
    except Exception:  # a missing or damaged workbook: the caller asks for --scenario
        return ""
    found = assumptions[assumptions.iloc[:, 0] == "source"]
    return "" if found.empty else str(found.iloc[0, 1])


def plan_scenario(plan: PlanTables, scenario: str | Path | None = None) -> Scenario:
    """The scenario the plan was solved from: `scenario` when given, else the one its workbook records."""
    source = scenario or plan.source or None
    if source is None:
        raise PlanFolderError(f"{plan.path}/plan.xlsx does not record the plan's scenario: give it with --scenario")
    if not Path(source).exists():
        raise PlanFolderError(f"the plan's scenario {source} (recorded in {plan.path}/plan.xlsx) is not there any more: "
                              "give it with --scenario")
    return load_scenario(source or DEFAULT_SCENARIO_DIR)
