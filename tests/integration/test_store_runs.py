"""The store with runs from real solves: plans, status quos and frontiers saved and read back,
deletes that take their runs along, a run save that fails midway. Each runs on a fresh SQLite file
and, when OPTIMISER_TEST_DATABASE_URL names a server, on PostgreSQL (the postgres_url fixture of
tests/conftest.py).
"""

from __future__ import annotations

import importlib.metadata
import math

import highspy
import pandas as pd
import pytest
import test_store as unit_store  # tests/unit/test_store.py: its store fixture and helpers
from sqlalchemy import text

import optimiser
from optimiser.scenario.io import load_raw
from optimiser.scenario.scenario import scenario_from_raw
from optimiser.store import StoreError, input_hash

pytestmark = pytest.mark.integration

PLAN_TABLES = ["starts", "international", "recruits", "retention", "educators", "projection", "skill_mix", "costs",
               "binding", "levers", "conflicts", "status_quo_projection", "status_quo_skill_mix", "status_quo_costs",
               "assumptions", "status_quo_summary", "column_values"]

store = unit_store.store  # opens store_url below
row_counts = unit_store.row_counts
failing_on_call = unit_store.failing_on_call
count_inserts = unit_store.count_inserts


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture(scope="module")
def example_scenario():
    from conftest import EXAMPLE_DIR

    return optimiser.load_scenario(EXAMPLE_DIR)


@pytest.fixture(scope="module")
def plan(example_scenario):
    result = optimiser.solve(example_scenario, time_limit=10)
    assert result.status == "optimal"
    return result


@pytest.fixture(scope="module")
def status_quo(example_scenario):
    return optimiser.project(example_scenario)



# --- runs ------------------------------------------------------------------------------------


def test_overwrite_replaces_the_inputs_and_keeps_the_run_history(store, broken, status_quo):
    original = load_raw(broken())
    edited = load_raw(broken(lambda c: c.set_cell("budget", 2, "budget_gbp", "999")))
    first = store.save_scenario("Two ICBs", original)
    run = store.save_run(first.id, status_quo, {"kind": "baseline"})

    second = store.save_scenario("Two ICBs", edited, note="budget cut", overwrite=True)
    assert second.id == first.id and second.n_runs == 1
    assert second.updated_at is not None and second.created_at == first.created_at
    assert second.input_hash == input_hash(edited) != first.input_hash
    assert store.load_scenario(first.id).tables["budget"].loc[0, "budget_gbp"] == "999"
    # the run still says which inputs it was computed from
    assert store.get_run(run.id).input_hash == first.input_hash


def test_a_plan_run_is_saved_with_every_table_and_its_provenance(store, broken, plan):
    raw = load_raw(broken())
    scenario = store.save_scenario("Two ICBs", raw)
    options = {"objective": "min_shortfall", "budget_scale": 1.0, "time_limit": 10, "gap": None}
    run = store.save_run(scenario.id, plan, options)

    assert (run.kind, run.status, run.scenario_name, run.options) == ("plan", "optimal", "Two ICBs", options)
    assert run.input_hash == input_hash(raw)
    assert run.package_version == importlib.metadata.version("imaging-workforce-optimiser")
    assert highspy.Highs().version() in run.solver_version
    assert (run.objective, run.weighted_shortfall, run.mip_gap) == (plan.objective, plan.weighted_shortfall, 0.0)
    assert run.summary == plan.summary_dict()
    assert run.timings["solve_seconds"] == plan.timings["solve_seconds"]
    assert "status_quo_solve_seconds" in run.timings

    tables = store.load_run_tables(run.id)
    assert list(tables) == PLAN_TABLES
    for name in PLAN_TABLES[:11] + ["assumptions"]:
        pd.testing.assert_frame_equal(tables[name], getattr(plan, name), check_exact=True, obj=name)
    pd.testing.assert_frame_equal(tables["status_quo_projection"], plan.status_quo.projection, check_exact=True)
    # the headline figures agree with the reloaded tables, recomputed independently
    assert math.isclose(tables["costs"]["gbp"].sum(), run.total_cost_gbp, rel_tol=1e-12)
    later = tables["projection"]["year"] > tables["projection"]["year"].min()
    assert math.isclose(tables["projection"].loc[later, "shortfall_wte"].sum(), run.total_shortfall_wte_years,
                        rel_tol=1e-12)
    assert tables["starts"]["starts"].sum() == plan.starts["starts"].sum() > 0


def test_a_status_quo_run_and_the_history_newest_first(store, broken, plan, status_quo):
    scenario = store.save_scenario("Two ICBs", load_raw(broken()))
    other = store.save_scenario("Other", load_raw(broken()))
    first = store.save_run(scenario.id, plan, {"objective": "min_shortfall"})
    second = store.save_run(scenario.id, status_quo, {})
    store.save_run(other.id, status_quo, {})

    assert [r.id for r in store.list_runs(scenario.id)] == [second.id, first.id]
    assert len(store.list_runs()) == 3
    assert {s.name: s.n_runs for s in store.list_scenarios()} == {"Other": 1, "Two ICBs": 2}

    assert (second.kind, second.objective, second.mip_gap) == ("status_quo", None, None)
    tables = store.load_run_tables(second.id)
    assert list(tables) == ["projection", "skill_mix", "costs", "summary_by_group"]
    pd.testing.assert_frame_equal(tables["projection"], status_quo.projection, check_exact=True)
    later = tables["projection"]["year"] > tables["projection"]["year"].min()
    assert math.isclose(tables["projection"].loc[later, "shortfall_wte"].sum(),
                        second.total_shortfall_wte_years, rel_tol=1e-12)
    # the plan's own summary and the separately saved status quo agree on the do-nothing gap
    assert first.summary["status_quo_weighted_shortfall"] == second.weighted_shortfall


def test_a_frontier_run_keeps_each_points_allocations(store, broken, example_scenario):
    result = optimiser.frontier(example_scenario, [0.5, 1.0], time_limit=10)
    scenario = store.save_scenario("Two ICBs", load_raw(broken()))
    run = store.save_run(scenario.id, result, {"budget_scales": [0.5, 1.0]})
    tables = store.load_run_tables(run.id)

    assert run.kind == "frontier" and run.status == "optimal"
    pd.testing.assert_frame_equal(tables["frontier"], result.frontier, check_exact=True)
    for plan in result.plans:
        at = tables["starts"][tables["starts"]["budget_scale"] == plan.budget_scale]
        assert at["starts"].sum() == plan.starts["starts"].sum()
    assert run.summary["budget_scales"] == [0.5, 1.0]


def test_unknown_ids_and_non_results_get_clear_errors(store, broken):
    with pytest.raises(StoreError, match="no saved scenario with id 42"):
        store.load_scenario(42)
    with pytest.raises(StoreError, match="no saved scenario with id 42"):
        store.delete_scenario(42)
    with pytest.raises(StoreError, match="no saved scenario with id 42"):
        store.list_runs(42)
    with pytest.raises(StoreError, match="no saved run with id 7"):
        store.load_run_tables(7)
    scenario = store.save_scenario("Two ICBs", load_raw(broken()))
    with pytest.raises(StoreError, match="not a run result"):  # e.g. a summary dict by mistake
        store.save_run(scenario.id, {"status": "optimal"}, {})
    with pytest.raises(StoreError, match="run options cannot be saved"):
        store.save_run(scenario.id, optimiser.project(scenario_from_raw(load_raw(broken()))),
                       {"callback": object()})
    assert row_counts(store)["optimiser_runs"] == 0


# --- deletes and transactions ----------------------------------------------------------------


def test_deleting_a_scenario_deletes_its_runs_and_their_tables(store, broken, status_quo):
    keep = store.save_scenario("keep", load_raw(broken()))
    gone = store.save_scenario("gone", load_raw(broken()))
    kept_run = store.save_run(keep.id, status_quo, {})
    for _ in range(2):
        store.save_run(gone.id, status_quo, {})

    store.delete_scenario(gone.id)
    assert [s.name for s in store.list_scenarios()] == ["keep"]
    assert [r.id for r in store.list_runs()] == [kept_run.id]
    # only keep's rows remain: its tables (one per scenario file), one run, four run tables
    assert row_counts(store) == {"optimiser_scenarios": 1, "optimiser_scenario_tables": len(load_raw(broken()).tables),
                                 "optimiser_runs": 1, "optimiser_run_tables": 4}


def test_the_database_itself_cascades_deletes(store, broken, status_quo):
    """A delete issued outside the store (plain SQL) still removes the runs: foreign keys are on."""
    scenario = store.save_scenario("gone", load_raw(broken()))
    store.save_run(scenario.id, status_quo, {})
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM optimiser_scenarios WHERE id = :id"), {"id": scenario.id})
    assert set(row_counts(store).values()) == {0}


def test_a_run_save_that_fails_midway_leaves_no_run(store, broken, plan, monkeypatch):
    scenario = store.save_scenario("Two ICBs", load_raw(broken()))
    before = row_counts(store)
    inserts = count_inserts(store, "optimiser_run_tables")
    failing_on_call(3, monkeypatch)
    with pytest.raises(RuntimeError, match="disk full while writing table 'recruits'"):
        store.save_run(scenario.id, plan, {})
    assert inserts[0] == 2
    assert row_counts(store) == before
    assert store.list_runs() == [] and store.get_scenario(scenario.id).n_runs == 0


def test_a_saved_plan_reopens_as_the_plan_it_was_saved_from(store, broken, plan, tmp_path):
    scenario = store.save_scenario("Two ICBs", load_raw(broken()))
    run = store.save_run(scenario.id, plan, {"objective": "min_shortfall", "budget_scale": 1.0})
    reopened = store.load_plan(run.id)

    assert reopened.summary_dict() == plan.summary_dict()
    for name in PLAN_TABLES[:11] + ["assumptions"]:
        pd.testing.assert_frame_equal(getattr(reopened, name), getattr(plan, name), check_exact=True, obj=name)
    sq, original = reopened.status_quo, plan.status_quo
    assert (sq.status, sq.objective, sq.weighted_shortfall, sq.total_shortfall_wte_years) == (
        original.status, original.objective, original.weighted_shortfall, original.total_shortfall_wte_years)
    pd.testing.assert_frame_equal(sq.costs, original.costs, check_exact=True)
    assert (reopened.column_values == plan.column_values).all()  # every bit: it can seed a re-solve
    assert reopened.bottlenecks().equals(plan.bottlenecks())
    # it exports as the plan does: the same CSV files, byte for byte
    written = {p.name: p.read_bytes() for p in optimiser.write_plan(reopened, tmp_path / "reopened")}
    expected = {p.name: p.read_bytes() for p in optimiser.write_plan(plan, tmp_path / "plan")}
    csvs = sorted(n for n in expected if n.endswith(".csv"))
    assert csvs and [written[n] for n in csvs] == [expected[n] for n in csvs]

    status_quo_run = store.save_run(scenario.id, plan.status_quo, {})
    with pytest.raises(StoreError, match="is a status quo run, not a plan"):
        store.load_plan(status_quo_run.id)
