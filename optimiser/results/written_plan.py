"""A plan's run folder (`optimiser solve --out`, `replan --out`) read back: the one reader of a
written plan's files, for every use of one (the board pack's PlanResult, monitoring's and
re-planning's tables, a sweep's fixed decisions).

`plan_manifest` checks that the folder holds a plan (run.json's kind), `plan_summary` reads
summary.json, `read_plan_csvs` the CSV tables as written (blank cells blank, the apostrophe that
guards formula-like text removed, a spreadsheet's byte-order mark ignored), every problem with
its file and fix, and `plan_assumptions` plan.xlsx's Assumptions sheet.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from optimiser.basics.cells import restore_text

MANIFEST = "run.json"
PLAN_KINDS = ("solve", "replan")  # run.json kinds that hold a plan
GIVE_A_PLAN = "give the --out folder of an `optimiser solve` (or replan) run"


class PlanFolderError(ValueError):
    """The folder is not a plan's run folder, or its scenario cannot be found."""


def plan_manifest(folder: Path, required: bool = False) -> dict | None:
    """run.json of the plan folder `folder`, or None where it has none that reads (a folder written
    before run folders had one) unless `required`. PlanFolderError when `folder` is not a folder
    or holds another kind of run."""
    folder = Path(folder)
    if not folder.is_dir():
        raise PlanFolderError(f"{folder} is not a folder: {GIVE_A_PLAN}")
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        if required:
            raise PlanFolderError(f"{folder} is not a plan's run folder (no readable {MANIFEST}: {exc}); "
                                  f"{GIVE_A_PLAN}") from None
        return None
    kind = manifest.get("kind") if isinstance(manifest, dict) else None
    if kind not in PLAN_KINDS:
        raise PlanFolderError(f"{folder} holds a run of kind {kind!r}, not a plan: {GIVE_A_PLAN}")
    return manifest


def plan_summary(folder: Path) -> dict:
    """summary.json of the plan folder `folder`; PlanFolderError when it does not read as one."""
    path = Path(folder) / "summary.json"
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PlanFolderError(f"{folder} has no readable summary.json ({exc}): {GIVE_A_PLAN}") from None
    if not isinstance(summary, dict):
        raise PlanFolderError(f"{path} is not a plan's summary: {GIVE_A_PLAN}")
    return summary


def read_plan_csvs(folder: Path, names: Iterable[str], optional: Iterable[str] = (),
                   as_text: bool = False) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The CSV files `names` of the plan folder `folder` (file name -> its rows), and every problem
    with them (a file missing, unless it is `optional`: then it is left out; a file that does not
    read as CSV), each naming the file and the fix. `as_text`: every cell as its text (blank as
    ''), for a caller that checks the values itself; else numbers read as numbers, blanks as NaN."""
    folder, optional = Path(folder), set(optional)
    tables: dict[str, pd.DataFrame] = {}
    problems: list[str] = []
    for name in names:
        path = folder / name
        if not path.is_file():
            if name not in optional:
                problems.append(f"{path}: file is missing. Fix: {GIVE_A_PLAN}, with all its files "
                                "(or solve the plan again)")
            continue
        try:
            df = pd.read_csv(path, dtype=str if as_text else None, keep_default_na=False,
                             na_values=None if as_text else [""], encoding="utf-8-sig")
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
            problems.append(f"{path}: cannot be read as CSV ({exc}). Fix: save it as comma-separated UTF-8 text")
            continue
        for col in df.columns:  # text columns: object, or pandas' own string type
            if df[col].dtype == object or pd.api.types.is_string_dtype(df[col]):
                df[col] = df[col].map(lambda v: restore_text(v) if isinstance(v, str) else v)
        tables[name] = df
    return tables, problems


def plan_assumptions(folder: Path) -> pd.DataFrame:
    """plan.xlsx's Assumptions sheet (setting, value, ...: column names in lower case), as text;
    empty where the workbook is missing or damaged."""
    try:
        df = pd.read_excel(Path(folder) / "plan.xlsx", sheet_name="Assumptions", dtype=str).fillna("")
    except Exception:  # noqa: BLE001 - a missing or damaged workbook: the plan is still read
        return pd.DataFrame(columns=["setting", "value"])
    df.columns = [str(c).lower() for c in df.columns]
    return df
