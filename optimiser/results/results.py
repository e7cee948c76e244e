"""Frozen results: tidy DataFrames read off a solved model, plus status, objective, gap and timings."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from optimiser.basics.objectives import OBJECTIVE_MEANING, OBJECTIVE_UNIT
from optimiser.basics.status import holds_plan
from optimiser.model.build import DECISIONS, ROW_FAMILIES
from optimiser.model.data import ModelData
from optimiser.model.families.objective import (
    gap_premium_terms,
    present_cost_terms,
    reported_shortfall_terms,
    shortfall_terms,
)
from optimiser.model.parts import Decision, Role, RowFamily, row_scale_of

PROJECTION_COLUMNS = ["staff_group", "region", "year", "supply_wte", "demand_wte", "covered_wte", "shortfall_wte",
                      "run_out"]
SKILL_MIX_COLUMNS = ["covering_group", "covered_group", "modality", "region", "year", "deployed_wte", "work_wte",
                     "share_of_work"]


@dataclass(frozen=True)
class ProjectionResult:
    """The status quo: the stock-flow with no new decisions (baseline starts continued)."""

    scenario_name: str
    status: str
    projection: pd.DataFrame
    weighted_shortfall: float
    total_shortfall_wte_years: float
    costs: pd.DataFrame
    build_seconds: float
    solve_seconds: float
    objective: float | None = None  # what its LP minimised (the discounted weighted shortfall, or the gap premium)
    skill_mix: pd.DataFrame = field(default_factory=pd.DataFrame)  # deployments at today's current_share at most

    def summary(self) -> pd.DataFrame:
        return summarise_projection(self.projection)


@dataclass(frozen=True)
class PlanResult:
    scenario_name: str
    objective_name: str
    status: str  # a Status: optimal | time_limit | cancelled | infeasible | error
    message: str
    objective: float | None
    weighted_shortfall: float | None
    total_shortfall_wte_years: float | None
    total_cost_gbp: float | None
    mip_gap: float | None
    budget_scale: float
    timings: dict[str, float]
    size: dict[str, int]
    starts: pd.DataFrame = field(default_factory=pd.DataFrame)
    international: pd.DataFrame = field(default_factory=pd.DataFrame)
    recruits: pd.DataFrame = field(default_factory=pd.DataFrame)  # every non-training route, international included
    retention: pd.DataFrame = field(default_factory=pd.DataFrame)
    educators: pd.DataFrame = field(default_factory=pd.DataFrame)
    projection: pd.DataFrame = field(default_factory=pd.DataFrame)
    skill_mix: pd.DataFrame = field(default_factory=pd.DataFrame)
    costs: pd.DataFrame = field(default_factory=pd.DataFrame)
    binding: pd.DataFrame = field(default_factory=pd.DataFrame)
    levers: pd.DataFrame = field(default_factory=pd.DataFrame)  # where the next pound goes (results/levers.py)
    conflicts: pd.DataFrame = field(default_factory=pd.DataFrame)
    status_quo: ProjectionResult | None = None
    assumptions: pd.DataFrame = field(default_factory=pd.DataFrame)
    column_values: np.ndarray | None = field(default=None, repr=False, compare=False)  # solver's plan, to seed re-solves
    dual_bound: float | None = None  # the best bound on the objective the solver proved
    presolve_rechecked: bool = False  # an infeasible verdict was re-checked with presolve off
    solver_status: str = ""  # HiGHS's own words for how the run that gave this answer ended
    phases: dict = field(default_factory=dict)  # the relax-and-round start (optimiser/solver/rounding.py)
    measured_years: str = ""  # "2026-2033": the years whose shortfall the totals count
    run_out_years: str = ""  # "2031-2033" when the totals include run-out years past the horizon
    gap_premium_gbp: float | None = None  # min_system_cost: present value of the premium on the shortfall
    system_cost_gbp: float | None = None  # min_system_cost: present value of spending plus that premium
    # the independent check of the solver's plan (optimiser/pipeline/plan_check.py): largest violation, ...
    plan_check: dict = field(default_factory=dict)

    @property
    def feasible(self) -> bool:
        """Whether this result holds a plan (optimiser.basics.status.holds_plan)."""
        return holds_plan(self.status, self.weighted_shortfall is not None)

    def summary_dict(self) -> dict:
        sq = self.status_quo
        return {
            "scenario": self.scenario_name,
            "objective_name": self.objective_name,
            "objective_meaning": OBJECTIVE_MEANING.get(self.objective_name),
            "objective_unit": OBJECTIVE_UNIT.get(self.objective_name),
            "status": self.status,
            "message": self.message,
            "objective": self.objective,
            "weighted_shortfall": self.weighted_shortfall,
            "status_quo_weighted_shortfall": sq.weighted_shortfall if sq else None,
            "total_shortfall_wte_years": self.total_shortfall_wte_years,
            "status_quo_shortfall_wte_years": sq.total_shortfall_wte_years if sq else None,
            "total_cost_gbp": self.total_cost_gbp,
            "status_quo_cost_gbp": float(sq.costs["gbp"].sum()) if sq is not None and not sq.costs.empty else 0.0,
            "mip_gap": self.mip_gap,
            **({"gap_premium_gbp": self.gap_premium_gbp, "system_cost_gbp": self.system_cost_gbp}
               if self.objective_name == "min_system_cost" else {}),
            **({"measured_years": self.measured_years, "run_out_years": self.run_out_years}
               if self.run_out_years else {}),
            "budget_scale": self.budget_scale,
            "build_seconds": self.timings.get("build_seconds"),
            "handoff_seconds": self.timings.get("handoff_seconds"),
            "solve_seconds": self.timings.get("solve_seconds"),
            "results_seconds": self.timings.get("results_seconds"),
            "shadow_price_seconds": self.timings.get("shadow_price_seconds"),
            "n_vars": self.size.get("n_vars"),
            "n_int_vars": self.size.get("n_int_vars"),
            "n_cons": self.size.get("n_cons"),
            "n_nonzeros": self.size.get("n_nonzeros"),
            "dual_bound": self.dual_bound,
            "presolve_rechecked": self.presolve_rechecked,
            "solver_status": self.solver_status,
            "relax_seconds": self.phases.get("relax_seconds"),
            "round_seconds": self.phases.get("round_seconds"),
            "rounding_box": self.phases.get("rounding_box"),
            **self.plan_check,
        }

    def bottlenecks(self, top: int | None = None, per_family: int | None = None) -> pd.DataFrame:
        """Limits whose loosening would improve the plan, most valuable first.

        Limits of different kinds are in different units (GBP, weeks, WTE, starts), so they are
        ranked by the gain from loosening each by 1% (`value_of_1pct_more`, objective units);
        within a family that is the same as ranking by the gain per unit. `per_family=1` keeps
        the best limit of each kind, so one kind (often the yearly budgets) does not fill the list.
        """
        b = self.binding
        if b.empty:
            return b
        b = b[b["value_of_one_more"] > 1e-9].sort_values("value_of_1pct_more", ascending=False, kind="stable")
        if per_family:
            b = b.groupby("family", sort=False).head(per_family)
        return b.head(top) if top else b


def _val(v) -> float:
    x = v.value
    return 0.0 if x is None else float(x)


def read_projection(m: pyo.ConcreteModel, data: ModelData) -> pd.DataFrame:
    """Supply, demand, covered and shortfall per staff group, region and year (y0 .. y0+H+E).

    y0 is the baseline (shortfall = demand at the start of y0 - in post, no skill mix); later years
    come from the model. covered_wte = demand_wte - shortfall_wte: the part of demand met by own
    staff and by other groups' skill mix. run_out is true in the run-out years past the horizon.
    """
    rows = []
    y0 = data.start_year
    run_out = set(data.run_out_years)
    for g in data.groups:
        for r in data.regions:
            d0 = data.establishment.get((g, r), 0.0)
            s0 = data.in_post[(g, r)]
            if d0 == 0 and s0 == 0 and all(_val(m.stock[g, r, y]) < 1e-9 for y in data.measured_years):
                continue
            short0 = max(0.0, d0 - s0)
            rows.append((g, r, y0, s0, d0, d0 - short0, short0, False))
            for y in data.measured_years:
                d = data.demand.get((g, r, y), 0.0)
                u = _val(m.shortfall[g, r, y]) if (g, r, y) in data.demand else 0.0
                u = max(0.0, u)
                rows.append((g, r, y, _val(m.stock[g, r, y]), d, d - u, u, y in run_out))
    return pd.DataFrame(rows, columns=PROJECTION_COLUMNS)


def read_skill_mix(m: pyo.ConcreteModel, data: ModelData) -> pd.DataFrame:
    """Every deployment above 1e-6 WTE: WTE of the covering group deployed, the covered group's work it
    does (productivity x deployed, WTE) and that work's share of the covered group's demand (of the
    modality's part of it for a row naming a modality). Modality is blank for rows without one."""
    productivity = {(s.covering, s.covered, s.modality): s.productivity for s in data.skill_mix}
    rows = []
    for (h, g, r, y), var in m.deployed.items():
        rows.append((h, g, "", r, y, _val(var), productivity[(h, g, None)], data.demand.get((g, r, y), 0.0)))
    for (h, g, q, r, y), var in m.deployed_on_modality.items():
        rows.append((h, g, q, r, y, _val(var), productivity[(h, g, q)], data.demand_parts.get((g, q, r, y), 0.0)))
    out = [(h, g, q, r, y, a, rho * a, rho * a / d if d > 0 else 0.0)
           for h, g, q, r, y, a, rho, d in rows if a > 1e-6]
    return pd.DataFrame(out, columns=SKILL_MIX_COLUMNS)


def read_costs(m: pyo.ConcreteModel) -> pd.DataFrame:
    rows = [
        (y, category, sum(c * _val(v) for c, v in terms))
        for (category, y), terms in m.cost_terms.items()
    ]
    df = pd.DataFrame(rows, columns=["year", "category", "gbp"])
    df = df[df["gbp"].abs() > 0.005].sort_values(["year", "category"]).reset_index(drop=True)
    return df


def _sum(terms: list) -> float:
    return float(sum(c * _val(v) for c, v in terms))


def weighted_shortfall(m: pyo.ConcreteModel, data: ModelData) -> float:
    """sum weight_g * shortfall over every measured year (run-out included), undiscounted."""
    return _sum(reported_shortfall_terms(m, data))


def discounted_shortfall(m: pyo.ConcreteModel, data: ModelData) -> float:
    """What min_shortfall minimises, equity and cost terms aside: weight * discount**(y-y0-1) * shortfall."""
    return _sum(shortfall_terms(m, data))


def system_cost(m: pyo.ConcreteModel, data: ModelData) -> tuple[float, float]:
    """(gap premium, spending plus gap premium), both present values in GBP (min_system_cost's terms)."""
    premium = _sum(gap_premium_terms(m, data))
    return premium, premium + _sum(present_cost_terms(m, data))


def year_span(years: list[int]) -> str:
    """'2026-2033' (or '2026' for one year, '' for none)."""
    if not years:
        return ""
    return str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"


def read_decision(m: pyo.ConcreteModel, decision: Decision) -> pd.DataFrame:
    """A decision's output table: its index columns and value, rows above `shown_above` only."""
    var = getattr(m, decision.component)
    shown = ((decision.row_of(key), v) for key, v in var.items())
    if decision.integer:
        rows = [(*key, round(_val(v))) for key, v in shown if key is not None]
    else:
        rows = [(*key, _val(v)) for key, v in shown if key is not None]
    df = pd.DataFrame(rows, columns=decision.columns)
    return df[df[decision.value] > decision.shown_above].reset_index(drop=True)


def read_decisions(m: pyo.ConcreteModel) -> dict[str, pd.DataFrame]:
    """Every declared decision's table, by table name (PlanResult's attribute)."""
    return {d.table: read_decision(m, d) for d in DECISIONS}


def index_words(key, data: ModelData) -> str:
    parts = key if isinstance(key, tuple) else (key,)
    words = []
    for p in parts:
        if isinstance(p, str):
            words.append(data.region_names.get(p) or data.group_names.get(p) or data.provider_names.get(p) or p)
        else:
            words.append(str(p))
    return ", ".join(words)


BINDING_COLUMNS = ["family", "constraint", "index", "year", "limit", "used", "slack", "unit", "shadow_price",
                   "value_of_one_more", "value_of_1pct_more", "holds_for_up_to", "binding"]


def _holds_for(i: int, upper: bool, k: float, ranges: tuple[np.ndarray, np.ndarray] | None, compiled) -> float:
    """How many more units of the limit (in the planner's favour, in its own unit) the marginal
    value holds for: the right-hand-side range of the shadow-price LP's basis. NaN when unknown."""
    if ranges is None:
        return float("nan")
    room = ranges[0][i] - compiled.row_upper[i] if upper else compiled.row_lower[i] - ranges[1][i]
    return float("inf") if room >= 1e20 else float(max(0.0, room) * k)


def read_binding(m: pyo.ConcreteModel, data: ModelData, compiled, row_activity: np.ndarray,
                 duals: np.ndarray | None, ranges: tuple[np.ndarray, np.ndarray] | None = None) -> pd.DataFrame:
    """Every limit row: its limit, use, slack, shadow price (objective units per unit of limit)
    and, where the limit has a value, for how many more units that value holds (`ranges`: the
    shadow-price LP's bound-up and bound-down ranging, in the solver's units)."""
    rows = []
    offset = compiled.row_offset if compiled.row_offset is not None else np.zeros(compiled.n_rows)
    for name, family in m.families.items():
        if not family.reported:
            continue
        comp = getattr(m, name)
        for key, con in comp.items():
            for i in compiled.row_of.get(id(con), []):
                k = row_scale_of(m, name, key)  # rows may be scaled for the solver; report in planners' units
                upper = compiled.row_upper[i] < np.inf
                # as the planner wrote it: costs and places already committed count in both
                limit = ((compiled.row_upper[i] if upper else compiled.row_lower[i]) + offset[i]) * k
                act = (row_activity[i] + offset[i]) * k
                slack = (limit - act) if upper else (act - limit)
                dual = float(duals[i]) / k if duals is not None else float("nan")
                # value of moving the limit one unit in the planner's favour (looser)
                value = (-dual if upper else dual) * family.per_unit
                rows.append({
                    "family": family.planner_name,
                    "constraint": name,
                    "index": index_words(key, data) if key is not None else "all years",
                    "year": key[-1] if isinstance(key, tuple) and isinstance(key[-1], int) else (key if isinstance(key, int) else None),
                    "limit": float(limit),
                    "used": float(act),
                    "slack": float(max(0.0, slack)),
                    "unit": family.unit,
                    "shadow_price": dual,
                    "value_of_one_more": value,
                    "value_of_1pct_more": abs(dual) * abs(limit) * 0.01,
                    "holds_for_up_to": _holds_for(i, upper, k, ranges, compiled) if value > 1e-9 else float("nan"),
                    "binding": bool(abs(slack) <= 1e-6 * max(1.0, abs(limit))),
                })
    return pd.DataFrame(rows, columns=BINDING_COLUMNS)


def bottleneck_sentence(row: pd.Series, objective_name: str) -> str:
    family = ROW_FAMILIES.get(row["constraint"])
    what = family.one_more if family is not None and family.one_more else "one more unit"
    gain = row["value_of_one_more"]
    if objective_name == "min_cost":
        said = f"{row['family']}, {row['index']}: {what} saves GBP {gain:,.0f}"
    elif objective_name == "min_system_cost":
        said = (f"{row['family']}, {row['index']}: {what} saves GBP {gain:,.0f} of system cost "
                "(spending plus gap premium, present value)")
    else:
        said = f"{row['family']}, {row['index']}: {what} closes {gain:.3g} WTE-years of weighted gap"
    return said + _range_words(row, family)


def _range_words(row: pd.Series, family: RowFamily | None) -> str:
    """', for up to 120 more weeks': how far the marginal value holds (binding.csv's ranging)."""
    room = row.get("holds_for_up_to", float("nan"))
    if room is None or pd.isna(room):
        return ""
    lowered = family is not None and family.role is Role.REQUIREMENT  # loosened by lowering it
    if room <= 1e-9:  # a degenerate limit: the value is one side's; further units are worth at most it
        return ", at the margin only (further units are worth at most this)"
    if math.isinf(room):
        return ", however far it is lowered" if lowered else ", however far it is raised"
    unit = row.get("unit", "")
    number = f"{room:,.3g}" if room < 10 else f"{room:,.0f}"
    if unit == "GBP":
        return f", for up to GBP {number} {'less' if lowered else 'more'}"
    return f", for up to {number} {unit} less" if lowered else f", for up to {number} more {unit}"


def summarise_projection(projection: pd.DataFrame) -> pd.DataFrame:
    """Per staff group: supply, demand and shortfall in the first and last year (with
    `last_year_run_out` when the projection runs on past the horizon: the last year is a run-out year)."""
    if projection.empty:
        return projection
    first, last = projection["year"].min(), projection["year"].max()
    run_out = "run_out" in projection.columns and bool(projection.loc[projection["year"] == last, "run_out"].any())
    agg = projection.groupby(["staff_group", "year"])[["supply_wte", "demand_wte", "shortfall_wte"]].sum()
    out = []
    for g in projection["staff_group"].unique():
        a, b = agg.loc[(g, first)], agg.loc[(g, last)]
        out.append({
            "staff_group": g,
            f"supply_{first}": a["supply_wte"], f"demand_{first}": a["demand_wte"], f"gap_{first}": a["demand_wte"] - a["supply_wte"],
            f"supply_{last}": b["supply_wte"], f"demand_{last}": b["demand_wte"], f"gap_{last}": b["demand_wte"] - b["supply_wte"],
            f"shortfall_{last}": b["shortfall_wte"],
            **({"last_year_run_out": True} if run_out else {}),
        })
    return pd.DataFrame(out)
