"""optimiser sweep: evaluate a plan in futures sampled from uncertainty.csv."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

import optimiser
from optimiser.cli.errors import Exit
from optimiser.cli.params import ReplaceOpt, check_out, checked_number, number_param, replaced


def sweep_command(
    samples: Annotated[int, typer.Option("--samples", "-n", parser=number_param("samples"),
                                         help="Number of sampled futures (1 to 100,000)")],
    scenario: Annotated[Path | None, typer.Option("--scenario", "-s", help="Scenario folder or .xlsx (default: West Midlands)")] = None,
    plan: Annotated[str, typer.Option(help="status_quo, optimised, or a plan folder from `optimiser solve --out`")] = "status_quo",
    reoptimise: Annotated[bool, typer.Option("--reoptimise", help="Also re-solve the plan in every future")] = False,
    executor: Annotated[str, typer.Option(help="local (process pool) or dask://HOST:PORT")] = "local",
    seed: Annotated[int, typer.Option(parser=number_param("seed"),
                                      help="Seed: the same seed gives the same futures on any executor")] = 0,
    workers: Annotated[int | None, typer.Option(parser=number_param("workers"),
                                                help="Local processes (default: every core)")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Folder for the output files (all of one run: "
                                                                 "checked before any work, replaced whole)")] = None,
    replace: ReplaceOpt = False,
):
    """Evaluate a plan in sampled futures (uncertainty.csv): P10/P50/P90 shortfall, chance of meeting targets."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    # early checks with no public name: they exist to stop a bad run before its progress bar
    from optimiser.analysis.sweep import dask_address, uncertain_inputs
    from optimiser.outputs.sweep_files import SWEEP_FILES

    # again here for a call from Python, which bypasses typer's parsing
    samples = checked_number("samples", samples, "--samples")
    seed = checked_number("seed", seed, "--seed")
    workers = None if workers is None else checked_number("workers", workers, "--workers")
    was = check_out(out, "sweep", replace)
    if plan not in ("status_quo", "optimised") and not Path(plan).is_dir():
        raise Exit(2, f"--plan must be status_quo, optimised or a plan folder written by `optimiser solve --out`; {plan!r} is none of these")
    edited = [] if plan in ("status_quo", "optimised") else optimiser.changed_files(plan, unrecorded_ok=True)
    if edited:
        raise Exit(2, f"--plan {plan} is not as its run left it:\n  " + "\n  ".join(edited)
                   + "\nnothing was run or written")
    try:
        if executor != "local":
            dask_address(executor)
        sc = optimiser.load_scenario(scenario)
        uncertain_inputs(sc)  # before the progress bar: a scenario with nothing uncertain stops here
    except optimiser.ScenarioError as exc:
        typer.echo(exc.report.render(), err=True)
        raise Exit(2, "the scenario has errors; nothing was run or written") from None
    except optimiser.SweepError as exc:
        raise Exit(2, str(exc)) from None
    for w in sc.report.warnings:
        typer.echo(w.render(), err=True)
    options = {"samples": samples, "plan": plan if plan in ("status_quo", "optimised") else str(Path(plan).resolve()),
               "reoptimise": reoptimise, "executor": executor, "seed": seed, "workers": workers}
    bundle = None
    if out is not None:
        bundle = optimiser.start_bundle("sweep", sc, options,
                                        {} if plan in ("status_quo", "optimised") else {"plan": Path(plan)})
    columns = (TextColumn("sampled futures"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, transient=False) as bar:
        task = bar.add_task("sweep", total=samples)
        try:
            result = optimiser.sweep(sc, samples, plan, reoptimise, executor, seed, workers,
                                     progress=lambda done, total: bar.update(task, completed=done))
        except optimiser.SweepError as exc:
            raise Exit(2, str(exc)) from None
    _print_sweep(result)
    if out is not None:
        optimiser.write_sweep(result, out, replace=replace, bundle=bundle)
        typer.echo(f"Wrote {out}/summary.json, " + ", ".join(SWEEP_FILES) + ", manifest.json, inputs/, run.json")
        replaced(out, was)


def _print_sweep(result) -> None:
    s = result.summary
    typer.echo(f"{s['samples']} futures of {s['scenario']} (seed {s['seed']}, {s['executor']}) in {s['wall_seconds']:.1f}s")
    for row in result.totals.itertuples(index=False):
        base = "" if row.unperturbed is None else f"   unperturbed {row.unperturbed:,.1f}"
        typer.echo(f"  {row.plan:<12} {row.measure:<26} P10 {row.p10:,.1f}   P50 {row.p50:,.1f}   P90 {row.p90:,.1f}{base}")
    without, unproven = _futures_to_note(result.samples)
    if without:
        typer.echo(f"  futures without a plan (left out of the quantiles): {without}")
    if unproven:
        typer.echo(f"  futures with a plan not proven optimal (in the quantiles): {unproven}")
    if s["plan_breaks_limits"]:
        typer.echo(f"  the plan breaks {len(s['plan_breaks_limits'])} limit(s) of this scenario (listed in summary.json); "
                   "it was evaluated with them relaxed")
    ts = result.target_summary
    if not ts.empty:
        typer.echo("  probability of meeting each group's target in every region and year from the target year:")
        for row in ts.itertuples(index=False):
            typer.echo(f"    {row.plan:<12} {row.staff_group:<32} {100 * row.probability_all_met:5.1f}%")


def _futures_to_note(samples) -> tuple[dict[str, int], dict[str, int]]:
    """Counts by "plan:status" of the futures whose evaluation holds no plan (optimiser.holds_plan),
    and of those that hold one the solver stopped before proving optimal (time limit)."""
    without: dict[str, int] = {}
    unproven: dict[str, int] = {}
    for plan, status, shortfall in zip(samples["plan"], samples["status"], samples["weighted_shortfall"].notna(),
                                       strict=True):
        if not optimiser.holds_plan(status, bool(shortfall)):
            counts = without
        elif status != optimiser.Status.OPTIMAL:
            counts = unproven
        else:
            continue
        counts[f"{plan}:{status}"] = counts.get(f"{plan}:{status}", 0) + 1
    return without, unproven
