"""The template every synthetic figure is derived from: the West Midlands v1 default scenario
(inputs/west_midlands_v1, kept as shipped), so the presets stay fixed while the default gains v2
tables."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pandas as pd

from optimiser.basics.locations import V1_SCENARIO_DIR
from optimiser.scenario.io import RawScenario, load_raw
from optimiser.scenario.validation import validate_raw
from optimiser.synthetic.geography import reference_regions
from optimiser.synthetic.presets import settings


@dataclass(frozen=True)
class Template:
    """The West Midlands v1 default, typed, with its residents in millions (the per-million base)."""

    raw: RawScenario
    t: dict[str, pd.DataFrame]
    population_m: float

    @property
    def start_year(self) -> int:
        return int(self.raw.config["start_year"])

    def per_million(self, table: str, by: str, value: str) -> pd.Series:
        """`value` summed by `by` per million residents, over the rows that hold for every year
        (blank year)."""
        df = self.t[table]
        df = df[df["year"].isna()]
        return df.groupby(by)[value].sum() / self.population_m

    def zeroed_routes(self) -> set[str]:
        """Routes whose start-year slot is filled by the pipeline already in training (template
        baseline sets their start-year starts to 0): their start-year cohort is in flight."""
        b = self.t["baseline_starts"]
        hit = b[(b["year"] == self.start_year) & (b["starts"] == 0)]
        return set(hit["route"])


@cache
def template() -> Template:
    raw = load_raw(V1_SCENARIO_DIR)
    report, tables, _ = validate_raw(raw)
    if tables is None:
        raise RuntimeError(f"the template scenario {V1_SCENARIO_DIR} has errors:\n{report.render()}")
    ref = reference_regions("england").set_index("region")
    ids = settings()["template"]["regions"]
    return Template(raw=raw, t=tables, population_m=float(ref.loc[ids, "population_m"].sum()))
