"""Cell-by-cell differences between two scenarios, named by table, row key and column.

Rows are matched on each table's key columns from the data dictionary (e.g. budget by year,
provider_routes by provider, route and year), not on position, so inserting a row does not
make every later row look changed. Numbers that are equal as numbers ("1.0" and "1") are equal.
"""

from __future__ import annotations

import pandas as pd

from optimiser.dictionary import table_specs
from optimiser.io import RawScenario, config_rows

DIFF_COLUMNS = ["table", "row_key", "column", "old", "new", "change"]


def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    try:
        return float(a) == float(b)
    except ValueError:
        return False


def _keyed(df: pd.DataFrame, key: list[str]) -> dict[str, pd.Series]:
    """Rows by a readable key; a repeated key gets '#2', '#3' so no row is lost."""
    out: dict[str, pd.Series] = {}
    for _, row in df.iterrows():
        label = ", ".join(f"{k}={row[k] or '(all)'}" for k in key) if key else str(row.name)
        n, unique = 1, label
        while unique in out:
            n += 1
            unique = f"{label} #{n}"
        out[unique] = row
    return out


def _row_text(row: pd.Series) -> str:
    return ", ".join(f"{c}={v}" for c, v in row.items() if v != "" and c != "notes")


def table_diff(name: str, old: pd.DataFrame | None, new: pd.DataFrame | None) -> list[dict]:
    spec = table_specs().get(name)
    old = old if old is not None else pd.DataFrame()
    new = new if new is not None else pd.DataFrame()
    columns = list(dict.fromkeys([*old.columns, *new.columns]))
    key = [k for k in (spec.key if spec else ()) if k in columns]
    a, b = _keyed(old.reindex(columns=columns, fill_value=""), key), _keyed(new.reindex(columns=columns, fill_value=""), key)
    rows = []
    for k, row in b.items():
        if k not in a:
            rows.append({"table": name, "row_key": k, "column": "", "old": "", "new": _row_text(row),
                         "change": "added row"})
            continue
        for c in columns:
            before, after = str(a[k][c]), str(row[c])
            if not _same(before, after):
                rows.append({"table": name, "row_key": k, "column": c, "old": before, "new": after,
                             "change": "changed"})
    for k, row in a.items():
        if k not in b:
            rows.append({"table": name, "row_key": k, "column": "", "old": _row_text(row), "new": "",
                         "change": "removed row"})
    return rows


def config_diff(old: dict, new: dict) -> list[dict]:
    a, b = dict(config_rows(old)), dict(config_rows(new))
    rows = []
    for k in dict.fromkeys([*a, *b]):
        before = "" if k not in a else str(a[k])
        after = "" if k not in b else str(b[k])
        if not _same(before, after):
            rows.append({"table": "scenario settings", "row_key": k, "column": "value", "old": before,
                         "new": after, "change": "changed"})
    return rows


def scenario_diff(old: RawScenario, new: RawScenario) -> pd.DataFrame:
    """Every setting and cell that differs from `old` to `new` (DIFF_COLUMNS)."""
    rows = config_diff(old.config, new.config)
    order = list(table_specs())
    names = sorted(set(old.tables) | set(new.tables), key=lambda n: order.index(n) if n in order else 99)
    for name in names:
        rows += table_diff(name, old.tables.get(name), new.tables.get(name))
    return pd.DataFrame(rows, columns=DIFF_COLUMNS)
