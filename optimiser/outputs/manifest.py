"""A run that proves itself: every run folder's manifest.json and its copy of the inputs.

manifest.json says how the run was made, so that anyone can make it again (`optimiser verify`):
the SHA-256 of every input file and of the canonical validated scenario
(optimiser/scenario/fingerprint.py), every run option as given and every solver option HiGHS ran
with (threads, random seed, tolerances...), the package, Python, Pyomo, HiGHS and numerical library
versions, the machine, the code's git commit when it runs from a checkout, timings, status and
objective. The input files themselves are copied byte for byte under `inputs/` (the scenario in
`inputs/scenario/` or `inputs/scenario.xlsx`; a sweep's plan folder or a re-plan's actuals in
`inputs/<name>/`); they are checked to validate to the recorded scenario hash before the folder is
published.

manifest.json extends run.json (optimiser/outputs/run_folders.py) rather than replacing it: run.json
stays the folder's marker and inventory, written last, with the SHA-256 of every file the folder
holds, manifest.json and plan.xlsx included; manifest.json is written before the other output
files, so that the workbook's Assumptions sheet and summary.json can carry its hash (a manifest
listing the workbook's hash could not be named inside that workbook).

    bundle = start_bundle("solve", scenario, {"objective": ..., "budget_scale": ...})
    ... the run ...
    with run_folder(out, "solve") as tmp:          # what write_plan, write_frontier... do
        digest = write_bundle(tmp, bundle, run_facts(result))
        ... the output files, the hash in summary.json and the workbook ...
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import os
import platform
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from optimiser.analysis.sweep import SweepResult
from optimiser.basics.locations import PACKAGE_DIR
from optimiser.basics.versions import package_version
from optimiser.outputs.json_values import json_safe
from optimiser.outputs.run_folders import file_sha256
from optimiser.pipeline.api import FrontierResult
from optimiser.results.results import PlanResult, ProjectionResult
from optimiser.scenario.dictionary import table_specs
from optimiser.scenario.fingerprint import scenario_hash
from optimiser.scenario.io import SCENARIO_FILE, load_raw, write_folder
from optimiser.scenario.scenario import Scenario, scenario_from_raw
from optimiser.solver import check as plan_check
from optimiser.solver import rounding
from optimiser.solver.lifecycle import new_highs

MANIFEST_FILE = "manifest.json"
MANIFEST_VERSION = 1
INPUTS = "inputs"
SCENARIO_FOLDER = f"{INPUTS}/scenario"  # a folder scenario's copy
SCENARIO_WORKBOOK = f"{INPUTS}/scenario.xlsx"  # a workbook scenario's copy
# the HiGHS options every instance runs with, as a fresh instance reports them (run.py sets the
# time limit and gap per run: they are the run options)
HIGHS_OPTIONS = ("threads", "random_seed", "presolve", "mip_feasibility_tolerance",
                 "primal_feasibility_tolerance", "dual_feasibility_tolerance", "mip_heuristic_effort")
LIBRARIES = ("highspy", "pyomo", "numpy", "scipy", "pandas", "pandera", "pydantic", "sqlalchemy", "xlsxwriter")


class BundleError(Exception):
    """The inputs cannot be bundled as they were validated (changed while the run worked)."""


@dataclass(frozen=True)
class RunBundle:
    """What a run is made from, gathered as it starts: the validated scenario, its input files'
    bytes (read now, so that an edit during a long run cannot slip into the copy), the options as
    given (None: the scenario's own setting) and any further inputs (name -> file or folder)."""

    kind: str
    scenario: Scenario
    options: dict
    scenario_files: dict[str, bytes]  # path inside the run folder -> bytes
    scenario_form: str  # "folder", "workbook", or "text" (written from the validated text: no files)
    extra_inputs: dict[str, tuple[str, dict[str, bytes]]] = field(default_factory=dict)  # name -> (source, files)
    started_at: str = ""
    started: float = 0.0


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _folder_bytes(folder: Path, into: str) -> dict[str, bytes]:
    return {f"{into}/{p.relative_to(folder).as_posix()}": p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.startswith(".")}


def _scenario_bytes(scenario: Scenario) -> tuple[str, dict[str, bytes]]:
    """The files the scenario was read from (those load_raw reads), or its text written as a folder
    when it came from no file (an upload, the store)."""
    source = Path(scenario.source) if scenario.source else None
    if source is not None and scenario.raw.form == "folder" and source.is_dir():
        names = [SCENARIO_FILE, *(f"{t}.csv" for t in table_specs())]
        return "folder", {f"{SCENARIO_FOLDER}/{n}": (source / n).read_bytes() for n in names if (source / n).is_file()}
    if source is not None and scenario.raw.form == "workbook" and source.is_file():
        return "workbook", {SCENARIO_WORKBOOK: source.read_bytes()}
    return "text", {}


def start_bundle(kind: str, scenario: Scenario, options: dict, inputs: dict[str, str | Path] | None = None) -> RunBundle:
    """Gather a run's inputs before it starts. `options`: every run option as the command was given
    it, by the names the store uses (objective, budget_scale, time_limit, gap, budget_scales,
    samples, seed...); `inputs`: further input files or folders by name (copied to inputs/<name>)."""
    form, files = _scenario_bytes(scenario)
    extra = {}
    for name, path in (inputs or {}).items():
        path = Path(path)
        copied = _folder_bytes(path, f"{INPUTS}/{name}") if path.is_dir() else {f"{INPUTS}/{name}/{path.name}": path.read_bytes()}
        extra[name] = (str(path.resolve()), copied)
    return RunBundle(kind, scenario, dict(options), files, form, extra, _now(), time.time())


def _highs_options() -> dict:
    h = new_highs()
    out = {}
    for name in HIGHS_OPTIONS:
        value = h.getOptionValue(name)
        out[name] = value[1] if isinstance(value, tuple) else value  # highspy < 1.16 returns (status, value)
    return out


def software() -> dict:
    """The versions a run depends on."""
    from optimiser.solver.lifecycle import highs_version

    versions = {"optimiser": package_version(), "python": platform.python_version(),
                "python_implementation": platform.python_implementation(), "highs": highs_version()}
    for lib in LIBRARIES:
        try:
            versions[lib] = importlib.metadata.version(lib)
        except importlib.metadata.PackageNotFoundError:
            versions[lib] = None
    return versions


def machine() -> dict:
    return {"platform": platform.platform(), "machine": platform.machine(), "processor": platform.processor(),
            "cpu_count": os.cpu_count(), "system": platform.system()}


def code_commit() -> dict | None:
    """The git commit of the code that ran (and whether it had uncommitted changes), when it runs
    from a checkout; None for an installed package or where git cannot say."""
    root = PACKAGE_DIR.parent
    if not (root / ".git").exists():
        return None
    try:
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                                timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no", "--",
                                "optimiser"], capture_output=True, text=True, timeout=10, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return {"git_commit": commit, "uncommitted_changes_to_the_engine": bool(dirty)}


def _write_inputs(folder: Path, bundle: RunBundle) -> dict[str, str]:
    """Write the input copies; returns path -> SHA-256 of the scenario's files."""
    for target, data in bundle.scenario_files.items():
        (folder / target).parent.mkdir(parents=True, exist_ok=True)
        (folder / target).write_bytes(data)
    names = list(bundle.scenario_files)
    if bundle.scenario_form == "text":
        write_folder(bundle.scenario.raw, folder / SCENARIO_FOLDER)
        names = [f"{SCENARIO_FOLDER}/{p.name}" for p in sorted((folder / SCENARIO_FOLDER).iterdir())]
    for _source, copied in bundle.extra_inputs.values():
        for target, data in copied.items():
            (folder / target).parent.mkdir(parents=True, exist_ok=True)
            (folder / target).write_bytes(data)
    return {target: file_sha256(folder / target) for target in names}


def _where(source: str) -> str:
    """The scenario's source as an absolute path when it is one (a reader of the manifest may be elsewhere)."""
    path = Path(source) if source else None
    return str(path.resolve()) if path is not None and path.exists() else source


def scenario_copy(folder: Path) -> Path:
    """Where a run folder keeps its copy of the scenario (a folder or a workbook)."""
    workbook = Path(folder) / SCENARIO_WORKBOOK
    return workbook if workbook.is_file() else Path(folder) / SCENARIO_FOLDER


def write_bundle(folder: Path, bundle: RunBundle, facts: dict) -> str:
    """Copy the inputs into `folder` (a staged run folder) and write its manifest.json; returns the
    manifest's SHA-256. `facts`: the run's status, objective, timings... (`run_facts`). Raises
    BundleError when the copy does not validate to the scenario the run used."""
    scenario_files = _write_inputs(folder, bundle)
    digest = scenario_hash(bundle.scenario)
    copy = scenario_copy(folder)
    try:
        again = scenario_hash(scenario_from_raw(load_raw(copy)))
    except Exception as exc:  # noqa: BLE001 - any failure to read the copy back means the same
        raise BundleError(f"the copy of the scenario in {copy.name} does not load back ({exc})") from None
    if again != digest:
        raise BundleError(f"the scenario files at {bundle.scenario.source} changed while the run worked; "
                          "run again so that the folder records the inputs that were used")
    manifest = {
        "manifest_version": MANIFEST_VERSION,
        "kind": bundle.kind,
        "started_at": bundle.started_at,
        "finished_at": _now(),
        "wall_seconds": time.time() - bundle.started,
        "scenario": {"name": bundle.scenario.name, "source": _where(bundle.scenario.source), "form": bundle.scenario_form,
                     "validated_sha256": digest, "copy": copy.relative_to(folder).as_posix(),
                     "files_sha256": scenario_files},
        "inputs": {name: {"source": source, "copy": f"{INPUTS}/{name}",
                          "files_sha256": {t: file_sha256(folder / t) for t in copied}}
                   for name, (source, copied) in bundle.extra_inputs.items()},
        "options": bundle.options,
        "scenario_solver_settings": bundle.scenario.config.solver.model_dump(mode="json"),
        "solver": {"highs_options": _highs_options(),
                   # the rounding phases set these on their own instances (optimiser/solver/rounding.py)
                   "rounding_phases": {"phase_one_gap_share": rounding.PHASE_ONE_GAP,
                                       "mip_heuristic_effort": rounding.HEURISTIC_EFFORT,
                                       "time_shares": list(rounding.PHASE_SHARE),
                                       "stall_share": rounding.STALL_SHARE,
                                       "chains_per_neighbourhood": rounding.CHAINS_PER_NEIGHBOURHOOD,
                                       "rins_reach_gaps": rounding.RINS_REACH},
                   "plan_check_tolerances": {"relative_row_and_bound": plan_check.RELATIVE_TOLERANCE,
                                             "integrality": plan_check.INTEGRALITY_TOLERANCE,
                                             "objective": plan_check.OBJECTIVE_TOLERANCE}},
        "software": software(),
        "machine": machine(),
        "code": code_commit(),
        "outcome": facts,
    }
    text = json.dumps(json_safe(manifest), indent=2, sort_keys=False) + "\n"
    (folder / MANIFEST_FILE).write_text(text, encoding="utf-8")
    return file_sha256(folder / MANIFEST_FILE)


def read_run_manifest(folder: str | Path) -> dict | None:
    """A run folder's manifest.json, or None when it has none that reads as one."""
    try:
        manifest = json.loads((Path(folder) / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return manifest if isinstance(manifest, dict) and "manifest_version" in manifest else None


def _plan_facts(result) -> dict:
    keys = ("status", "message", "objective_name", "objective", "mip_gap", "dual_bound", "weighted_shortfall",
            "total_shortfall_wte_years", "total_cost_gbp", "budget_scale", "solver_status")
    return {**{k: getattr(result, k) for k in keys}, "timings_seconds": dict(result.timings),
            "size": dict(result.size), "plan_check": dict(result.plan_check)}


def run_facts(result) -> dict:
    """What manifest.json records of a run's result: status, objective, gap, headline figures and
    timings (seconds), for a plan, a status quo projection, a frontier or a sweep (anything else:
    nothing; a new kind of run passes its own facts to `write_bundle`)."""
    if isinstance(result, PlanResult):
        return _plan_facts(result)
    if isinstance(result, FrontierResult):
        return {"points": [_plan_facts(p) for p in result.plans],
                "timings_seconds": {"build_seconds": result.build_seconds, "total_seconds": result.total_seconds}}
    if isinstance(result, ProjectionResult):
        return {"status": result.status, "objective": result.objective, "weighted_shortfall": result.weighted_shortfall,
                "total_shortfall_wte_years": result.total_shortfall_wte_years,
                "timings_seconds": {"build_seconds": result.build_seconds, "solve_seconds": result.solve_seconds}}
    if isinstance(result, SweepResult):
        return {"status": "done", "statuses": result.summary.get("statuses"), "totals": result.summary.get("totals"),
                "timings_seconds": {"wall_seconds": result.summary.get("wall_seconds")}}
    return {}
