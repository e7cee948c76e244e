"""Assembling a synthetic scenario: every part generated in turn, then each table as the text a
planner would type (a `RawScenario` in the format of `inputs/data_dictionary.csv`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from optimiser.basics.cells import cell_text
from optimiser.scenario.io import RawScenario
from optimiser.synthetic.capacities import budget, international_capacity, training_capacity
from optimiser.synthetic.commissioning import baseline_rates, commission
from optimiser.synthetic.geography import preset_links, preset_regions, travel
from optimiser.synthetic.in_training import committed_inflows
from optimiser.synthetic.presets import preset_settings, settings
from optimiser.synthetic.providers import place_providers
from optimiser.synthetic.staff import groups_routes_mix
from optimiser.synthetic.template import template
from optimiser.synthetic.v2 import to_v2
from optimiser.synthetic.workforce import regional_workforce


def _text(value) -> str:
    """A cell as a planner would type it (`cell_text`), floats first cut to 10 significant digits
    so that arithmetic noise (0.1 x 3 = 0.30000000000000004) prints as 0.3."""
    if isinstance(value, float | np.floating) and math.isfinite(value):
        value = float(f"{float(value):.10g}")
    return cell_text(value)


def _as_text(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    out = pd.DataFrame({c: [_text(v) for v in df[c]] for c in columns})
    return out.reset_index(drop=True)


def _year_cells(df: pd.DataFrame, y0: int) -> pd.DataFrame:
    """Capacity tables use year offsets from y0 internally; blank stays blank."""
    df = df.copy()
    df["year"] = [("" if v == "" else y0 + int(v)) for v in df["year"]]
    return df


def generate(preset: str, seed: int = 0) -> RawScenario:
    """The synthetic scenario `preset` (S, M, L, XL, W; S2 and L2 in the v2 format, v2.py) for
    `seed`, every cell as text."""
    p = preset_settings(preset)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a whole number of 0 or more, not {seed!r}")
    seed = int(seed)
    tp = template()
    y0 = tp.start_year
    regions = preset_regions(p)
    links = preset_links(p, regions, seed)
    reach, minutes = travel(regions, links, p["max_travel_minutes"])
    groups, routes, mix, derived = groups_routes_mix(p["derived_groups"], bool(p.get("v2")))
    zeroed = tp.zeroed_routes()
    workforce = regional_workforce(regions, derived, seed)
    providers = place_providers(regions, reach, routes, derived, seed)
    base_pm, cap_pm = baseline_rates(routes, groups, workforce, derived, float(regions["population_m"].sum()))
    com = commission(regions, providers, routes, base_pm, cap_pm, minutes, reach, seed)
    starts = com.starts

    educator_group = tp.t["regions"]["educator_group"].iloc[0]
    regions_t = regions.assign(educator_group=educator_group, latitude=regions["lat"], longitude=regions["lon"],
                               notes=[f"synthetic: {n}; residents {m:.2f}m (approximate); hub {la:.2f}, {lo:.2f}"
                                      for n, m, la, lo in zip(regions["notes"], regions["population_m"],
                                                              regions["lat"], regions["lon"], strict=True)])
    baseline = starts.assign(year="", notes="synthetic: status quo, template starts per million x residents x noise")
    pipeline = baseline[baseline["route"].isin(zeroed)].assign(
        year=y0, starts=0, notes="synthetic: start-year slot filled by the pipeline already in training")
    baseline_t = pd.concat([baseline, pipeline], ignore_index=True)

    config = dict(tp.raw.config)
    config["solver"] = dict(tp.raw.config.get("solver", {}))
    config.update(name=f"Synthetic {p['name']}: {p['description']} (seed {seed})",
                  horizon_years=int(p["horizon_years"]), max_travel_minutes=p["max_travel_minutes"])

    tables = {
        "regions": _as_text(regions_t, ["region", "name", "parent", "educator_group", "latitude", "longitude", "notes"]),
        "links": _as_text(links, ["region_a", "region_b", "travel_minutes", "notes"]),
        "staff_groups": _as_text(groups, list(tp.t["staff_groups"].columns)),
        "workforce": _as_text(workforce, ["region", "staff_group", "in_post_wte", "establishment_wte", "notes"]),
        "committed_inflows": _as_text(committed_inflows(starts, routes, zeroed, y0),
                                      ["region", "staff_group", "year", "wte", "notes"]),
        "routes": _as_text(routes, list(tp.t["routes"].columns)),
        "providers": _as_text(providers.assign(notes=providers["kind"].map(
            lambda k: f"synthetic: offers the routes of template provider(s) {', '.join(settings()['providers'][k]['template_providers'])}")),
            ["provider", "name", "region", "notes"]),
        "provider_routes": _as_text(com.provider_routes, ["provider", "route", "max_starts", "notes"]),
        "placement_capacity": _as_text(_year_cells(training_capacity(
            regions, starts, routes, zeroed, "placement_weeks", "placement_weeks", 10.0, seed), y0),
            ["region", "year", "placement_weeks", "notes"]),
        "educator_capacity": _as_text(_year_cells(training_capacity(
            regions, starts, routes, zeroed, "educator_load", "educator_wte", 0.1, seed), y0),
            ["region", "year", "educator_wte", "notes"]),
        "international_capacity": _as_text(_year_cells(international_capacity(regions, starts, routes, zeroed, seed), y0),
                                           ["region", "year", "max_recruits", "notes"]),
        "skill_mix": _as_text(mix, ["covering_group", "covered_group", "max_share", "productivity", "notes"]),
        "budget": _as_text(_year_cells(budget(starts, routes, zeroed), y0), ["year", "budget_gbp", "notes"]),
        "baseline_starts": _as_text(baseline_t, ["provider", "region", "route", "year", "starts", "notes"]),
    }
    raw = RawScenario(source=f"synthetic preset {p['name']} (seed {seed})", form="folder", config=config,
                      tables=tables)
    return to_v2(raw, regions, seed) if p.get("v2") else raw
