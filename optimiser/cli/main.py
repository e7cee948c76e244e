"""Command line: optimiser validate | project | solve | report | frontier | alternatives | sweep | verify |
runs | generate | convert | app | monitor | replan | rollup | merge.

Exit codes: 0 success (warnings allowed), 2 invalid input (a run folder not as its run left it
included), 3 no plan meets the hard limits, 4 `verify`: the run made again disagrees, 1 any other
failure. Problems are printed as messages, never tracebacks; nothing is written to
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
from optimiser.basics.objectives import OBJECTIVE_MEANING, OBJECTIVE_UNIT
from optimiser.basics.options import OptionError, number_options
from optimiser.cli.errors import Exit
from optimiser.cli.params import ReplaceOpt, check_new, check_out, number_param, replaced
from optimiser.cli.runs import SaveOpt, runs_app, save_run, wants_saving

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
    bundle = optimiser.start_bundle("project", sc, {}) if out else None
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
        optimiser.write_projection(result, out, replace=replace, bundle=bundle)
        typer.echo(f"Wrote {out / 'projection.csv'}")
        replaced(out, was)


def _print_penalties(result) -> None:
    """The optional terms the objective adds to its weighted shortfall or cost (why the objective is larger)."""
    if result.assumptions.empty:
        return
    settings = dict(zip(result.assumptions["setting"], result.assumptions["value"], strict=True))
    terms = []
    equity = float(settings.get("regional_equity_weight") or 0)
    if result.objective_name == "min_shortfall":
        change = float(settings.get("intake_change_weight") or 0)
        if equity > 0:
            terms.append(f"each region's shortfall above its fair share x {equity:g} more (regional_equity_weight)")
        if change > 0:
            terms.append(f"{change:g} per start of year-to-year change in an intake (intake_change_weight)")
    else:
        change = float(settings.get("intake_change_cost") or 0)
        if change > 0:
            terms.append(f"GBP {change:,.0f} per start of year-to-year change in an intake (intake_change_cost; "
                         "not spending)")
        last = settings.get("target_last_year")
        if result.objective_name == "min_cost" and last not in (None, "") and result.run_out_years:
            terms.append(f"the gap premium (gap_cost_per_wte) of the years after target_last_year {int(float(last))}, "
                         "which no target covers")
    if terms:
        typer.echo(f"  the objective also counts {'; '.join(terms)}")


def _print_plan(result) -> None:
    sq = result.status_quo
    typer.echo(f"Plan for {result.scenario_name}: {result.status} (objective {result.objective_name}, "
               f"gap {_fmt(None if result.mip_gap is None else 100 * result.mip_gap, '%')})")
    unit = OBJECTIVE_UNIT.get(result.objective_name, "")
    typer.echo(f"  {OBJECTIVE_MEANING.get(result.objective_name, '')} Objective value: {_fmt(result.objective)} ({unit})")
    _print_penalties(result)
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
        column, words = optimiser.lever_value(levers, result.objective_name)
        typer.echo(f"  where the next GBP 1m goes ({words}, per GBP 1m at the margin, best first):")
        for _, row in levers.head(5).iterrows():
            name = f" {row['name']}" if row["name"] and row["lever"] != "budget" else ""
            where = f"budget {row['name']}" if row["lever"] == "budget" else f"{row['lever']}{name} ({row['where']})"
            value = f"GBP {row[column]:,.0f}" if column.startswith("gbp") else f"{row[column]:,.1f}"
            typer.echo(f"    {value}  {where}")
    bn = result.bottlenecks(5)
    if not bn.empty:
        typer.echo(f"  top bottlenecks (gain from loosening each limit by 1%, in {unit}, best first):")
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
    save: SaveOpt = None,
    robust: Annotated[bool, typer.Option("--robust", help="One plan for --samples futures sampled from "
                                         "uncertainty.csv (min_shortfall), beside the deterministic plan")] = False,
    samples: Annotated[int | None, typer.Option("--samples", "-n", parser=number_param("samples"),
                                                help="--robust: number of sampled futures")] = None,
    risk: Annotated[str, typer.Option(help="--robust: mean, or cvar:ALPHA (the mean of the worst 1-ALPHA "
                                           "share of futures)")] = "mean",
    seed: Annotated[int, typer.Option(parser=number_param("seed"), help="--robust: seed of the futures")] = 0,
    out_of_sample: Annotated[int, typer.Option(help="--robust: fresh futures (seed + 1) to evaluate both "
                                                    "plans in (0: none)")] = 0,
    executor: Annotated[str, typer.Option(help="--robust: where each future solved with its own decisions and "
                                               "the fresh futures run: local (process pool) or dask://HOST:PORT; "
                                               "the same seed gives the same result on any")] = "local",
    workers: Annotated[int | None, typer.Option(parser=number_param("workers"),
                                                help="--robust: processes of the local pool (default: one per core)")] = None,
):
    """Optimise the plan and compare it with the status quo."""
    if objective not in (None, *OBJECTIVE_MEANING):
        raise Exit(2, f"--objective must be min_shortfall, min_cost or min_system_cost, not {objective!r}")
    if robust:
        from optimiser.cli.robust import robust_solve
        if objective not in (None, "min_shortfall") or budget_scale != 1.0:
            raise Exit(2, "--robust minimises weighted shortfall with the scenario's budgets: leave out "
                          "--objective and --budget-scale")
        return robust_solve(_load(scenario), out, samples, risk, seed, out_of_sample, time_limit, gap, replace,
                            executor, workers)
    if samples is not None or executor != "local" or workers is not None:
        raise Exit(2, "--samples, --risk, --seed, --executor and --workers go with --robust")
    was = check_out(out, "solve", replace)
    sc = _load(scenario)
    options = {"objective": objective, "budget_scale": budget_scale, "time_limit": time_limit, "gap": gap}
    bundle = optimiser.start_bundle("solve", sc, options) if out else None
    try:
        result = optimiser.solve(sc, objective=objective, budget_scale=budget_scale, time_limit=time_limit, gap=gap)
    except optimiser.ObjectiveError as exc:
        raise Exit(2, f"{exc}; nothing was run or written") from None
    if result.status == optimiser.Status.INFEASIBLE:
        _fail_infeasible(result)
    if not result.feasible:
        raise Exit(1, f"the solver found no plan: {result.message}; nothing was written")
    _print_plan(result)
    context = optimiser.plan_context(sc.raw)
    typer.echo("\n" + optimiser.plan_story(result, context).markdown())
    if out:
        files = optimiser.write_plan(result, out, replace=replace, context=context, bundle=bundle)
        shown = dict.fromkeys(Path(f).relative_to(out).parts[0] + ("/" if len(Path(f).relative_to(out).parts) > 1 else "")
                              for f in files)
        typer.echo(f"Wrote {out}/" + ", ".join(shown))
        replaced(out, was)
    if wants_saving(save):  # the app's options: every value as used
        save_run(sc, result, {"objective": result.objective_name, "budget_scale": budget_scale,
                              "time_limit": sc.config.solver.time_limit_s if time_limit is None else time_limit,
                              "gap": sc.config.solver.mip_rel_gap if gap is None else gap})


@app.command()
def report(
    run_dir: Annotated[Path, typer.Argument(help="The --out folder of an `optimiser solve` run")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="The HTML file to write (default: beside the "
                                             "run folder, <folder>_board_pack.html)")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Replace --out if it exists")] = False,
):
    """Write a plan's board pack: one self-contained HTML file (charts inline, opens offline)."""
    target = out or optimiser.default_report_path(run_dir)
    if target.suffix.lower() not in (".html", ".htm"):
        raise Exit(2, f"--out: {target} should end in .html (the board pack is a web page); nothing was written")
    if target.exists() and not replace:
        raise Exit(2, f"--out: {target} exists; give another file or pass --replace; nothing was written")
    try:
        folder = optimiser.read_plan_folder(run_dir)
    except optimiser.PlanFolderError as exc:
        raise Exit(2, f"{exc}; nothing was written") from None
    if not folder.result.feasible:
        raise Exit(2, f"{run_dir} holds no plan ({folder.result.status}); nothing was written")
    if folder.context is None:
        typer.echo(f"{run_dir} has no plan_context.json (written before it existed): identifiers are shown "
                   "in place of names", err=True)
    optimiser.write_board_pack(folder, target)
    typer.echo(f"Wrote {target}" + (f" ({folder.manifest_file} SHA-256 {folder.manifest_sha256})"
                                     if folder.manifest_sha256 else ""))


@app.command()
def frontier(
    budget_scales: Annotated[str, typer.Option(help="Comma-separated budget multipliers")] = "0.5,0.75,1,1.25,1.5,2",
    scenario: ScenarioOpt = None,
    out: OutOpt = None,
    time_limit: TimeLimitOpt = None,
    gap: GapOpt = None,
    replace: ReplaceOpt = False,
    save: SaveOpt = None,
):
    """Weighted shortfall against budget: one model, only the budget changes between points."""
    try:
        scales = number_options("budget_scale", budget_scales)
    except OptionError as exc:
        raise Exit(2, f"--budget-scales: {exc}") from None
    was = check_out(out, "frontier", replace)
    sc = _load(scenario)
    options = {"budget_scales": scales, "time_limit": time_limit, "gap": gap}
    bundle = optimiser.start_bundle("frontier", sc, options) if out else None
    result = optimiser.frontier(sc, scales, time_limit=time_limit, gap=gap)
    cols = ["budget_scale", "status", "weighted_shortfall", "total_shortfall_wte_years", "total_cost_gbp", "solve_seconds"]
    typer.echo(result.frontier[cols].to_string(index=False, float_format=lambda v: f"{v:,.2f}"))
    typer.echo(f"{len(scales)} points in {result.total_seconds:.2f}s (one build: {result.build_seconds:.2f}s)")
    if out:
        optimiser.write_frontier(result, out, replace=replace, bundle=bundle)
        typer.echo(f"Wrote {out}/frontier.csv, frontier.png, manifest.json, inputs/ and run.json")
        replaced(out, was)
    if wants_saving(save):
        save_run(sc, result, {"budget_scales": list(scales),
                              **({"time_limit": time_limit} if time_limit is not None else {}),
                              **({"gap": gap} if gap is not None else {})})


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
from optimiser.cli.alternatives import alternatives_command  # noqa: E402
from optimiser.cli.generate import generate_command  # noqa: E402
from optimiser.cli.monitoring import merge_command, monitor_command, replan_command, rollup_command  # noqa: E402
from optimiser.cli.sweep import sweep_command  # noqa: E402
from optimiser.cli.verify import verify_command  # noqa: E402

app.command("sweep", help="Shortfall percentiles over futures sampled from uncertainty.csv.")(sweep_command)
app.command("alternatives", help="Plans within a slack of the best that differ most in one dimension.")(
    alternatives_command)
app.command("generate", help="Write a synthetic scenario (presets S, M, L, XL, W).")(generate_command)
app.command("monitor", help="A plan against actuals: in post, starts, recruits, retained staff and spend, "
                            "flagged red/amber/green.")(monitor_command)
app.command("replan", help="Roll a plan forward from actuals to --from-year and optimise its decisions again.")(
    replan_command)
app.command("rollup", help="A plan's reports summed to a level of the hierarchy (e.g. network).")(rollup_command)
app.command("merge", help="Combine local scenarios into one, refusing on conflicts.")(merge_command)
app.add_typer(runs_app, name="runs")
app.command("verify", help="Make a run again from its folder alone and say whether it agrees (exit 0 agrees, "
                         "4 disagrees, 2 a folder not as the run left it).")(verify_command)


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
        if _bad_bundle(exc):  # a run folder's inputs that changed or do not match its manifest
            typer.echo(f"error: {exc}", err=True)
            return 2
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


def _bad_bundle(exc: Exception) -> bool:
    return "optimiser.outputs.manifest" in sys.modules and isinstance(exc, optimiser.BundleError)


if __name__ == "__main__":
    sys.exit(main())
