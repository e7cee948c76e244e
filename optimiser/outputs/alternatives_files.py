"""The files of `optimiser alternatives --out`: alternatives.csv (one row per plan: the best plan,
then each near-optimal alternative with its objective, change against the best in percent,
weighted shortfall, cost and the people it moves) and alternative_totals.csv (the people each plan
puts in each category of the dimension varied, one column per plan), with run.json."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from optimiser.outputs.reports import write_csv
from optimiser.outputs.run_folders import run_folder

ALTERNATIVES_FILES = ("alternatives.csv", "alternative_totals.csv")


def totals_side_by_side(result) -> pd.DataFrame:
    """Categories as rows, plans as columns, in the order the plans were found."""
    wide = result.totals.pivot_table(index="category", columns="plan", values="people", sort=False)
    return wide[[p for p in result.table["plan"] if p in wide.columns]].reset_index()


def write_alternatives(result, out: str | Path, *, replace: bool = False) -> list[Path]:
    with run_folder(out, "alternatives", replace) as tmp:
        write_csv(result.table, tmp / "alternatives.csv")
        write_csv(totals_side_by_side(result), tmp / "alternative_totals.csv")
    return [Path(out) / name for name in ALTERNATIVES_FILES]
