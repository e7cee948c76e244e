"""Compare two `optimiser solve --out` folders, timings aside.

    python scripts/compare_run_folders.py BEFORE AFTER

CSV files must be byte-identical; summary.json must agree on every key but the *_seconds
timings; plan.xlsx must hold the same sheets and cell values, except cells of rows that name a
timing (`... seconds` / `..._seconds`). Prints one line per difference and exits 1 if any.
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


def compare(before: Path, after: Path) -> list[str]:
    problems = []
    names = sorted({p.name for p in before.iterdir()} | {p.name for p in after.iterdir()})
    for name in names:
        a, b = before / name, after / name
        if not a.exists() or not b.exists():
            problems.append(f"{name}: only in {'after' if not a.exists() else 'before'}")
        elif name.endswith(".json"):
            ja, jb = json.loads(a.read_text()), json.loads(b.read_text())
            for key in sorted(set(ja) | set(jb)):
                if not key.endswith("_seconds") and ja.get(key) != jb.get(key):
                    problems.append(f"{name}: {key}: {ja.get(key)!r} != {jb.get(key)!r}")
        elif name.endswith(".xlsx"):
            sa, sb = _sheets(a), _sheets(b)
            for sheet in sorted(set(sa) | set(sb)):
                if sa.get(sheet) != sb.get(sheet):
                    problems.append(f"{name} [{sheet}]: cell values differ")
        elif a.read_bytes() != b.read_bytes():
            problems.append(f"{name}: contents differ")
    return problems


if __name__ == "__main__":
    found = compare(Path(sys.argv[1]), Path(sys.argv[2]))
    print("\n".join(found) if found else f"identical (timings aside): {sys.argv[1]} and {sys.argv[2]}")
    sys.exit(1 if found else 0)
