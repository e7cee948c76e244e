"""A scenario's identity in the app: its name (scenario.toml's `name`, so every plan, saved run and
export carries it), the scenario it was loaded from (its parent) and the edits against it.

An edited copy is named after its parent with " (edited)" ("West Midlands Imaging Network
(default)" becomes "West Midlands Imaging Network (edited)") until the planner renames it; undoing
every edit gives the parent's name back. A name the planner typed is never changed.
"""

from __future__ import annotations

import pandas as pd

from optimiser import RawScenario, input_hash, scenario_diff, with_provenance

from .state import copy_raw

NAME_KEY = "name"  # the scenario.toml setting that names a scenario
EDITED = " (edited)"
PARENT_MARKS = (" (embedded default)", " (default)")  # dropped from the parent's name when edited


def scenario_name(raw: RawScenario, fallback: str = "scenario") -> str:
    name = str(raw.config.get(NAME_KEY, "") or "").strip()
    return name or fallback


def edited_name(parent: str) -> str:
    """The name of an edited copy of `parent`."""
    if parent.endswith(EDITED):
        return parent
    for mark in PARENT_MARKS:
        if parent.endswith(mark):
            parent = parent[: -len(mark)]
            break
    return parent + EDITED


def edits(parent: RawScenario, raw: RawScenario) -> pd.DataFrame:
    """Every cell and setting changed from `parent` to `raw` (optimiser.scenario_diff), the name aside."""
    diff = scenario_diff(parent, raw)
    renamed = (diff["table"] == "scenario settings") & (diff["row_key"] == NAME_KEY)
    return diff[~renamed].reset_index(drop=True)


def renamed(raw: RawScenario, name: str) -> RawScenario:
    """`raw` named `name` (a copy; `raw` is left as it was)."""
    out = copy_raw(raw)
    out.config[NAME_KEY] = name
    return out


def show_renamed(session, raw: RawScenario) -> None:
    """Make `raw` (renamed) the current scenario; the settings grid is rebuilt to show its name."""
    session["raw"] = raw
    versions = session.setdefault("_editor_versions", {})  # a new settings grid (see constraints.py)
    versions["scenario settings"] = versions.get("scenario settings", 0) + 1
    session.get("editor_base", {}).pop("scenario settings", None)


def named(parent: RawScenario, raw: RawScenario) -> RawScenario:
    """`raw` with the name its edits call for: the parent's name + " (edited)" once it differs from
    the parent, the parent's own name again when every edit is undone; a name the planner chose
    is kept."""
    parent_name = scenario_name(parent)
    current = scenario_name(raw, "")
    automatic = {parent_name, edited_name(parent_name), ""}
    if current not in automatic:
        return raw  # renamed by the planner
    wanted = edited_name(parent_name) if len(edits(parent, raw)) else parent_name
    return raw if current == wanted else renamed(raw, wanted)


def provenance(result, parent: RawScenario, raw: RawScenario):
    """`result` (a PlanResult solved from `raw`) recording its name, parent, edits and input hash."""
    return with_provenance(result, scenario_name=scenario_name(raw, result.scenario_name),
                           parent_name=scenario_name(parent), edits=edits(parent, raw),
                           input_hash=input_hash(raw))
