"""A plan's run folder read back (optimiser solve --out, or replan --out): its tables and the
scenario it was solved from, for monitoring against actuals and re-planning."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from optimiser.basics.locations import DEFAULT_SCENARIO_DIR
from optimiser.results.written_plan import (  # the one reader of a plan folder's files
    PlanFolderError,
    plan_assumptions,
    plan_manifest,
    plan_summary,
    read_plan_csvs,
)
from optimiser.scenario.scenario import Scenario, load_scenario

PLAN_TABLES = ("projection", "status_quo_projection", "starts", "recruits", "retention", "educators", "costs")


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
    manifest = plan_manifest(path, required=True)
    csvs, problems = read_plan_csvs(path, [f"{name}.csv" for name in PLAN_TABLES])
    if problems:
        raise PlanFolderError(f"the plan folder {path} has errors:\n  " + "\n  ".join(problems))
    tables = {}
    for name in PLAN_TABLES:
        tables[name] = df = csvs[f"{name}.csv"]
        for col in df.columns:  # blank text cells stay text (a region-less row)
            if df[col].dtype == object:
                df[col] = df[col].fillna("").astype(str)
    return PlanTables(path, manifest["kind"], plan_summary(path), tables, _recorded_source(path))


def _recorded_source(path: Path) -> str:
    assumptions = plan_assumptions(path)  # empty for a missing or damaged workbook: the caller asks for --scenario
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
