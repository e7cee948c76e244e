"""Re-plan from actuals: the plan's scenario rolled forward to year Y and its decisions made again.

The re-plan keeps the scenario's start year y0 and uses v2's frozen years (model.md,
"first_decision_year"): first_decision_year becomes Y, and every start year before Y is fixed
(baseline_starts) to what actually started and was recruited, from the actuals where they cover
the year and from the previous plan where they do not (stated in `replan.json`). Learners who
started before Y are therefore carried into the re-plan with the scenario's completion rates and
course lengths: they join the stock of year start + duration (c_k of them), and they keep
counting in the placement, educator and budget rows and the costs of the years they are in
training (`in_training.csv` lists them). Staff in post at the start of Y are the actuals: the
difference between the actual in post on (or nearest to) 1 April Y and the stock the model
projects from the frozen years is added as a committed inflow during Y-1 (which lands in the stock
of Y); it may be negative (more leavers than the rates say) and is listed in
`in_post_correction.csv`. A total_budget is reduced by what was spent in the old decision years
before Y. Decisions from Y on (starts, recruits, retention, extra educators) are optimised again.

With actuals equal to the plan, the re-plan's problem from Y is the plan's own with its earlier
decisions fixed, so it reproduces the plan's remaining years (tests/integration/test_replan.py).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace

import pandas as pd

from optimiser.analysis.monitor import MonitorReport, monitor
from optimiser.analysis.plan_folder import PlanTables
from optimiser.basics.cells import cell_text
from optimiser.pipeline import api  # looked up at call time (a test may stand in for a solve)
from optimiser.results.results import PlanResult
from optimiser.scenario.actuals import Actuals, financial_year_start
from optimiser.scenario.scenario import Scenario, scenario_from_raw

IN_POST_WINDOW_DAYS = 31  # the in-post actual used for 1 April Y may be this far from it


class ReplanError(ValueError):
    """A re-plan the inputs cannot support (a year outside the plan, no in-post actuals near Y)."""


@dataclass(frozen=True)
class Replan:
    from_year: int
    result: PlanResult
    scenario: Scenario  # the rolled-forward scenario that was solved
    changes: pd.DataFrame  # measure, provider, route, before, after, change (years >= Y)
    why: pd.DataFrame  # the actuals that moved: amber/red lines of the frozen years and of in post at Y
    in_training: pd.DataFrame  # learners in training at Y and when they complete
    in_post_correction: pd.DataFrame  # staff_group, region, date, actual, modelled, correction_wte
    sources: dict  # year -> "actuals" | "previous plan" for starts and recruits of frozen years
    monitoring: MonitorReport


def _frozen_intake(plan: PlanTables, scenario: Scenario, actuals: Actuals, from_year: int):
    """Starts (provider, region, route, year, starts) and recruits (route, region, year, recruits)
    of the start years before Y: actual where the actuals cover the year, else the plan's."""
    y0 = scenario.config.start_year
    home = dict(zip(scenario.tables["providers"]["provider"], scenario.tables["providers"]["region"], strict=True))
    a_starts = actuals.tables["actual_starts"].copy()
    a_starts["region"] = [r or home[p] for p, r in zip(a_starts["provider"], a_starts["region"], strict=True)]
    a_rec = actuals.tables["actual_recruits"]
    starts, recruits, sources = [], [], {}
    for year in range(y0, from_year):
        for name, act, planned in (("starts", a_starts, plan.tables["starts"]),
                                   ("recruits", a_rec, plan.tables["recruits"])):
            covered = year in set(act["year"].astype(int))
            sources[f"{name} {year}"] = "actuals" if covered else "previous plan"
            df = act if covered else planned
            df = df[df["year"].astype(int) == year]
            (starts if name == "starts" else recruits).append(df)
    cols_s, cols_r = ["provider", "region", "route", "year", "starts"], ["route", "region", "year", "recruits"]
    starts_df = pd.concat(starts)[cols_s] if starts else pd.DataFrame(columns=cols_s)
    recruits_df = pd.concat(recruits)[cols_r] if recruits else pd.DataFrame(columns=cols_r)
    starts_df = starts_df.groupby(cols_s[:-1], as_index=False)["starts"].sum()
    recruits_df = recruits_df.groupby(cols_r[:-1], as_index=False)["recruits"].sum()
    return starts_df, recruits_df, sources


def _rolled_raw(scenario: Scenario, starts: pd.DataFrame, recruits: pd.DataFrame, from_year: int,
                spent_before: float):
    """The scenario's text with first_decision_year Y and the frozen years' intake as baseline_starts."""
    raw = copy.deepcopy(scenario.raw)
    raw.config["first_decision_year"] = from_year
    if scenario.config.total_budget is not None:
        raw.config["total_budget"] = max(0.0, scenario.config.total_budget - spent_before)
    bs = raw.tables.get("baseline_starts", pd.DataFrame(columns=["provider", "region", "route", "year", "starts"]))
    bs = bs.copy()
    years = pd.to_numeric(bs["year"].replace("", None), errors="coerce")
    later = bs[years.isna() | (years >= from_year)]
    frozen_years = range(scenario.config.start_year, from_year)
    rows = [{"provider": r["provider"], "region": r["region"], "route": r["route"], "year": str(int(r["year"])),
             "starts": cell_text(float(r["starts"]))} for _, r in starts.iterrows()]
    rows += [{"provider": "", "region": r["region"], "route": r["route"], "year": str(int(r["year"])),
              "starts": cell_text(float(r["recruits"]))} for _, r in recruits.iterrows()]
    given = {(r["provider"], r["region"], r["route"], r["year"]) for r in rows}
    for _, r in bs[years.isna()].iterrows():  # a blank-year row must not reach back into a frozen year
        for y in frozen_years:
            if (r["provider"], r["region"], r["route"], str(y)) not in given:
                rows.append({"provider": r["provider"], "region": r["region"], "route": r["route"], "year": str(y),
                             "starts": "0"})
    note = {"notes": f"re-plan from {from_year}: intake of the frozen year, from the actuals or the previous plan"}
    frozen = pd.DataFrame([{**r, **(note if "notes" in bs.columns else {})} for r in rows], columns=bs.columns)
    raw.tables["baseline_starts"] = pd.concat([frozen.fillna(""), later], ignore_index=True)
    return raw


def _in_post_at(actuals: Actuals, year: int) -> pd.DataFrame:
    act = actuals.tables["actual_in_post"]
    target = financial_year_start(year)
    near = act[(act["date"] - target).abs() <= pd.Timedelta(days=IN_POST_WINDOW_DAYS)].copy()
    if near.empty:
        raise ReplanError(f"the actuals give no staff in post within {IN_POST_WINDOW_DAYS} days of 1 April {year}: "
                          f"add actual_in_post rows dated {target:%Y-%m-%d} (the start of the re-plan's first year)")
    near["distance"] = (near["date"] - target).abs()
    return near.sort_values("distance").groupby(["staff_group", "region"], as_index=False).first()


def _in_training(starts: pd.DataFrame, recruits: pd.DataFrame, scenario: Scenario, from_year: int) -> pd.DataFrame:
    routes = scenario.tables["routes"].set_index("route")
    learners = pd.concat([starts.assign(kind="training"),
                          recruits.rename(columns={"recruits": "starts"}).assign(provider="", kind="recruits")])
    rows = []
    for _, r in learners.iterrows():
        route = routes.loc[r["route"]]
        length = int(route["duration_years"])
        if r["starts"] > 0 and int(r["year"]) + length > from_year:
            rows.append({"provider": r["provider"], "region": r["region"], "route": r["route"],
                         "start_year": int(r["year"]), "learners": float(r["starts"]), "duration_years": length,
                         "completion_rate": float(route["completion_rate"]), "joins_stock_of": int(r["year"]) + length,
                         "expected_completers": float(r["starts"]) * float(route["completion_rate"]),
                         "produces": route["produces"]})
    return pd.DataFrame(rows, columns=["provider", "region", "route", "start_year", "learners", "duration_years",
                                       "completion_rate", "joins_stock_of", "expected_completers", "produces"])


def _changes(plan: PlanTables, result: PlanResult, from_year: int) -> pd.DataFrame:
    def later(df: pd.DataFrame, col: str = "year") -> pd.DataFrame:
        return df[df[col].astype(int) >= from_year]

    rows = []
    before = later(plan.tables["starts"]).groupby(["provider", "route"])["starts"].sum()
    after = later(result.starts).groupby(["provider", "route"])["starts"].sum()
    for key in sorted(set(before.index) | set(after.index)):
        rows.append(("starts", key[0], key[1], before.get(key, 0.0), after.get(key, 0.0)))
    before = later(plan.tables["recruits"]).groupby("route")["recruits"].sum()
    after = later(result.recruits).groupby("route")["recruits"].sum() if not result.recruits.empty else pd.Series()
    for k in sorted(set(before.index) | set(after.index)):
        rows.append(("recruits", "", k, before.get(k, 0.0), after.get(k, 0.0)))
    rows.append(("cost (GBP, years from Y)", "", "", later(plan.tables["costs"])["gbp"].sum(),
                 later(result.costs)["gbp"].sum()))
    p_proj, r_proj = plan.tables["projection"], result.projection
    rows.append(("shortfall (WTE-years, measured years after Y)", "", "",
                 p_proj.loc[p_proj["year"] > from_year, "shortfall_wte"].sum(),
                 r_proj.loc[r_proj["year"] > from_year, "shortfall_wte"].sum()))
    df = pd.DataFrame(rows, columns=["measure", "provider", "route", "before", "after"])
    df["change"] = df["after"] - df["before"]
    return df


def replan(plan: PlanTables, scenario: Scenario, actuals: Actuals, from_year: int,
           time_limit: float | None = None, gap: float | None = None) -> Replan:
    """The plan rolled forward to `from_year` from the actuals, its later decisions optimised again."""
    cfg = scenario.config
    if not cfg.start_year < from_year <= cfg.last_start_year:
        raise ReplanError(f"--from-year {from_year} is outside the plan's re-plannable years "
                          f"{cfg.start_year + 1}-{cfg.last_start_year} (after its start year, up to its last start year)")
    in_post = _in_post_at(actuals, from_year)
    starts, recruits, sources = _frozen_intake(plan, scenario, actuals, from_year)
    spend = actuals.tables["actual_spend"]
    spent = 0.0
    for year in range(cfg.first_decision, from_year):
        covered = spend[spend["year"].astype(int) == year]
        planned = plan.tables["costs"][plan.tables["costs"]["year"].astype(int) == year]
        spent += float(covered["gbp"].sum() if not covered.empty else planned["gbp"].sum())
    rolled = scenario_from_raw(_rolled_raw(scenario, starts, recruits, from_year, spent))
    modelled = api.project(rolled).projection
    modelled = modelled[modelled["year"] == from_year].set_index(["staff_group", "region"])["supply_wte"]
    correction = in_post.assign(modelled=[modelled.get((g, r), 0.0) for g, r in
                                          zip(in_post["staff_group"], in_post["region"], strict=True)])
    correction = correction.rename(columns={"in_post_wte": "actual"})
    correction["correction_wte"] = correction["actual"] - correction["modelled"]
    correction["date"] = correction["date"].dt.strftime("%Y-%m-%d")
    correction = correction[["staff_group", "region", "date", "actual", "modelled", "correction_wte"]]
    extra = pd.DataFrame({"region": correction["region"], "staff_group": correction["staff_group"],
                          "year": float(from_year - 1), "wte": correction["correction_wte"]})
    extra = extra[extra["wte"].abs() > 1e-9]
    tables = dict(rolled.tables)
    committed = tables["committed_inflows"]
    tables["committed_inflows"] = pd.concat([committed, extra.reindex(columns=committed.columns)], ignore_index=True) \
        if not extra.empty else committed
    rolled = replace(rolled, tables=tables)
    result = api.solve(rolled, time_limit=time_limit, gap=gap)
    checked = monitor(plan, scenario, actuals)
    lines = checked.lines
    used = set(zip(in_post["staff_group"], in_post["region"], in_post["date"].dt.strftime("%Y-%m-%d"), strict=True))
    moved = [(g, r, d) in used if m == "in post" else y < from_year
             for m, g, r, d, y in zip(lines["measure"], lines["staff_group"], lines["region"], lines["date"],
                                      lines["year"], strict=True)]
    off = lines[pd.Series(moved, index=lines.index) & (lines["flag"] != "green")]
    # in post first (it moves the re-plan most), then each measure's largest differences in its own unit
    order = {m: i for i, m in enumerate(("in post", "starts", "recruits", "retained", "spend"))}
    why = off.assign(_m=off["measure"].map(order), _v=-off["variance"].abs()).sort_values(["_m", "_v"]) \
        .drop(columns=["_m", "_v"])
    sources["in post"] = f"actuals on or nearest to 1 April {from_year}"
    if cfg.total_budget is not None:
        sources["total_budget"] = f"reduced by GBP {spent:,.0f} spent in {cfg.first_decision}-{from_year - 1}"
    return Replan(from_year, result, rolled, _changes(plan, result, from_year) if result.feasible else pd.DataFrame(),
                  why.reset_index(drop=True), _in_training(starts, recruits, scenario, from_year), correction,
                  sources, checked)
