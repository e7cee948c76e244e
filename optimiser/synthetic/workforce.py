"""Staff in post and establishment per region and staff group."""

from __future__ import annotations

import numpy as np
import pandas as pd

from optimiser.synthetic.presets import noise, settings
from optimiser.synthetic.template import template


def regional_workforce(regions: pd.DataFrame, derived: list[dict], seed: int) -> pd.DataFrame:
    """In post and establishment per region and group: template per million x residents x noise;
    a derived group takes its share of its parent's figures."""
    tp = template()
    sd = settings()["noise"]
    wf = tp.t["workforce"]
    in_post = wf.groupby("staff_group")["in_post_wte"].sum()
    est = wf.groupby("staff_group")["establishment_wte"].sum()
    vacancy = 1 - in_post / est
    carve: dict[str, list[dict]] = {}
    for d in derived:
        carve.setdefault(d["parent"], []).append(d)
    rows = []
    for reg in regions.itertuples(index=False):
        rng = noise(seed, "workforce", reg.region)
        for g in tp.t["staff_groups"]["staff_group"]:
            ip = in_post[g] / tp.population_m * reg.population_m * rng.lognormal(0, sd["workforce_sigma"])
            vac = float(np.clip(vacancy[g] + rng.normal(0, sd["vacancy_sd"]), 0.0, 0.4))
            es = ip / (1 - vac)
            note = (f"synthetic: template {in_post[g] / tp.population_m:.1f} WTE per million residents x "
                    f"{reg.population_m:.2f}m x noise; vacancy rate {vac:.3f}")
            for d in carve.get(g, []):
                rows.append({"region": reg.region, "staff_group": d["staff_group"],
                             "in_post_wte": ip * d["share"], "establishment_wte": es * d["share"],
                             "notes": f"synthetic (XL): {d['share']:.0%} of {g}"})
            kept = 1 - sum(d["share"] for d in carve.get(g, []))
            rows.append({"region": reg.region, "staff_group": g, "in_post_wte": ip * kept,
                         "establishment_wte": es * kept, "notes": note})
    df = pd.DataFrame(rows)
    df["in_post_wte"] = df["in_post_wte"].round(1)
    df["establishment_wte"] = np.maximum(df["establishment_wte"].round(1), df["in_post_wte"])
    return df
