"""A plan's story, told from results written by hand (tests/hand_results.py) with the names of a
scenario typed here: it names the top commission and the binding limit, never an identifier,
never 'inf' or 'nan'; the run folder, workbook and pictures that carry it."""

from __future__ import annotations

import hashlib
import math
import re

import openpyxl
import pandas as pd
import pytest

from optimiser.analysis.plan_context import PlanContext, plan_context
from optimiser.analysis.story import plan_story
from optimiser.outputs.plan_charts import (
    placement_flows,
    region_map,
    shortfall_heatmap,
    starts_heatmap,
)
from optimiser.outputs.plan_folder import read_plan_folder
from optimiser.outputs.reports import write_plan
from optimiser.scenario.io import RawScenario
from tests.hand_results import BINDING, limit_row, plan_result

pytestmark = pytest.mark.unit

IDENTIFIERS = re.compile(r"\b(ug|rad|son|intl|rtp|flexible_working|placement_capacity|educator_capacity)\b")


def raw_scenario(coordinates: bool = True) -> RawScenario:
    regions = pd.DataFrame({"region": ["a", "b"], "name": ["Region A", "Region B"]})
    if coordinates:
        regions["latitude"], regions["longitude"] = ["52.5", "52.0"], ["-2.0", "-1.5"]
    return RawScenario(source="by hand", form="folder", config={"name": "Two ICBs by hand", "start_year": 2025,
                                                                "first_decision_year": 2025}, tables={
        "regions": regions,
        "providers": pd.DataFrame({"provider": ["p"], "name": ["Provider P"], "region": ["a"]}),
        "staff_groups": pd.DataFrame({"staff_group": ["rad", "son"], "name": ["Radiographer", "Sonographer"]}),
        "routes": pd.DataFrame({"route": ["ug", "intl", "rtp"],
                                "name": ["undergraduate radiography", "international recruitment",
                                         "return to practice"],
                                "produces": ["rad", "rad", "rad"]}),
        "retention": pd.DataFrame({"scheme": ["flexible_working"], "staff_group": ["rad"]}),
        "skill_mix": pd.DataFrame({"covering_group": ["rad"], "covered_group": ["son"]}),
    })


def test_the_story_names_the_top_commission_and_the_binding_limit_in_the_planners_words():
    story = plan_story(plan_result(), plan_context(raw_scenario()))
    assert story.top_commission == "Provider P, undergraduate radiography"
    # placements in A (1% more closes 0.2) tie with educators in A and come first: the top limit of its kind
    assert story.binding_limit == "Placement weeks, Region A, 2026"
    text = story.markdown()
    assert "The largest commission: Provider P, undergraduate radiography." in story.headline
    assert "The limit that binds hardest: Placement weeks, Region A, 2026." in story.headline
    assert ("Provider P, undergraduate radiography: 14 starts from 2025 to 2026 (most in 2025: 10), placed in "
            "Region A (71%) and Region B (29%).") in text
    assert ("Placement weeks, Region A, 2026 binds: one more placement week is worth 0.05 weighted WTE-years of "
            "shortfall closed; 1% more (about 4 weeks) is worth 0.2.") in text
    assert "Practice educator WTE, Region A, 2027 binds" in text  # the best limit of each kind
    assert "marginal values" in text
    assert IDENTIFIERS.search(text) is None, IDENTIFIERS.search(text)


def test_the_headline_has_no_solver_internals_and_no_inf_or_nan():
    plan = plan_result()
    plan = plan.__class__(**{**plan.__dict__, "mip_gap": math.inf, "dual_bound": math.nan, "objective": math.nan})
    story = plan_story(plan, plan_context(raw_scenario()))
    text = story.markdown().lower()
    assert not re.search(r"\binf\b|\bnan\b|infinity", text)
    assert "mip gap" not in story.headline.lower() and "gap" not in story.headline.lower()
    finite_gap = plan_story(plan_result(), plan_context(raw_scenario()))
    assert "MIP gap 0.00%" in "\n".join(finite_gap.details.lines)  # solver facts go to the details
    assert all("MIP" not in line for s in finite_gap.sections for line in s.lines)


def test_what_it_buys_compares_with_the_status_quo_per_group():
    sq = plan_result().status_quo
    better = sq.projection.assign(shortfall_wte=sq.projection["shortfall_wte"] * 0.5)
    story = plan_story(plan_result(projection=better), plan_context(raw_scenario()))
    buys = story.sections[1]
    # status quo 22 weighted (rad 16, son 6 over 2026-2027); the plan halves each group's shortfall
    assert buys.lines[0] == ("Weighted shortfall over 2026-2027: 22.0 WTE-years with the plan against 22.0 "
                             "WTE-years in the status quo (0.0% less).")
    assert "Radiographer 8.0 fewer" in buys.lines[2] and "Sonographer 3.0 fewer" in buys.lines[2]
    assert buys.table.set_index("Staff group").loc["Radiographer", "Plan"] == "8.0"


def test_groups_no_lever_reaches_are_flagged_with_their_skill_mix():
    story = plan_story(plan_result(), plan_context(raw_scenario()))
    unreached = story.sections[3]
    assert unreached.lines[0] == ("No lever reaches Sonographer (6.0 WTE-years short in the plan): no route trains or "
                                  "recruits it and no retention scheme keeps it; only skill mix from Radiographer "
                                  "can cover part of its work.")


def test_the_lever_ranking_and_the_spending_are_named():
    story = plan_story(plan_result(), plan_context(raw_scenario()))
    levers = story.sections[4]
    assert levers.lines[0].startswith("The plan leans on training: GBP 1.50m of GBP 1.75m spent from 2025 (86%)")
    assert levers.lines[1] == ("Where the next GBP 1m goes furthest: commissioning undergraduate radiography "
                               "(Provider P, Region A, 2026), 3,000 weighted WTE-years of shortfall per GBP 1m at "
                               "the margin.")
    assert levers.lines[2].startswith("Then (2): the 2026 budget")


def test_without_a_binding_limit_or_a_scenario_the_story_still_reads():
    slack = pd.DataFrame([{**limit_row("placement weeks", "placement_capacity", "a, 2026", 2026, 400.0, 0.0, 0.0),
                           "binding": False}], columns=BINDING.columns)
    story = plan_story(plan_result(binding=slack))
    assert story.binding_limit == ""
    assert story.sections[2].lines == ("No limit binds: more capacity or money would not improve this plan.",)
    assert story.top_commission == "p, ug"  # no names given: identifiers read as words
    assert "_" not in story.markdown().replace("## ", "")


def test_a_plan_that_holds_none_says_so():
    plan = plan_result()
    none = plan.__class__(**{**plan.__dict__, "status": "infeasible", "weighted_shortfall": None,
                             "message": "no plan meets every limit"})
    story = plan_story(none, plan_context(raw_scenario()))
    assert story.headline == "No plan: no plan meets every limit." and story.sections == ()


def test_the_context_reads_names_coordinates_and_reach_and_round_trips_as_json():
    ctx = plan_context(raw_scenario())
    assert ctx.routes == {"ug": "undergraduate radiography", "intl": "international recruitment",
                          "rtp": "return to practice"}
    nameless = raw_scenario()
    nameless.tables["routes"].loc[2, "name"] = ""
    nameless.tables["retention"].loc[0, "scheme"] = "flexible_working"
    assert plan_context(nameless).routes["rtp"] == "rtp"  # a blank name reads as the identifier, as words
    # a scheme reads as what it does and for whom (its applies_to: leavers or retirements)
    assert plan_context(nameless).name("flexible_working") == "Radiographer: retention scheme"
    nameless.tables["retention"]["applies_to"] = ["retirements"]
    assert plan_context(nameless).name("flexible_working") == "Radiographer: flexible retirement (retire and return)"
    assert ctx.coordinates == {"a": (52.5, -2.0), "b": (52.0, -1.5)}
    assert ctx.reached_by == {"rad": ("ug", "intl", "rtp", "flexible_working")}
    assert ctx.covered_by == {"son": ("rad",)}
    assert PlanContext.from_json(ctx.to_json()) == ctx
    half = raw_scenario()
    half.tables["regions"].loc[1, "latitude"] = ""
    assert plan_context(half).coordinates == {}  # a map with a region missing would mislead


def test_the_run_folder_and_workbook_carry_the_story_first(tmp_path):
    ctx = plan_context(raw_scenario())
    write_plan(plan_result(), tmp_path / "plan", context=ctx)
    md = (tmp_path / "plan" / "summary.md").read_text(encoding="utf-8")
    assert md.startswith("# Two ICBs by hand: the plan in brief") and "Provider P, undergraduate radiography" in md
    wb = openpyxl.load_workbook(tmp_path / "plan" / "plan.xlsx")
    assert wb.sheetnames[:3] == ["Summary", "How to read this", "Key figures"]
    cells = [c for row in wb["Summary"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any("The limit that binds hardest: Placement weeks, Region A, 2026." in c for c in cells)
    back = read_plan_folder(tmp_path / "plan")
    assert back.context == ctx and back.manifest_file == "run.json" and len(back.manifest_sha256) == 64
    assert plan_story(back.result, back.context).markdown() == md


def test_the_map_draws_hubs_and_flows_and_the_heat_maps_sum_to_the_tables():
    ctx = plan_context(raw_scenario())
    plan = plan_result()
    flows = placement_flows(plan.starts, ctx)
    assert flows.to_dict("records") == [{"from_region": "a", "to_region": "a", "learners": 10},
                                        {"from_region": "a", "to_region": "b", "learners": 4}]
    fig, table = region_map(plan.starts, plan.projection, ctx)
    lines = [t for t in fig.data if t.mode == "lines"]
    assert len(lines) == 1 and list(lines[0].x) == [-2.0, -1.5] and list(lines[0].y) == [52.5, 52.0]
    assert table.to_dict("records")[1] == {"from": "Region A", "to": "Region B", "learners": 4}
    assert region_map(plan.starts, plan.projection, plan_context(raw_scenario(coordinates=False))) is None
    _, starts = starts_heatmap(plan.starts, ctx)
    assert list(starts.columns) == ["provider, route", "2025", "2026"]
    assert starts.set_index("provider, route").loc["Provider P, undergraduate radiography"].tolist() == [10, 4]
    _, short = shortfall_heatmap(plan.projection, ctx)
    assert short.set_index("region").loc["Region A"].tolist() == [8.0, 8.0]  # rad + son, 2026 and 2027


def test_a_lever_without_a_name_reads_without_one_even_when_read_back_as_nan():
    levers = pd.DataFrame([("extra educators", math.nan, "a, 2030", 55000.0, 2.9, 53.4)],
                          columns=["lever", "name", "where", "gbp_per_unit", "wte_years_per_unit", "wte_years_per_gbp_m"])
    story = plan_story(plan_result(levers=levers), plan_context(raw_scenario()))
    assert story.sections[4].lines[1] == ("Where the next GBP 1m goes furthest: extra practice educators (Region A, "
                                          "2030), 53.4 weighted WTE-years of shortfall per GBP 1m at the margin.")


def test_the_fuller_manifest_is_hashed_where_a_run_wrote_one(tmp_path):
    write_plan(plan_result(), tmp_path / "plan", context=plan_context(raw_scenario()))
    assert read_plan_folder(tmp_path / "plan").manifest_file == "run.json"
    (tmp_path / "plan" / "manifest.json").write_text('{"inputs": {}}\n', encoding="utf-8")
    back = read_plan_folder(tmp_path / "plan")
    assert back.manifest_file == "manifest.json"
    assert back.manifest_sha256 == hashlib.sha256(b'{"inputs": {}}\n').hexdigest()


def test_a_plan_with_more_shortfall_than_the_status_quo_says_more():
    plan = plan_result()
    worse = plan.__class__(**{**plan.__dict__, "weighted_shortfall": 33.0})
    story = plan_story(worse, plan_context(raw_scenario()))
    assert "from 22.0 WTE-years if current commissioning simply continues (50% more)" in story.headline
