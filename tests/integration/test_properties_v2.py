"""Properties of the v2 levers on random small scenarios (hypothesis): more levers never make the
optimum worse, the status quo keeps today's skill mix, and every plan written to disk keeps its
policy shares, pool caps and retention caps, re-checked from the output files alone."""

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from plan_files import cap_breaches
from scenarios import group, make, route

import optimiser
from optimiser.outputs.reports import write_plan

pytestmark = pytest.mark.integration
FAST = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
YEARS = range(2025, 2028)  # start years of the horizon of 3


@st.composite
def v2_scenarios(draw, retention=True, returners=True):
    """Two regions, one staff group with leavers, a training, an international and a returner route,
    pools, policy shares and retention schemes, frozen and run-out years, all drawn at random."""
    posts = [draw(st.integers(20, 100)) for _ in "ab"]
    t = {
        "regions": [dict(region="a", name="A"), dict(region="b", name="B")],
        "links": [dict(region_a="a", region_b="b", travel_minutes=30)],
        "staff_groups": [group(leaver_rate=draw(st.sampled_from([0.05, 0.1])), retirement_rate=0.03)],
        "workforce": [dict(region=r, staff_group="rad", in_post_wte=p, establishment_wte=p + draw(st.integers(0, 30)))
                      for r, p in zip("ab", posts, strict=True)],
        "routes": [route(duration_years=draw(st.integers(1, 2)), cost_per_start=draw(st.sampled_from([0, 1000]))),
                   route(route="intl", kind="international", completion_rate=0.9, cost_per_start=500)],
        "provider_routes": [dict(provider="p", route="ug", max_starts=draw(st.integers(2, 12)))],
        "baseline_starts": [dict(provider="p", region="a", route="ug", starts=draw(st.integers(0, 3))),
                            dict(provider="", region="b", route="intl", starts=draw(st.integers(0, 2)))],
        "recruitment_pool": [dict(route="intl", max_recruits=draw(st.integers(0, 6)))],
        "budget": [dict(budget_gbp=draw(st.integers(2, 12)) * 1000)],
        "policy_shares": [dict(staff_group="rad", routes="intl", max_share=draw(st.sampled_from([0.2, 0.5])))],
        "retention": [],
    }
    if returners:
        t["routes"].append(route(route="rtp", kind="returner", completion_rate=0.8, cost_per_start=200,
                                 placement_weeks=draw(st.sampled_from([0, 5]))))
        t["recruitment_pool"] += [dict(route="rtp", max_recruits=draw(st.integers(0, 5))),
                                  dict(route="rtp", region="a", max_recruits=draw(st.integers(0, 3)))]
        t["policy_shares"].append(dict(staff_group="rad", routes="ug rtp", min_share=draw(st.sampled_from([0.3, 0.6]))))
    if retention:
        t["retention"] = [
            dict(scheme="stay", staff_group="rad", applies_to="leavers", max_share=draw(st.sampled_from([0.3, 0.7])),
                 cost_per_wte=draw(st.sampled_from([0, 800]))),
            dict(scheme="stay", staff_group="rad", region="b", applies_to="leavers", max_share=0.1, cost_per_wte=0),
            dict(scheme="late", staff_group="rad", applies_to="leavers", max_share=0.6, cost_per_wte=300),
            dict(scheme="phased", staff_group="rad", year=2027, applies_to="retirements", max_share=0.5,
                 cost_per_wte=0)]
    config = dict(horizon_years=3, first_decision_year=draw(st.sampled_from([2025, 2026])),
                  run_out_years=draw(st.integers(0, 2)), max_change_share=draw(st.sampled_from([0, 0.5])))
    return t, config


def objective(tables: dict, config: dict) -> float:
    plan = optimiser.solve(make(tables, **config), with_status_quo=False)
    assert plan.status == "optimal", plan.message
    return plan.objective


@FAST
@given(v2_scenarios(retention=False))
def test_adding_a_retention_scheme_never_raises_the_optimal_shortfall(drawn):
    tables, config = drawn
    without = objective(tables, config)
    scheme = dict(scheme="new", staff_group="rad", applies_to="leavers", max_share=0.5, cost_per_wte=500)
    assert objective({**tables, "retention": [scheme]}, config) <= without + 1e-6


@FAST
@given(v2_scenarios(returners=False))
def test_adding_a_returner_route_never_raises_the_optimal_shortfall(drawn):
    tables, config = drawn
    without = objective(tables, config)
    rtp = route(route="rtp", kind="returner", completion_rate=0.8, cost_per_start=200, placement_weeks=5)
    more = {**tables, "routes": [*tables["routes"], rtp],
            "recruitment_pool": [*tables["recruitment_pool"], dict(route="rtp", max_recruits=4)]}
    assert objective(more, config) <= without + 1e-6


@FAST
@given(st.sampled_from([0.0, 0.1, 0.3]), st.sampled_from([0.3, 0.6, 1.0]), st.integers(0, 30), st.sampled_from(["", "pf"]))
def test_the_status_quo_never_uses_more_skill_mix_than_current_share(tmp_path_factory, current, extra, surplus, modality):
    assistant = group(staff_group="ap", name="Assistant")
    share = min(1.0, current + extra)
    t = {"staff_groups": [group(), assistant], "provider_routes": [],
         "workforce": [dict(region="a", staff_group="rad", in_post_wte=80, establishment_wte=100),
                       dict(region="a", staff_group="ap", in_post_wte=20 + surplus, establishment_wte=20)],
         # 75.8 WTE of plain film and 24.2 of CT: rad is 20 short, so spare ap are worth deploying
         "activity": [dict(region="a", modality="pf", exams=150_000), dict(region="a", modality="ct", exams=40_000)],
         "workload": [dict(modality="pf", staff_group="rad", minutes_per_exam=50),
                      dict(modality="ct", staff_group="rad", minutes_per_exam=60)],
         "skill_mix": [dict(covering_group="ap", covered_group="rad", modality=modality, max_share=share,
                            productivity=0.8, current_share=current)]}
    out = tmp_path_factory.mktemp("plan")
    write_plan(optimiser.solve(make(t)), out)
    for name, limit in (("status_quo_skill_mix.csv", current), ("skill_mix.csv", share)):
        mix = pd.read_csv(out / name)
        assert (mix["share_of_work"] <= limit + 1e-9).all(), name
        assert surplus == 0 or limit == 0 or not mix.empty, name  # spare staff are deployed up to the limit


@FAST
@given(v2_scenarios())
def test_policy_shares_pools_and_retention_caps_hold_in_the_files(tmp_path_factory, drawn):
    tables, config = drawn
    scenario = make(tables, **config)
    plan = optimiser.solve(scenario)
    assert plan.status == "optimal", plan.message
    out = tmp_path_factory.mktemp("plan")
    write_plan(plan, out)
    assert cap_breaches(out, scenario) == []  # placements, educators, onboarding, pools, budgets (tests/plan_files.py)
    starts, recruits = pd.read_csv(out / "starts.csv"), pd.read_csv(out / "recruits.csv")
    retained, projection = pd.read_csv(out / "retention.csv"), pd.read_csv(out / "projection.csv")
    first = config["first_decision_year"]
    heads = pd.concat([starts[["route", "year", "starts"]].rename(columns={"starts": "n"}),
                       recruits[["route", "year", "recruits"]].rename(columns={"recruits": "n"})])
    heads = heads[heads["year"] >= first].groupby(["route", "year"])["n"].sum()
    for row in tables["policy_shares"]:
        selected = row["routes"].split()
        for y in range(first, 2028):
            every = heads[heads.index.get_level_values("year") == y]
            total = every.sum()
            mine = every[every.index.get_level_values("route").isin(selected)].sum()
            if "min_share" in row:
                assert mine >= row["min_share"] * total - 1e-6
            if "max_share" in row:
                assert mine <= row["max_share"] * total + 1e-6
    decided = recruits[recruits["year"] >= first]
    for row in tables["recruitment_pool"]:
        mine = decided[decided["route"] == row["route"]]
        if "region" in row:
            mine = mine[mine["region"] == row["region"]]
        assert (mine.groupby("year")["recruits"].sum() <= row["max_recruits"]).all()
    supply = projection.set_index(["staff_group", "region", "year"])["supply_wte"]
    rate = {"leavers": tables["staff_groups"][0]["leaver_rate"], "retirements": 0.03}
    for _, w in retained.iterrows():
        assert first <= w["year"] <= 2027
        rows = [r for r in tables["retention"] if r["scheme"] == w["scheme"]]
        dated = [r for r in rows if r.get("year") == w["year"]]
        regional = [r for r in rows if r.get("region") == w["region"] and "year" not in r]
        blank = [r for r in rows if "region" not in r and "year" not in r]
        row = (dated or regional or blank)[0]
        stock = supply[(w["staff_group"], w["region"], w["year"])]
        assert w["retained_wte"] <= row["max_share"] * rate[row["applies_to"]] * stock + 1e-6
    per_stream = retained.assign(stream=retained["scheme"].map(
        {r["scheme"]: r["applies_to"] for r in tables["retention"]})).groupby(["region", "year", "stream"])
    for (r, y, stream), rows in per_stream:
        assert rows["retained_wte"].sum() <= rate[stream] * supply[("rad", r, y)] + 1e-6
