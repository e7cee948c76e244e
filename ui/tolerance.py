"""Whether a difference between two plans is bigger than the solver's own tolerance.

A plan solved to a relative gap is proven within (objective − bound) of the best plan possible,
in the objective's units; the solver may stop anywhere inside that band. So two plans' objectives
can differ by up to the sum of their two bands for no reason but where the solver stopped: a
difference smaller than that is "within solver tolerance", and only a re-solve to a tighter gap
can tell whether the inputs made it. Each band comes from the run's summary: |objective − dual
bound| where both are known, else the gap reached times |objective|.

The band is in the objective's units. For min_shortfall that is the discounted weighted shortfall
plus any equity term; the difference is checked on the reported weighted shortfall, which is the
same figure when the discount is 1 and there is no equity term (the default and the v1 scenarios),
and otherwise close to it. For other objectives the objective itself is compared.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# objective -> (summary key whose difference is checked, how the planner reads it, unit)
CHECKED = {"min_shortfall": ("weighted_shortfall", "weighted shortfall", "WTE-years")}
OTHER = ("objective", "objective", "objective units")
TIGHT_GAP_FLOOR = 1e-4  # the tightest gap offered for a re-solve (0.01 %)


def _number(value) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def solver_band(summary: dict) -> float | None:
    """How far the run's objective may be from the best possible, in its units (None: unknown)."""
    objective, bound, gap = (_number(summary.get(k)) for k in ("objective", "dual_bound", "mip_gap"))
    if objective is not None and bound is not None:
        return abs(objective - bound)
    if objective is not None and gap is not None:
        return abs(gap * objective)
    return None


@dataclass(frozen=True)
class ToleranceCheck:
    measure: str  # as the planner reads it
    unit: str
    difference: float | None  # later − reference
    tolerance: float | None  # the two bands together
    within: bool  # the difference is inside the tolerance: it may be the solver's, not the inputs'
    note: str  # why no check could be made, when none could

    def sentence(self, later: str, reference: str) -> str:
        if self.note:
            return f"{later} − {reference}: {self.note}."
        size = f"{self.difference:+z,.0f} {self.unit}"
        if self.within:
            return (f"{later} − {reference}: the {self.measure} differs by {size}, less than the two runs' "
                    f"combined optimality gap (±{self.tolerance:,.0f} {self.unit}): within solver tolerance, "
                    "so the difference may come from where the solver stopped rather than from the inputs.")
        return (f"{later} − {reference}: the {self.measure} differs by {size}, more than the two runs' combined "
                f"optimality gap (±{self.tolerance:,.0f} {self.unit}).")


def check(reference: dict, later: dict) -> ToleranceCheck:
    """Is `later`'s difference from `reference` (two run summaries) bigger than their solver bands?"""
    objective = reference.get("objective_name")
    key, measure, unit = CHECKED.get(objective, OTHER)
    if objective != later.get("objective_name"):
        return ToleranceCheck(measure, unit, None, None, False,
                              "solved for different objectives, so their gaps cannot be added")
    a, b = _number(reference.get(key)), _number(later.get(key))
    bands = [solver_band(reference), solver_band(later)]
    if a is None or b is None:
        return ToleranceCheck(measure, unit, None, None, False, f"no {measure} to compare")
    if None in bands:
        return ToleranceCheck(measure, unit, b - a, None, False, "the solver's gap is not known for both runs")
    tolerance = bands[0] + bands[1]
    return ToleranceCheck(measure, unit, b - a, tolerance, abs(b - a) < tolerance, "")


def gap_to_tell(reference: dict, later: dict) -> float:
    """A relative gap for both re-solves whose bands together would be half the difference
    between them now (so a real difference shows), but never looser than either run's gap
    reached, nor tighter than TIGHT_GAP_FLOOR."""
    result = check(reference, later)
    objectives = [abs(_number(s.get("objective")) or 0.0) for s in (reference, later)]
    gaps = [g for g in (_number(s.get("mip_gap")) for s in (reference, later)) if g is not None]
    if result.difference is None or not sum(objectives):
        return TIGHT_GAP_FLOOR
    wanted = 0.5 * abs(result.difference) / sum(objectives)
    if gaps:
        wanted = min(wanted, 0.5 * min(gaps))
    return max(TIGHT_GAP_FLOOR, wanted)


def frontier_steps(summaries: list[dict], budget_scales: list[float]) -> list[tuple[float, float, ToleranceCheck]]:
    """Each step between neighbouring frontier points (by budget scale) with its tolerance check."""
    order = sorted(range(len(summaries)), key=lambda i: budget_scales[i])
    return [(budget_scales[i], budget_scales[j], check(summaries[i], summaries[j]))
            for i, j in zip(order, order[1:], strict=False)]


# how the bottleneck values read until ranging (issue 9) says over what range each holds
MARGINAL_NOTE = ("These are marginal values (shadow prices): what one more unit of each limit is worth at "
                 "the margin, at this plan. Each holds over the range shown ('holds for up to', from the "
                 "ranging of the plan's LP with its cohort decisions fixed); past it each further unit is "
                 "worth at most as much. Re-solve with the limit changed to know what a large change buys.")


def frontier_tolerance_lines(frontier) -> list[str]:
    """A sentence for each step along a traced frontier (a FrontierResult) that is within solver
    tolerance: more money that may buy nothing the solver can prove."""
    scales = [p.budget_scale for p in frontier.plans]
    lines = []
    for low, high, found in frontier_steps([p.summary_dict() for p in frontier.plans], scales):
        if found.within:
            lines.append(f"From budget ×{low:g} to ×{high:g} the {found.measure} changes by "
                         f"{found.difference:+z,.0f} {found.unit}, less than the two points' combined optimality "
                         f"gap (±{found.tolerance:,.0f}): within solver tolerance, so this step of the frontier "
                         "may be where the solver stopped rather than what the money buys.")
    return lines
