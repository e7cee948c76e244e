"""Compare two `optimiser solve --out` folders, timings aside.

    python scripts/compare_run_folders.py BEFORE AFTER

CSV files must be byte-identical; summary.json must agree on every key but the *_seconds
timings; plan.xlsx must hold the same sheets and cell values, except cells of rows that name a
timing (`... seconds` / `..._seconds`). Keys of summary.json and rows of the workbook's Summary
sheet that only AFTER has are listed as "added" (a new measure, not a changed one). Prints one
line per difference and exits 1 if any (added measures alone exit 0).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import openpyxl


def _timing(text: object) -> bool:
    return isinstance(text, str) and ("seconds" in text or text.endswith("(s)"))


def _sheets(path: Path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    out = {}
    for ws in wb.worksheets:
        rows = []
        for row in ws.iter_rows(values_only=True):
            if any(_timing(v) for v in row):
                continue
            rows.append(row)
        out[ws.title] = rows
    return out


def compare(before: Path, after: Path) -> tuple[list[str], list[str]]:
    """(differences, added measures)."""
    problems: list[str] = []
    added: list[str] = []
    names = sorted({p.name for p in before.iterdir()} | {p.name for p in after.iterdir()})
    for name in names:
        a, b = before / name, after / name
        if not a.exists() or not b.exists():
            problems.append(f"{name}: only in {'after' if not a.exists() else 'before'}")
        elif name.endswith(".json"):
            ja, jb = json.loads(a.read_text()), json.loads(b.read_text())
            for key in sorted(set(ja) | set(jb)):
                if key.endswith("_seconds"):
                    continue
                if key not in ja:
                    added.append(f"{name}: added {key} = {jb[key]!r}")
                elif ja.get(key) != jb.get(key):
                    problems.append(f"{name}: {key}: {ja.get(key)!r} != {jb.get(key)!r}")
        elif name.endswith(".xlsx"):
            sa, sb = _sheets(a), _sheets(b)
            for sheet in sorted(set(sa) | set(sb)):
                rows_a, rows_b = sa.get(sheet), sb.get(sheet)
                if sheet == "Summary" and rows_a is not None and rows_b is not None:
                    known = {r[0] for r in rows_a}
                    added += [f"{name} [Summary]: added row {r[0]!r}" for r in rows_b if r[0] not in known]
                    rows_b = [r for r in rows_b if r[0] in known]
                if rows_a != rows_b:
                    problems.append(f"{name} [{sheet}]: cell values differ")
        elif a.read_bytes() != b.read_bytes():
            problems.append(f"{name}: contents differ")
    return problems, added


if __name__ == "__main__":
    found, added = compare(Path(sys.argv[1]), Path(sys.argv[2]))
    print("\n".join(added))
    print("\n".join(found) if found else f"identical (timings and added measures aside): {sys.argv[1]} and {sys.argv[2]}")
    sys.exit(1 if found else 0)
