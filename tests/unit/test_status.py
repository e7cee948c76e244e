"""Status values and the one answer to "does this result hold a plan"."""

import json

import pytest

from optimiser.basics.status import Status, holds_plan

pytestmark = pytest.mark.unit


def test_status_values_are_the_strings_the_output_files_carry():
    assert Status.TIME_LIMIT == "time_limit" and f"{Status.TIME_LIMIT}" == "time_limit"
    assert json.dumps({"status": Status.CANCELLED}) == '{"status": "cancelled"}'


@pytest.mark.parametrize(("status", "found", "holds"), [
    ("optimal", True, True), ("time_limit", True, True), ("cancelled", True, True),
    ("time_limit", False, False), ("error", True, False), ("infeasible", False, False)])
def test_one_answer_to_whether_a_result_holds_a_plan(status, found, holds):
    assert holds_plan(Status(status), found) is holds and holds_plan(status, found) is holds
