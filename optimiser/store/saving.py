"""Saving a solved run with its scenario, as the web app does, for the app and the command line
alike: the scenario is found by its input hash among the saved ones (saved again only when new or
edited), then the run is saved against it with the inputs it was solved from. So the run history
and the Compare page cover runs from both."""

from __future__ import annotations

import datetime as dt

from optimiser.scenario.io import RawScenario
from optimiser.store.errors import StoreError
from optimiser.store.hashing import input_hash
from optimiser.store.store import RunRecord, Store

AUTO_SAVE_NOTE = "saved automatically when it was solved"  # the app's note on a scenario saved by a solve
_NAME_TRIES = 20  # "<label> (solved <time>) #2", #3...: two runs of different inputs in the same second


def scenario_id_for(store: Store, raw: RawScenario, label: str) -> int:
    """The id of a saved scenario holding exactly `raw`'s inputs, saving it as "<label> (solved
    <local time>)" first when there is none."""
    same = store.find_scenarios(input_hash(raw))
    if same:
        return same[0].id
    name = f"{label} (solved {dt.datetime.now().strftime('%Y-%m-%d %H:%M:%S')})"
    for n in range(1, _NAME_TRIES + 1):
        try:
            return store.save_scenario(name if n == 1 else f"{name} #{n}", raw, note=AUTO_SAVE_NOTE).id
        except StoreError as exc:
            if "is already saved" not in str(exc) or n == _NAME_TRIES:
                raise
    raise AssertionError("unreachable")


def save_solved_run(store: Store, raw: RawScenario, result, options: dict, label: str) -> RunRecord:
    """Save `result` (a plan, projection or frontier) as a run of the scenario `raw`, saving the
    scenario first if need be (`scenario_id_for`). `options`: the run's options by the app's names
    (objective, budget_scale, time_limit, gap; budget_scales for a frontier)."""
    return store.save_run(scenario_id_for(store, raw, label), result, options, raw=raw)
