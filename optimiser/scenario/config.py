"""scenario.toml as a pydantic model: the scenario's settings, with the solver's in [solver]."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from optimiser.scenario.dictionary import scenario_key_specs

Objective = Literal["min_shortfall", "min_cost"]
DEFAULT_COST_WEIGHT = 1e-9  # per GBP: GBP 10m weighs 0.01 WTE-year, a tie-break only


class SolverSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    time_limit_s: float = Field(60.0, gt=0)
    mip_rel_gap: float = Field(1e-4, ge=0, le=1)


class ScenarioConfig(BaseModel):
    """The top-level keys of scenario.toml. Names and meanings: inputs/data_dictionary.csv."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    start_year: int = Field(ge=1990, le=2100)
    horizon_years: int = Field(ge=1, le=60)
    objective: Objective = "min_shortfall"
    graduate_retention: float = Field(0.8, ge=0, le=1)
    max_travel_minutes: float = Field(ge=0)
    discount: float = Field(1.0, gt=0, le=1)
    equity_weight: float = Field(0.0, ge=0)
    cost_weight: float = Field(DEFAULT_COST_WEIGHT, ge=0)
    national_international_cap: float | None = Field(None, ge=0)
    total_budget: float | None = Field(None, ge=0)
    educator_cost_per_wte: float = Field(0.0, ge=0)
    max_extra_educator_wte: float = Field(0.0, ge=0)
    max_change_per_year: float | None = Field(None, ge=0)
    target_year: int | None = Field(None, ge=1990, le=2100)
    solver: SolverSettings = SolverSettings()

    @model_validator(mode="after")
    def _target_in_horizon(self) -> ScenarioConfig:
        if self.target_year is not None and not (
            self.start_year < self.target_year <= self.start_year + self.horizon_years
        ):
            raise ValueError(
                f"target_year {self.target_year} is outside the measured years "
                f"{self.start_year + 1}-{self.start_year + self.horizon_years}"
            )
        return self

    @classmethod
    def from_mapping(cls, data: dict) -> ScenarioConfig:
        return cls.model_validate(data)

    @property
    def years(self) -> list[int]:
        """Decision years y0 .. y0+H-1."""
        return list(range(self.start_year, self.start_year + self.horizon_years))

    @property
    def measured_years(self) -> list[int]:
        """Years whose shortfall counts: y0+1 .. y0+H."""
        return list(range(self.start_year + 1, self.start_year + self.horizon_years + 1))

    @property
    def first_target_year(self) -> int:
        return self.target_year if self.target_year is not None else self.start_year + 1

    @staticmethod
    def fix_for(key: str | None) -> str:
        if not key:
            return "add the missing settings to scenario.toml"
        leaf = key.split(".")[-1]
        for spec in scenario_key_specs():
            if spec.column == leaf:
                unit = f" ({spec.unit})" if spec.unit else ""
                bounds = ""
                if spec.min is not None or spec.max is not None:
                    bounds = f", from {spec.min:g}" if spec.min is not None else ""
                    bounds += f" to {spec.max:g}" if spec.max is not None else " upwards"
                return f"set {key} to {spec.description[0].lower()}{spec.description[1:]}{unit}{bounds}"
        return f"remove '{key}': it is not a scenario setting (see the data dictionary)"
