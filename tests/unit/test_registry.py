"""The model's parts declared once: every reader derives from the family and decision declarations."""

import dataclasses
import pkgutil

import pytest

import optimiser.model.families as families_package
from optimiser.model.build import DECISIONS, FAMILIES, ROW_FAMILIES
from optimiser.model.parts import Decision, Role, RowFamily
from optimiser.outputs.reports import PLAN_FILES, WHOLE_NUMBER_COLUMNS
from optimiser.pipeline.api import LOWERABLE_REQUIREMENTS, RAISABLE_LIMITS
from optimiser.results.results import PlanResult

pytestmark = pytest.mark.unit


def test_every_family_module_is_in_the_table_of_contents():
    modules = {m.name for m in pkgutil.iter_modules(families_package.__path__)}
    listed = {f.__name__.rsplit(".", 1)[-1] for f in FAMILIES}
    assert modules == listed


def test_every_family_declares_its_rows_and_decisions():
    for family in FAMILIES:
        assert callable(family.add), family.__name__
        assert all(isinstance(r, RowFamily) for r in family.ROWS), family.__name__
        assert all(isinstance(d, Decision) for d in family.DECISIONS), family.__name__
        assert family.add.__doc__, f"{family.__name__}.add states its maths in its docstring"


def test_row_families_are_named_once_and_reported_ones_say_what_one_more_unit_is():
    names = [r.name for family in FAMILIES for r in family.ROWS]
    assert len(names) == len(set(names))
    for row in ROW_FAMILIES.values():
        assert row.planner_name and row.unit is not None
        if row.reported:
            assert row.one_more, f"{row.name} is reported but does not say what one more unit is"


def test_readers_derive_from_the_roles():
    assert set(RAISABLE_LIMITS) == {n for n, r in ROW_FAMILIES.items() if r.role is Role.LIMIT}
    assert set(LOWERABLE_REQUIREMENTS) == {n for n, r in ROW_FAMILIES.items() if r.role is Role.REQUIREMENT}
    assert {"budget_yearly", "placement_capacity", "cohort_max"} <= set(RAISABLE_LIMITS)
    assert {"shortfall_target", "contracted_starts", "policy_share_min"} == set(LOWERABLE_REQUIREMENTS)
    assert not ROW_FAMILIES["stock_balance"].limits_decisions
    assert ROW_FAMILIES["cohort_min"].limits_decisions and not ROW_FAMILIES["cohort_min"].reported


def test_every_decision_has_a_plan_table_an_output_file_and_planner_names():
    fields = {f.name for f in dataclasses.fields(PlanResult)}
    assert [d.table for d in DECISIONS] == ["starts", "international", "recruits", "retention", "educators"]
    for d in DECISIONS:
        assert d.table in fields
        assert PLAN_FILES[d.file] == d.table
        assert d.sheet and d.description and d.unit
    assert {"starts", "recruits"} == WHOLE_NUMBER_COLUMNS


def test_budget_rows_are_scaled_for_the_solver_and_read_per_gbp_million():
    for name in ("budget_yearly", "budget_total"):
        budget = ROW_FAMILIES[name]
        assert budget.by_magnitude and budget.per_unit == 1e6
