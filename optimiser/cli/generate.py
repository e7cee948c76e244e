"""optimiser generate: write a synthetic scenario (presets in inputs/synthetic/presets.toml)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from optimiser.cli.errors import Exit


def generate_command(
    preset: Annotated[str, typer.Argument(help="Preset: S (West Midlands size), M (Midlands), L (England), "
                                                "XL (England, 20 groups, 20 years) or W (Wales)")],
    out: Annotated[Path, typer.Option("--out", "-o", help="New scenario folder, or a path ending in .xlsx")],
    seed: Annotated[int, typer.Option(help="Seed of the noise: the same seed gives the same scenario")] = 0,
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
    if seed < 0:
        raise Exit(2, f"--seed must be 0 or more, not {seed}")
    form = form or ("workbook" if out.suffix.lower() == ".xlsx" else "folder")
    if form not in FORMS:
        raise Exit(2, f"--form must be folder or workbook, not {form!r}")
    if out.exists() and (out.is_file() or any(out.iterdir())):
        raise Exit(2, f"{out} already exists; give a new path so nothing is overwritten")
    try:
        check_destination(out, form)
        raw = generate(preset, seed)
    except ValueError as exc:
        raise Exit(2, str(exc)) from None
    write_scenario(raw, out, form)
    typer.echo(f"Wrote {out}: synthetic preset {preset.strip().upper()} (seed {seed}), {describe(raw)}")
