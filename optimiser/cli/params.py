"""What every command checks before it works: numeric options and output folders.

Numeric options are read by the one reader of `optimiser.basics.options` (the web app uses the
same), as the option's text reaches typer, so 'inf', 'nan' or an out-of-range value stops with
exit 2 and a message naming the flag. An --out folder is checked before the scenario is even
loaded (optimiser/outputs/run_folders.py), so a bad one never costs a solve.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from optimiser.basics.files import DestinationError, check_new_destination
from optimiser.basics.options import OptionError, number_option
from optimiser.cli.errors import Exit
from optimiser.outputs.run_folders import check_out_folder

ReplaceOpt = Annotated[bool, typer.Option(
    "--replace", help="Replace --out even if it holds another kind of run or other files (said when it does)")]


def number_param(name: str) -> Callable[[str], float | int]:
    """A typer `parser` for the numeric option `name` (optimiser.basics.options.NUMBER_OPTIONS)."""
    def parse(value: str) -> float | int:
        try:
            return number_option(name, value)
        except OptionError as exc:
            raise typer.BadParameter(str(exc)) from None
    return parse


def checked_number(name: str, value, flag: str):
    """The same check for a value that did not come through typer (a command called from Python)."""
    try:
        return number_option(name, value)
    except OptionError as exc:
        raise Exit(2, f"{flag}: {exc}") from None


def check_out(out: Path | None, kind: str, replace: bool) -> str | None:
    """Exit 2 unless a `kind` run may write --out; returns what it will replace (for `replaced`)."""
    if out is None:
        return None
    try:
        return check_out_folder(out, kind, replace)
    except DestinationError as exc:
        raise Exit(2, f"--out: {exc}; nothing was run or written") from None


def check_new(dst: Path, what: str = "--out") -> None:
    """Exit 2 unless `dst` is a new, writable place for a scenario (convert, generate)."""
    try:
        check_new_destination(dst)
    except DestinationError as exc:
        raise Exit(2, f"{what}: {exc}") from None


def replaced(out: Path, what: str | None) -> None:
    """Say what a published run replaced, so nothing goes without a word."""
    if what:
        typer.echo(f"Replaced {what} in {out}")
