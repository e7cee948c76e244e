"""Saving a solved run's scenario as the app does (optimiser/store/saving.py), without a solve:
found by its inputs, else saved under a new name, never refused for a name taken in the same second."""

from __future__ import annotations

import datetime as dt

import pytest

import optimiser
from optimiser.cli.runs import wants_saving
from optimiser.store import saving
from optimiser.store.saving import AUTO_SAVE_NOTE, scenario_id_for

pytestmark = pytest.mark.unit


class _Frozen(dt.datetime):
    @classmethod
    def now(cls, tz=None):
        return cls(2026, 11, 29, 14, 0, 0)


def test_a_scenario_is_reused_by_its_inputs_and_new_inputs_get_a_name_of_their_own(tmp_path, example_dir,
                                                                                      monkeypatch):
    monkeypatch.setattr(saving.dt, "datetime", _Frozen)
    raw = optimiser.load_raw(example_dir)
    other = optimiser.load_raw(example_dir)
    other.tables["budget"] = other.tables["budget"].replace("1500000", "1600000")
    with optimiser.Store(f"sqlite:///{tmp_path / 's.sqlite3'}") as store:
        first = scenario_id_for(store, raw, "WM")
        assert scenario_id_for(store, raw, "WM") == first  # the same inputs: the same saved scenario
        second = scenario_id_for(store, other, "WM")  # other inputs in the same second
        names = {s.id: s.name for s in store.list_scenarios()}
        notes = {s.note for s in store.list_scenarios()}
    assert second != first
    assert names == {first: "WM (solved 2026-11-29 14:00:00)", second: "WM (solved 2026-11-29 14:00:00) #2"}
    assert notes == {AUTO_SAVE_NOTE}


def test_runs_are_saved_when_asked_or_when_a_database_is_configured(monkeypatch):
    monkeypatch.delenv("OPTIMISER_DATABASE_URL", raising=False)
    assert (wants_saving(None), wants_saving(True), wants_saving(False)) == (False, True, False)
    monkeypatch.setenv("OPTIMISER_DATABASE_URL", "sqlite:///x.sqlite3")
    assert (wants_saving(None), wants_saving(False)) == (True, False)


def test_reading_an_empty_history_creates_no_database(tmp_path, monkeypatch, capsys):
    from optimiser.cli.main import main

    monkeypatch.delenv("OPTIMISER_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["runs", "list"]) == 0
    assert "No runs saved yet" in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []
