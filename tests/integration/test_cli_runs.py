"""Runs in the store from the command line: `--save` (or OPTIMISER_DATABASE_URL, the app's
setting) saves a solve or a frontier as the app does, and `optimiser runs list | show | compare`
read the history back. Each test has its own SQLite file."""

from __future__ import annotations

import pytest
from command_line import run

import optimiser
from optimiser.store.saving import AUTO_SAVE_NOTE

pytestmark = pytest.mark.integration

APP_PLAN_OPTIONS = {"objective", "budget_scale", "time_limit", "gap"}  # ui/app_pages/solve.py


@pytest.fixture
def database(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'history.sqlite3'}"
    monkeypatch.setenv("OPTIMISER_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    return url


def test_solves_saved_from_the_command_line_share_their_scenario_and_compare(database, example_dir, capsys):
    code, out, err = run(capsys, "solve", "--scenario", example_dir)  # the database is configured: saved
    assert code == 0, err
    assert "Saved as run 1 of scenario 1" in out
    assert run(capsys, "solve", "--scenario", example_dir, "--budget-scale", "1.5", "--save")[0] == 0
    with optimiser.Store(database) as store:
        runs = store.list_runs()
        (scenario,) = store.list_scenarios()
    assert [r.id for r in runs] == [2, 1] and {r.scenario_id for r in runs} == {scenario.id}
    assert scenario.note == AUTO_SAVE_NOTE and scenario.n_runs == 2
    assert set(runs[0].options) == APP_PLAN_OPTIONS
    assert runs[0].options["budget_scale"] == 1.5 and runs[0].options["time_limit"] == 60.0
    assert runs[1].weighted_shortfall == pytest.approx(1007.4958760297, rel=1e-9)

    code, out, _ = run(capsys, "runs", "list")
    assert code == 0 and "2 run(s)" in out and "run    1" in out and "budget_scale=1.5" in out
    code, out, _ = run(capsys, "runs", "show", 1)
    assert code == 0 and "weighted shortfall 1,007.5 WTE-years" in out and "starts (" in out
    code, out, _ = run(capsys, "runs", "compare", 1, 2)
    assert code == 0
    assert "run 2 − run 1" in out and "weighted shortfall" in out and "Training starts by route" in out


def test_a_scenario_the_app_saved_is_found_by_its_inputs_not_saved_again(database, example_dir, capsys):
    with optimiser.Store(database) as store:
        saved = store.save_scenario("WM as the app saved it", optimiser.load_raw(example_dir))
    assert run(capsys, "solve", "--scenario", example_dir, "--save")[0] == 0
    with optimiser.Store(database) as store:
        assert [s.id for s in store.list_scenarios()] == [saved.id]
        assert store.list_runs()[0].scenario_id == saved.id


def test_a_frontier_is_saved_and_compare_refuses_it(database, example_dir, capsys):
    assert run(capsys, "solve", "--scenario", example_dir)[0] == 0
    assert run(capsys, "frontier", "--scenario", example_dir, "--budget-scales", "0.5,1")[0] == 0
    with optimiser.Store(database) as store:
        frontier = store.list_runs()[0]
    assert frontier.kind == "frontier" and frontier.options == {"budget_scales": [0.5, 1.0]}
    code, _, err = run(capsys, "runs", "compare", 1, frontier.id)
    assert code == 2 and f"run {frontier.id} is a frontier run" in err
    code, _, err = run(capsys, "runs", "show", 99)
    assert code == 2 and "no saved run with id 99" in err


def test_nothing_is_saved_without_a_database_or_with_no_save(tmp_path, monkeypatch, example_dir, capsys):
    monkeypatch.delenv("OPTIMISER_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "solve", "--scenario", example_dir)
    assert code == 0 and "Saved as run" not in out
    assert not (tmp_path / "optimiser_store.sqlite3").exists()
    monkeypatch.setenv("OPTIMISER_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    code, out, _ = run(capsys, "solve", "--scenario", example_dir, "--no-save")
    assert code == 0 and "Saved as run" not in out
    assert not (tmp_path / "db.sqlite3").exists()


def test_a_store_that_cannot_be_opened_fails_the_save_but_keeps_the_plan_written(tmp_path, monkeypatch, example_dir,
                                                                                capsys):
    monkeypatch.setenv("OPTIMISER_DATABASE_URL", "nosuchdb://x")
    code, _, err = run(capsys, "solve", "--scenario", example_dir, "--out", tmp_path / "plan")
    assert code == 1 and "the run was not saved" in err
    assert (tmp_path / "plan" / "starts.csv").is_file()
