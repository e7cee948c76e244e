"""Limits with their ranges: binding.csv's `holds_for_up_to` is the right-hand-side ranging of the
shadow-price LP (cohort decisions fixed at the plan's, starts and recruits continuous). Inside the
range, raising the limit improves that LP's objective by exactly the marginal value per unit."""

import numpy as np
import pytest

import optimiser
from optimiser.model.parts import row_scale_of
from optimiser.pipeline.api import build_plan, solve_built

pytestmark = pytest.mark.integration


def _lp_objective(compiled, values) -> float:
    lo, hi = compiled.col_lower.copy(), compiled.col_upper.copy()
    fixed = np.round(values[compiled.binary])
    lo[compiled.binary] = hi[compiled.binary] = fixed
    h = compiled.copy(lo, hi)
    h.run()
    return float(h.getInfo().objective_function_value)


def _reported_rows(compiled):
    """Row numbers in binding.csv's order (read_binding walks the reported families the same way)."""
    m = compiled.model
    return [i for name, family in m.families.items() if family.reported
            for con in getattr(m, name).values() for i in compiled.row_of.get(id(con), [])]


@pytest.fixture(scope="module")
def solved(example_dir):
    built = build_plan(optimiser.load_scenario(example_dir))
    result = solve_built(built, gap=1e-6)
    return built, result


def test_every_limit_with_a_value_says_how_far_it_holds(solved):
    _, result = solved
    b = result.binding
    valued = b[b["value_of_one_more"] > 1e-9]
    assert len(valued) > 0
    assert valued["holds_for_up_to"].notna().all()
    assert (valued["holds_for_up_to"] >= 0).all()
    assert b.loc[b["value_of_one_more"] <= 1e-9, "holds_for_up_to"].isna().all()


def test_inside_the_range_the_marginal_value_is_exact(solved):
    built, result = solved
    compiled, b = built.compiled, result.binding
    rows = _reported_rows(compiled)
    assert len(rows) == len(b)
    base = _lp_objective(compiled, result.column_values)
    checked = 0
    for pos in b.index[(b["value_of_one_more"] > 1e-9) & np.isfinite(b["holds_for_up_to"])
                       & (b["holds_for_up_to"] > 1e-6)][:6]:
        row, i = b.loc[pos], rows[pos]
        family = compiled.model.families[row["constraint"]]
        k = row_scale_of(compiled.model, row["constraint"], compiled.rows[i][0].index())  # the row's own scale
        step = 0.5 * row["holds_for_up_to"] / k  # half the range, in the row's own units
        upper = compiled.row_upper[i] < np.inf
        new = compiled.row_upper[i] + step if upper else compiled.row_lower[i] - step
        with compiled.row_bounds([i], **({"upper": new} if upper else {"lower": new})):
            moved = _lp_objective(compiled, result.column_values)
        gain_per_unit = (base - moved) / (step * k) * family.per_unit
        assert gain_per_unit == pytest.approx(row["value_of_one_more"], rel=1e-5, abs=1e-7), row["index"]
        checked += 1
    assert checked >= 2


def test_the_bottleneck_sentence_states_the_range(solved):
    _, result = solved
    b = result.bottlenecks()
    sentence = optimiser.bottleneck_sentence(b.iloc[0], result.objective_name)
    assert any(words in sentence for words in (", for up to ", ", however far it is", ", at the margin only"))
