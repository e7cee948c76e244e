"""optimiser verify RUN_DIR: make a run again from its folder alone (optimiser/outputs/verify.py).

Exit 0: the objective and the plan agree within the recorded gap; 4: they disagree; 2: the folder
is not as its run left it (a file changed, missing or added, named) or holds no manifest. Nothing
is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

import optimiser
from optimiser.cli.errors import Exit

DISAGREES = 4  # exit code: the run made again does not agree with the folder


def verify_command(run_dir: Annotated[Path, typer.Argument(help="A run folder written with --out")]):
    """Make a run again from its folder alone and say whether it agrees."""
    try:
        found = optimiser.verify_run(run_dir)
    except optimiser.BundleError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise Exit(2, "nothing was run or written") from None
    typer.echo(f"Verifying {run_dir} ({found.kind}):")
    for line in found.lines:
        typer.echo(f"  {line}")
    if not found.agrees:
        raise Exit(DISAGREES, f"{run_dir}: the run made again does NOT agree with the folder")
    typer.echo(f"{run_dir}: the run made again agrees (objective and plan within the recorded gap)")
