"""The synthetic scenario generator: every preset validates, is seeded and is plausible (that S
solves is tests/integration/test_synthetic_solves.py).

Figures are checked against independent arithmetic on the generated tables (the same rule the
README states), not against the generator's own helpers.
"""

from __future__ import annotations

import math

import networkx as nx
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from optimiser.cli.errors import Exit
from optimiser.cli.generate import generate_command
from optimiser.scenario.io import load_raw
from optimiser.scenario.validation import validate_raw
from optimiser.synthetic import generate, preset_names, write_preset

pytestmark = pytest.mark.unit

WM = ["birmingham_solihull", "black_country", "coventry_warwickshire", "herefordshire_worcestershire",
      "shropshire_telford_wrekin", "staffordshire_stoke"]
WALES = {"Betsi Cadwaladr University Health Board", "Hywel Dda University Health Board",
         "Powys Teaching Health Board", "Swansea Bay University Health Board",
         "Cwm Taf Morgannwg University Health Board", "Cardiff and Vale University Health Board",
         "Aneurin Bevan University Health Board"}


@pytest.fixture(scope="module")
def raws():
    return {p: generate(p, 0) for p in preset_names()}


def num(df: pd.DataFrame, col: str) -> pd.Series:
    return pd.to_numeric(df[col].replace("", None)).astype(float)


def test_every_preset_validates_without_any_issue(raws):
    assert set(raws) == {"S", "M", "L", "XL", "W", "S2", "L2"}
    for name, raw in raws.items():
        report, tables, _ = validate_raw(raw)
        assert report.ok, f"{name}:\n{report.render()}"
        assert not report.issues, f"{name} has warnings:\n{report.render()}"
        assert tables is not None


def test_preset_sizes_match_the_brief(raws):
    sizes = {p: (len(r.tables["regions"]), len(r.tables["staff_groups"]), r.config["horizon_years"])
             for p, r in raws.items()}
    assert sizes == {"S": (6, 13, 15), "M": (11, 13, 15), "L": (42, 13, 15), "XL": (42, 20, 20), "W": (7, 13, 15),
                     "S2": (6, 13, 15), "L2": (42, 13, 15)}
    assert sorted(raws["S"].tables["regions"]["region"]) == sorted(WM)
    assert set(raws["M"].tables["regions"]["parent"]) == {"Midlands"}
    assert 55 <= len(raws["L"].tables["providers"]) <= 65  # "about 60 providers"
    # the route set of the default, plus one upskilling route per derived group in XL
    default_routes = set(load_raw_default().tables["routes"]["route"])
    assert set(raws["L"].tables["routes"]["route"]) == default_routes
    assert len(set(raws["XL"].tables["routes"]["route"]) - default_routes) == 7


def load_raw_default():
    from optimiser.basics.locations import V1_SCENARIO_DIR  # the template (the v1 default)

    return load_raw(V1_SCENARIO_DIR)


def test_same_seed_same_scenario_other_seed_other_noise():
    a, b, c = generate("M", 3), generate("m", 3), generate("M", 4)
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name])
    assert not a.tables["workforce"].equals(c.tables["workforce"])
    assert a.config == b.config


def test_a_region_has_the_same_figures_in_every_preset_that_contains_it(raws):
    s = raws["S"].tables["workforce"].set_index(["region", "staff_group"])["in_post_wte"]
    big = raws["L"].tables["workforce"].set_index(["region", "staff_group"])["in_post_wte"]
    pd.testing.assert_series_equal(s.sort_index(), big.loc[s.index].sort_index())


def test_wales_has_the_seven_health_boards_and_their_land_borders(raws):
    t = raws["W"].tables
    assert set(t["regions"]["name"]) == WALES
    pairs = {frozenset(p) for p in zip(t["links"]["region_a"], t["links"]["region_b"], strict=True)}
    assert len(pairs) == 11
    # Powys borders every board but Cardiff and Vale; Betsi Cadwaladr only Powys and Hywel Dda (the Dyfi)
    assert {frozenset(("betsi_cadwaladr", "powys_teaching")), frozenset(("betsi_cadwaladr", "hywel_dda"))} <= pairs
    assert sum("powys_teaching" in p for p in pairs) == 5
    assert frozenset(("powys_teaching", "cardiff_vale")) not in pairs
    assert sum("betsi_cadwaladr" in p for p in pairs) == 2
    assert frozenset(("hywel_dda", "cardiff_vale")) not in pairs


def test_england_travel_graph_is_connected_and_minutes_follow_distance(raws):
    links = raws["L"].tables["links"]
    g = nx.Graph(list(zip(links["region_a"], links["region_b"], strict=True)))
    assert g.number_of_nodes() == 42 and nx.is_connected(g)
    minutes = {frozenset(p): float(m) for *p, m in links[["region_a", "region_b", "travel_minutes"]].itertuples(index=False)}
    # Birmingham (52.47, -1.85) to the Black Country (52.55, -2.05): 16.2 km by haversine;
    # 17.2 + 0.683 x 16.2 = 28.3 minutes, x jitter 0.9-1.1 = 25.5-31.1, to 5 -> 25 or 30
    assert minutes[frozenset(("birmingham_solihull", "black_country"))] in (25.0, 30.0)
    # no link across open water from Kent to Suffolk; Cornwall joins only Devon
    assert frozenset(("kent_medway", "suffolk_north_east_essex")) not in minutes
    assert set(g["cornwall_isles_of_scilly"]) == {"devon"}
    assert all(m % 5 == 0 and m >= 15 for m in minutes.values())


def test_national_totals_scale_the_template_per_million_residents(raws):
    """England in post = the default's WTE per million residents x 56.815 million, within noise."""
    wm = load_raw_default().tables["workforce"]
    wm_dr = num(wm[wm["staff_group"] == "diagnostic_radiographer"], "in_post_wte").sum()
    assert wm_dr == pytest.approx(1880.0)
    expected = 1880.0 / 5.930 * 56.815  # 18,012 WTE: ESR-calibrated radiographers scaled to England
    wf = raws["L"].tables["workforce"]
    got = num(wf[wf["staff_group"] == "diagnostic_radiographer"], "in_post_wte").sum()
    assert got == pytest.approx(expected, rel=0.05)
    # establishment is never below in post
    assert (num(wf, "establishment_wte") >= num(wf, "in_post_wte")).all()


def test_xl_derived_groups_are_carved_out_of_their_parents(raws):
    """Carving out specialists leaves the national radiographer total unchanged (to rounding)."""
    def total(raw, groups):
        wf = raw.tables["workforce"]
        return num(wf[wf["staff_group"].isin(groups)], "in_post_wte").sum()

    l_dr = total(raws["L"], ["diagnostic_radiographer"])
    xl_dr = total(raws["XL"], ["diagnostic_radiographer", "ct_radiographer", "mri_radiographer",
                               "interventional_radiographer"])
    assert xl_dr == pytest.approx(l_dr, abs=42 * 4 * 0.05 + 1e-6)  # 42 regions x 4 rows rounded to 0.1
    routes = raws["XL"].tables["routes"].set_index("route")
    assert routes.loc["ct_pgcert", "draws_from"] == "diagnostic_radiographer"
    assert routes.loc["ct_pgcert", "produces"] == "ct_radiographer"
    assert routes.loc["interventional_fellowship", "duration_years"] == "1"


def test_every_region_can_reach_every_training_route(raws):
    for name, raw in raws.items():
        t = raw.tables
        g = nx.Graph()
        g.add_nodes_from(t["regions"]["region"])
        for a, b, m in t["links"][["region_a", "region_b", "travel_minutes"]].itertuples(index=False):
            g.add_edge(a, b, minutes=float(m))
        limit = float(raw.config["max_travel_minutes"])
        where = dict(zip(t["providers"]["provider"], t["providers"]["region"], strict=True))
        routes = t["routes"]
        for k in routes.loc[routes["kind"] == "training", "route"]:
            homes = {where[p] for p in t["provider_routes"].loc[t["provider_routes"]["route"] == k, "provider"]}
            for r in g.nodes:
                near = nx.single_source_dijkstra_path_length(g, r, cutoff=limit, weight="minutes")
                assert homes & set(near), f"{name}: no provider of {k} within {limit} minutes of {r}"


def test_committed_pipeline_matches_the_status_quo_cohorts(raws):
    """Stock year y0+4 gets only the 4-year apprenticeship's last in-flight cohort: starts x 0.75."""
    t = raws["S"].tables
    b = t["baseline_starts"]
    b = b[(b["year"] == "") & (b["route"] == "radiographer_degree_apprenticeship")]
    c = t["committed_inflows"]
    c = c[(c["staff_group"] == "diagnostic_radiographer") & (c["year"] == "2026")]
    expected = (num(b, "starts").groupby(b["region"]).sum() * 0.75).round(2)
    got = num(c, "wte").groupby(c["region"]).sum()
    pd.testing.assert_series_equal(got.sort_index(), expected[expected > 0].sort_index(), check_names=False)


def test_budget_is_the_status_quo_steady_cost_plus_ten_percent(raws):
    for name in ("S", "W"):
        t = raws[name].tables
        r = t["routes"].set_index("route")
        b = t["baseline_starts"][t["baseline_starts"]["year"] == ""]
        steady = sum(float(n) * (float(r.loc[k, "duration_years"]) * float(r.loc[k, "cost_per_learner_year"])
                                 + float(r.loc[k, "cost_per_start"])) for k, n in zip(b["route"], b["starts"], strict=True))
        budget = t["budget"].set_index("year")["budget_gbp"]
        assert float(budget[""]) == round(steady * 1.10, -5)
        # start year: the pipeline's cost leaves little, later years more, as in the default
        years = [float(budget[y]) for y in ("2023", "2024", "2025", "2026")]
        assert years == sorted(years) and years[-1] < float(budget[""])


def test_placement_capacity_runs_the_status_quo_at_80_to_90_percent(raws):
    t = raws["L"].tables
    r = t["routes"].set_index("route")
    b = t["baseline_starts"][(t["baseline_starts"]["year"] == "") & (t["baseline_starts"]["provider"] != "")]
    use = pd.Series([float(n) * float(r.loc[k, "duration_years"]) * float(r.loc[k, "placement_weeks"])
                     for k, n in zip(b["route"], b["starts"], strict=True)], index=b["region"]).groupby(level=0).sum()
    pc = t["placement_capacity"]
    cap = num(pc[pc["year"] == ""], "placement_weeks")
    cap.index = pc.loc[pc["year"] == "", "region"]
    util = use / cap
    assert util.between(0.80 - 0.02, 0.90 + 0.02).all(), util.describe()


def test_providers_caps_hold_their_status_quo_and_minimum_cohorts(raws):
    for name, raw in raws.items():
        t = raw.tables
        mc = num(t["routes"].set_index("route"), "min_cohort")
        b = t["baseline_starts"][(t["baseline_starts"]["year"] == "") & (t["baseline_starts"]["provider"] != "")]
        totals = num(b, "starts").groupby([b["provider"], b["route"]]).sum()
        caps = num(t["provider_routes"], "max_starts")
        caps.index = pd.MultiIndex.from_frame(t["provider_routes"][["provider", "route"]])
        for (p, k), n in totals.items():
            assert n >= mc[k], f"{name}: {p} runs {k} below its minimum cohort"
            assert n <= caps[p, k], f"{name}: {p} status quo on {k} above its cap"


@pytest.mark.parametrize("form,name", [("folder", "S"), ("workbook", "S.xlsx")])
def test_write_preset_round_trips(tmp_path, form, name):
    dst = write_preset("S", tmp_path / name, seed=1, form=form)
    back = load_raw(dst)
    report, _, _ = validate_raw(back)
    assert report.ok, report.render()
    raw = generate("S", 1)
    for table, df in raw.tables.items():
        pd.testing.assert_frame_equal(back.tables[table].reset_index(drop=True), df, check_dtype=False)


def test_bad_requests_are_refused_with_a_message(tmp_path):
    with pytest.raises(ValueError, match="unknown preset 'Q'.*S, M, L, XL, W, S2, L2"):
        generate("Q")
    with pytest.raises(ValueError, match="seed must be a whole number of 0 or more"):
        generate("S", -1)
    with pytest.raises(ValueError, match="ends in .xlsx"):
        write_preset("S", tmp_path / "x.xlsx", form="folder")
    assert not (tmp_path / "x.xlsx").exists()


def test_generate_command_as_a_cli(tmp_path):
    app = typer.Typer()
    app.command("generate")(generate_command)
    app.command("noop")(lambda: None)  # two commands, so typer keeps the subcommand name
    runner = CliRunner()
    out = tmp_path / "w"
    ok = runner.invoke(app, ["generate", "w", "--out", str(out), "--seed", "2"])
    assert ok.exit_code == 0, ok.output
    assert "7 regions, 11 links, 13 staff groups" in ok.output
    assert validate_raw(load_raw(out))[0].ok
    for args, message in ((["generate", "Q", "--out", str(tmp_path / "q")], "unknown preset 'Q'"),
                          (["generate", "S", "--out", str(out)], "already exists"),
                          (["generate", "S", "--out", str(tmp_path / "f"), "--form", "csv"], "--form must be"),
                          (["generate", "S", "--out", str(tmp_path / "f"), "--form", "workbook"], "ending in .xlsx")):
        res = runner.invoke(app, args)
        assert isinstance(res.exception, Exit) and res.exception.code == 2, res.output
        assert message in res.exception.message
    assert not (tmp_path / "q").exists() and not (tmp_path / "f").exists()


def test_seed_changes_noise_but_keeps_national_scale():
    """Different seeds move regional figures a few percent; totals stay within the noise."""
    a = generate("L", 0).tables["workforce"]
    b = generate("L", 7).tables["workforce"]
    ta, tb = num(a, "in_post_wte").sum(), num(b, "in_post_wte").sum()
    assert ta != tb and math.isclose(ta, tb, rel_tol=0.05)
