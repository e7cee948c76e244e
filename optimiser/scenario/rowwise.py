"""Helpers the cross-table checks share: a table's rows with their spreadsheet row numbers, and
the finding for a cell naming something no table defines."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from optimiser.basics.issues import Issue


def rows(df: pd.DataFrame) -> Iterator[tuple[int, pd.Series]]:
    """(spreadsheet row number, row) for each row: the header is row 1, so row = index + 2."""
    for i, row in df.iterrows():
        yield int(i) + 2, row


def unknown(raw, table: str, row: int, column: str, value: str, known: set[str], what: str,
            source: str) -> Issue:
    """An unknown `what` (region, staff group, route, ...) in a cell: use one defined in `source`."""
    hint = ", ".join(sorted(known)[:8]) + (" ..." if len(known) > 8 else "")
    return Issue("error", "check_references", raw.where(table), f"unknown {what}",
                 f"use a {what} listed in {source} ({hint}) or add it there",
                 row=row, column=column, value=value)


def references(raw, table: str, df: pd.DataFrame, column: str, known: set[str], what: str,
               source: str, *, blank_ok: bool = False) -> list[Issue]:
    """Every cell of `column` names a known `what` (a blank cell too, unless `blank_ok`)."""
    return [unknown(raw, table, row, column, r[column], known, what, source)
            for row, r in rows(df)
            if not (r[column] == "" and blank_ok) and r[column] not in known]
