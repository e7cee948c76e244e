"""Command line: optimiser validate | project | solve | frontier | sweep | generate | convert | app.

Exit codes: 0 success (warnings allowed), 2 invalid input, 3 no plan meets the hard limits,
1 any other failure. Problems are printed as messages, never tracebacks; nothing is written to
--out unless the run succeeded.

Commands use the public API (`optimiser.<name>`), which loads pandas, Pyomo and HiGHS on first
use: `optimiser --help` and a bad flag are answered before any of them is imported.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

import optimiser
from optimiser.basics.files import DestinationError
from optimiser.basics.options import OptionError, number_options
from optimiser.cli.errors import Exit
from optimiser.cli.params import ReplaceOpt, check_new, check_out, number_param, replaced

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Plan NHS imaging training places, international recruitment and skill mix.")

ScenarioOpt = Annotated[Path | None, typer.Option("--scenario", "-s", help="Scenario folder or .xlsx (default: West Midlands)")]
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="Folder for the output files (all of one run: "
                                              "checked before any work, replaced whole)")]
TimeLimitOpt = Annotated[float | None, typer.Option(parser=number_param("time_limit"), help="Solver time limit (s)")]
GapOpt = Annotated[float | None, typer.Option(parser=number_param("gap"), help="Relative MIP gap (0 to 1)")]


def _load(path: Path | None):
    try:
        scenario = optimiser.load_scenario(path)
    except optimiser.ScenarioError as exc:
        typer.echo(exc.report.render(), err=True)
        raise Exit(2, "the scenario has errors; nothing was run or written") from None
    for w in scenario.report.warnings:
        typer.echo(w.render(), err=True)
    return scenario


OBJECTIVE_MEANING = {
    "min_shortfall": "min_shortfall: the least weighted shortfall (discounted) within every limit.",
    "min_cost": "min_cost: the least total cost that meets every group's shortfall target.",
    "min_system_cost": "min_system_cost: the least present value of spending plus the premium paid to cover "
                       "the remaining gap (agency, bank, outsourcing).",
}


def _fmt(x, unit="") -> str:
    return "n/a" if x is None else f"{x:,.1f}{unit}"


@app.command()
def validate(path: Annotated[Path | None, typer.Argument(help="Scenario folder or .xlsx (default: West Midlands)")] = None):
    """Check a scenario and list every problem with file, row, column, value and fix."""
    report = optimiser.validate(path)
    typer.echo(report.render())
    if not report.ok:
        raise Exit(2)


@app.command()
def project(scenario: ScenarioOpt = None, out: OutOpt = None, replace: ReplaceOpt = False):
    """Project the status quo: current commissioning continued, no new decisions."""
    was = check_out(out, "project", replace)
    sc = _load(scenario)
    result = optimiser.project(sc)
    summary = result.summary()
    measured = sc.config.measured_years
    run_out = sc.config.run_out_measured_years
    typer.echo(f"Status quo projection: {sc.name} ({sc.config.start_year}-{measured[-1]})")
    typer.echo(summary.to_string(index=False, float_format=lambda v: f"{v:,.1f}"))
    typer.echo(f"Shortfall over {measured[0]}-{measured[-1]}"
               + (f" (run-out years {run_out[0]}-{run_out[-1]} included)" if run_out else "") + ": "
               f"{result.total_shortfall_wte_years:,.1f} WTE-years ({result.weighted_shortfall:,.1f} weighted)")
    if out:
        optimiser.write_projection(result, out, replace=replace)
        typer.echo(f"Wrote {out / 'projection.csv'}")
        replaced(out, was)


def _print_plan(result) -> None:
    sq = result.status_quo
    typer.echo(f"Plan for {result.scenario_name}: {result.status} (objective {result.objective_name}, "
               f"gap {_fmt(None if result.mip_gap is None else 100 * result.mip_gap, '%')})")
    typer.echo(f"  {OBJECTIVE_MEANING.get(result.objective_name, '')} Objective value: {_fmt(result.objective)}")
    if result.run_out_years:
        typer.echo(f"  shortfall measured {result.measured_years}, run-out years {result.run_out_years} included")
    typer.echo(f"  weighted shortfall   plan {_fmt(result.weighted_shortfall)}   status quo {_fmt(sq.weighted_shortfall if sq else None)}")
    typer.echo(f"  shortfall WTE-years  plan {_fmt(result.total_shortfall_wte_years)}   status quo {_fmt(sq.total_shortfall_wte_years if sq else None)}")
    typer.echo(f"  total cost           GBP {_fmt(result.total_cost_gbp)}")
    if result.system_cost_gbp is not None:
        typer.echo(f"  system cost (present value) GBP {_fmt(result.system_cost_gbp)}, of which gap premium "
                   f"GBP {_fmt(result.gap_premium_gbp)}")
    if not result.costs.empty:
        by_year = result.costs.groupby("year")["gbp"].sum()
        typer.echo("  cost by year: " + ", ".join(f"{y} GBP {v / 1e6:,.2f}m" for y, v in by_year.items()))
    if not result.starts.empty:
        top = result.starts.groupby(["provider", "route"])["starts"].sum().sort_values(ascending=False).head(5)
        typer.echo("  top allocations (starts over the horizon):")
        for (p, k), v in top.items():
            typer.echo(f"    {p} {k}: {v:,.0f}")
    if not result.international.empty:
        rec = result.international.groupby("region")["recruits"].sum().sort_values(ascending=False)
        typer.echo("  international recruits: " + ", ".join(f"{r} {v:,.0f}" for r, v in rec.items()))
    others = result.recruits[result.recruits["kind"] != "international"] if not result.recruits.empty else result.recruits
    if not others.empty:
        rec = others.groupby("route")["recruits"].sum().sort_values(ascending=False)
        typer.echo("  other recruits: " + ", ".join(f"{k} {v:,.0f}" for k, v in rec.items()))
    if not result.retention.empty:
        kept = result.retention.groupby("scheme")["retained_wte"].sum().sort_values(ascending=False)
        typer.echo("  WTE retained by schemes: " + ", ".join(f"{k} {v:,.1f}" for k, v in kept.items()))
    if not result.educators.empty:
        typer.echo(f"  extra educator WTE-years funded: {result.educators['extra_educator_wte'].sum():,.1f}")
    levers = result.levers
    if not levers.empty:
        typer.echo("  where the next GBP 1m goes (weighted WTE-years it closes at the margin, best first):")
        for _, row in levers.head(5).iterrows():
            name = f" {row['name']}" if row["name"] and row["lever"] != "budget" else ""
            where = f"budget {row['name']}" if row["lever"] == "budget" else f"{row['lever']}{name} ({row['where']})"
            typer.echo(f"    {row['wte_years_per_gbp_m']:,.1f}  {where}")
    bn = result.bottlenecks(5)
    if not bn.empty:
        typer.echo("  top bottlenecks (gain from loosening each limit by 1%, best first):")
        for _, row in bn.iterrows():
            typer.echo(f"    {row['value_of_1pct_more']:.3g} for 1% more: "
                       + optimiser.bottleneck_sentence(row, result.objective_name))
    kinds = result.bottlenecks(per_family=1)
    if len(kinds) > 1:
        typer.echo("  the most valuable limit of each kind:")
        for _, row in kinds.iterrows():
            typer.echo("    " + optimiser.bottleneck_sentence(row, result.objective_name))
    t = result.timings
    typer.echo(f"  timings: build {t.get('build_seconds', 0):.2f}s, hand-off {t.get('handoff_seconds', 0):.2f}s, "
               f"HiGHS {t.get('solve_seconds', 0):.2f}s + shadow prices {t.get('shadow_price_seconds', 0):.2f}s, "
               f"results {t.get('results_seconds', 0):.2f}s")


def _fail_infeasible(result) -> None:
    typer.echo(f"No plan meets every hard limit ({result.message}).", err=True)
    if not result.conflicts.empty:
        for option, group in result.conflicts.groupby("option", sort=False):
            typer.echo(f"To make a plan possible, {option}s:" if option != "(none)" else "", err=True)
            for msg in group["message"]:
                typer.echo(f"  - {msg}", err=True)
    raise Exit(3, "nothing was written")


@app.command()
def solve(
    scenario: ScenarioOpt = None,
    out: OutOpt = None,
    objective: Annotated[str | None, typer.Option(help="min_shortfall, min_cost or min_system_cost")] = None,
    budget_scale: Annotated[float, typer.Option(parser=number_param("budget_scale"),
                                                help="Multiply every budget by this (0 to 100)")] = 1.0,
    time_limit: TimeLimitOpt = None,
    gap: GapOpt = None,
    replace: ReplaceOpt = False,
):
    """Optimise the plan and compare it with the status quo."""
    if objective not in (None, *OBJECTIVE_MEANING):
        raise Exit(2, f"--objective must be min_shortfall, min_cost or min_system_cost, not {objective!r}")
    was = check_out(out, "solve", replace)
    sc = _load(scenario)
    try:
        result = optimiser.solve(sc, objective=objective, budget_scale=budget_scale, time_limit=time_limit, gap=gap)
    except optimiser.ObjectiveError as exc:
        raise Exit(2, f"{exc}; nothing was run or written") from None
    if result.status == optimiser.Status.INFEASIBLE:
        _fail_infeasible(result)
    if not result.feasible:
        raise Exit(1, f"the solver found no plan: {result.message}; nothing was written")
    _print_plan(result)
    if out:
        files = optimiser.write_plan(result, out, replace=replace)
        typer.echo(f"Wrote {out}/" + ", ".join(Path(f).name for f in files))
        replaced(out, was)


@app.command()
def frontier(
    budget_scales: Annotated[str, typer.Option(help="Comma-separated budget multipliers")] = "0.5,0.75,1,1.25,1.5,2",
    scenario: ScenarioOpt = None,
    out: OutOpt = None,
    time_limit: TimeLimitOpt = None,
    gap: GapOpt = None,
    replace: ReplaceOpt = False,
):
    """Weighted shortfall against budget: one model, only the budget changes between points."""
    try:
        scales = number_options("budget_scale", budget_scales)
    except OptionError as exc:
        raise Exit(2, f"--budget-scales: {exc}") from None
    was = check_out(out, "frontier", replace)
    sc = _load(scenario)
    result = optimiser.frontier(sc, scales, time_limit=time_limit, gap=gap)
    cols = ["budget_scale", "status", "weighted_shortfall", "total_shortfall_wte_years", "total_cost_gbp", "solve_seconds"]
    typer.echo(result.frontier[cols].to_string(index=False, float_format=lambda v: f"{v:,.2f}"))
    typer.echo(f"{len(scales)} points in {result.total_seconds:.2f}s (one build: {result.build_seconds:.2f}s)")
    if out:
        optimiser.write_frontier(result, out, replace=replace)
        typer.echo(f"Wrote {out}/frontier.csv, frontier.png and run.json")
        replaced(out, was)


@app.command()
def convert(src: Path, dst: Path):
    """Turn a scenario folder into a workbook (.xlsx) or back: every cell and setting as typed."""
    check_new(dst, "the destination")
    raw = optimiser.load_raw(src)
    report, _, _ = optimiser.validate_raw(raw)
    if not report.ok:
        typer.echo(report.render(), err=True)
        raise Exit(2, "the source scenario has errors; nothing was written")
    try:
        optimiser.write_scenario(raw, dst)
    except optimiser.ScenarioError as exc:  # a cell the destination cannot hold exactly
        typer.echo(exc.report.render(), err=True)
        raise Exit(2, f"{dst.name} cannot hold the scenario exactly; nothing was written") from None
    typer.echo(f"Wrote {dst}")


@app.command("app")
def app_(
    port: Annotated[int | None, typer.Option(parser=number_param("port"),
                                             help="Port for the web app (default 8501)")] = None,
    scenario: ScenarioOpt = None,
):
    """Open the planner's web app (Streamlit) on the default scenario or --scenario."""
    from optimiser.cli.app_launcher import LaunchError, launch

    try:
        code = launch(port, None if scenario is None else str(scenario))
    except LaunchError as exc:
        raise Exit(2, str(exc)) from None
    if code:
        raise Exit(1, f"the web app stopped with exit code {code}")


# Commands defined beside the code they drive.
from optimiser.cli.generate import generate_command  # noqa: E402
from optimiser.cli.sweep import sweep_command  # noqa: E402

app.command("sweep", help="Shortfall percentiles over futures sampled from uncertainty.csv.")(sweep_command)
app.command("generate", help="Write a synthetic scenario (presets S, M, L, XL, W).")(generate_command)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        app(args=argv, standalone_mode=False)
    except Exit as exc:
        if exc.message:
            typer.echo(exc.message, err=True)
        return exc.code
    except typer.Exit as exc:
        return exc.exit_code
    except (DestinationError, OptionError) as exc:  # from a writer or a Python caller: bad input, not a fault
        typer.echo(f"error: {exc}", err=True)
        return 2
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("interrupted", err=True)
        return 130
    except Exception as exc:  # last resort: a message, never a traceback
        if _infeasible_projection(exc):
            typer.echo(f"error: {exc}", err=True)
            return 3
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):  # click/typer usage errors: bad flags
            exc.show()
            return int(exc.exit_code)
        typer.echo(f"error: {type(exc).__name__}: {exc}", err=True)
        return 1
    return 0


def _infeasible_projection(exc: Exception) -> bool:
    """The status quo cannot be projected (exit 3). Only the pipeline raises it: when the pipeline
    was never imported the answer is no, without importing Pyomo and HiGHS just to say so."""
    return "optimiser.pipeline.api" in sys.modules and isinstance(exc, optimiser.InfeasibleProjection)


if __name__ == "__main__":
    sys.exit(main())
