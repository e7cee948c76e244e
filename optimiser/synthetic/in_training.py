"""Learners already in training at the start year (y0): how many cohorts are in flight, what
they use of placements and educators, and the staff they complete as (committed inflows).

In-flight cohorts are the status quo's size. A "zeroed" route's start-year slot belongs to the
pipeline (the template sets its start-year starts to 0), so its start-year cohort is in flight.
"""

from __future__ import annotations

import pandas as pd


def in_flight(duration: int, zeroed: bool, year_offset: int) -> int:
    """Cohorts that started before the plan still in training in y0 + year_offset."""
    return max(0, duration - year_offset - (0 if zeroed else 1))


def route_table(routes: pd.DataFrame) -> dict[str, dict]:
    """route -> its row of the routes table."""
    return {r["route"]: r for r in routes.to_dict("records")}


def committed_inflows(starts: pd.DataFrame, routes: pd.DataFrame, zeroed: set[str], y0: int) -> pd.DataFrame:
    """Completions of cohorts already in training at y0, in their placement region: one in-flight
    cohort completes in each year from y0 on, as starts x completion rate WTE."""
    rt = route_table(routes)
    rows: dict[tuple, float] = {}
    by = starts.groupby(["region", "route"])["starts"].sum()
    for (reg, k), n in by.items():
        r = rt[k]
        for c in range(y0, y0 + in_flight(int(r["duration_years"]), k in zeroed, 0)):
            key = (reg, r["produces"], c)
            rows[key] = rows.get(key, 0.0) + n * r["completion_rate"]
    df = pd.DataFrame([{"region": a, "staff_group": g, "year": c, "wte": round(w, 2)}
                       for (a, g, c), w in sorted(rows.items()) if w > 0])
    df["notes"] = "synthetic: cohorts started before the start year (status-quo size) x completion rate"
    return df


def use_by_region(starts: pd.DataFrame, routes: pd.DataFrame, zeroed: set[str], column: str,
                  offset: int | None) -> pd.Series:
    """Per region, learners' use of `column` (a routes column: placement weeks or educator load
    per learner a year): at steady state (offset None, every year of every route's cohorts) or
    of the in-flight cohorts in y0 + offset."""
    rt = route_table(routes)

    def one(row) -> float:
        r = rt[row.route]
        duration = int(r["duration_years"])
        cohorts = duration if offset is None else in_flight(duration, row.route in zeroed, offset)
        return row.starts * cohorts * float(r[column])

    if starts.empty:
        return pd.Series(dtype=float)
    return starts.assign(use=[one(r) for r in starts.itertuples(index=False)]).groupby("region")["use"].sum()
