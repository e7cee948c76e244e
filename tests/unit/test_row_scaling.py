"""Rows scaled by the scenario's own magnitudes (issue 16, class 3): each budget row is divided by
a power of ten of its largest cost, whatever the scenario's sizes, and its scale is recorded so
that limits, activities and shadow prices read back in GBP. Built, never solved."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import optimiser
from optimiser.model.build import build_model
from optimiser.model.data import prepare
from optimiser.model.parts import magnitude_scale, row_scale_of
from optimiser.scenario.dictionary import table_specs

pytestmark = pytest.mark.unit


@given(st.lists(st.floats(min_value=-1e15, max_value=1e15, allow_nan=False).filter(lambda c: c == 0 or abs(c) >= 1e-8),
                min_size=1, max_size=20))
def test_a_row_divided_by_its_magnitude_has_its_largest_coefficient_in_ten_to_a_hundred(coefficients):
    k = magnitude_scale(coefficients)
    assert math.log10(k) == int(math.log10(k))  # a power of ten: dividing by it loses no digits of note
    biggest = max(abs(c) for c in coefficients) / k
    assert biggest == 0 or 10 * (1 - 1e-12) <= biggest < 100 * (1 + 1e-12)


def test_no_coefficient_or_a_non_finite_one_is_left_unscaled_and_no_scale_is_extreme():
    assert magnitude_scale([]) == magnitude_scale([0.0, -0.0]) == magnitude_scale([math.inf]) == 1.0
    assert magnitude_scale([1e-300]) == 1e-9 and magnitude_scale([1e300]) == 1e15  # no subnormal divisors
    assert magnitude_scale([3_000.0, -62_000.0]) == 1_000.0  # the shipped scenarios' training costs: as before


def budget_rows(raw):
    """{(family, year): (scale, largest coefficient the solver sees, its limit x scale)}, and the
    budgets in GBP the rows were built from."""
    data = prepare(optimiser.scenario_from_raw(raw), mode="plan")
    m = build_model(data)
    out = {}
    for name in ("budget_yearly", "budget_total"):
        for key, con in getattr(m, name).items():
            k = row_scale_of(m, name, key)
            out[(name, key)] = (k, max(abs(c) for c in con.body.linear_coefs), float(con.upper) * k)
    return out, data.budget | {None: data.total_budget}


def test_every_budget_row_is_scaled_by_its_own_magnitude_and_reads_back_in_gbp(example_dir):
    """The example with every cost and budget 1/1000, 1 and 100 times as large: the scales
    follow, the coefficients the solver sees stay in [10, 100), the limit read back is the budget in GBP."""
    total_scales = []
    for factor in (1e-3, 1.0, 100.0):
        raw = optimiser.load_raw(example_dir)
        for name, df in raw.tables.items():  # every amount of money in the scenario
            for column in [c.column for c in table_specs()[name].columns if c.unit.startswith("GBP")]:
                if column in df:
                    df[column] = [f"{float(v) * factor:.6g}" if v else v for v in df[column]]
        raw.config["educator_cost_per_wte"] = float(raw.config.get("educator_cost_per_wte", 0)) * factor
        raw.config["total_budget"] = 4e6 * factor
        rows, gbp = budget_rows(raw)
        assert {name for name, _ in rows} == {"budget_yearly", "budget_total"}
        for (_name, key), (_k, biggest, limit) in rows.items():
            assert 10 <= biggest < 100
            assert limit == pytest.approx(gbp[key], rel=1e-12)
        total_scales.append(rows[("budget_total", None)][0])
    assert total_scales == sorted(set(total_scales))  # larger costs, larger scale: never one fixed divisor
