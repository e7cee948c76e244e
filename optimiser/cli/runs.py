"""optimiser runs list | show | compare: the run history in the store (the app's database:
OPTIMISER_DATABASE_URL, else optimiser_store.sqlite3 in the working folder), and `--save` for the
commands that solve: a run saved from here is saved exactly as the app saves it
(optimiser/store/saving.py), so the history and the comparison cover both."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

import optimiser
from optimiser.cli.errors import Exit

DATABASE_ENV = "OPTIMISER_DATABASE_URL"  # the app's setting (optimiser/store/engine.py)

SaveOpt = Annotated[bool | None, typer.Option(
    "--save/--no-save", help="Save the run in the run history, as the app does (default: save when "
                             f"{DATABASE_ENV} is set)")]

runs_app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                       help="The run history in the store: runs saved by the app or with --save.")


def wants_saving(save: bool | None) -> bool:
    """--save, --no-save, or neither: save when a database is configured."""
    return bool(os.environ.get(DATABASE_ENV, "").strip()) if save is None else save


def save_run(sc, result, options: dict) -> None:
    """Save a solved run as the app does; a store that fails costs the run nothing already written."""
    try:
        with optimiser.Store() as store:
            record = optimiser.save_solved_run(store, sc.raw, result, options, sc.name)
            where = store.shown_url
    except optimiser.StoreError as exc:
        raise Exit(1, f"the run was not saved: {exc}") from None
    typer.echo(f"Saved as run {record.id} of scenario {record.scenario_id} ({record.scenario_name}) in {where}")


def _open():
    """The store, for reading: a database file not made yet is an empty history, and reading
    creates none (as the app's first save would)."""
    url = optimiser.default_database_url()
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).exists():
        typer.echo(f"No runs saved yet: {url[len('sqlite:///'):]} does not exist (runs are saved by the app, "
                   "or by `optimiser solve --save` and `optimiser frontier --save`)")
        raise typer.Exit(0)
    try:
        return optimiser.Store()
    except optimiser.StoreError as exc:
        raise Exit(2, str(exc)) from None


def _number(v, unit: str = "") -> str:
    return "" if v is None else f"{v:,.1f}{unit}"


@runs_app.command("list")
def list_runs(scenario_id: Annotated[int | None, typer.Option("--scenario-id", help="Only this saved scenario's runs")] = None):
    """Every saved run, newest first."""
    with _open() as store:
        try:
            runs = store.list_runs(scenario_id)
        except optimiser.StoreError as exc:
            raise Exit(2, str(exc)) from None
        typer.echo(f"{len(runs)} run(s) in {store.shown_url}")
    for r in runs:
        options = ", ".join(f"{k}={v}" for k, v in r.options.items() if v is not None)
        typer.echo(f"  run {r.id:>4}  {r.created_at:%Y-%m-%d %H:%M} UTC  {r.kind:<10} {r.status:<10} "
                   f"weighted shortfall {_number(r.weighted_shortfall):>12}  cost GBP {_number(r.total_cost_gbp):>16}  "
                   f"scenario {r.scenario_id} {r.scenario_name}" + (f"  [{options}]" if options else ""))


@runs_app.command("show")
def show_run(run_id: Annotated[int, typer.Argument(help="The run's id (optimiser runs list)")]):
    """One run: its headline figures, options, versions, input hash and tables."""
    with _open() as store:
        try:
            r = store.get_run(run_id)
            tables = store.load_run_tables(run_id)
        except optimiser.StoreError as exc:
            raise Exit(2, str(exc)) from None
    typer.echo(f"Run {r.id}: {r.kind} of scenario {r.scenario_id} ({r.scenario_name}), saved {r.created_at:%Y-%m-%d %H:%M:%S} UTC")
    typer.echo(f"  status {r.status}; objective {_number(r.objective)}; MIP gap "
               f"{'n/a' if r.mip_gap is None else f'{100 * r.mip_gap:.3f}%'}")
    typer.echo(f"  weighted shortfall {_number(r.weighted_shortfall)} WTE-years; shortfall "
               f"{_number(r.total_shortfall_wte_years)} WTE-years; total cost GBP {_number(r.total_cost_gbp)}")
    typer.echo("  options: " + (", ".join(f"{k}={v}" for k, v in r.options.items()) or "none"))
    typer.echo(f"  inputs (sha256 of the scenario as typed): {r.input_hash}")
    typer.echo(f"  made by optimiser {r.package_version} with {r.solver_version}")
    typer.echo("  timings: " + ", ".join(f"{k} {v:.2f}s" for k, v in r.timings.items() if isinstance(v, int | float)))
    typer.echo("  tables: " + ", ".join(f"{name} ({len(df):,} rows)" for name, df in tables.items()))


@runs_app.command("compare")
def compare_runs(
    run_ids: Annotated[list[int], typer.Argument(help="Two or more plan runs' ids; the first is the reference")],
    final_year_only: Annotated[bool, typer.Option("--final-year-only", help="Shortfall in the final year only")] = False,
):
    """Plans side by side (the app's Compare page): headline figures, where they differ, and inputs."""
    if len(run_ids) < 2:
        raise Exit(2, "give two or more run ids to compare")
    with _open() as store:
        try:
            records = [store.get_run(i) for i in run_ids]
            not_plans = [f"run {r.id} is a {r.kind} run" for r in records if r.kind != "plan"]
            if not_plans:
                raise Exit(2, "only plans can be compared: " + "; ".join(not_plans))
            runs = [optimiser.PlanRun(r.summary, store.load_run_tables(r.id), store.load_scenario(r.scenario_id))
                    for r in records]
        except optimiser.StoreError as exc:
            raise Exit(2, str(exc)) from None
    labels = [f"run {i}" for i in run_ids]
    if len(set(labels)) != len(labels):
        raise Exit(2, "give each run once")
    comparison = optimiser.compare_runs(runs, labels, final_year_only=final_year_only)

    def show(title: str, df) -> None:
        typer.echo(f"\n{title}")
        typer.echo("  (none)" if df.empty else df.to_string(index=False, float_format=lambda v: f"{v:,.1f}"))

    show("Headline figures", comparison.headline)
    show("Shortfall by staff group (WTE-years" + (", final year)" if final_year_only else ", measured years)"),
         comparison.shortfall_by_group)
    show("Training starts by route (all years)", comparison.starts_by_route)
    show("Starts by placement region (all years)", comparison.starts_by_region)
    show("International recruits by region (all years)", comparison.recruits_by_region)
    show("Cost by category (GBP, all years)", comparison.cost_by_category)
    show("Inputs that differ", comparison.input_differences)
