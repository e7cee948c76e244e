"""Uncertain effects of first-stage decisions (uncertainty.csv retention_effect and returner_pool),
hand-derived: the plan is taken on the unperturbed scenario; a future realises less of it."""


import numpy as np
import pandas as pd
import pytest
from scenarios import group, make, route, uncertainty_row

import optimiser
from optimiser.analysis.robust import solve_robust
from optimiser.analysis.sampling import sample_scenario
from optimiser.analysis.sweep import uncertain_inputs

pytestmark = pytest.mark.integration

SCHEME = dict(scheme="flex", staff_group="rad", applies_to="leavers", max_share=0.5, cost_per_wte=0)
RETURNER = route(route="rtp", kind="returner")


def _one_year(uncertainty: list[dict], **tables) -> optimiser.Scenario:
    """In post 100 against 120 in 2025, 10% leavers, one measured year (2026)."""
    t = {"staff_groups": [group(leaver_rate=0.1)], "provider_routes": [], "providers": [], "routes": [],
         "uncertainty": uncertainty, **tables}
    return make(t, horizon_years=1)


def _sweep_of_the_plan(sc):
    r = optimiser.sweep(sc, 2, plan="optimised", workers=1)
    ws = r.samples.loc[r.samples["plan"] == "plan", "weighted_shortfall"].tolist()
    unperturbed = r.totals.set_index(["plan", "measure"]).loc[("plan", "weighted_shortfall"), "unperturbed"]
    return unperturbed, ws, r.draws


def test_a_realised_retention_share_below_one_loses_exactly_the_wte_not_delivered():
    """The plan retains half of the 10 leavers: 5 WTE (stock 2026: 95, short 25). A future whose scheme
    delivers 0.6 of it keeps 3: short 27, 2 WTE more = (1 - 0.6) x 5. The plan's 5 WTE stay planned."""
    sc = _one_year([uncertainty_row("retention_effect", "flex", "uniform", "low=0.6;high=0.6;effect=value")],
                   retention=[SCHEME])
    unperturbed, futures, draws = _sweep_of_the_plan(sc)
    assert unperturbed == pytest.approx(25)
    assert futures == pytest.approx([27, 27])
    assert draws[["parameter", "key", "base_value", "sampled_value"]].drop_duplicates().values.tolist() == [
        ["retention_effect", "flex", 1.0, 0.6]]
    # a staff-group scope reaches the group's schemes; a named scheme replaces it (f = 0.9: short 25.5)
    by_group = [uncertainty_row("retention_effect", "rad", "uniform", "low=0.6;high=0.6;effect=value"),
                uncertainty_row("retention_effect", "flex", "uniform", "low=-0.1;high=-0.1")]
    assert _sweep_of_the_plan(_one_year(by_group, retention=[SCHEME]))[1] == pytest.approx([25.5, 25.5])


def test_a_pool_factor_below_one_caps_arrivals():
    """The plan recruits the whole pool of 8 returners in 2025 (short 120 - 90 - 8 = 22). A future with
    a pool factor of 0.25 realises 2 of them: short 28; a factor of 1.5 caps nothing (the plan's 8)."""
    pool = {"routes": [RETURNER], "recruitment_pool": [dict(route="rtp", max_recruits=8)]}
    sc = _one_year([uncertainty_row("returner_pool", "*", "uniform", "low=0.25;high=0.25;effect=value")], **pool)
    unperturbed, futures, _ = _sweep_of_the_plan(sc)
    assert unperturbed == pytest.approx(22)
    assert futures == pytest.approx([28, 28])
    larger = _one_year([uncertainty_row("returner_pool", "rtp", "uniform", "low=0.5;high=0.5")], **pool)
    assert _sweep_of_the_plan(larger)[1] == pytest.approx([22, 22])


def _pool_or_training(factor: float | None):
    """Demand 120, in post 100, no leavers, one measured year. Returners: up to 20 at GBP 1 each;
    starts: up to 20 at GBP 2 each; 0.3 of objective per GBP. With `factor`, the returner pool
    realised in the one future is factor x 20."""
    rows = [] if factor is None else [uncertainty_row("returner_pool", "rtp", "uniform",
                                                      f"low={factor};high={factor};effect=value")]
    t = {"routes": [route(cost_per_start=2), route(route="rtp", kind="returner", cost_per_start=1)],
         "provider_routes": [dict(provider="p", route="ug", max_starts=20)],
         "recruitment_pool": [dict(route="rtp", max_recruits=20)], "uncertainty": rows}
    sc = make(t, horizon_years=1, cost_weight=0.3)
    if factor is None:
        return sc
    return sample_scenario(sc, uncertain_inputs(sc), np.random.SeedSequence(0))[0]


def test_robust_plan_buys_fewer_returners_when_the_pool_is_uncertain():
    """Deterministic: 20 returners (GBP 20 x 0.3 = 6), no gap. Futures, equally likely: the full pool,
    and a quarter of it (5 arrive). With R returners and S starts (R >= 5, S <= 15, R + S <= 15 + 5) the
    mean objective is 16.5 - 0.2 (R - 5) - 0.4 S, least at R = 5, S = 15: 1.5 + 9 = 10.5. The
    deterministic plan there: 6 + 0.5 x 0 + 0.5 x 15 = 13.5, so VSS = 3."""
    base = _pool_or_training(None)
    futures = [_pool_or_training(1.0), _pool_or_training(0.25)]
    r = solve_robust(base, 2, futures=futures, gap=1e-9, wait_and_see=False)
    assert r.deterministic.recruits["recruits"].sum() == 20 and r.deterministic.starts["starts"].sum() == 0
    assert r.plan.recruits["recruits"].sum() == 5 and r.plan.starts["starts"].sum() == 15
    assert r.summary["objective"] == pytest.approx(10.5)
    assert r.vss == pytest.approx(3.0)
    in_sample = r.futures[r.futures["set"] == "in_sample"].set_index(["plan", "sample"])["weighted_shortfall"]
    assert in_sample["deterministic"].tolist() == pytest.approx([0, 15])
    assert in_sample["robust"].tolist() == pytest.approx([0, 0])


@pytest.fixture
def example_v2_with_realised(tmp_path, example_v2_dir):
    from conftest import with_uncertainty

    return with_uncertainty(example_v2_dir, tmp_path / "example_v2", "leaver_rate,*,normal,sd=0.005",
                            "retention_effect,*,beta,a=8;b=2;draw=each",
                            "returner_pool,return_to_practice,lognormal,sigma=0.4")


def test_sweeps_with_realised_factors_are_the_same_in_sequence_and_on_the_pool(example_v2_with_realised):
    sc = optimiser.load_scenario(example_v2_with_realised)
    runs = [optimiser.sweep(sc, 4, plan="optimised", seed=7, workers=w) for w in (1, 2, 1)]
    first = runs[0]
    for other in runs[1:]:
        pd.testing.assert_frame_equal(first.samples, other.samples)
        pd.testing.assert_frame_equal(first.draws, other.draws)
        pd.testing.assert_frame_equal(first.totals, other.totals)
    drawn = set(first.draws["parameter"])
    assert {"retention_effect", "returner_pool"} <= drawn
    shares = first.draws[first.draws["parameter"] == "retention_effect"]
    assert set(shares["key"]) == {"flexible_working", "retire_and_return"}  # draw=each: one per scheme
    assert ((shares["sampled_value"] > 0) & (shares["sampled_value"] < 1)).all()
    # the futures lose some of what the plan buys: worse than the unperturbed plan on average
    plan = first.totals.set_index(["plan", "measure"]).loc[("plan", "weighted_shortfall")]
    assert plan["mean"] > plan["unperturbed"]
