"""The Python API reads its numeric arguments as the CLI reads its options (issue 16, class 8):
`optimiser.solve(..., budget_scale=nan)` and every other numeric argument of the pipeline is
refused with the CLI's message, by the one reader (optimiser.basics.options), before any work."""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pytest

import optimiser
from optimiser.cli.main import main
from optimiser.pipeline import api

pytestmark = pytest.mark.integration


def cli_message(capsys, *args: str) -> str:
    """The CLI's refusal of an option, as one line (typer frames and wraps it)."""
    assert main(list(args)) == 2
    err = capsys.readouterr().err
    return re.sub(r"\s+", " ", re.sub(r"[│╭╮╰╯─]", " ", err))


@pytest.fixture
def no_work(monkeypatch):
    """Projecting the status quo or preparing a model's data means the refusal came too late."""
    def work_started(*args, **kwargs):
        raise AssertionError("work started before the refusal")

    monkeypatch.setattr(api, "prepare", work_started)
    monkeypatch.setattr(api, "project", work_started)


# (call, CLI arguments giving the same value, the words of the refusal)
BAD = [
    (lambda sc: optimiser.solve(sc, budget_scale=math.nan), ["solve", "--budget-scale", "nan"], "not 'nan'"),
    (lambda sc: optimiser.solve(sc, budget_scale=math.inf), ["solve", "--budget-scale", "inf"], "not 'inf'"),
    (lambda sc: optimiser.solve(sc, budget_scale=np.float64("nan")), ["solve", "--budget-scale", "nan"], "not 'nan'"),
    (lambda sc: optimiser.solve(sc, budget_scale=-1), ["solve", "--budget-scale", "-1"], "not '-1'"),
    (lambda sc: optimiser.solve(sc, budget_scale="1e308"), ["solve", "--budget-scale", "1e308"], "not '1e308'"),
    (lambda sc: optimiser.solve(sc, time_limit=math.inf), ["solve", "--time-limit", "inf"], "not 'inf'"),
    (lambda sc: optimiser.solve(sc, gap=math.nan), ["solve", "--gap", "nan"], "not 'nan'"),
    (lambda sc: optimiser.build_plan(sc, budget_scale=math.nan), ["solve", "--budget-scale", "nan"], "not 'nan'"),
    (lambda sc: optimiser.frontier(sc, [0.5, math.inf, 1.0]), ["frontier", "--budget-scales", "0.5,inf,1"],
     "not 'inf'"),
    (lambda sc: optimiser.frontier(sc, [math.nan]), ["frontier", "--budget-scales", "nan"], "not 'nan'"),
    (lambda sc: optimiser.frontier(sc, []), ["frontier", "--budget-scales", ","], "give at least one"),
    (lambda sc: optimiser.frontier(sc, [1.0], time_limit=math.nan), ["frontier", "--time-limit", "nan"],
     "not 'nan'"),
]


@pytest.mark.parametrize(("call", "args", "words"), BAD, ids=[" ".join(a) + f"-{i}" for i, (_, a, _) in enumerate(BAD)])
def test_a_bad_number_given_to_the_api_is_refused_with_the_clis_message_before_any_work(
        capsys, example_dir, no_work, call, args, words):
    scenario = optimiser.load_scenario(example_dir)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning on the way either
        with pytest.raises(optimiser.OptionError) as refused:
            call(scenario)
    assert words in str(refused.value)
    assert str(refused.value) in cli_message(capsys, *args, "--scenario", str(example_dir))


def test_a_built_plan_refuses_a_bad_time_limit_or_gap_before_solving(example_dir, monkeypatch):
    built = optimiser.build_plan(optimiser.load_scenario(example_dir))

    def solving(*args, **kwargs):
        raise AssertionError("the solver ran before the refusal")

    monkeypatch.setattr(api, "run", solving)
    monkeypatch.setattr(api, "elastic_solve", solving)
    for call, words in ((lambda: optimiser.solve_built(built, time_limit=math.nan), "time limit must be"),
                        (lambda: optimiser.solve_built(built, gap=2), "relative MIP gap must be"),
                        (lambda: optimiser.explain_infeasibility(built, math.inf), "time limit must be"),
                        (lambda: api.frontier_built(built, [math.nan], None), "each budget scale must be")):
        with pytest.raises(optimiser.OptionError, match=words):
            call()


@pytest.mark.parametrize(("kwargs", "args", "words"), [
    ({"samples": math.nan}, ["-n", "nan"], "not 'nan'"),
    ({"samples": 2.5}, ["-n", "2.5"], "not '2.5'"),
    ({"samples": 5, "seed": -1}, ["-n", "5", "--seed", "-1"], "not '-1'"),
    ({"samples": 5, "workers": math.inf}, ["-n", "5", "--workers", "inf"], "not 'inf'"),
])
def test_a_sweep_from_python_reads_its_numbers_as_the_cli_does(capsys, example_with_uncertainty, monkeypatch,
                                                               kwargs, args, words):
    from optimiser.analysis import sweep as sweeps

    def work_started(*args, **kwargs):
        raise AssertionError("work started before the refusal")

    monkeypatch.setattr(sweeps, "uncertain_inputs", work_started)
    monkeypatch.setattr(sweeps, "evaluate_status_quo", work_started)
    with pytest.raises(optimiser.OptionError) as refused:
        optimiser.sweep(optimiser.load_scenario(example_with_uncertainty), **kwargs)
    assert words in str(refused.value)
    assert str(refused.value) in cli_message(capsys, "sweep", *args, "--scenario", str(example_with_uncertainty))


def test_good_numbers_from_python_are_read_as_the_cli_reads_them(example_dir):
    """An int, a numpy float or the text of a number: the plan is solved at that value."""
    scenario = optimiser.load_scenario(example_dir)
    plan = optimiser.solve(scenario, budget_scale=np.float64(0.5), time_limit=60, gap="0.001",
                           with_status_quo=False)
    assert plan.budget_scale == 0.5 and isinstance(plan.budget_scale, float)
    assert optimiser.frontier(scenario, [np.float32(0.5), 1]).frontier["budget_scale"].tolist() == [0.5, 1.0]
