"""optimiser generate: write a synthetic scenario (presets in inputs/synthetic/presets.toml)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from optimiser.cli.errors import Exit
from optimiser.cli.params import check_new, checked_number, number_param


def generate_command(
    preset: Annotated[str, typer.Argument(help="Preset: S (West Midlands size), M (Midlands), L (England), "
                                                "XL (England, 20 groups, 20 years) or W (Wales)")],
    out: Annotated[Path, typer.Option("--out", "-o", help="New scenario folder, or a path ending in .xlsx")],
    seed: Annotated[int, typer.Option(parser=number_param("seed"),
                                      help="Seed of the noise: the same seed gives the same scenario")] = 0,
    form: Annotated[str | None, typer.Option(help="folder or workbook (default: workbook if --out ends in .xlsx)")] = None,
) -> None:
    """Write a synthetic scenario (seeded, documented in inputs/synthetic/README.md)."""
    from optimiser.synthetic import (
        FORMS,
        check_destination,
        describe,
        generate,
        preset_names,
        write_scenario,
    )

    if preset.strip().upper() not in preset_names():
        raise Exit(2, f"unknown preset {preset!r}: choose one of {', '.join(preset_names())}")
    seed = checked_number("seed", seed, "--seed")  # again: a call from Python bypasses typer's parsing
    form = form or ("workbook" if out.suffix.lower() == ".xlsx" else "folder")
    if form not in FORMS:
        raise Exit(2, f"--form must be folder or workbook, not {form!r}")
    check_new(out)
    try:
        check_destination(out, form)
        raw = generate(preset, seed)
    except ValueError as exc:
        raise Exit(2, str(exc)) from None
    write_scenario(raw, out, form)
    typer.echo(f"Wrote {out}: synthetic preset {preset.strip().upper()} (seed {seed}), {describe(raw)}")
