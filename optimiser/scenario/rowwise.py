"""Helpers the cross-table checks share: a table's rows with their spreadsheet row numbers, and
the finding for a cell naming something no table defines.

Every check runs in time linear in its table (or n log n): `rows` hands out plain dicts (a
pandas row per iteration costs ~50 times more), lookups go through sets and dicts built once,
and a hint listing what is known is built once per check, not once per finding.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pandas as pd

from optimiser.basics.issues import Issue


def rows(df: pd.DataFrame) -> Iterator[tuple[int, dict]]:
    """(spreadsheet row number, {column: value}) for each row: the header is row 1, so row = index + 2."""
    columns = list(df.columns)
    values = [df[c].tolist() for c in columns]
    for i, cells in zip(df.index.tolist(), zip(*values, strict=True), strict=True):
        yield int(i) + 2, dict(zip(columns, cells, strict=True))


def known_hint(known: Iterable[str], shown: int = 8) -> str:
    """The first few of `known`, sorted, for a fix ("east, west ..."): built once per check."""
    first = sorted(known)
    return ", ".join(first[:shown]) + (" ..." if len(first) > shown else "")


def unknown(raw, table: str, row: int, column: str, value: str, hint: str, what: str,
            source: str) -> Issue:
    """An unknown `what` (region, staff group, route, ...) in a cell: use one defined in `source`
    (`hint`: some of them, from `known_hint`)."""
    return Issue("error", "check_references", raw.where(table), f"unknown {what}",
                 f"use a {what} listed in {source} ({hint}) or add it there",
                 row=row, column=column, value=value)


def references(raw, table: str, df: pd.DataFrame, column: str, known: set[str], what: str,
               source: str, *, blank_ok: bool = False) -> list[Issue]:
    """Every cell of `column` names a known `what` (a blank cell too, unless `blank_ok`)."""
    cells = df[column]
    bad = ~cells.isin(known)
    if blank_ok:
        bad &= cells != ""
    if not bad.any():
        return []
    hint = known_hint(known)
    return [unknown(raw, table, int(i) + 2, column, value, hint, what, source)
            for i, value in cells[bad].items()]
