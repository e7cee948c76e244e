"""The v2 form of a synthetic preset (presets with `v2 = true`, e.g. S2 and L2): the generated v1
scenario moved to the v2 format the way the v2 default (inputs/west_midlands) was made from the
v1 default (inputs/west_midlands_v1).

Taken from the v2 default as they are (none is per region): staff groups (clinical hours per WTE,
the cost of a gap), routes (the return-to-practice route), skill mix by modality, retention and
return schemes, policy shares, imaging modalities and minutes per exam, and its settings
(first decision year, run-out years, change limits, target year, solver). Scaled per million
residents, as the v1 figures are: exams a year per region and modality (the template ICBs' exams
per million residents x the region's residents x seeded noise, to 100) and the pooled recruitment
markets (the default's pool x the preset's residents / the template's, whole recruits, at least 1).
Staff in post, starts per million, provider caps and capacities come from the v1 template as for
the v1 presets, but the learners in training, capacities net of them and the budget are worked
out with the v2 routes (staff.py takes them from here), e.g. the three-year apprenticeship.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import pandas as pd

from optimiser.basics.cells import cell_text
from optimiser.basics.locations import DEFAULT_SCENARIO_DIR
from optimiser.scenario.io import RawScenario, load_raw
from optimiser.scenario.validation import validate_raw
from optimiser.synthetic.presets import noise, settings
from optimiser.synthetic.template import template

# v2 tables and settings copied from the v2 default as typed there (none is per region)
COPIED_TABLES = ("staff_groups", "routes", "skill_mix", "retention", "policy_shares", "modalities", "workload")
COPIED_SETTINGS = ("first_decision_year", "run_out_years", "max_change_share", "max_change_per_year",
                   "target_year", "educator_cost_per_wte", "max_extra_educator_wte")


@cache
def v2_template() -> tuple[RawScenario, dict[str, pd.DataFrame]]:
    """The v2 default as typed (raw text) and as checked tables."""
    raw = load_raw(DEFAULT_SCENARIO_DIR)
    report, tables, _ = validate_raw(raw)
    if tables is None:
        raise RuntimeError(f"the v2 default {DEFAULT_SCENARIO_DIR} has errors:\n{report.render()}")
    return raw, tables


def _activity(regions: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Exams a year per region and modality, from the template ICBs' exams per million residents."""
    _, t = v2_template()
    act = t["activity"]
    if act["year"].notna().any() or (act["region"].fillna("") == "").any():
        raise RuntimeError("the v2 default's activity.csv has year- or network-wide rows: scale them here first")
    per_million = act.groupby("modality")["exams"].sum() / template().population_m
    sigma = settings()["noise"]["workforce_sigma"]
    rows = []
    for reg in regions.itertuples(index=False):
        for modality, rate in per_million.items():
            factor = noise(seed, "activity", reg.region, modality).lognormal(0, sigma)
            rows.append({"region": reg.region, "modality": modality, "year": "",
                         "exams": max(100, int(round(rate * reg.population_m * factor, -2))),
                         "notes": f"synthetic: template {rate:,.0f} exams per million residents x "
                                  f"{reg.population_m:.2f}m x noise {factor:.3f}, to 100"})
    return pd.DataFrame(rows)


def _recruitment_pool(population_m: float) -> pd.DataFrame:
    """The default's pooled markets (network-wide rows) scaled to the preset's residents."""
    raw, t = v2_template()
    pool = t["recruitment_pool"]
    if (pool["region"].fillna("") != "").any() or pool["year"].notna().any():
        raise RuntimeError("the v2 default's recruitment_pool.csv has region or year rows: scale them here first")
    ratio = population_m / template().population_m
    return pd.DataFrame([{"route": r.route, "region": "", "year": "",
                          "max_recruits": max(1, round(float(r.max_recruits) * ratio)),
                          "notes": f"synthetic: the default's pool {r.max_recruits:g} x residents {ratio:.2f} x the default's"}
                         for r in pool.itertuples(index=False)])


def to_v2(raw: RawScenario, regions: pd.DataFrame, seed: int) -> RawScenario:
    """The generated v1 scenario `raw` (regions with residents in millions) in the v2 format."""
    v2_raw, _ = v2_template()
    tables = dict(raw.tables)
    for name in COPIED_TABLES:
        tables[name] = v2_raw.tables[name].copy()
    tables["activity"] = _activity(regions, seed).map(cell_text)
    tables["recruitment_pool"] = _recruitment_pool(float(regions["population_m"].sum())).map(cell_text)
    config = dict(raw.config)
    config.update({k: v2_raw.config[k] for k in COPIED_SETTINGS if k in v2_raw.config})
    config["solver"] = dict(v2_raw.config.get("solver", {}))
    return replace(raw, config=config, tables=tables)
