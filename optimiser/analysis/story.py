"""A plan's story in plain language: what to commission, where and from when; what it buys against
the status quo; which limit binds and what relaxing it is worth; which groups no lever reaches;
which lever the plan leans on. Built from a PlanResult and its PlanContext (names and reach):
no scenario's words are written here, only the planner names the model's declarations give
(RowFamily.planner_name and one_more, Decision.lever) and the scenario's own names.

The headline keeps solver internals out: the optimality gap and bound are in `details`. The story
holds no timings, so two runs of one scenario tell it in the same words (scripts/compare_run_folders.py).
`PlanStory.markdown()` is summary.md and the top of the app's Results page; `rows()` is the
workbook's Summary sheet; the board pack uses both.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from optimiser.analysis import wording as w
from optimiser.analysis.plan_context import PlanContext
from optimiser.model.build import ROW_FAMILIES
from optimiser.results.levers import lever_value
from optimiser.results.results import PlanResult

TOP_COMMISSIONS = 5
TOP_LIMITS = 3
TOP_LEVERS = 3
NOTICEABLE_WTE_YEARS = 0.5  # a group's shortfall below this is not worth a sentence
OBJECTIVE_GAIN = {  # what one unit of the objective is, as a limit's value is read
    "min_shortfall": "weighted WTE-years of shortfall closed",
    "min_cost": "GBP saved",
    "min_system_cost": "GBP of system cost saved (present value)",
}
OBJECTIVE_WORDS = {
    "min_shortfall": "the least weighted shortfall within every limit",
    "min_cost": "the least cost that meets every staff group's shortfall target",
    "min_system_cost": "the least spending plus the premium paid to cover the remaining gap (present value)",
}
LEVER_WORDS = {"commissions": "commissioning", "recruits": "recruiting", "retention": "retention scheme",
               "extra educators": "extra practice educators", "budget": "budget"}


@dataclass(frozen=True)
class Section:
    heading: str
    lines: tuple[str, ...]
    table: pd.DataFrame = field(default_factory=pd.DataFrame)


@dataclass(frozen=True)
class PlanStory:
    title: str
    headline: str
    sections: tuple[Section, ...]
    details: Section
    top_commission: str = ""  # "Birmingham City University, undergraduate radiography"
    binding_limit: str = ""  # "Placement weeks, Black Country ICB, 2027"

    def markdown(self, title: bool = True) -> str:
        out = [f"# {self.title}", ""] if title else []
        out += [self.headline, ""]
        for section in (*self.sections, self.details):
            out += [f"## {section.heading}", ""]
            out += [f"- {line}" for line in section.lines]
            out.append("")
        return "\n".join(out)

    def rows(self) -> list[tuple[str, str]]:
        """(section, text) rows: the workbook's Summary sheet."""
        out = [("Plan", self.title), ("Headline", self.headline)]
        for section in (*self.sections, self.details):
            out += [(section.heading, line) for line in section.lines]
        return out


def _measured(projection: pd.DataFrame) -> pd.DataFrame:
    """The rows whose shortfall counts: every year after the baseline."""
    if projection.empty:
        return projection
    return projection[projection["year"] > projection["year"].min()]


def _decided(table: pd.DataFrame, ctx: PlanContext) -> pd.DataFrame:
    """A decision table's rows in decision years (earlier years are fixed: already commissioned)."""
    if table.empty or ctx.first_decision_year is None:
        return table
    return table[table["year"] >= ctx.first_decision_year]


def _commissions(result: PlanResult, ctx: PlanContext) -> tuple[Section, str]:
    starts = _decided(result.starts, ctx)
    lines, top = [], ""
    table = pd.DataFrame()
    if not starts.empty and starts["starts"].sum() > 0:
        rows = []
        for (p, k), g in starts.groupby(["provider", "route"], sort=False):
            by_year = g.groupby("year")["starts"].sum()
            by_year = by_year[by_year > 0]
            if by_year.empty:
                continue
            placed = g.groupby("region")["starts"].sum().sort_values(ascending=False)
            rows.append({"Provider": ctx.name(p), "Route": ctx.name(k), "Starts": float(by_year.sum()),
                         "From": int(by_year.index.min()), "To": int(by_year.index.max()),
                         "Busiest year": int(by_year.idxmax()), "Starts that year": float(by_year.max()),
                         "Placed in": w.listing([f"{ctx.name(r)} ({w.share(v, placed.sum())})"
                                                 for r, v in placed.items() if v > 0])})
        table = pd.DataFrame(rows).sort_values("Starts", ascending=False, kind="stable").reset_index(drop=True)
        for _, r in table.head(TOP_COMMISSIONS).iterrows():
            lines.append(f"{r['Provider']}, {r['Route']}: {w.count(r['Starts'])} starts from {w.span(r['From'], r['To'])} "
                         f"(most in {r['Busiest year']}: {w.count(r['Starts that year'])}), placed in {r['Placed in']}.")
        if len(table):
            top = f"{table.loc[0, 'Provider']}, {table.loc[0, 'Route']}"
        if len(table) > TOP_COMMISSIONS:
            lines.append(f"{len(table) - TOP_COMMISSIONS} more provider and route pairs: "
                         f"{w.count(table['Starts'].iloc[TOP_COMMISSIONS:].sum())} starts between them.")
        table["Starts"] = table["Starts"].map(w.count)
        table["Starts that year"] = table["Starts that year"].map(w.count)
    recruits = _decided(result.recruits, ctx)
    if not recruits.empty:
        for k, g in recruits.groupby("route", sort=False):
            into = g.groupby("region")["recruits"].sum().sort_values(ascending=False)
            years = g.loc[g["recruits"] > 0, "year"]
            if into.sum() > 0:
                lines.append(f"Recruit {w.count(into.sum())} on the {ctx.name(k)} route from {w.span(years.min(), years.max())}, "
                             f"most into {w.listing([ctx.name(r) for r in into.index[:2]], 2)}.")
    retention = _decided(result.retention, ctx)
    if not retention.empty and retention["retained_wte"].sum() > 0:
        kept = retention.groupby("scheme")["retained_wte"].sum().sort_values(ascending=False)
        lines.append(f"Fund retention schemes that keep {w.wte(kept.sum())} of staff who would have left: "
                     + w.listing([f"{ctx.name(s)} ({w.wte(v)})" for s, v in kept.items()]) + ".")
    educators = _decided(result.educators, ctx)
    if not educators.empty and educators["extra_educator_wte"].sum() > 0:
        where = educators.groupby("region")["extra_educator_wte"].sum().sort_values(ascending=False)
        lines.append(f"Fund {w.wte(where.sum())} of extra practice educators, most in "
                     f"{w.listing([ctx.name(r) for r in where.index[:2]], 2)}.")
    if ctx.first_decision_year is not None and not result.starts.empty \
            and (result.starts["year"] < ctx.first_decision_year).any():
        lines.append(f"Intakes before {ctx.first_decision_year} are already commissioned and fixed in every plan.")
    if not lines:
        lines.append("The plan commissions nothing beyond the status quo.")
    return Section("What to commission, where and from when", tuple(lines), table), top


def _group_shortfall(projection: pd.DataFrame) -> pd.Series:
    m = _measured(projection)
    return m.groupby("staff_group")["shortfall_wte"].sum() if not m.empty else pd.Series(dtype=float)


def _buys(result: PlanResult, ctx: PlanContext) -> tuple[Section, pd.DataFrame]:
    sq = result.status_quo
    plan_g = _group_shortfall(result.projection)
    sq_g = _group_shortfall(sq.projection) if sq is not None else pd.Series(dtype=float)
    groups = list(dict.fromkeys([*sq_g.index, *plan_g.index]))
    table = pd.DataFrame({"Staff group": [ctx.name(g) for g in groups],
                          "Status quo": [float(sq_g.get(g, 0.0)) for g in groups],
                          "Plan": [float(plan_g.get(g, 0.0)) for g in groups]}, index=groups)
    table["Change"] = table["Plan"] - table["Status quo"]
    lines = []
    years = _years(result)
    if sq is not None:
        lines.append(f"Weighted shortfall over {years}: {w.wte(result.weighted_shortfall)} with the plan against "
                     f"{w.wte(sq.weighted_shortfall)} in the status quo ({_change(result.weighted_shortfall, sq.weighted_shortfall)}).")
        lines.append(f"Unweighted: {w.wte(result.total_shortfall_wte_years)} against {w.wte(sq.total_shortfall_wte_years)}.")
    else:
        lines.append(f"Weighted shortfall over {years}: {w.wte(result.weighted_shortfall)}.")
    better = table[table["Change"] < -NOTICEABLE_WTE_YEARS].sort_values("Change")
    if len(better):
        lines.append("Largest reductions (WTE-years): " + w.listing(
            [f"{r['Staff group']} {w.wte(-r['Change'], '')} fewer" for _, r in better.iterrows()], 4) + ".")
    worse = table[table["Change"] > NOTICEABLE_WTE_YEARS].sort_values("Change", ascending=False)
    if len(worse):
        lines.append("Worse than the status quo (the plan moves staff or money to where it counts more): " + w.listing(
            [f"{r['Staff group']} {w.wte(r['Change'], '')} more" for _, r in worse.iterrows()], 4) + ".")
    if result.run_out_years:
        lines.append(f"The totals include the run-out years {result.run_out_years}, when nobody new starts in any plan.")
    shown = table.reset_index(drop=True).copy()
    for col in ("Status quo", "Plan", "Change"):
        shown[col] = shown[col].map(lambda v: w.wte(v, ""))
    return Section("What it buys against the status quo", tuple(lines), shown), table


def _years(result: PlanResult) -> str:
    """'2024-2042': the years the totals count (from the projection when the result does not say)."""
    if result.measured_years:
        return result.measured_years
    m = _measured(result.projection)
    return "the measured years" if m.empty else w.span(int(m["year"].min()), int(m["year"].max())).replace(" to ", "-")


def _change(plan, status_quo) -> str:
    """'40% less' or '5.0% more': the plan's shortfall against the status quo's."""
    less = _minus(status_quo, plan)
    if less is None:
        return w.NOT_AVAILABLE
    return f"{w.share(abs(less), status_quo)} {'less' if less >= 0 else 'more'}"


def _minus(a, b):
    x, y = w.finite(a), w.finite(b)
    return None if x is None or y is None else x - y


def limit_words(row: pd.Series, ctx: PlanContext) -> str:
    return w.sentence(f"{row['family']}, {ctx.words(row['index'])}")


def _limits(result: PlanResult, ctx: PlanContext) -> tuple[Section, str]:
    gain = OBJECTIVE_GAIN.get(result.objective_name, "of the objective")
    kinds = result.bottlenecks(per_family=1)
    if kinds.empty:
        return Section("What limits the plan", ("No limit binds: more capacity or money would not improve this plan.",)), ""
    lines = []
    for _, row in kinds.head(TOP_LIMITS).iterrows():
        family = ROW_FAMILIES.get(row["constraint"])
        one = family.one_more if family is not None and family.one_more else "one more unit"
        pct = w.finite(row["limit"])
        amount = (w.gbp(abs(pct) * 0.01) if row["unit"] == "GBP" else f"{w.marginal(abs(pct) * 0.01)} {row['unit']}") if pct else ""
        pct_text = f" (about {amount})" if amount else ""
        lines.append(f"{limit_words(row, ctx)} binds: {one} is worth {w.marginal(row['value_of_one_more'])} {gain}; "
                     f"1% more{pct_text} is worth {w.marginal(row['value_of_1pct_more'])}.")
    lines.append("These are marginal values from the plan's shadow prices: they hold for small changes, and a "
                 "larger change is worth less once other limits bind.")
    return Section("What limits the plan", tuple(lines)), limit_words(kinds.iloc[0], ctx)


def _unreached(result: PlanResult, ctx: PlanContext, buys: pd.DataFrame) -> Section:
    short = buys["Plan"] if not buys.empty else pd.Series(dtype=float)
    short = short[short > NOTICEABLE_WTE_YEARS]
    lines = []
    if not ctx.reached_by and not ctx.groups:
        return Section("Groups no lever reaches", ("The scenario's routes and schemes were not available to this report.",))
    no_lever = [g for g in short.index if not ctx.reached_by.get(g)]
    for g in no_lever:
        cover = ctx.covered_by.get(g, ())
        also = f"; only skill mix from {w.listing([ctx.name(h) for h in cover])} can cover part of its work" if cover else ""
        lines.append(f"No lever reaches {ctx.name(g)} ({w.wte(short[g])} short in the plan): no route trains or "
                     f"recruits it and no retention scheme keeps it{also}.")
    used = set()
    for table, col in ((result.starts, "route"), (result.recruits, "route")):
        if not table.empty:
            used |= {ctx.route_group.get(k) for k in table.loc[_decided(table, ctx).index, col]}
    if not result.retention.empty:
        used |= set(_decided(result.retention, ctx)["staff_group"])
    idle = [g for g in short.index if ctx.reached_by.get(g) and g not in used]
    if idle:
        lines.append("The plan pulls no lever for " + w.listing([f"{ctx.name(g)} ({w.wte(short[g])} short)" for g in idle], 5)
                     + ": their routes and schemes do not pay at the margin within the limits.")
    if not lines:
        lines.append("Every group still short in the plan has a lever the plan uses.")
    return Section("Groups no lever reaches", tuple(lines))


def lever_words(row: pd.Series, ctx: PlanContext) -> str:
    lever = str(row["lever"])
    if lever == "budget":
        return f"the {row['name']} budget"
    what = LEVER_WORDS.get(lever.split(" ")[-1] if lever.endswith("recruits") else lever, lever)
    if lever.endswith("recruits"):
        what = f"{lever.split(' ')[0]} recruiting"
    name = f" {ctx.name(row['name'])}" if isinstance(row["name"], str) and row["name"] else ""  # blank: read back as NaN
    return f"{what}{name} ({ctx.words(row['where'])})"


def _levers(result: PlanResult, ctx: PlanContext) -> Section:
    lines = []
    costs = result.costs
    if not costs.empty:
        spend = _decided(costs, ctx).groupby("category")["gbp"].sum().sort_values(ascending=False)
        spend = spend[spend > 0]
        if len(spend):
            lines.append(f"The plan leans on {spend.index[0]}: {w.gbp(spend.iloc[0])} of {w.gbp(spend.sum())} spent "
                         f"from {ctx.first_decision_year or 'the start'} ({w.share(spend.iloc[0], spend.sum())}); then "
                         + w.listing([f"{c} {w.gbp(v)}" for c, v in spend.iloc[1:].items()], 3) + "."
                         if len(spend) > 1 else
                         f"The plan spends {w.gbp(spend.iloc[0])} on {spend.index[0]}.")
    levers = result.levers
    if not levers.empty:
        column, words = lever_value(levers, result.objective_name)
        good = levers[levers[column].map(lambda v: (w.finite(v) or 0) > 0)]
        for i, (_, row) in enumerate(good.head(TOP_LEVERS).iterrows(), start=1):
            lead = "Where the next GBP 1m goes furthest: " if i == 1 else f"Then ({i}): "
            if column.startswith("gbp"):  # min_cost, min_system_cost: GBP saved net of the GBP 1m
                lines.append(f"{lead}{lever_words(row, ctx)}, {w.gbp(row[column])} per GBP 1m at the margin "
                             f"({words}).")
            else:
                lines.append(f"{lead}{lever_words(row, ctx)}, {w.marginal(row[column])} weighted "
                             "WTE-years of shortfall per GBP 1m at the margin.")
    if not lines:
        lines.append("The plan spends nothing on new levers.")
    return Section("The levers it leans on", tuple(lines))


def _details(result: PlanResult) -> Section:
    lines = [f"Objective: {OBJECTIVE_WORDS.get(result.objective_name, w.readable_id(result.objective_name))}; "
             f"budgets scaled by {w.marginal(result.budget_scale)}.",
             f"Solver: {result.status.replace('_', ' ')} ({result.message})." if result.message else
             f"Solver: {result.status.replace('_', ' ')}."]
    gap = w.finite(result.mip_gap)
    if gap is not None:
        lines.append(f"MIP gap {100 * gap:.2f}%: the plan is proven within that share of the best possible objective"
                     + (f" (best bound {w.marginal(result.dual_bound)})." if w.finite(result.dual_bound) is not None else "."))
    if result.total_cost_gbp is not None:
        lines.append(f"Total cost over every model year: {w.gbp(result.total_cost_gbp)}"
                     + (f" (status quo {w.gbp(result.status_quo.costs['gbp'].sum())})."
                        if result.status_quo is not None and not result.status_quo.costs.empty else "."))
    if result.system_cost_gbp is not None:
        lines.append(f"System cost (present value) {w.gbp(result.system_cost_gbp)}, of which gap premium "
                     f"{w.gbp(result.gap_premium_gbp)}.")
    return Section("Details", tuple(lines))


def plan_story(result: PlanResult, context: PlanContext | None = None) -> PlanStory:
    """The story of a plan that holds one (result.feasible); a short one saying why when it does not."""
    ctx = context or PlanContext()
    title = f"{result.scenario_name}: the plan in brief"
    if not result.feasible:
        return PlanStory(title, f"No plan: {result.message or result.status}.", (), _details(result))
    commissions, top = _commissions(result, ctx)
    buys, by_group = _buys(result, ctx)
    limits, binding = _limits(result, ctx)
    sq = result.status_quo
    head = [f"Over {_years(result)} the plan brings the weighted shortfall to "
            f"{w.wte(result.weighted_shortfall)}"]
    if sq is not None:
        head[0] += (f", from {w.wte(sq.weighted_shortfall)} if current commissioning simply continues "
                    f"({_change(result.weighted_shortfall, sq.weighted_shortfall)})")
        sq_cost = float(sq.costs["gbp"].sum()) if not sq.costs.empty else 0.0
        head[0] += f", for {w.gbp(result.total_cost_gbp)} against {w.gbp(sq_cost)}."
    else:
        head[0] += f", for {w.gbp(result.total_cost_gbp)}."
    if top:
        head.append(f"The largest commission: {top}.")
    if binding:
        head.append(f"The limit that binds hardest: {binding}.")
    return PlanStory(title, " ".join(head),
                     (commissions, buys, limits, _unreached(result, ctx, by_group), _levers(result, ctx)),
                     _details(result), top, binding)
