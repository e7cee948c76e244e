"""The public solve names each step as it starts (`phase`), and an exception from `phase` stops
the solve there: the web app's worker shows these steps and cancels through them."""

from __future__ import annotations

import pytest

import optimiser
from optimiser.pipeline import api

pytestmark = pytest.mark.integration


def test_solve_names_each_step_in_order(example_dir):
    seen: list[str] = []
    plan = optimiser.solve(optimiser.load_scenario(example_dir), phase=seen.append)
    assert seen == ["projecting the status quo", "building the model", "optimising"]
    assert plan.feasible and plan.status_quo is not None


def test_without_the_status_quo_there_is_no_projection_step(example_dir):
    seen: list[str] = []
    plan = optimiser.solve(optimiser.load_scenario(example_dir), with_status_quo=False, phase=seen.append)
    assert seen == ["building the model", "optimising"]
    assert plan.status_quo is None


def test_an_exception_from_phase_stops_the_solve_before_the_model_is_built(example_dir, monkeypatch):
    class Stop(Exception):
        pass

    def phase(step: str) -> None:
        if step == "building the model":
            raise Stop

    built: list[object] = []
    monkeypatch.setattr(api, "build_plan", lambda *args, **kwargs: built.append(args))
    with pytest.raises(Stop):
        optimiser.solve(optimiser.load_scenario(example_dir), phase=phase)
    assert built == []
