"""A plan's life after its first solve: optimiser monitor | replan | rollup | merge.

Bad input (a plan folder that is not one, actuals naming unknown regions, groups, providers or
routes, dates outside the plan, negative values, local scenarios that conflict) is reported
with file, row and column, exit 2, and nothing is written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

import optimiser
from optimiser.cli.errors import Exit
from optimiser.cli.params import ReplaceOpt, check_new, check_out, number_param, replaced

PlanOpt = Annotated[Path, typer.Option("--plan", help="A plan's run folder (optimiser solve --out)")]
ActualsOpt = Annotated[Path, typer.Option("--actuals", help="Actuals: a folder of actual_*.csv files or an .xlsx "
                                                             "workbook (inputs/data_dictionary.csv, tables actual_*)")]
PlanScenarioOpt = Annotated[Path | None, typer.Option(
    "--scenario", "-s", help="The plan's scenario (default: the one its plan.xlsx records)")]
LevelOpt = Annotated[str, typer.Option(
    "--level", help="Roll the report up to this level of the hierarchy (region, parent, or a level of areas.csv, "
                    "e.g. network)")]
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="Folder for the output files (all of one run: "
                                                                 "checked before any work, replaced whole)")]


def _plan_and_scenario(plan: Path, scenario: Path | None):
    try:
        folder = optimiser.read_plan_tables(plan)
        return folder, optimiser.plan_scenario(folder, scenario)
    except optimiser.PlanFolderError as exc:
        raise Exit(2, f"--plan: {exc}; nothing was written") from None
    except optimiser.ScenarioError as exc:
        typer.echo(exc.report.render(), err=True)
        raise Exit(2, "the plan's scenario has errors; nothing was written") from None


def _actuals(path: Path, scenario):
    try:
        actuals = optimiser.load_actuals(path, scenario)
    except optimiser.ScenarioError as exc:
        typer.echo(exc.report.render(), err=True)
        raise Exit(2, "the actuals have errors; nothing was run or written") from None
    for w in actuals.report.warnings:
        typer.echo(w.render(), err=True)
    return actuals


def _rolled(report, scenario, level: str):
    try:
        return optimiser.roll_up_monitor(report, scenario, level)
    except optimiser.RollupError as exc:
        raise Exit(2, f"--level: {exc}; nothing was written") from None


def _print_monitor(report) -> None:
    lines = report.lines
    typer.echo(f"Plan against actuals: {report.scenario_name}"
               + (f" (actuals as of {report.as_of})" if report.as_of else "")
               + ("" if report.level == "region" else f", rolled up to {report.level}"))
    typer.echo(f"  flags: red when actual is {report.red_at:.0%} or more off plan (either way), amber from "
               f"{report.amber_at:.0%}; in post is compared with the plan's stock interpolated linearly between "
               "1 Aprils")
    typer.echo(report.counts().to_string(index=False))
    latest = lines[lines["measure"] == "in post"]
    if not latest.empty:
        last = latest["date"].max()
        g = latest[latest["date"] == last].groupby("staff_group")[["plan", "actual"]].sum()
        g["variance"] = g["actual"] - g["plan"]
        g["variance_pct"] = g["variance"] / g["plan"]
        typer.echo(f"  in post on {last} by staff group (WTE):")
        typer.echo(g.to_string(float_format=lambda v: f"{v:,.3f}" if abs(v) < 1 else f"{v:,.1f}"))
    for measure in ("starts", "recruits", "retained", "spend"):
        m = lines[lines["measure"] == measure]
        if m.empty:
            continue
        by_year = m.groupby("year")[["plan", "actual"]].sum()
        typer.echo(f"  {measure} by year: " + "; ".join(
            f"{y} plan {r['plan']:,.0f} actual {r['actual']:,.0f} ({(r['actual'] - r['plan']) / r['plan']:+.1%})"
            if r["plan"] else f"{y} plan 0 actual {r['actual']:,.0f}" for y, r in by_year.iterrows()))
    red = lines[(lines["flag"] == "red") & (lines["measure"] != "in post")]
    if not red.empty:
        typer.echo(f"  red lines other than in post ({len(red)}), largest first:")
        for _, r in red.reindex(red["variance"].abs().sort_values(ascending=False).index).head(8).iterrows():
            what = " ".join(v for v in (r["staff_group"], r["region"], r["provider"], r["route"], r["category"]) if v)
            pct = "unplanned" if r["plan"] == 0 else f"{r['variance_pct']:+.1%}"
            typer.echo(f"    {r['measure']} {what} {r['year']}: plan {r['plan']:,.1f} actual {r['actual']:,.1f} ({pct})")


def monitor_command(plan: PlanOpt, actuals: ActualsOpt, scenario: PlanScenarioOpt = None,
                    level: LevelOpt = "region", out: OutOpt = None, replace: ReplaceOpt = False):
    """Plan against actuals: in post, starts, recruits, retained staff and spend, with red/amber/green flags."""
    was = check_out(out, "monitor", replace)
    folder, sc = _plan_and_scenario(plan, scenario)
    checked = _actuals(actuals, sc)
    report = _rolled(optimiser.monitor(folder, sc, checked), sc, level)
    _print_monitor(report)
    if out:
        files = optimiser.write_monitor(report, out, replace=replace)
        typer.echo(f"Wrote {out}/" + ", ".join(Path(f).name for f in files))
        replaced(out, was)


def replan_command(plan: PlanOpt, actuals: ActualsOpt,
                   from_year: Annotated[int, typer.Option("--from-year", help="First year decided again (its start "
                                                                               "is the actuals' in post)")],
                   scenario: PlanScenarioOpt = None, out: OutOpt = None,
                   time_limit: Annotated[float | None, typer.Option(parser=number_param("time_limit"),
                                                                    help="Solver time limit (s)")] = None,
                   gap: Annotated[float | None, typer.Option(parser=number_param("gap"),
                                                             help="Relative MIP gap (0 to 1)")] = None,
                   replace: ReplaceOpt = False):
    """Roll the plan forward to --from-year from the actuals and optimise its decisions again."""
    was = check_out(out, "replan", replace)
    folder, sc = _plan_and_scenario(plan, scenario)
    checked = _actuals(actuals, sc)
    bundle = optimiser.start_bundle("replan", sc, {"from_year": from_year, "time_limit": time_limit, "gap": gap},
                                    inputs={"plan": plan, "actuals": actuals}) if out else None
    try:
        result = optimiser.replan(folder, sc, checked, from_year, time_limit=time_limit, gap=gap)
    except optimiser.ReplanError as exc:
        raise Exit(2, f"{exc}; nothing was written") from None
    plan_result = result.result
    if not plan_result.feasible:
        raise Exit(3 if plan_result.status == optimiser.Status.INFEASIBLE else 1,
                   f"the re-plan found no plan ({plan_result.message}); nothing was written")
    typer.echo(f"Re-plan of {sc.name} from {from_year}: {plan_result.status} (gap "
               f"{100 * (plan_result.mip_gap or 0):.1f}%); years before {from_year} frozen at "
               + ", ".join(f"{k}: {v}" for k, v in result.sources.items()))
    it = result.in_training
    typer.echo(f"  learners in training carried in: {it['learners'].sum():,.0f} (expected completers "
               f"{it['expected_completers'].sum():,.1f} WTE, by completion rates and course lengths)")
    corr = result.in_post_correction
    typer.echo(f"  in post at 1 April {from_year} from the actuals: {corr['actual'].sum():,.1f} WTE against "
               f"{corr['modelled'].sum():,.1f} projected from the frozen years (committed inflow "
               f"{corr['correction_wte'].sum():+z,.1f} WTE in {from_year - 1})")
    typer.echo("  what changed against the previous plan (years from the re-plan year):")
    changes = result.changes
    # a change below a thousandth (or a millionth of the figure) is rounding in the actuals, not a decision
    moved = changes[changes["change"].abs() > (1e-6 * changes["before"].abs()).clip(lower=1e-3)]
    for _, r in moved.iterrows():
        what = " ".join(v for v in (r["measure"], r["provider"], r["route"]) if v)
        typer.echo(f"    {what}: {r['before']:,.1f} -> {r['after']:,.1f} ({r['change']:+z,.1f})")
    if moved.empty:
        typer.echo("    nothing: the re-plan keeps the previous plan's remaining years")
    why = result.why
    if not why.empty:
        typer.echo("  why (actuals off plan, amber or red: in post at the start of the year, then the frozen "
                   "years' intake, retention and spend; the largest of each measure first):")
        for _, r in why.groupby("measure", sort=False).head(3).iterrows():
            what = " ".join(v for v in (r["staff_group"], r["region"], r["provider"], r["route"], r["category"]) if v)
            when = r["date"] or str(r["year"])
            typer.echo(f"    {r['measure']} {what} {when}: plan {r['plan']:,.1f} actual {r['actual']:,.1f} "
                       f"({r['flag']})")
    if out:
        files = optimiser.write_replan(result, str(actuals), out, replace=replace, bundle=bundle)
        shown = dict.fromkeys(Path(f).relative_to(out).parts[0] + ("/" if len(Path(f).relative_to(out).parts) > 1 else "")
                              for f in files)
        typer.echo(f"Wrote {out}/" + ", ".join(shown))
        replaced(out, was)


def rollup_command(plan: Annotated[Path, typer.Argument(help="A plan's run folder (optimiser solve or replan --out)")],
                   level: Annotated[str, typer.Option("--level", help="Level to roll up to (e.g. network)")],
                   scenario: PlanScenarioOpt = None, out: OutOpt = None, replace: ReplaceOpt = False):
    """A plan's projection, shortfall, starts, recruits, retention, educators and costs summed to a level
    (or a status quo projection's, from optimiser project --out, with --scenario)."""
    was = check_out(out, "rollup", replace)
    try:
        if _run_kind(plan) == "project":
            tables, sc = _projection_tables(plan, scenario, level)
        else:
            folder, sc = _plan_and_scenario(plan, scenario)
            tables = optimiser.roll_up_plan(folder, sc, level)
    except optimiser.RollupError as exc:
        raise Exit(2, f"--level: {exc}; nothing was written") from None
    sf = tables["shortfall"]
    typer.echo(f"{sc.name}: shortfall by {level} and year (WTE; sum of the regions' shortfalls)"
               + (", plan and status quo" if "starts" in tables else ", status quo projection"))
    typer.echo(sf.to_string(index=False, float_format=lambda v: f"{v:,.1f}"))
    if "starts" in tables:
        totals = {name: df[col].sum() for name, df, col in (("starts", tables["starts"], "starts"),
                                                             ("recruits", tables["recruits"], "recruits"))}
        costs = tables["costs"].groupby(level)["gbp"].sum()
        typer.echo(f"starts {totals['starts']:,.0f}, recruits {totals['recruits']:,.0f}; cost by {level}: "
                   + ", ".join(f"{a} GBP {v / 1e6:,.1f}m" for a, v in costs.items()))
    if out:
        files = optimiser.write_rollup(tables, out, replace=replace)
        typer.echo(f"Wrote {out}/" + ", ".join(Path(f).name for f in files))
        replaced(out, was)


def _run_kind(folder: Path) -> str | None:
    try:
        return json.loads((folder / "run.json").read_text(encoding="utf-8")).get("kind")
    except (OSError, ValueError, AttributeError):
        return None


def _projection_tables(folder: Path, scenario: Path | None, level: str):
    """A status quo projection's folder rolled up: its scenario is not recorded, so --scenario is needed."""
    import pandas as pd

    if scenario is None:
        raise Exit(2, f"{folder} is a status quo projection, which does not record its scenario: give it with "
                      "--scenario; nothing was written")
    try:
        sc = optimiser.load_scenario(scenario)
    except optimiser.ScenarioError as exc:
        typer.echo(exc.report.render(), err=True)
        raise Exit(2, "the scenario has errors; nothing was written") from None
    projection = pd.read_csv(folder / "projection.csv", keep_default_na=False)
    unknown = sorted(set(projection["region"]) - set(sc.tables["regions"]["region"]))
    if unknown:
        raise Exit(2, f"{folder}/projection.csv names regions that --scenario {scenario} does not have "
                      f"({', '.join(unknown[:5])}): give the scenario it was projected from; nothing was written")
    return optimiser.roll_up_projection(projection, sc, level), sc


def merge_command(scenarios: Annotated[list[Path], typer.Argument(help="Local scenarios (folders or .xlsx)")],
                  out: Annotated[Path, typer.Option("--out", "-o", help="The merged scenario (a new folder or .xlsx)")],
                  name: Annotated[str | None, typer.Option(help="The merged scenario's name")] = None):
    """Combine local scenarios into one, refusing on conflicts (a region twice, definitions that differ)."""
    check_new(out)
    if len(scenarios) < 2:
        raise Exit(2, "give at least two scenarios to merge")
    raws = []
    for path in scenarios:
        raw = optimiser.load_raw(path)
        if raw.load_issues:
            typer.echo("\n".join(i.render() for i in raw.load_issues), err=True)
            if any(i.severity == "error" for i in raw.load_issues):
                raise Exit(2, f"{path} cannot be read; nothing was written")
        raws.append(raw)
    try:
        merged = optimiser.merge_raw(raws, name)
    except optimiser.ScenarioError as exc:
        typer.echo(exc.report.render(), err=True)
        raise Exit(2, "the scenarios cannot be merged; nothing was written") from None
    summary = merged.summary
    typer.echo(f"Merged {len(raws)} scenarios into {merged.raw.config['name']!r}:")
    for label, part in summary.groupby("scenario", sort=False):
        added = part[part["rows_added"] > 0]
        typer.echo(f"  {label}: " + ", ".join(f"{t} {n}" for t, n in zip(added["table"], added["rows_added"], strict=True)))
    shared = summary[summary["rows_shared"] > 0]
    if not shared.empty:
        typer.echo("  rows given identically by more than one scenario, taken once: "
                   + ", ".join(f"{t} {n}" for t, n in shared.groupby("table", sort=False)["rows_shared"].sum().items()))
    optimiser.write_scenario(merged.raw, out)
    typer.echo(f"Wrote {out}")
