"""The web app's working state in the store: a scenario as typed survives the round trip whole,
a missing or forgotten session is None, old sessions are forgotten, and keys are checked."""

from __future__ import annotations

import pandas as pd
import pytest

from optimiser.scenario.io import load_raw
from optimiser.store import Store
from optimiser.store import working as working_module
from optimiser.store.working import raw_from_json, raw_to_json

pytestmark = pytest.mark.unit


@pytest.fixture
def store(tmp_path):
    with Store(f"sqlite:///{tmp_path / 'store.sqlite3'}") as s:
        yield s


@pytest.fixture
def edited(example_dir):
    raw = load_raw(example_dir)
    raw.tables["budget"].loc[0, "budget_gbp"] = "0.0450"  # text kept as typed
    raw.tables["budget"] = raw.tables["budget"].rename(index={0: 3})  # row 5 of the file, after blank lines
    raw.config["solver"] = {"time_limit_s": 60, "mip_rel_gap": 1e-6}
    return raw


def _same(a, b) -> None:
    assert (a.source, a.form, a.config, a.load_issues) == (b.source, b.form, b.config, b.load_issues)
    assert list(a.tables) == list(b.tables)
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name], check_exact=True, obj=name)


def test_a_scenario_as_typed_survives_the_json_round_trip(edited):
    back = raw_from_json(raw_to_json(edited))
    _same(back, edited)
    assert back.tables["budget"].loc[3, "budget_gbp"] == "0.0450"


def test_the_working_state_comes_back_as_saved_and_a_new_key_has_none(store, example_dir, edited):
    loaded = load_raw(example_dir)
    attempt = {"state": "cancelled", "elapsed_s": 12.5, "run_id": None, "conflicts": [{"option": "A", "message": "m"}]}
    store.save_working_state("k-1", raw=edited, loaded=loaded, label="Example (edited)", scenario_id=4,
                             run_id=7, attempt=attempt)
    state = store.load_working_state("k-1")
    _same(state.raw, edited)
    _same(state.loaded, loaded)
    assert (state.label, state.scenario_id, state.run_id, state.attempt) == ("Example (edited)", 4, 7, attempt)
    assert store.load_working_state("k-2") is None

    store.save_working_state("k-1", raw=loaded, loaded=loaded, label="Example", scenario_id=None, run_id=None,
                             attempt=None)  # the same session again: replaced, not added
    state = store.load_working_state("k-1")
    _same(state.raw, loaded)
    assert (state.label, state.scenario_id, state.run_id, state.attempt) == ("Example", None, None, None)


def test_only_the_newest_sessions_are_kept(store, example_dir, monkeypatch):
    monkeypatch.setattr(working_module, "KEEP_STATES", 2)
    raw = load_raw(example_dir)
    for key in ("a", "b", "c"):
        store.save_working_state(key, raw=raw, loaded=raw, label=key, scenario_id=None, run_id=None, attempt=None)
    assert store.load_working_state("a") is None
    assert [store.load_working_state(k).label for k in ("b", "c")] == ["b", "c"]


@pytest.mark.parametrize("key", ["", "a b", "x" * 65, "../etc"])
def test_a_key_that_is_not_a_plain_token_is_refused(store, key):
    with pytest.raises(ValueError, match="working-state key"):
        store.load_working_state(key)
