"""optimiser solve --robust: one plan for many sampled futures, beside the deterministic plan."""

from __future__ import annotations

from pathlib import Path

import typer

import optimiser
from optimiser.cli.errors import Exit
from optimiser.cli.params import check_out, checked_number, replaced


def robust_solve(sc, out: Path | None, samples: int | None, risk: str, seed: int, out_of_sample: int,
                 time_limit: float | None, gap: float | None, replace: bool, executor: str = "local",
                 workers: int | None = None) -> None:
    """Solve the robust plan, print its bands beside the deterministic plan's, write --out."""
    if samples is None:
        raise Exit(2, "--robust needs --samples N (the number of sampled futures the plan must serve)")
    samples = checked_number("samples", samples, "--samples")
    seed = checked_number("seed", seed, "--seed")
    out_of_sample = 0 if out_of_sample == 0 else checked_number("samples", out_of_sample, "--out-of-sample")
    try:
        optimiser.parse_risk(risk)
        if executor != "local":
            from optimiser.analysis.sweep import dask_address
            dask_address(executor)
    except ValueError as exc:
        raise Exit(2, str(exc)) from None
    was = check_out(out, "solve", replace)
    # the run's inputs (manifest.json and inputs/, as a deterministic solve writes): `optimiser verify` makes it again
    options = {"samples": samples, "risk": risk, "seed": seed, "out_of_sample": out_of_sample,
               "time_limit": time_limit, "gap": gap}
    bundle = optimiser.start_bundle("robust", sc, options) if out else None
    try:
        result = optimiser.solve_robust(sc, samples, risk, seed, out_of_sample=out_of_sample, time_limit=time_limit,
                                        gap=gap, phase=lambda step: typer.echo(f"  {step}", err=True),
                                        executor=executor, workers=workers)
    except ValueError as exc:
        raise Exit(1 if "no robust plan" in str(exc) else 2, f"{exc}; nothing was written") from None
    s = result.summary
    typer.echo(f"Robust plan for {samples} futures of {s['scenario']} (risk {s['risk']}, seed {seed}): "
               f"{s['status']}, gap {_pct(s['mip_gap'])}, {s['seconds']['robust_solve_seconds']:.1f}s to solve "
               f"by {s['method']} ({s['extensive_form']['columns']:,} columns, {s['extensive_form']['rows']:,} rows)")
    typer.echo(f"Objective, the plan evaluated in each future: {_num(s['in_sample_objective'])}; "
               f"bound {_num(s['bound'])}, gap {_pct(s['in_sample_gap'])}")
    typer.echo("Weighted shortfall (weighted WTE-years) in each future:")
    cols = ["set", "plan", "futures", "p10", "p50", "p90", "mean", "cvar"]
    typer.echo(result.bands[cols].to_string(index=False, float_format=lambda v: f"{v:,.1f}"))
    typer.echo(f"Value of the stochastic solution (in sample): {_num(s['value_of_stochastic_solution'])}; "
               f"expected value of perfect information: {_num(s['expected_value_of_perfect_information'])} "
               "(objective units: discounted weighted WTE-years)")
    if out:
        files = optimiser.write_robust(result, out, replace=replace, context=optimiser.plan_context(sc.raw),
                                       bundle=bundle)
        shown = dict.fromkeys(Path(f).relative_to(out).parts[0] + ("/" if len(Path(f).relative_to(out).parts) > 1 else "")
                              for f in files)  # inputs/ once, not each copied file
        typer.echo(f"Wrote {out}/" + ", ".join(shown))
        replaced(out, was)


def _num(x) -> str:
    return "n/a" if x is None else f"{x:z,.1f}"


def _pct(x) -> str:
    return "n/a" if x is None else f"{x:.2%}"
