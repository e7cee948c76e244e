"""The validated scenario: typed tables, settings, and the text as typed."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from optimiser.basics.issues import ScenarioError, ValidationReport
from optimiser.basics.locations import DEFAULT_SCENARIO_DIR
from optimiser.scenario.config import ScenarioConfig
from optimiser.scenario.io import RawScenario, load_raw
from optimiser.scenario.validation import validate_raw


@dataclass(frozen=True)
class Scenario:
    """A scenario that passed validation. Tables are typed; `raw` keeps the text as typed."""

    config: ScenarioConfig
    tables: dict[str, pd.DataFrame]
    report: ValidationReport
    raw: RawScenario
    source: str = ""

    @property
    def name(self) -> str:
        return self.config.name

    def with_settings(self, **changes) -> Scenario:
        """A copy with some scenario.toml settings changed (validated again)."""
        data = self.config.model_dump()
        solver = data.pop("solver")
        solver.update({k: changes.pop(k) for k in list(changes) if k in solver})
        data.update(changes)
        data["solver"] = solver
        return replace(self, config=ScenarioConfig.from_mapping(data))


def validate(path: str | Path | None = None) -> ValidationReport:
    """Validate a scenario folder or workbook and return every finding."""
    raw = load_raw(path or DEFAULT_SCENARIO_DIR)
    report, _, _ = validate_raw(raw)
    return report


def scenario_from_raw(raw: RawScenario) -> Scenario:
    report, tables, config = validate_raw(raw)
    if not report.ok:
        raise ScenarioError(report)
    return Scenario(config=config, tables=tables, report=report, raw=raw, source=raw.source)


def load_scenario(path: str | Path | None = None) -> Scenario:
    """Load and validate a scenario (the embedded West Midlands default when no path is given).

    Raises `ScenarioError` carrying the full validation report when there are errors.
    """
    return scenario_from_raw(load_raw(path or DEFAULT_SCENARIO_DIR))
