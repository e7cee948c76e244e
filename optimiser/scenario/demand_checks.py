"""Cross-table checks of demand from activity and skill mix by modality (model.md, "v2
additions"): modalities named consistently, modality skill-mix rows backed by workload, today's
share within the allowed one, and a gap cost for every group with demand under
`min_system_cost`. validation.py runs them with the other checks."""

from __future__ import annotations

import pandas as pd

from optimiser.basics.issues import Issue
from optimiser.scenario.activity import demand_wte
from optimiser.scenario.config import ScenarioConfig
from optimiser.scenario.io import RawScenario
from optimiser.scenario.rowwise import references, rows


def check_modalities(raw: RawScenario, t: dict[str, pd.DataFrame]) -> list[Issue]:
    """With a modalities.csv, every modality named elsewhere is listed in it (without one, growth
    is 0 and activity and workload name modalities freely). Either way, a modality with activity
    but no workload, or workload but no activity, adds no demand: a warning, as it is most often
    a misspelt identifier."""
    issues = []
    listed = set(t["modalities"]["modality"])
    if listed:
        source = raw.where("modalities")
        issues += references(raw, "activity", t["activity"], "modality", listed, "modality", source)
        issues += references(raw, "workload", t["workload"], "modality", listed, "modality", source)
        issues += references(raw, "skill_mix", t["skill_mix"], "modality", listed, "modality", source,
                             blank_ok=True)
    with_activity, with_workload = set(t["activity"]["modality"]), set(t["workload"]["modality"])
    for table, other, what in (
            ("activity", with_workload, "no staff group has workload rows for it: its examinations "
                                        "add no demand"),
            ("workload", with_activity, "it has no activity rows: these minutes add no demand")):
        warned: set[str] = set()
        for row, r in rows(t[table]):
            q = r["modality"]
            if q in other or q in warned or (listed and q not in listed):
                continue
            warned.add(q)
            fix = (f"add workload rows for {q} (minutes per examination by staff group)"
                   if table == "activity" else f"add activity rows for {q} (examinations by region)")
            issues.append(Issue("warning", "check_modalities", raw.where(table),
                                f"modality {q}: {what}", f"{fix}, or correct the modality",
                                row=row, column="modality", value=q))
    return issues


def check_skill_mix_modalities(raw: RawScenario, t: dict[str, pd.DataFrame]) -> list[Issue]:
    """A modality row needs the covered group's workload for that modality; a (covering, covered)
    pair has one row without a modality or rows that each name one; today's share is at most the
    largest allowed."""
    issues = []
    where = raw.where("skill_mix")
    df = t["skill_mix"]
    workload = set(zip(t["workload"]["modality"], t["workload"]["staff_group"], strict=True))
    listed = set(t["modalities"]["modality"])  # an unlisted modality is check_modalities' finding
    pairs = list(zip(df["covering_group"], df["covered_group"], strict=True))
    named = {}
    for pair, q in zip(pairs, df["modality"], strict=True):
        if q:
            named.setdefault(pair, []).append(q)
    for row, r in rows(df):
        q, covered = r["modality"], r["covered_group"]
        if q and (q, covered) not in workload and (not listed or q in listed):
            issues.append(Issue("error", "check_skill_mix", where,
                                f"{covered} has no workload row for modality {q}: there is no "
                                f"{q} work of theirs to take on",
                                f"add a workload row for modality {q} and staff group {covered}, "
                                f"or blank modality to share all of {covered}'s work",
                                row=row, column="modality", value=q))
        pair = (r["covering_group"], covered)
        if not q and pair in named:
            issues.append(Issue("error", "check_skill_mix", where,
                                f"{pair[0]} covering {covered} has this row without a modality and "
                                f"rows for {', '.join(sorted(set(named[pair])))}: a pair has one "
                                f"row without a modality or rows that each name one",
                                "delete this row, or the pair's modality rows",
                                row=row, column="modality"))
        if r["current_share"] > r["max_share"]:  # False when either is blank or not a number
            issues.append(Issue("error", "check_skill_mix", where,
                                f"current_share is above max_share ({r['max_share']:g}): the "
                                f"status quo may not do more than a plan may",
                                "lower current_share to at most max_share, or raise max_share",
                                row=row, column="current_share", value=f"{r['current_share']:g}"))
    return issues


def check_gap_cost(raw: RawScenario, t: dict[str, pd.DataFrame], config: ScenarioConfig) -> list[Issue]:
    """Under min_system_cost every staff group with demand above 0 in some region and measured
    year has a gap_cost_per_wte (the objective prices its shortfall)."""
    if config.objective != "min_system_cost":
        return []
    demand = demand_wte(t, config.start_year, config.measured_years)
    example: dict[str, tuple[str, int, float]] = {}
    for (g, r, y), d in sorted(demand.items(), key=lambda kv: (kv[0][2], kv[0][1])):
        if d > 0 and g not in example:
            example[g] = (r, y, d)
    typed = raw.tables["staff_groups"].get("gap_cost_per_wte")  # the text: a bad number is
    issues = []                                                   # check_numbers' finding
    for row, s in rows(t["staff_groups"]):
        g = s["staff_group"]
        if g in example and (typed is None or typed.at[row - 2] == ""):
            r, y, d = example[g]
            issues.append(Issue("error", "check_gap_cost", raw.where("staff_groups"),
                                f"gap_cost_per_wte is required under objective min_system_cost: "
                                f"{g} has demand ({d:.1f} WTE in {r}, {y})",
                                "fill in the premium paid per WTE-year of shortfall covered by "
                                "agency, bank, overtime or outsourcing (GBP), or choose another "
                                "objective",
                                row=row, column="gap_cost_per_wte"))
    return issues
