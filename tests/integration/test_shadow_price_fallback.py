"""Shadow prices when the LP with crossover runs out of time: the interior point's own duals, no
ranging (optimiser/solver/duals.py; the L2 preset's crossover ran 60 s, its interior point 9 s)."""

import numpy as np
import pytest
from test_solver_rounding import _two_region_cohort

from optimiser.solver import compile_model
from optimiser.solver.duals import relaxed_duals

pytestmark = pytest.mark.integration


class _OutOfTimeWithCrossover:
    """A HiGHS copy whose solve with crossover is given no time at all."""

    def __init__(self, h):
        self._h = h

    def __getattr__(self, name):
        return getattr(self._h, name)

    def run(self):
        if self._h.getOptions().run_crossover != "off":
            self._h.setOptionValue("time_limit", 0.0)
            self._h.setOptionValue("presolve", "off")  # presolve alone solves this LP, whatever the limit
        return self._h.run()


def _plan(compiled):
    cols = {v.name: j for j, v in enumerate(compiled.columns)}
    values = np.zeros(compiled.n_cols)
    values[cols["x[1]"]], values[cols["x[2]"]], values[cols["open"]] = 2, 5, 1
    return values


def test_out_of_time_crossover_gives_the_interior_point_duals_without_ranging(monkeypatch):
    compiled = compile_model(_two_region_cohort())
    values, fix = _plan(compiled), compiled.binary.copy()
    with_basis = relaxed_duals(compiled, values, fix, time_limit=30)
    assert with_basis is not None and with_basis.bound_up is not None  # crossover in time: ranging

    made, runs = compiled.copy, []

    def copying(*args, **kwargs):
        h = _OutOfTimeWithCrossover(made(*args, **kwargs))
        runs.append(h)
        return h

    monkeypatch.setattr(compiled, "copy", copying)
    without = relaxed_duals(compiled, values, fix, time_limit=30)
    assert len(runs) == 2 and runs[1].getOptions().run_crossover == "off"
    assert without is not None and without.bound_up is None and without.bound_down is None
    np.testing.assert_allclose(without.row_dual, with_basis.row_dual, atol=1e-6)
    np.testing.assert_allclose(without.row_value, with_basis.row_value, atol=1e-6)
