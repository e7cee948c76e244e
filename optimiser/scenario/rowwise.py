"""Helpers the cross-table checks share: a table's rows with their spreadsheet row numbers, and
the finding for a cell naming something no table defines.

Every check runs in time linear in its table (or n log n): `rows` hands out plain dicts (a
pandas row per iteration costs ~50 times more), lookups go through sets and dicts built once
(not Series.isin, which converts the whole set of known names for every column it checks), and
a hint listing what is known is built once per check, not once per finding.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import replace

import pandas as pd

from optimiser.basics.issues import Issue

# Row-level findings listed per check and column: a table of 100,000 bad rows gives 1,000 findings
# and one line counting the rest (listing them all would cost more than reading the table, and
# no planner reads past the first screenful before fixing the cause).
LISTED = 1_000


def more_rows(like: Issue, n: int, what: str | None = None) -> Issue:
    """The line standing for `n` row-level findings not listed, all of the check and column of
    `like` (one of them; `what` they found, by default its message): it says how many and what,
    carries the worst severity among them (so the exit status is what listing them all would
    give) and counts as `n` findings in the report's totals."""
    what = what or like.message
    return Issue(like.severity, like.rule, like.file,
                 f"{n:,} more rows with this finding ({what}); only the first {LISTED:,} are listed",
                 "fix the rows listed (often one cause), then validate again", column=like.column, stands_for=n)


def listed(issues: list[Issue]) -> list[Issue]:
    """At most LISTED row-level findings per check, file and column, the rest counted in one line
    where they would have begun; table-level findings (no row) are all kept."""
    counts: Counter = Counter()
    out: list[Issue | None] = []
    omitted: dict[tuple, list] = {}  # key -> [position in out, how many, the first omitted, any error]
    for issue in issues:
        if issue.row is None:
            out.append(issue)
            continue
        key = (issue.rule, issue.file, issue.column)
        counts[key] += 1
        if counts[key] <= LISTED:
            out.append(issue)
        elif key not in omitted:
            omitted[key] = [len(out), 1, issue, issue.severity == "error"]
            out.append(None)
        else:
            omitted[key][1] += 1
            omitted[key][3] |= issue.severity == "error"
    for at, n, like, any_error in omitted.values():
        out[at] = more_rows(replace(like, severity="error") if any_error else like, n)
    return [i for i in out if i is not None]


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
    # set lookups, one per cell (Series.isin on text would rebuild `known` on every call)
    bad = [(i, value) for i, value in zip(df.index.tolist(), df[column].tolist(), strict=True)
           if value not in known and not (blank_ok and value == "")]
    if not bad:
        return []
    hint = known_hint(known)
    issues = [unknown(raw, table, int(i) + 2, column, value, hint, what, source) for i, value in bad[:LISTED]]
    if len(bad) > LISTED:  # counted, not built: the rest cost no Issue each
        i, value = bad[LISTED]
        issues.append(more_rows(unknown(raw, table, int(i) + 2, column, value, hint, what, source), len(bad) - LISTED))
    return issues
