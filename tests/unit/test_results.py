"""optimiser.results: bottlenecks, the projection summary, bottleneck sentences and index words,
on results written by hand (tests/hand_results.py); nothing is solved."""

from __future__ import annotations

import pandas as pd
import pytest
from hand_results import BINDING, PROJECTION, plan_result
from scenarios import base_tables, make

from optimiser.model.data import prepare
from optimiser.results.results import bottleneck_sentence, index_words, summarise_projection

pytestmark = pytest.mark.unit


def ranked(bottlenecks: pd.DataFrame) -> list[str]:
    return [f"{row.constraint} {row.index}" for row in bottlenecks.itertuples()]


def test_bottlenecks_rank_by_the_gain_from_one_percent_more_and_drop_limits_worth_nothing():
    assert ranked(plan_result().bottlenecks()) == [
        "placement_capacity Region A, 2026",  # 0.2 of gap for 4 more weeks
        "educator_capacity Region A, 2027",  # 0.2 for 0.1 more WTE: a tie keeps the table's order
        "placement_capacity Region B, 2026",  # 0.1
        "budget_yearly 2026",  # 0.008 for GBP 20,000 more
    ]  # the starts cap with room left and the placement row worth 1e-12 are not bottlenecks
    assert ranked(plan_result().bottlenecks(top=2)) == [
        "placement_capacity Region A, 2026", "educator_capacity Region A, 2027"]


def test_bottlenecks_per_family_keep_the_best_limit_of_each_kind():
    assert ranked(plan_result().bottlenecks(per_family=1)) == [
        "placement_capacity Region A, 2026", "educator_capacity Region A, 2027", "budget_yearly 2026"]
    assert ranked(plan_result().bottlenecks(top=2, per_family=1)) == [
        "placement_capacity Region A, 2026", "educator_capacity Region A, 2027"]


def test_a_plan_without_limit_rows_has_no_bottlenecks():
    assert plan_result(binding=pd.DataFrame()).bottlenecks().empty
    nothing_binds = BINDING.assign(value_of_one_more=0.0)
    none = plan_result(binding=nothing_binds).bottlenecks()
    assert none.empty and list(none.columns) == list(BINDING.columns)


def test_summarise_projection_sums_regions_for_the_first_and_last_year():
    summary = summarise_projection(PROJECTION).set_index("staff_group")
    assert list(summary.columns) == ["supply_2025", "demand_2025", "gap_2025",
                                     "supply_2027", "demand_2027", "gap_2027", "shortfall_2027"]
    # rad: regions a + b; 2025 supply 90 + 45, demand 100 + 50; 2027 supply 99 + 50, demand 104 + 52
    assert summary.loc["rad"].tolist() == [135, 150, 15, 149, 156, 7, 6]
    # son: one region; 2027 shortfall 4 is demand 22 - supply 18, nothing covered by skill mix
    assert summary.loc["son"].tolist() == [20, 20, 0, 18, 22, 4, 4]
    assert plan_result().status_quo.summary().equals(summarise_projection(PROJECTION))


def test_summarise_projection_of_nothing_is_empty():
    assert summarise_projection(PROJECTION.iloc[0:0]).empty


def test_gap_and_shortfall_differ_when_other_groups_cover():
    """gap = demand - own supply; shortfall is what remains after skill mix covers part of it."""
    covered = PROJECTION.copy()
    last = (covered["staff_group"] == "son") & (covered["year"] == 2027)
    covered.loc[last, ["covered_wte", "shortfall_wte"]] = [21.0, 1.0]  # 3 WTE covered by other groups
    son = summarise_projection(covered).set_index("staff_group").loc["son"]
    assert (son["gap_2027"], son["shortfall_2027"]) == (4, 1)


def test_bottleneck_sentences_say_what_one_more_unit_is_worth_in_the_objectives_terms():
    budget = BINDING.iloc[3].copy()
    assert bottleneck_sentence(budget, "min_shortfall") == (
        "yearly budget, 2026: GBP 1m more budget closes 0.4 WTE-years of weighted gap")
    placements = BINDING.iloc[0].copy()
    placements["value_of_one_more"] = 0.0123456
    assert bottleneck_sentence(placements, "min_shortfall") == (
        "placement weeks, Region A, 2026: one more placement week closes 0.0123 WTE-years of weighted gap")
    educators = BINDING.iloc[1].copy()
    educators["value_of_one_more"] = 1234567.8
    assert bottleneck_sentence(educators, "min_cost") == (
        "practice educator WTE, Region A, 2027: one more practice-educator WTE saves GBP 1,234,568")
    unknown = placements.copy()
    unknown["constraint"] = "a_family_not_yet_worded"
    assert bottleneck_sentence(unknown, "min_shortfall").startswith("placement weeks, Region A, 2026: one more unit ")


def test_index_words_use_the_planners_names_of_regions_groups_and_providers():
    tables = base_tables()
    tables["regions"].append(dict(region="b", name="Region B"))
    data = prepare(make(tables))
    assert index_words(("a", "rad", 2026), data) == "Region A, Radiographer, 2026"
    assert index_words(("p", "b", "ug", 2027), data) == "Provider P, Region B, ug, 2027"  # routes keep their code
    assert index_words(2026, data) == "2026"
    assert index_words("nowhere", data) == "nowhere"


@pytest.mark.parametrize(("constraint", "unit", "room", "words"), [
    ("placement_capacity", "weeks", 120.0, ", for up to 120 more weeks"),
    ("budget_yearly", "GBP", 2_500_000.0, ", for up to GBP 2,500,000 more"),
    ("international_onboarding", "recruits", 1.5, ", for up to 1.5 more recruits"),
    ("placement_capacity", "weeks", float("inf"), ", however far it is raised"),
    ("placement_capacity", "weeks", 0.0, ", at the margin only (further units are worth at most this)"),
    ("placement_capacity", "weeks", float("nan"), ""),
])
def test_a_bottleneck_says_over_what_range_its_value_holds(constraint, unit, room, words):
    row = pd.Series({"family": "placement weeks", "constraint": constraint, "index": "North, 2027", "unit": unit,
                     "value_of_one_more": 0.04, "holds_for_up_to": room})
    sentence = bottleneck_sentence(row, "min_shortfall")
    assert sentence.endswith("closes 0.04 WTE-years of weighted gap" + words)


def test_a_requirement_is_ranged_downwards():
    row = pd.Series({"family": "policy share (minimum)", "constraint": "policy_share_min", "index": "2027",
                     "unit": "starts", "value_of_one_more": 0.8, "holds_for_up_to": 12.0})
    assert bottleneck_sentence(row, "min_shortfall").endswith(", for up to 12 starts less")
