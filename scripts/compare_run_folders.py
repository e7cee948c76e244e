"""Compare two `optimiser solve --out` folders, timings aside.

    python scripts/compare_run_folders.py BEFORE AFTER

CSV files must be byte-identical; summary.json must agree on every key but the *_seconds
timings and the manifest's hash; run.json (when and what was written) must agree on the kind of
run; manifest.json on the options and the validated scenario's hash (the rest says when, where
and with what it ran); the copied inputs/ byte for byte; plan.xlsx must hold the same sheets and cell values, except cells of rows that name a
timing (`... seconds` / `..._seconds`). What only AFTER has is listed as "added" (a new measure,
not a changed one): keys of summary.json; files; columns of a CSV file or sheet whose other
columns are identical; sheets; and rows of the descriptive sheets (Key figures, Assumptions, How to
read this) whose key (first cell) BEFORE lacks. Prints one line per difference and exits 1 if any
(added measures alone exit 0).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import openpyxl

KEYED_SHEETS = ("Key figures", "Assumptions", "How to read this")  # rows keyed by their first cell
# files that say how and when a run was made: only these parts must agree
PROVENANCE = {"run.json": [("kind",)],
              "manifest.json": [("kind",), ("options",), ("scenario", "validated_sha256")]}


def _at(data: dict, path: tuple[str, ...]):
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _timing(text: object) -> bool:
    """A cell naming a timing, or the manifest's hash (which holds the run's times)."""
    return isinstance(text, str) and ("seconds" in text or text.endswith("(s)") or text == "manifest.json sha256")


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


def _added_columns(rows_a: list, rows_b: list) -> list[str] | None:
    """The header cells only `rows_b` has, if dropping them leaves `rows_a` exactly; else None."""
    if not rows_a or not rows_b or len(rows_a) != len(rows_b):
        return None
    head_a, head_b = list(rows_a[0]), list(rows_b[0])
    if len(set(head_b)) != len(head_b) or not set(head_a) <= set(head_b) or head_a == head_b:
        return None
    keep = [head_b.index(h) for h in head_a]
    if [tuple(r[i] for i in keep) for r in rows_b] != [tuple(r) for r in rows_a]:
        return None
    return [h for h in head_b if h not in head_a]


def _csv_rows(path: Path) -> list[tuple]:
    return [tuple(r) for r in csv.reader(io.StringIO(path.read_text(encoding="utf-8")))]


def compare(before: Path, after: Path) -> tuple[list[str], list[str]]:
    """(differences, added measures)."""
    problems: list[str] = []
    added: list[str] = []
    names = sorted({p.name for p in before.iterdir()} | {p.name for p in after.iterdir()})
    for name in names:
        a, b = before / name, after / name
        if not b.exists():
            problems.append(f"{name}: only in before")
        elif not a.exists():
            added.append(f"{name}: added file")
        elif a.is_dir() or b.is_dir():  # inputs/: the copied scenario
            sub_problems, sub_added = compare(a, b) if a.is_dir() and b.is_dir() else ([f"{name}: a folder in one only"], [])
            problems += [f"{name}/{x}" for x in sub_problems]
            added += [f"{name}/{x}" for x in sub_added]
        elif name in PROVENANCE:
            ja, jb = json.loads(a.read_text()), json.loads(b.read_text())
            for path in PROVENANCE[name]:
                va, vb = _at(ja, path), _at(jb, path)
                if va != vb:
                    problems.append(f"{name}: {'.'.join(path)}: {va!r} != {vb!r}")
        elif name.endswith(".json"):
            ja, jb = json.loads(a.read_text()), json.loads(b.read_text())
            for key in sorted(set(ja) | set(jb)):
                if key.endswith("_seconds") or key == "manifest_sha256":
                    continue
                if key not in ja:
                    added.append(f"{name}: added {key} = {jb[key]!r}")
                elif ja.get(key) != jb.get(key):
                    problems.append(f"{name}: {key}: {ja.get(key)!r} != {jb.get(key)!r}")
        elif name.endswith(".xlsx"):
            sa, sb = _sheets(a), _sheets(b)
            for sheet in sorted(set(sa) | set(sb)):
                rows_a, rows_b = sa.get(sheet), sb.get(sheet)
                if rows_b is None:
                    problems.append(f"{name} [{sheet}]: only in before")
                    continue
                if rows_a is None:
                    added.append(f"{name} [{sheet}]: added sheet")
                    continue
                if sheet in KEYED_SHEETS:
                    known = {r[0] for r in rows_a}
                    added += [f"{name} [{sheet}]: added row {r[0]!r}" for r in rows_b if r[0] not in known]
                    rows_b = [r for r in rows_b if r[0] in known]
                if rows_a == rows_b:
                    continue
                columns = _added_columns(rows_a, rows_b)
                if columns is None:
                    problems.append(f"{name} [{sheet}]: cell values differ")
                else:
                    added.append(f"{name} [{sheet}]: added column(s) {', '.join(map(str, columns))}")
        elif a.read_bytes() != b.read_bytes():
            columns = _added_columns(_csv_rows(a), _csv_rows(b)) if name.endswith(".csv") else None
            if columns is None:
                problems.append(f"{name}: contents differ")
            else:
                added.append(f"{name}: added column(s) {', '.join(columns)}")
    return problems, added


if __name__ == "__main__":
    found, added = compare(Path(sys.argv[1]), Path(sys.argv[2]))
    print("\n".join(added))
    print("\n".join(found) if found else f"identical (timings and added measures aside): {sys.argv[1]} and {sys.argv[2]}")
    sys.exit(1 if found else 0)
