"""The compiled model is the only writer of bounds: its arrays and its HiGHS instance change
together, and every temporary change is put back exactly, in reverse order, exceptions included.
Models are compiled and handed to HiGHS here, never solved."""

import subprocess
import sys
from contextlib import nullcontext

import numpy as np
import pyomo.environ as pyo
import pytest

import optimiser
from optimiser.analysis.evaluate import DECISION_LIMITS
from optimiser.solver import compile_model
from optimiser.solver.lifecycle import THREADS, restart_clock

pytestmark = pytest.mark.unit


def _three_rows() -> pyo.ConcreteModel:
    m = pyo.ConcreteModel()
    m.x = pyo.Var([1, 2, 3], domain=pyo.NonNegativeIntegers, bounds=(0, 10))
    m.cap = pyo.Constraint(expr=m.x[1] + m.x[2] <= 12)
    m.need = pyo.Constraint(expr=m.x[2] + m.x[3] >= 4)
    m.both = pyo.Constraint(expr=m.x[1] + m.x[3] <= 15)
    m.obj = pyo.Objective(expr=m.x[1] + 2 * m.x[2] + 3 * m.x[3])
    return m


def bounds(compiled) -> dict[str, np.ndarray]:
    """The bounds as the compiled model holds them and as its HiGHS instance holds them."""
    lp = compiled.highs.getLp()
    return {"rows": np.array([compiled.row_lower, compiled.row_upper]),
            "cols": np.array([compiled.col_lower, compiled.col_upper]),
            "highs rows": np.array([lp.row_lower_, lp.row_upper_]),
            "highs cols": np.array([lp.col_lower_, lp.col_upper_])}


def assert_same(a: dict, b: dict) -> None:
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)


def test_bound_arrays_are_read_only_and_set_bounds_moves_arrays_and_highs_together():
    compiled = compile_model(_three_rows())
    with pytest.raises(ValueError, match="read-only"):
        compiled.row_upper[0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        compiled.col_lower[:] = 0.0
    compiled.set_bounds(rows=[0], row_upper=7.0, columns=[1, 2], col_lower=[1.0, 2.0])
    now = bounds(compiled)
    assert now["rows"][1][0] == now["highs rows"][1][0] == 7.0
    assert list(now["cols"][0]) == list(now["highs cols"][0]) == [0.0, 1.0, 2.0]


def test_a_bad_call_changesnullcontext():
    compiled = compile_model(_three_rows())
    before = bounds(compiled)
    with pytest.raises(IndexError):
        compiled.set_bounds(rows=[0, 3], row_upper=1.0)
    with pytest.raises(ValueError):
        compiled.set_bounds(rows=[0, 1], row_upper=[1.0, 2.0, 3.0])
    assert_same(before, bounds(compiled))


def test_changed_rows_are_reported_once_as_net_changes():
    compiled = compile_model(_three_rows())
    cap = compiled.row_upper[0]
    compiled.set_bounds(rows=[0], row_upper=cap / 2)
    compiled.set_bounds(rows=[0], row_upper=cap * 2)  # tightened, then loosened past the start
    with compiled.relaxed_rows([2]):
        pass  # changed and put back: no net change
    assert compiled.take_changed_rows() == {0: (-np.inf, cap, True)}
    assert compiled.take_changed_rows() == {}
    compiled.set_bounds(rows=[0], row_upper=cap)
    assert compiled.take_changed_rows() == {0: (-np.inf, cap * 2, False)}


def test_nested_changes_are_put_back_in_reverse_order():
    compiled = compile_model(_three_rows())
    start = bounds(compiled)
    with compiled.relaxed_rows([0, 1]):
        relaxed = bounds(compiled)
        assert np.isinf(relaxed["highs rows"][:, :2]).all()
        with compiled.row_bounds([1, 2], upper=[5.0, 6.0]):
            assert list(compiled.row_upper) == [np.inf, 5.0, 6.0]
            assert compiled.row_lower[1] == -np.inf  # the outer relaxation's lower bound stays
            with compiled.fixed_columns({0: 3.0, 2: 1.0}):
                assert list(compiled.col_lower) == [3.0, 0.0, 1.0] and list(compiled.col_upper) == [3.0, 10.0, 1.0]
                compiled.set_bounds(rows=[1], row_lower=2.0)  # a change inside is undone by the block around it
            assert_same({k: v for k, v in start.items() if "cols" in k},
                        {k: v for k, v in bounds(compiled).items() if "cols" in k})
        assert_same(relaxed, bounds(compiled))
    assert_same(start, bounds(compiled))


def test_a_sweep_style_fixed_plan_is_undone_on_exit_and_on_an_exception(example_dir):
    built = optimiser.build_plan(optimiser.load_scenario(example_dir))
    compiled = built.compiled
    start = bounds(compiled)
    limits = [i for _, _, i in compiled.rows_of(DECISION_LIMITS)]
    decisions = {j: 1.0 for j, v in enumerate(compiled.columns)
                 if v.parent_component().name in ("x", "recruits", "extra_educators")}
    assert limits and decisions
    for fails in (False, True):
        expect = pytest.raises(RuntimeError) if fails else nullcontext()
        with expect, compiled.relaxed_rows(limits), compiled.fixed_columns(decisions):
            inside = bounds(compiled)
            cols = sorted(decisions)
            assert (inside["highs cols"][:, cols] == 1.0).all() and (inside["cols"][:, cols] == 1.0).all()
            assert np.isinf(inside["highs rows"][:, limits]).all() and np.isinf(inside["rows"][:, limits]).all()
            if fails:
                raise RuntimeError("a future failed mid-evaluation")
        assert_same(start, bounds(compiled))


def test_every_highs_instance_is_given_its_threads_and_seed():
    compiled = compile_model(_three_rows())
    instances = {"kept MIP": compiled.highs, "copy": compiled.copy(integer=compiled.integer)}
    for name, h in instances.items():
        assert h.getOptionValue("threads")[1] == THREADS == 1, name  # HiGHS 1.16's default is parallel
        assert h.getOptionValue("random_seed")[1] == 0, name


def test_restarting_the_clock_keeps_the_model_its_bounds_and_the_options():
    compiled = compile_model(_three_rows())
    compiled.set_bounds(rows=[0], row_upper=7.0)
    compiled.set_bounds(columns=[2], col_lower=1.0)
    h = compiled.highs
    h.setOptionValue("time_limit", 12.5)
    before = bounds(compiled)
    integrality = list(h.getLp().integrality_)
    restart_clock(h)
    assert_same(before, bounds(compiled))
    assert list(h.getLp().integrality_) == integrality and any(integrality)
    np.testing.assert_array_equal(h.getLp().col_cost_, compiled.cost)
    assert h.getNumNz() == compiled.n_nonzeros
    assert h.getOptionValue("time_limit")[1] == 12.5 and h.getOptionValue("threads")[1] == THREADS
    assert h.getRunTime() == 0.0


def test_making_the_first_highs_instance_prints_nothing():
    """highspy 1.16 prints a banner on stdout while a process makes its first instance."""
    code = "from optimiser.solver.lifecycle import new_highs; new_highs(); new_highs(); print('done')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "done\n"
