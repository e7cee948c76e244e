"""A RawScenario built anywhere (the app's editor, a caller of the API) as load_raw makes one:
every table of the data dictionary, text cells, text column names named once, and a unique
whole-number index (a row's place: row = index + 2). Validation and the writers start here."""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import TYPE_CHECKING

import pandas as pd

from optimiser.basics.cells import cell_text
from optimiser.basics.issues import Issue
from optimiser.scenario.dictionary import table_specs

if TYPE_CHECKING:
    from optimiser.scenario.io import RawScenario


def as_text_tables(raw: RawScenario) -> tuple[RawScenario, list[Issue]]:
    """`raw` with every table as load_raw makes it (text cells, trimmed text column names, a
    unique whole-number index), for a RawScenario built elsewhere (the app's editor, a caller of
    the API). A table that is no table of the dictionary, or that names a column twice, is left
    out with an Issue. Returns `raw` itself when nothing needs changing."""
    tables, issues, changed = {}, [], False
    for name, df in raw.tables.items():
        where = raw.where(name) if name in table_specs() else str(name)
        if name not in table_specs() or not isinstance(df, pd.DataFrame):
            issues.append(Issue("warning", "check_files", where, "is not a table of the data dictionary and is ignored",
                                "rename it to a table of the data dictionary, or remove it"))
            changed = True
            continue
        columns = [cell_text(c) for c in df.columns]
        twice = [c for c, n in Counter(columns).items() if n > 1]
        if twice:
            issues.append(Issue("error", "check_columns", where,
                                f"names column {twice[0]!r} more than once: it is unclear which is meant",
                                "delete or rename the repeated column", column=twice[0]))
            changed = True
            continue
        text = df
        if columns != list(df.columns):
            text = text.set_axis(columns, axis=1)
        if not (pd.api.types.is_integer_dtype(text.index) and text.index.is_unique):
            text = text.reset_index(drop=True)
        for i, c in enumerate(columns):
            column = text.iloc[:, i]
            text_only = (isinstance(column.dtype, pd.StringDtype) and not column.isna().any()) or (
                column.dtype == object and column.map(type).eq(str).all())
            if not text_only:
                text = text.copy() if text is df else text
                text[c] = column.map(cell_text).astype(str)
        changed |= text is not df
        tables[name] = text
    if not changed:
        return raw, issues
    # the findings travel as load issues too: check_files then does not call a table left out missing
    return dataclasses.replace(raw, tables=tables, load_issues=[*raw.load_issues, *issues]), issues
