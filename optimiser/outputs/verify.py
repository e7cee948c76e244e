"""optimiser verify: make a run again from its folder alone and say whether it agrees.

First the bundle is checked, and a folder that fails is refused with the file named
(`BundleError`): every file must be the one run.json recorded (nothing changed, missing or added
since the run), the input copies must have the hashes manifest.json recorded, and the copied
scenario must validate to the recorded scenario hash. Then the run is made again from the copied
inputs with the recorded options, and compared:

- the objective agrees when the two differ by no more than the larger MIP gap of the two runs
  (each is within its gap of the same optimum), relative to the recorded objective;
- the plan agrees when every decision table (starts, recruits, retention, educators...) holds the
  same rows with the same values (to 1e-6, relative to max(1, |value|)).

A frontier is compared point by point (status and objective: its folder keeps no plan tables), a
status quo projection by its projection table, a sweep by its P10/P50/P90 totals, a robust plan by
the extensive form's objective and the first stage (its plan tables). Other kinds of
run register a re-run in `RERUNS` (kind -> function(folder, manifest, scenario) -> Verification).
Nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from optimiser.analysis.plan_folder import read_plan_tables
from optimiser.analysis.replan import replan
from optimiser.analysis.robust import solve_robust
from optimiser.analysis.sweep import sweep
from optimiser.basics.issues import ScenarioError
from optimiser.model.build import DECISIONS
from optimiser.outputs.manifest import BundleError, read_run_manifest, scenario_copy
from optimiser.outputs.run_folders import changed_files, file_sha256, read_manifest
from optimiser.pipeline.api import frontier, project, solve
from optimiser.scenario.actuals import load_actuals
from optimiser.scenario.fingerprint import scenario_hash
from optimiser.scenario.scenario import Scenario, load_scenario

VALUE_TOLERANCE = 1e-6  # a decision or projection value, relative to max(1, |value|)


@dataclass(frozen=True)
class Verification:
    """What `verify_run` found: whether the re-run agrees, and one line per thing compared."""

    kind: str
    objective_agrees: bool
    plan_agrees: bool
    lines: tuple[str, ...]

    @property
    def agrees(self) -> bool:
        return self.objective_agrees and self.plan_agrees


# --- the bundle --------------------------------------------------------------------------------


def check_bundle(folder: str | Path) -> tuple[dict, Scenario, list[str]]:
    """The run folder's manifest and its copied scenario, validated, with what was checked; raises
    BundleError naming every file that is not as the run left it."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BundleError(f"{folder} is not a folder; give a run folder written with --out")
    problems = changed_files(folder)
    if problems:
        raise BundleError(f"{folder} is not as the run left it, so it cannot be verified:\n  " + "\n  ".join(problems))
    manifest = read_run_manifest(folder)
    if manifest is None:
        raise BundleError(f"{folder} has no manifest.json (written before runs recorded their inputs, or not by "
                          "`optimiser solve/frontier/project/sweep --out`), so it cannot be made again")
    recorded = dict(manifest["scenario"]["files_sha256"])
    for extra in manifest.get("inputs", {}).values():
        recorded.update(extra["files_sha256"])
    for name, digest in recorded.items():
        path = folder / name
        if not path.is_file() or file_sha256(path) != digest:
            raise BundleError(f"{name} in {folder} is not the input file the run used (its SHA-256 is not the one "
                              "manifest.json recorded)")
    copy = scenario_copy(folder)
    try:
        scenario = load_scenario(copy)
    except ScenarioError as exc:
        raise BundleError(f"the scenario copied into {copy} no longer validates:\n{exc.report.render()}") from None
    if scenario_hash(scenario) != manifest["scenario"]["validated_sha256"]:
        raise BundleError(f"the scenario in {copy} does not validate to the scenario hash manifest.json recorded "
                          "(it was edited, or this package validates it differently)")
    lines = [f"files: all {len(_listed(folder))} files are as the run wrote them (SHA-256 as run.json recorded)",
             f"inputs: {len(recorded)} input file(s) as manifest.json recorded; the scenario validates to "
             f"{manifest['scenario']['validated_sha256'][:16]}..."]
    return manifest, scenario, lines


def _listed(folder: Path) -> list[str]:
    return list((read_manifest(folder) or {"files": {}})["files"])


# --- comparisons -------------------------------------------------------------------------------


def _objective_line(what: str, recorded: float | None, rerun: float | None, gaps: list) -> tuple[bool, str]:
    allowed = max([g for g in gaps if g is not None] + [0.0])
    if recorded is None or rerun is None:
        same = recorded is None and rerun is None
        return same, f"{what}: recorded {recorded}, re-run {rerun}: {'agrees' if same else 'DISAGREES'}"
    diff = abs(rerun - recorded) / max(abs(recorded), 1e-9)
    ok = diff <= allowed + 1e-9
    return ok, (f"{what}: recorded {recorded:,.6f}, re-run {rerun:,.6f} (difference {100 * diff:.4f}%, "
                f"allowed {100 * allowed:.4f}%: the larger MIP gap of the two runs): {'agrees' if ok else 'DISAGREES'}")


def _table_difference(name: str, recorded: pd.DataFrame, rerun: pd.DataFrame, keys: list[str],
                      value: str) -> tuple[int, float, str]:
    """(rows that differ, largest difference, where) between two tables of `keys` + `value`."""
    a = recorded[keys + [value]].astype({k: str for k in keys})
    b = rerun[keys + [value]].astype({k: str for k in keys})
    both = a.merge(b, on=keys, how="outer", suffixes=("_recorded", "_rerun")).fillna({
        f"{value}_recorded": 0.0, f"{value}_rerun": 0.0})
    x, y = both[f"{value}_recorded"].astype(float), both[f"{value}_rerun"].astype(float)
    diff = (x - y).abs()
    bad = diff > VALUE_TOLERANCE * np.maximum(1.0, np.maximum(x.abs(), y.abs()))
    if not bad.any():
        return 0, float(diff.max()) if len(diff) else 0.0, ""
    i = diff[bad].idxmax()
    row = both.loc[i]
    where = ", ".join(f"{k}={row[k]}" for k in keys)
    return int(bad.sum()), float(diff[i]), (f"{name} ({where}): recorded {x[i]:,.6g}, re-run {y[i]:,.6g}")


def _plan_lines(folder: Path, result) -> tuple[bool, list[str]]:
    rows, tables, differing, worst = 0, 0, 0, (0.0, "")
    for d in DECISIONS:
        path = folder / d.file
        if not path.is_file():
            continue
        recorded = pd.read_csv(path, keep_default_na=False, na_values=[""])
        rows += len(recorded)
        tables += 1
        n, largest, where = _table_difference(d.file, recorded, getattr(result, d.table), list(d.index), d.value)
        differing += n
        if n and largest > worst[0]:
            worst = (largest, where)
    if differing == 0:
        return True, [f"plan: every decision ({rows:,} rows of {tables} tables) is the same: agrees"]
    return False, [f"plan: {differing:,} of {rows:,} decision rows differ; the largest: {worst[1]}: DISAGREES"]


# --- re-runs by kind ------------------------------------------------------------------------------


def _rerun_plan(folder: Path, manifest: dict, scenario: Scenario) -> Verification:
    o, was = manifest["options"], manifest["outcome"]
    result = solve(scenario, o.get("objective"), o.get("budget_scale", 1.0), o.get("time_limit"), o.get("gap"),
                   with_status_quo=False)
    return _plan_verification("solve", folder, was, result)


def _plan_verification(kind: str, folder: Path, was: dict, result) -> Verification:
    """A plan made again (solve, replan) against the recorded outcome and the folder's plan tables."""
    lines = [f"re-run: {result.status} ({result.message})"]
    objective_ok, line = _objective_line("objective", was.get("objective"), result.objective,
                                         [was.get("mip_gap"), result.mip_gap])
    lines.append(line)
    if not result.feasible:
        return Verification(kind, False, False, (*lines, "plan: the re-run holds no plan: DISAGREES"))
    plan_ok, more = _plan_lines(folder, result)
    return Verification(kind, objective_ok, plan_ok, (*lines, *more))


def _rerun_frontier(folder: Path, manifest: dict, scenario: Scenario) -> Verification:
    o, was = manifest["options"], manifest["outcome"]["points"]
    result = frontier(scenario, list(o["budget_scales"]), o.get("time_limit"), o.get("gap"))
    by_scale = {p.budget_scale: p for p in result.plans}
    objective_ok, statuses_ok, lines = True, True, []
    for point in was:
        p = by_scale.get(point["budget_scale"])
        ok, line = _objective_line(f"budget x{point['budget_scale']:g}", point["objective"],
                                   None if p is None else p.objective, [point["mip_gap"], None if p is None else p.mip_gap])
        objective_ok &= ok
        same = p is not None and p.status == point["status"]
        statuses_ok &= same
        lines.append(f"{line}; status recorded {point['status']}, re-run {None if p is None else p.status}")
    lines.append("plan: a frontier folder keeps no plan tables; points compared by status: "
                 + ("agrees" if statuses_ok else "DISAGREES"))
    return Verification("frontier", objective_ok, statuses_ok, tuple(lines))


def _rerun_projection(folder: Path, manifest: dict, scenario: Scenario) -> Verification:
    was = manifest["outcome"]
    result = project(scenario, manifest["options"].get("objective"))
    objective_ok, line = _objective_line("weighted shortfall", was.get("weighted_shortfall"),
                                         result.weighted_shortfall, [0.0])
    recorded = pd.read_csv(folder / "projection.csv", keep_default_na=False)
    n, _largest, where = _table_difference("projection.csv", recorded, result.projection,
                                           ["staff_group", "region", "year"], "supply_wte")
    plan_line = "projection: every supply the same: agrees" if n == 0 else f"projection: {n} rows differ; the largest: {where}: DISAGREES"
    return Verification("project", objective_ok, n == 0, (line, plan_line))


def _rerun_sweep(folder: Path, manifest: dict, scenario: Scenario) -> Verification:
    o = manifest["options"]
    plan = o.get("plan", "status_quo")
    if plan not in ("status_quo", "optimised"):
        plan = folder / manifest["inputs"]["plan"]["copy"]
    result = sweep(scenario, int(o["samples"]), plan, bool(o.get("reoptimise")), "local", int(o.get("seed", 0)),
                   o.get("workers"))
    gap = scenario.config.solver.mip_rel_gap
    recorded = pd.read_csv(folder / "totals.csv", keep_default_na=False)
    ok, lines = True, []
    for q in ("p10", "p50", "p90"):
        n, _largest, where = _table_difference("totals.csv", recorded, result.totals, ["plan", "measure"], q)
        allowed = recorded[q].abs().max() * gap
        good = n == 0 or _largest <= allowed
        ok &= good
        lines.append(f"{q.upper()} totals: " + ("agree" if good else f"differ beyond the gap ({where}): DISAGREES"))
    return Verification("sweep", ok, ok, tuple(lines))


def _bundled_input(folder: Path, manifest: dict, name: str) -> Path:
    """A further input's copy: the copied folder, or the one file copied from a file (a workbook)."""
    copy = folder / manifest["inputs"][name]["copy"]
    if Path(manifest["inputs"][name]["source"]).is_file() or not (copy / "run.json").exists():
        files = [p for p in copy.iterdir() if p.is_file()]
        if len(files) == 1 and files[0].suffix.lower() in (".xlsx", ".xlsm"):
            return files[0]
    return copy


def _rerun_replan(folder: Path, manifest: dict, scenario: Scenario) -> Verification:
    o, was = manifest["options"], manifest["outcome"]
    plan = read_plan_tables(_bundled_input(folder, manifest, "plan"))
    actuals = load_actuals(_bundled_input(folder, manifest, "actuals"), scenario)
    again = replan(plan, scenario, actuals, int(o["from_year"]), time_limit=o.get("time_limit"), gap=o.get("gap"))
    return _plan_verification("replan", folder, was, again.result)


def _rerun_robust(folder: Path, manifest: dict, scenario: Scenario) -> Verification:
    """The robust plan solved again on the same futures (recorded samples, seed and risk): the
    extensive form's objective within the larger gap, and the first stage (the plan's decision
    files) the same. The out-of-sample and wait-and-see evaluations report on the plan and are not
    made again."""
    o, was = manifest["options"], manifest["outcome"]
    again = solve_robust(scenario, int(o["samples"]), o.get("risk") or "mean", int(o.get("seed") or 0),
                         time_limit=o.get("time_limit"), gap=o.get("gap"), wait_and_see=False)
    s = again.summary
    lines = [f"re-run: {s['samples']} futures of seed {s['seed']}, risk {s['risk']}: {s['status']}"]
    objective_ok, line = _objective_line("robust objective (over the futures)", was.get("objective"),
                                         s.get("objective"), [was.get("mip_gap"), s.get("mip_gap")])
    plan_ok, more = _plan_lines(folder, again.plan)
    return Verification("robust", objective_ok, plan_ok, (*lines, line, *more))


RERUNS: dict[str, Callable[[Path, dict, Scenario], Verification]] = {
    "solve": _rerun_plan, "frontier": _rerun_frontier, "project": _rerun_projection, "sweep": _rerun_sweep,
    "replan": _rerun_replan, "robust": _rerun_robust}


def verify_run(folder: str | Path) -> Verification:
    """Check a run folder's bundle (BundleError if it fails) and make the run again from it."""
    folder = Path(folder)
    manifest, scenario, lines = check_bundle(folder)
    rerun = RERUNS.get(manifest["kind"])
    if rerun is None:
        raise BundleError(f"{folder} holds a {manifest['kind']} run, which verify cannot make again yet; "
                          "its files match its manifest")
    found = rerun(folder, manifest, scenario)
    return Verification(found.kind, found.objective_agrees, found.plan_agrees, (*lines, *found.lines))
