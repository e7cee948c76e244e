"""optimiser alternatives: plans almost as good as the best that differ most in one dimension."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

import optimiser
from optimiser.cli.errors import Exit
from optimiser.cli.params import ReplaceOpt, check_out, checked_number, number_param, replaced

VARY_HELP = "What the alternatives differ in: international, providers, regions or routes"


def alternatives_command(
    slack: Annotated[float, typer.Option(parser=number_param("slack"),
                                         help="How much worse than the best plan's objective (0.02 = 2%)")] = 0.02,
    count: Annotated[int, typer.Option(parser=number_param("count"), help="Number of alternatives (1 to 50)")] = 4,
    vary: Annotated[str, typer.Option(help=VARY_HELP)] = "routes",
    scenario: Annotated[Path | None, typer.Option("--scenario", "-s", help="Scenario folder or .xlsx (default: West Midlands)")] = None,
    time_limit: Annotated[float | None, typer.Option(parser=number_param("time_limit"),
                                                     help="Solver time limit per plan (s)")] = None,
    gap: Annotated[float | None, typer.Option(parser=number_param("gap"), help="Relative MIP gap (0 to 1)")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Folder for the output files (all of one run: "
                                                                 "checked before any work, replaced whole)")] = None,
    replace: ReplaceOpt = False,
):
    """Near-optimal alternatives: plans within --slack of the best that differ most in --vary."""
    from optimiser.analysis.alternatives import DIMENSIONS
    from optimiser.outputs.alternatives_files import ALTERNATIVES_FILES, totals_side_by_side

    slack = checked_number("slack", slack, "--slack")  # again for a call from Python
    count = checked_number("count", count, "--count")
    if vary not in DIMENSIONS:
        raise Exit(2, f"--vary must be one of {', '.join(DIMENSIONS)}; not {vary!r}")
    was = check_out(out, "alternatives", replace)
    try:
        sc = optimiser.load_scenario(scenario)
    except optimiser.ScenarioError as exc:
        typer.echo(exc.report.render(), err=True)
        raise Exit(2, "the scenario has errors; nothing was run or written") from None
    for w in sc.report.warnings:
        typer.echo(w.render(), err=True)
    try:
        result = optimiser.alternatives(sc, slack, count, vary, time_limit=time_limit, gap=gap,
                                        on_plan=lambda name: typer.echo(f"  found: {name}", err=True))
    except ValueError as exc:
        raise Exit(2, str(exc)) from None
    typer.echo(f"Plans within {slack:.1%} of the best plan's objective, differing most in "
               f"{DIMENSIONS[vary]} ({result.total_seconds:.1f}s):")
    cols = ["plan", "status", "objective_change_pct", "weighted_shortfall", "total_cost_gbp", "people_moved"]
    typer.echo(result.table[cols].to_string(index=False, float_format=lambda v: f"{v:,.1f}"))
    typer.echo(f"\nPeople ({DIMENSIONS[vary]}) over the decision years, by plan:")
    typer.echo(totals_side_by_side(result).to_string(index=False, float_format=lambda v: f"{v:,.0f}"))
    if out is not None:
        optimiser.write_alternatives(result, out, replace=replace)
        typer.echo(f"Wrote {out}/" + ", ".join(ALTERNATIVES_FILES) + ", run.json")
        replaced(out, was)
