"""scenario.toml's settings model agrees with the data dictionary (rows with table=scenario) on
every setting: which exist, which are required, defaults, bounds (strict or not) and types.

The model takes these from the dictionary; these tests fail when either side is edited alone
(a bound written into config.py by hand, a field without a dictionary row, or the reverse).
"""

from __future__ import annotations

import tomllib
import typing

import annotated_types as at
import pytest
from pydantic import ValidationError

from optimiser.scenario.config import ScenarioConfig, SolverSettings
from optimiser.scenario.dictionary import scenario_key_specs, setting_spec, table_specs

pytestmark = pytest.mark.unit

SPECS = scenario_key_specs()
TOP_LEVEL = {k: f for k, f in ScenarioConfig.model_fields.items() if k != "solver"}
SOLVER = SolverSettings.model_fields
TYPES = {"integer": int, "number": float, "rate": float, "text": str}


def field_of(spec):
    return (SOLVER if spec.is_solver_setting else TOP_LEVEL)[spec.column]


def valid_settings(example_dir) -> dict:
    return tomllib.loads((example_dir / "scenario.toml").read_text(encoding="utf-8"))


def test_the_model_has_exactly_the_dictionarys_settings():
    assert [s.column for s in SPECS if not s.is_solver_setting] == list(TOP_LEVEL)
    assert [s.column for s in SPECS if s.is_solver_setting] == list(SOLVER)


@pytest.mark.parametrize("spec", SPECS, ids=[s.column for s in SPECS])
def test_required_default_bounds_and_type_match_the_dictionary(spec):
    field = field_of(spec)
    assert field.is_required() == spec.required
    if not spec.required:
        assert field.default == spec.default_value
        assert type(field.default) is type(spec.default_value)
    expected = []
    if spec.min is not None:
        expected.append(at.Gt(spec.min) if spec.min_exclusive else at.Ge(spec.min))
    if spec.max is not None:
        expected.append(at.Lt(spec.max) if spec.max_exclusive else at.Le(spec.max))
    if spec.type == "text" and spec.required:
        expected.append(at.MinLen(1))
    assert field.metadata == expected
    if typing.get_origin(field.annotation) is typing.Literal:  # a choice of words, e.g. objective
        choices = typing.get_args(field.annotation)
        kinds, allows_none = {type(c) for c in choices}, False
        assert spec.required or spec.default_value in choices
    else:
        allowed = set(typing.get_args(field.annotation)) or {field.annotation}
        kinds, allows_none = allowed - {type(None)}, type(None) in allowed
    assert kinds == {TYPES[spec.type]}
    assert allows_none == (not spec.required and spec.default == "")  # blank means "none"


@pytest.mark.parametrize("spec", [s for s in SPECS if s.min is not None or s.max is not None],
                         ids=lambda s: s.column)
def test_each_bound_admits_and_refuses_what_the_dictionary_says(example_dir, spec):
    """At a bound: accepted unless the dictionary marks it strict; just past it: refused, with a
    fix that states the bounds."""
    def step(bound: float) -> float:  # just past the bound, and distinguishable from it in a float
        return 1 if spec.type == "integer" else max(1e-6, abs(bound) * 1e-9)

    def refusal(value):
        data = valid_settings(example_dir)
        (data.setdefault("solver", {}) if spec.is_solver_setting else data)[spec.column] = value
        try:
            ScenarioConfig.from_mapping(data)
        except ValidationError as exc:
            # a year setting is also checked against the scenario's own years ("... is outside
            # the start years 2025-2030"): that refusal is not the dictionary's bound
            return next((e for e in exc.errors() if e["loc"][-1:] == (spec.column,)
                         and "is outside the" not in e["msg"]), None)
        return None

    typed = int if spec.type == "integer" else float
    for bound, strict, outward in ((spec.min, spec.min_exclusive, -1), (spec.max, spec.max_exclusive, 1)):
        if bound is None:
            continue
        outward *= step(bound)
        assert (refusal(typed(bound)) is not None) == strict, (spec.column, bound)
        assert refusal(typed(bound + outward)) is not None, (spec.column, bound + outward)
        assert spec.bounds_text() in ScenarioConfig.fix_for(spec.column)


def test_discount_of_zero_is_refused_and_the_dictionary_says_so(example_dir):
    """The drift that started this: the dictionary said 0 was allowed, the model refused it."""
    spec = setting_spec("discount")
    assert (spec.min, spec.min_exclusive, spec.max, spec.max_exclusive) == (0, True, 1, False)
    assert spec.bounds_text() == "above 0 and at most 1"
    data = valid_settings(example_dir) | {"discount": 0}
    with pytest.raises(ValidationError, match="greater than 0"):
        ScenarioConfig.from_mapping(data)
    assert ScenarioConfig.from_mapping(data | {"discount": 1}).discount == 1


def test_settings_without_a_dictionary_row_are_refused_with_a_fix(example_dir):
    with pytest.raises(ValidationError, match="Extra inputs"):
        ScenarioConfig.from_mapping(valid_settings(example_dir) | {"colour": "blue"})
    assert ScenarioConfig.fix_for("colour").startswith("remove 'colour'")


def test_every_dictionary_default_is_within_its_own_bounds():
    """A default the validation would refuse (e.g. min ">0" with default 0) is a dictionary error."""
    specs = [*SPECS, *(c for t in table_specs().values() for c in t.columns)]
    for spec in specs:
        value = spec.default_value
        if not spec.numeric or value is None:
            continue
        low_ok = spec.min is None or (value > spec.min if spec.min_exclusive else value >= spec.min)
        high_ok = spec.max is None or (value < spec.max if spec.max_exclusive else value <= spec.max)
        assert low_ok and high_ok, f"{spec.table}.{spec.column}: default {value} is not {spec.bounds_text()}"
