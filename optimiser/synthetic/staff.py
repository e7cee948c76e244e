"""Staff groups, training routes and skill mix: the template's, plus XL's derived specialist groups."""

from __future__ import annotations

import pandas as pd

from optimiser.synthetic.presets import settings
from optimiser.synthetic.template import template
from optimiser.synthetic.v2 import v2_template


def groups_routes_mix(derived: bool, v2: bool = False) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, list[dict]]:
    """Typed staff groups, routes and skill mix (the v2 default's when `v2`, v2.py), and the
    derived groups' specs (none unless `derived`): each carves a share of a parent group out into a specialist group, with an
    upskilling route from the parent and the parent allowed to cover part of its work."""
    if v2 and derived:
        raise ValueError("a v2 preset has no derived groups (the v2 default's skill mix is by modality)")
    t = v2_template()[1] if v2 else template().t
    groups = t["staff_groups"].copy()
    routes = t["routes"].copy()
    mix = t["skill_mix"].copy()
    groups["notes"] = "template: as the West Midlands default (rates, weight, growth; see its NOTES.md)"
    routes["notes"] = "template: as the West Midlands default (illustrative route parameters)"
    mix["notes"] = "template: as the West Midlands default (illustrative substitution limits)"
    specs = settings()["derived_groups"] if derived else []
    new_groups, new_routes, new_mix = [], [], []
    for d in specs:
        parent = groups.set_index("staff_group").loc[d["parent"]]
        g = parent.to_dict()
        g.update(staff_group=d["staff_group"], name=d["name"],
                 demand_growth=float(parent["demand_growth"]) + d["extra_growth"],
                 notes=f"synthetic (XL): {d['share']:.0%} of {d['parent']} carved out; its rates and weight, "
                       f"demand growth +{d['extra_growth']:.0%} a year")
        new_groups.append(g)
        like = routes.set_index("route").loc[d["like"]]
        r = like.to_dict()
        r.update(route=d["route"], kind="training", produces=d["staff_group"], draws_from=d["parent"],
                 notes=f"synthetic (XL): upskilling {d['parent']} -> {d['staff_group']}; parameters copied from {d['like']}")
        if "duration_years" in d:
            r["duration_years"] = float(d["duration_years"])
        new_routes.append(r)
        new_mix.append({"covering_group": d["parent"], "covered_group": d["staff_group"],
                        "max_share": d["cover_share"], "productivity": d["cover_productivity"],
                        "notes": "synthetic (XL): the parent group may take a share of the specialist's work"})
    groups = pd.concat([groups, pd.DataFrame(new_groups)], ignore_index=True)
    routes = pd.concat([routes.reset_index(drop=True), pd.DataFrame(new_routes)], ignore_index=True)
    mix = pd.concat([mix, pd.DataFrame(new_mix)], ignore_index=True)
    return groups, routes, mix, specs
