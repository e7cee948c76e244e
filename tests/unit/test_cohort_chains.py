"""The rounding of a relaxed plan's intakes a provider's route at a time (cohort_chains.py): the
dynamic programme alone, without solving."""

import numpy as np
import pytest

from optimiser.model.families.training import Cohort
from optimiser.solver.cohort_chains import _share_out, chain_intakes

pytestmark = pytest.mark.unit

GATE = object()  # stands for a cohort_open binary


def _cohorts(n: int, min_cohort: float = 10, cap: float = 30, contracted: float = 0.0) -> list[Cohort]:
    return [Cohort((), GATE, min_cohort, cap, contracted) for _ in range(n)]


def test_a_cohort_closed_before_cannot_reach_its_minimum_when_the_yearly_rise_is_smaller():
    # the relaxation grows the intake 6, 12.9, 15 from nothing; with a rise of at most 4 a year a
    # cohort of at least 10 can never start, so every year stays closed
    limit = (4.0, 0.0, [True, True, True])
    assert chain_intakes([6.0, 12.9, 15.0], _cohorts(3), 0.0, limit) == [0, 0, 0]


def test_the_intakes_follow_the_relaxation_where_the_rules_allow_a_start_above_counting_twice():
    # rise at most 10 a year: (0, 10, 15) is 6 + 2.9 + 0 = 8.9 away; (10, 13, 15) is 8 + 0.2 + 0 = 8.2
    limit = (10.0, 0.0, [True, True, True])
    assert chain_intakes([6.0, 12.9, 15.0], _cohorts(3), 0.0, limit) == [10, 13, 15]


def test_without_stability_rows_each_year_opens_only_when_two_thirds_of_the_minimum_is_there():
    # closing 6 costs 6; opening at 10 costs 2 x 4 = 8: closed. 7 costs 7 closed, 6 open: open
    assert chain_intakes([6.0, 7.0], _cohorts(2), 0.0, None) == [0, 10]


def test_a_contracted_minimum_opens_the_cohort_at_its_minimum_size():
    assert chain_intakes([1.65], _cohorts(1, min_cohort=6, contracted=1.0), 0.0, None) == [6]


def test_the_frozen_years_intake_starts_the_chain_and_a_share_limit_grows_with_it():
    # from 20 frozen, rho = 0.1 and c = 0: 20 +- 2 a year, then +- 10% of the year before
    limit = (0.0, 0.1, [True, True])
    assert chain_intakes([30.0, 30.0], _cohorts(2), 20.0, limit) == [22, 24]


def test_no_sequence_meets_a_contract_above_the_cap():
    assert chain_intakes([5.0], _cohorts(1, cap=10, contracted=12), 0.0, None) is None


def test_a_year_without_starts_holds_no_intake():
    cohorts = [*_cohorts(1), None, *_cohorts(1)]
    assert chain_intakes([12.0, 0.0, 12.0], cohorts, 0.0, None) == [12, 0, 12]


def test_an_intake_is_shared_over_its_regions_as_the_relaxation_shares_it():
    assert _share_out(10, np.array([2.5, 5.0, 0.0, 0.5])).tolist() == [3.0, 6.0, 0.0, 1.0]
    assert _share_out(0, np.array([0.4, 0.6])).tolist() == [0.0, 0.0]
    assert _share_out(3, np.zeros(2)).sum() == 3  # nothing to go by: still all of it
