"""scenario.toml as a pydantic model: the scenario's settings, with the solver's in [solver].

Each field's type is declared here; whether it is required, its default and its bounds come
from the data dictionary (rows with table=scenario) through `setting`, so the model, the
validation report's fixes and the app's settings editor cannot disagree.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from optimiser.basics.cells import finite_number
from optimiser.scenario.dictionary import setting_spec

Objective = Literal["min_shortfall", "min_cost"]


def setting(key: str) -> Any:
    """The pydantic Field of one setting: required or its default, and its bounds, as the data
    dictionary states them (a required text setting must not be blank)."""
    spec = setting_spec(key)
    as_type = int if spec.type == "integer" else float  # messages say "1", not "1.0", for years
    limits: dict[str, float | int] = {}
    if spec.min is not None:
        limits["gt" if spec.min_exclusive else "ge"] = as_type(spec.min)
    if spec.max is not None:
        limits["lt" if spec.max_exclusive else "le"] = as_type(spec.max)
    if spec.type == "text" and spec.required:
        limits["min_length"] = 1
    if spec.required:
        return Field(**limits)
    return Field(spec.default_value, **limits)


def plain_number(value: Any, info: ValidationInfo) -> Any:
    """A numeric setting must be a finite number; text is read as a cell is (`finite_number`),
    so "60" is 60 but "1_000", "inf" and "nan" are refused, as TOML's inf and nan are."""
    if info.field_name == "solver" or not setting_spec(info.field_name).numeric:
        return value
    if isinstance(value, str):
        number = finite_number(value)
        if number is None:
            raise ValueError(f"{value!r} is not a plain number")
        return int(number) if number == int(number) else number
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value} is not a finite number")
    return value


class SolverSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    _numbers = field_validator("*", mode="before")(plain_number)
    time_limit_s: float = setting("time_limit_s")
    mip_rel_gap: float = setting("mip_rel_gap")


class ScenarioConfig(BaseModel):
    """The top-level keys of scenario.toml. Names and meanings: inputs/data_dictionary.csv."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    _numbers = field_validator("*", mode="before")(plain_number)

    name: str = setting("name")
    start_year: int = setting("start_year")
    horizon_years: int = setting("horizon_years")
    objective: Objective = setting("objective")
    graduate_retention: float = setting("graduate_retention")
    max_travel_minutes: float = setting("max_travel_minutes")
    discount: float = setting("discount")
    equity_weight: float = setting("equity_weight")
    cost_weight: float = setting("cost_weight")
    national_international_cap: float | None = setting("national_international_cap")
    total_budget: float | None = setting("total_budget")
    educator_cost_per_wte: float = setting("educator_cost_per_wte")
    max_extra_educator_wte: float = setting("max_extra_educator_wte")
    max_change_per_year: float | None = setting("max_change_per_year")
    target_year: int | None = setting("target_year")
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
        try:
            spec = setting_spec(key.split(".")[-1])
        except KeyError:
            return f"remove '{key}': it is not a scenario setting (see the data dictionary)"
        unit = f" ({spec.unit})" if spec.unit else ""
        bounds = f", {spec.bounds_text()}" if spec.bounds_text() else ""
        return f"set {key} to {spec.meaning[0].lower()}{spec.meaning[1:]}{unit}{bounds}"
