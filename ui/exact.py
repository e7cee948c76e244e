"""Exact editing: a cell typed into a table editor is stored as typed, or refused with the reason.

The browser's number grid cannot be trusted with the data dictionary's limits: given a minimum of
0 it drops a typed minus sign (-5000000 arrives as 5000000) and given a maximum it clamps, both
silently. So the grid gets no limits, every edit reaches the server as typed, and the server checks
each changed cell against the dictionary (the engine's own per-cell checks: a number, a whole
number, within the bounds) with `optimiser.validate_raw`. A changed cell that fails is refused: the
table keeps its previous value and the refusal (row, the row's key, column, the value typed, why
and a fix) is shown beside the table. Cross-table findings (a duplicate year, an unknown region)
are not refused: the edit is kept and validation lists them, because fixing them may take
another edit elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from optimiser import Issue, RawScenario, validate_raw

# the engine's per-cell checks (optimiser/scenario/schemas.py): wrong type, not whole, out of range
CELL_RULES = ("check_numbers", "check_ranges")


@dataclass(frozen=True)
class Refusal:
    """A typed value that was not stored."""

    table: str
    row: int  # spreadsheet row (header = 1)
    key: str  # the row's key cells, e.g. "year=2024"
    column: str
    typed: str
    kept: str  # what the cell still holds
    message: str
    fix: str
    added: bool = False  # the typed value was in a new row, which was not added

    def sentence(self) -> str:
        where = f"row {self.row}" + (f" ({self.key})" if self.key else "")
        kept = "the row was not added" if self.added else f"it keeps {self.kept or '(blank)'}"
        return (f"Refused {self.column} = {self.typed} in {where}: {self.message}. "
                f"Nothing was stored ({kept}); {self.fix}.")


def _changed(new: pd.DataFrame, old: pd.DataFrame | None, index, column: str) -> bool:
    if old is None or index not in old.index or column not in old.columns:
        return True
    return str(new.at[index, column]) != str(old.at[index, column])


def refuse_bad_cells(raw: RawScenario, edited: RawScenario) -> tuple[RawScenario, list[Refusal]]:
    """`edited` with every changed cell that fails a per-cell check put back as it was in `raw`.

    A failing cell of an added row drops that row. Returns the scenario to store and the refusals."""
    report, _, _ = validate_raw(edited)
    at = {edited.where(name): name for name in edited.tables}
    bad: dict[str, list[Issue]] = {}
    for issue in report.errors:
        table = at.get(issue.file)
        if issue.rule in CELL_RULES and table is not None and issue.row is not None and issue.column:
            bad.setdefault(table, []).append(issue)
    refusals: list[Refusal] = []
    tables = dict(edited.tables)
    for table, issues in bad.items():
        new, old = tables[table].copy(), raw.tables.get(table)
        drop = []
        for issue in issues:
            index = issue.row - 2
            if index not in new.index or not _changed(new, old, index, issue.column):
                continue  # a bad value that was there before this edit: validation lists it
            added = old is None or index not in old.index
            kept = "" if added else str(old.at[index, issue.column])
            key = (None if added else raw.row_key(table, issue.row)) or edited.row_key(table, issue.row) or ""
            refusals.append(Refusal(table, issue.row, key, issue.column, str(new.at[index, issue.column]), kept,
                                    issue.message, issue.fix, added))
            if added:
                drop.append(index)
            else:
                new.at[index, issue.column] = kept
        tables[table] = new.drop(index=drop)
    if not refusals:
        return edited, []
    return (RawScenario(source=edited.source, form=edited.form, config=edited.config, tables=tables,
                        load_issues=list(edited.load_issues)), refusals)


def refusals_frame(refusals: list[Refusal]) -> pd.DataFrame:
    """The refusals as a table: row, key, column, typed, kept, why and the fix."""
    return pd.DataFrame([{"row": r.row, "key": r.key, "column": r.column, "typed": r.typed,
                          "kept": "(row not added)" if r.added else r.kept or "(blank)", "why": r.message, "fix": r.fix}
                         for r in refusals], columns=["row", "key", "column", "typed", "kept", "why", "fix"])
