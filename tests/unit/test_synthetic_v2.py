"""The v2 presets (S2, L2; optimiser/synthetic/v2.py): the v1 preset of the same regions in the v2
format, made the way the v2 default was made from the v1 default. That S2 solves is
tests/integration/test_synthetic_solves.py; that every preset validates, tests/unit/test_synthetic.py."""

from __future__ import annotations

import pandas as pd
import pytest

from optimiser.basics.locations import DEFAULT_SCENARIO_DIR
from optimiser.scenario.io import load_raw
from optimiser.scenario.validation import validate_raw
from optimiser.synthetic import generate

pytestmark = pytest.mark.unit

V2_TABLES = ("retention", "recruitment_pool", "policy_shares", "modalities", "activity", "workload")
TEMPLATE_MILLIONS, ENGLAND_MILLIONS = 5.930, 56.815  # the six ICBs' residents; England's (england_icbs.csv)


@pytest.fixture(scope="module")
def raws():
    return {p: generate(p, 0) for p in ("S", "S2", "L2")}


@pytest.fixture(scope="module")
def default():
    return load_raw(DEFAULT_SCENARIO_DIR)


def num(df: pd.DataFrame, col: str) -> pd.Series:
    return pd.to_numeric(df[col].replace("", None)).astype(float)


@pytest.mark.parametrize("name", ["S2", "L2"])
def test_a_v2_preset_validates_and_carries_the_v2_tables_and_settings(raws, default, name):
    raw = raws[name]
    report, tables, _ = validate_raw(raw)
    assert report.ok and not report.issues, report.render()
    for table in V2_TABLES:
        assert len(tables[table]) > 0, f"{name}: {table} is empty"
    for key in ("first_decision_year", "run_out_years", "max_change_share", "max_change_per_year", "target_year"):
        assert raw.config[key] == default.config[key], key
    for table in ("staff_groups", "routes", "skill_mix", "retention", "policy_shares", "modalities", "workload"):
        pd.testing.assert_frame_equal(raw.tables[table].reset_index(drop=True),
                                      default.tables[table].reset_index(drop=True), obj=table)
    assert raw.config["horizon_years"] == 15  # the preset's, not the default's


def test_v1_presets_stay_v1():
    raw = generate("S", 0)
    assert not set(V2_TABLES) & set(raw.tables)
    assert "first_decision_year" not in raw.config


def test_s2_shares_the_s_presets_staff_and_regions(raws):
    for table in ("regions", "links", "workforce", "providers"):
        pd.testing.assert_frame_equal(raws["S2"].tables[table], raws["S"].tables[table], obj=table)


def test_exams_and_pooled_recruits_scale_per_million_residents(raws, default):
    """England's exams = the six ICBs' exams per million residents x 56.815 million, within noise;
    a pooled market = the default's x 56.815 / 5.930, to whole recruits."""
    act = default.tables["activity"]
    ct_template = num(act[act["modality"] == "ct"], "exams").sum()
    l2 = raws["L2"].tables["activity"]
    assert set(l2["year"]) == {""} and l2["region"].nunique() == 42
    ct = num(l2[l2["modality"] == "ct"], "exams").sum()
    assert ct == pytest.approx(ct_template / TEMPLATE_MILLIONS * ENGLAND_MILLIONS, rel=0.05)
    assert (num(l2, "exams") % 100 == 0).all()
    pool = raws["L2"].tables["recruitment_pool"].set_index("route")
    assert int(pool.loc["international_radiographer", "max_recruits"]) == round(95 * ENGLAND_MILLIONS / TEMPLATE_MILLIONS)
    assert set(pool["region"]) == {""}


def test_the_learners_in_training_follow_the_v2_routes(raws):
    """The apprenticeship takes 3 years in the v2 routes (4 in v1): no apprentice who started
    before the start year is still in training three years on, so the S2 committed inflows of
    diagnostic radiographers stop a year earlier than S's."""
    def last_year(raw):
        ci = raw.tables["committed_inflows"]
        dr = ci[(ci["staff_group"] == "diagnostic_radiographer") & (num(ci, "wte") > 0)]
        return int(num(dr, "year").max())

    routes = raws["S2"].tables["routes"].set_index("route")
    assert routes.loc["radiographer_degree_apprenticeship", "duration_years"] == "3"
    assert last_year(raws["S2"]) == last_year(raws["S"]) - 1
