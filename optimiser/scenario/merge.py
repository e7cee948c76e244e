"""Local scenarios combined into one (bottom-up planning): each organisation's scenario, merged
into the network's or the nation's.

Rows are matched by their table's key (inputs/data_dictionary.csv; notes aside):
- a region may be defined by one scenario only (the same region twice is refused: both would
  count its staff);
- any other row that two scenarios share (a staff group, a route, a provider, a budget year, a
  pooled recruitment cap, a link) must be identical in both; a difference is refused, naming the
  table, the key, the column and each scenario's value (a staff group defined differently, rates
  that disagree);
- scenario.toml's settings must agree (the name aside: the merged scenario's name is given).
A local scenario may name the providers and regions of another (a university in a neighbouring
ICB, a travel link across the boundary): the merged scenario is validated as a whole, so such
rows are checked once merged. The summary says what each scenario contributed and which shared
rows were taken once.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import pandas as pd

from optimiser.basics.issues import Issue, ScenarioError, ValidationReport
from optimiser.scenario.dictionary import table_specs
from optimiser.scenario.io import RawScenario
from optimiser.scenario.validation import validate_raw

IGNORED_COLUMNS = ("notes",)  # provenance may differ between organisations


@dataclass(frozen=True)
class MergeResult:
    raw: RawScenario
    summary: pd.DataFrame  # table, scenario, rows_added, rows_shared
    report: ValidationReport


def _key(row: pd.Series, key: tuple[str, ...], table: str) -> tuple[str, ...]:
    cells = tuple(row.get(c, "") for c in key)
    if table == "links":  # undirected
        return tuple(sorted(cells[:2]))
    if table == "policy_shares":
        return (cells[0], " ".join(sorted(set(cells[1].split()))), *cells[2:])
    return cells


def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    try:
        return float(a) == float(b)
    except ValueError:
        return False


def merge_raw(raws: list[RawScenario], name: str | None = None) -> MergeResult:
    """The scenarios combined; ScenarioError lists every conflict, or the merged scenario's errors."""
    if len(raws) < 2:
        raise ValueError("merge needs at least two scenarios")
    issues: list[Issue] = []
    labels = [r.source for r in raws]
    config = copy.deepcopy(raws[0].config)
    for raw in raws[1:]:
        for key in sorted(set(config) | set(raw.config)):
            if key == "name":
                continue
            a, b = config.get(key), raw.config.get(key)
            if a != b:
                issues.append(Issue("error", "check_merge", raw.where("scenario"),
                                    f"setting {key} is {a!r} in {labels[0]} but {b!r} here",
                                    "agree one value in every local scenario before merging", column=key,
                                    value=None if b is None else str(b)))
    config["name"] = name or " + ".join(str(r.config.get("name", r.source)) for r in raws)
    tables: dict[str, pd.DataFrame] = {}
    summary = []
    for table, spec in table_specs().items():
        present = [(i, r) for i, r in enumerate(raws) if table in r.tables]
        if not present:
            continue
        columns: list[str] = []
        for _, r in present:
            columns += [c for c in r.tables[table].columns if c not in columns]
        kept: dict[tuple, tuple[int, int, pd.Series]] = {}
        out_rows = []
        for i, raw in present:
            added = shared = 0
            for idx, row in raw.tables[table].iterrows():
                key = _key(row, spec.key, table)
                if key not in kept:
                    kept[key] = (i, int(idx) + 2, row)
                    out_rows.append(row.reindex(columns, fill_value=""))
                    added += 1
                    continue
                j, first_row, first = kept[key]
                if table == "regions":
                    issues.append(Issue("error", "check_merge", raw.where(table),
                                        f"region {key[0]} is also defined in {labels[j]} (row {first_row}): "
                                        "a region belongs to one local scenario",
                                        "keep the region (and its rows) in one of the scenarios only",
                                        row=int(idx) + 2, column="region", value=key[0]))
                    continue
                for col in columns:
                    if col in IGNORED_COLUMNS:
                        continue
                    a, b = str(first.get(col, "")), str(row.get(col, ""))
                    if not _same(a, b):
                        what = ", ".join(f"{c}={v}" for c, v in zip(spec.key, key, strict=False) if v) or "(blank key)"
                        issues.append(Issue("error", "check_merge", raw.where(table),
                                            f"{what} is defined differently: {col} is {a!r} in {labels[j]} "
                                            f"(row {first_row}) but {b!r} here",
                                            "agree one value in every local scenario (or give the rows different keys)",
                                            row=int(idx) + 2, column=col, value=b))
                shared += 1
            summary.append({"table": table, "scenario": labels[i], "rows_added": added, "rows_shared": shared})
        tables[table] = pd.DataFrame(out_rows, columns=columns).reset_index(drop=True) if out_rows \
            else pd.DataFrame(columns=columns)
    if issues:
        raise ScenarioError(ValidationReport(source=" + ".join(labels), issues=tuple(issues)))
    merged = RawScenario(source=config["name"], form="folder", config=config, tables=tables)
    report, _, _ = validate_raw(merged)
    if not report.ok:
        raise ScenarioError(report)
    return MergeResult(merged, pd.DataFrame(summary), report)
