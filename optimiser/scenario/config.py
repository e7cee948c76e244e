"""scenario.toml as a pydantic model: the scenario's settings, with the solver's in [solver].

Each field's type is declared here; whether it is required, its default and its bounds come
from the data dictionary (rows with table=scenario) through `setting`, so the model, the
validation report's fixes and the app's settings editor cannot disagree.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from optimiser.basics.cells import finite_number
from optimiser.scenario.dictionary import setting_spec

Objective = Literal["min_shortfall", "min_cost", "min_system_cost"]


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
    """The top-level keys of scenario.toml. Names and meanings: inputs/data_dictionary.csv.

    The years a scenario implies (y0 = start_year, H = horizon_years, E = run_out_years,
    F = first_decision_year or y0), as the properties below name them:

        model years     y0 .. y0+H+E-1   flows: learners in training, costs, budgets, educators
        start years     y0 .. y0+H-1     (`years`) starts and recruits happen
        frozen years    y0 .. F-1        starts and recruits fixed to baseline_starts
        decision years  F .. y0+H-1      starts, recruits and retention are decided
        measured years  y0+1 .. y0+H+E   stock compared with demand: shortfall counts
        run-out years   the last E model years (flows) or measured years (stock): no new starts

    A v1 scenario (E = 0, F = y0) has start years = decision years = model years.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    _numbers = field_validator("*", mode="before")(plain_number)

    name: str = setting("name")
    start_year: int = setting("start_year")
    horizon_years: int = setting("horizon_years")
    first_decision_year: int | None = setting("first_decision_year")
    run_out_years: int = setting("run_out_years")
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
    max_change_share: float = setting("max_change_share")
    target_year: int | None = setting("target_year")
    target_last_year: int | None = setting("target_last_year")
    regional_equity_weight: float = setting("regional_equity_weight")
    intake_change_weight: float = setting("intake_change_weight")
    solver: SolverSettings = SolverSettings()

    @field_validator("first_decision_year")
    @classmethod
    def _first_decision_in_horizon(cls, value: int | None, info: ValidationInfo) -> int | None:
        span = _start_years(info.data)
        if value is not None and span is not None and not span[0] <= value <= span[1]:
            raise ValueError(f"first_decision_year {value} is outside the start years "
                             f"{span[0]}-{span[1]}")
        return value

    @field_validator("target_year", "target_last_year")
    @classmethod
    def _target_in_measured_years(cls, value: int | None, info: ValidationInfo) -> int | None:
        span = _measured_years(info.data, run_out_default=None)
        if value is not None and span is not None and not span[0] <= value <= span[1]:
            raise ValueError(f"{info.field_name} {value} is outside the measured years "
                             f"{span[0]}-{span[1]}")
        first = info.data.get("target_year")
        if info.field_name == "target_last_year" and value is not None and first is not None and value < first:
            raise ValueError(f"target_last_year {value} is before target_year {first}")
        return value

    @classmethod
    def from_mapping(cls, data: dict) -> ScenarioConfig:
        return cls.model_validate(data)

    @property
    def first_decision(self) -> int:
        """F: the first decision year (first_decision_year, or start_year when not given)."""
        return self.start_year if self.first_decision_year is None else self.first_decision_year

    @property
    def last_start_year(self) -> int:
        """y0+H-1: the last year with starts and recruits."""
        return self.start_year + self.horizon_years - 1

    @property
    def years(self) -> list[int]:
        """Start years y0 .. y0+H-1: starts and recruits (fixed in frozen years, decided after).
        In v1 (no first_decision_year, no run-out) every decision happens in these years."""
        return list(range(self.start_year, self.last_start_year + 1))

    @property
    def model_years(self) -> list[int]:
        """y0 .. y0+H+E-1: years of flows (learners in training, costs, budgets, extra educators)."""
        return list(range(self.start_year, self.last_start_year + self.run_out_years + 1))

    @property
    def decision_years(self) -> list[int]:
        """F .. y0+H-1: years whose starts, recruits and retention the plan decides."""
        return list(range(self.first_decision, self.last_start_year + 1))

    @property
    def frozen_years(self) -> list[int]:
        """y0 .. F-1: years whose starts and recruits are fixed to baseline_starts (none in v1)."""
        return list(range(self.start_year, self.first_decision))

    @property
    def measured_years(self) -> list[int]:
        """Years whose shortfall counts: y0+1 .. y0+H+E (the stock at the start of each)."""
        return list(range(self.start_year + 1, self.last_start_year + self.run_out_years + 2))

    @property
    def stock_years(self) -> list[int]:
        """y0 .. y0+H+E: the baseline stock and every measured year."""
        return [self.start_year, *self.measured_years]

    @property
    def run_out_model_years(self) -> list[int]:
        """y0+H .. y0+H+E-1: model years after the last start (learners finish; no new starts)."""
        return self.model_years[self.horizon_years:]

    @property
    def run_out_measured_years(self) -> list[int]:
        """y0+H+1 .. y0+H+E: measured years after the horizon (reports mark them run-out)."""
        return self.measured_years[self.horizon_years:]

    @property
    def first_target_year(self) -> int:
        return self.target_year if self.target_year is not None else self.start_year + 1

    @property
    def last_target_year(self) -> int:
        """The last year min_cost's targets hold: target_last_year, or the last measured year
        (run-out years included, as the contract reads)."""
        return self.target_last_year if self.target_last_year is not None else self.measured_years[-1]

    @property
    def intake_change_limit(self) -> tuple[float, float] | None:
        """(c, rho) of the stable-intake rows |X[y] - X[y-1]| <= c + rho * X[y-1], or None when
        neither max_change_per_year nor a positive max_change_share is set (no rows). With only
        the share given, c = 0: a programme without starts the year before stays closed."""
        if self.max_change_per_year is None and self.max_change_share <= 0:
            return None
        return (self.max_change_per_year or 0.0, self.max_change_share)

    @staticmethod
    def fix_for(key: str | None, settings: dict | None = None) -> str:
        """How to correct setting `key`; `settings` (scenario.toml as read) lets a year that
        must lie within the scenario's own years be told which years those are."""
        if not key:
            return "add the missing settings to scenario.toml"
        try:
            spec = setting_spec(key.split(".")[-1])
        except KeyError:
            return f"remove '{key}': it is not a scenario setting (see the data dictionary)"
        spans = {"first_decision_year": (_start_years, "or remove it to decide from start_year"),
                 "target_year": (_measured_years, "or remove it to meet targets from start_year + 1"),
                 "target_last_year": (_measured_years, "or remove it to meet targets to the last measured year")}
        if key in spans and settings is not None:
            span_of, otherwise = spans[key]
            span = span_of(settings)
            if span is not None:
                return f"set {key} to a year from {span[0]} to {span[1]}, {otherwise}"
        unit = f" ({spec.unit})" if spec.unit else ""
        bounds = f", {spec.bounds_text()}" if spec.bounds_text() else ""
        return f"set {key} to {spec.meaning[0].lower()}{spec.meaning[1:]}{unit}{bounds}"


def _whole(settings: dict, key: str, default: int | None = None) -> int | None:
    value = settings.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        return None
    return int(value)


def _start_years(settings: dict) -> tuple[int, int] | None:
    """(y0, y0+H-1) from settings already read, or None when either is missing or not valid."""
    y0, h = _whole(settings, "start_year"), _whole(settings, "horizon_years")
    return None if y0 is None or h is None or h < 1 else (y0, y0 + h - 1)


def _measured_years(settings: dict, run_out_default: int | None = 0) -> tuple[int, int] | None:
    """(y0+1, y0+H+E) from settings already read, or None when any is missing or not valid.
    (A validator's settings hold every valid field, defaults included: there, a missing
    run_out_years is an invalid one, so `run_out_default` is None.)"""
    span = _start_years(settings)
    e = _whole(settings, "run_out_years", run_out_default)
    return None if span is None or e is None or e < 0 else (span[0] + 1, span[1] + 1 + e)
