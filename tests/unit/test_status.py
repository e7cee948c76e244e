"""Status values and the one answer to "does this result hold a plan" (and the sweep command's use of it)."""

import json

import pandas as pd
import pytest

from optimiser.basics.status import Status, holds_plan
from optimiser.cli.sweep import _futures_to_note

pytestmark = pytest.mark.unit


def test_status_values_are_the_strings_the_output_files_carry():
    assert Status.TIME_LIMIT == "time_limit" and f"{Status.TIME_LIMIT}" == "time_limit"
    assert json.dumps({"status": Status.CANCELLED}) == '{"status": "cancelled"}'


@pytest.mark.parametrize(("status", "found", "holds"), [
    ("optimal", True, True), ("time_limit", True, True), ("cancelled", True, True),
    ("time_limit", False, False), ("error", True, False), ("infeasible", False, False)])
def test_one_answer_to_whether_a_result_holds_a_plan(status, found, holds):
    assert holds_plan(Status(status), found) is holds and holds_plan(status, found) is holds


def test_the_sweep_command_counts_futures_without_a_plan_apart_from_unproven_ones():
    samples = pd.DataFrame({
        "plan": ["plan", "plan", "plan", "plan", "status_quo"],
        "status": ["optimal", "time_limit", "time_limit", "infeasible", "optimal"],
        "weighted_shortfall": [10.0, 12.0, None, None, 20.0],
    })
    without, unproven = _futures_to_note(samples)
    assert without == {"plan:time_limit": 1, "plan:infeasible": 1}  # left out of the quantiles
    assert unproven == {"plan:time_limit": 1}  # in the quantiles, not proven optimal
