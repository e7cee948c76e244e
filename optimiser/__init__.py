"""Training-place and skill-mix allocation engine for the NHS imaging workforce.

This module is the public API: the command line, the web app and other programs import only
names listed here. Names are loaded on first use (PEP 562), so `import optimiser` and
`optimiser --help` do not pay for pandas, Pyomo or HiGHS until a command needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

# public name -> module that defines it (layers: docs/architecture.md)
_PUBLIC = {
    # where the shipped files are (the data dictionary and the default scenario ship with the package)
    "DEFAULT_SCENARIO_DIR": "optimiser.basics.locations",
    # validation findings
    "Issue": "optimiser.basics.issues",
    "ScenarioError": "optimiser.basics.issues",
    "ValidationReport": "optimiser.basics.issues",
    # how a solve ended, and whether a result (or a stored run) holds a plan
    "Status": "optimiser.basics.status",
    "holds_plan": "optimiser.basics.status",
    # numeric run options (budget scale, time limit, gap, samples, seed, workers, port): one reader
    "NUMBER_OPTIONS": "optimiser.basics.options",
    "NumberOption": "optimiser.basics.options",
    "OptionError": "optimiser.basics.options",
    "number_option": "optimiser.basics.options",
    "number_options": "optimiser.basics.options",
    # a destination (an output folder, a new scenario's path) that cannot or must not be written
    "DestinationError": "optimiser.basics.files",
    # cell text: the one conversion between what a planner typed and numbers
    "cell_text": "optimiser.basics.cells",
    "finite_number": "optimiser.basics.cells",
    "numbers": "optimiser.basics.cells",
    # a scenario's text as typed: read and written losslessly as a folder or a workbook
    "RawScenario": "optimiser.scenario.io",
    "load_raw": "optimiser.scenario.io",
    "write_folder": "optimiser.scenario.io",
    "write_scenario": "optimiser.scenario.io",
    "write_workbook": "optimiser.scenario.io",
    # the data dictionary: every table's columns, types, units and limits
    "ColumnSpec": "optimiser.scenario.dictionary",
    "TableSpec": "optimiser.scenario.dictionary",
    "scenario_key_specs": "optimiser.scenario.dictionary",
    "table_specs": "optimiser.scenario.dictionary",
    # demand from imaging activity: each group's work by modality, region and year
    "demand_by_modality": "optimiser.scenario.activity",
    # the region graph: regions as nodes, travel links as edges with their minutes
    "region_graph": "optimiser.scenario.regions",
    # uploaded files (zip or workbook), checked before they are read
    "MAX_UPLOAD_BYTES": "optimiser.scenario.uploads",
    "MAX_TABLE_ROWS": "optimiser.scenario.reading",
    "is_unreadable": "optimiser.scenario.uploads",
    "parse_upload": "optimiser.scenario.uploads",
    # validation of a scenario's text
    "validate_raw": "optimiser.scenario.validation",
    # the validated scenario
    "Scenario": "optimiser.scenario.scenario",
    "load_scenario": "optimiser.scenario.scenario",
    "scenario_from_raw": "optimiser.scenario.scenario",
    "validate": "optimiser.scenario.scenario",
    # results and how a bottleneck reads
    "PlanResult": "optimiser.results.results",
    "ProjectionResult": "optimiser.results.results",
    "bottleneck_sentence": "optimiser.results.results",
    # where a plan's inputs came from: scenario name, parent scenario, edits, input hash
    "with_provenance": "optimiser.results.provenance",
    "lever_value": "optimiser.results.levers",
    # the pipeline: status quo, plan, frontier, why no plan exists
    "FrontierResult": "optimiser.pipeline.api",
    "InfeasibleProjection": "optimiser.pipeline.api",
    "ObjectiveError": "optimiser.pipeline.api",
    "build_plan": "optimiser.pipeline.api",
    "explain_infeasibility": "optimiser.pipeline.api",
    "frontier": "optimiser.pipeline.api",
    "project": "optimiser.pipeline.api",
    "solve": "optimiser.pipeline.api",
    "solve_built": "optimiser.pipeline.api",
    # comparing runs
    "PlanRun": "optimiser.analysis.compare",
    "RunComparison": "optimiser.analysis.compare",
    "compare_runs": "optimiser.analysis.compare",
    "scenario_diff": "optimiser.analysis.compare",
    # uncertainty sweeps: a plan evaluated in sampled futures
    "SweepError": "optimiser.analysis.sweep",
    "SweepResult": "optimiser.analysis.sweep",
    "sweep": "optimiser.analysis.sweep",
    # robust plans: one plan for many sampled futures (two-stage, extensive form), VSS and EVPI
    "RobustResult": "optimiser.analysis.robust",
    "parse_risk": "optimiser.analysis.robust",
    "solve_robust": "optimiser.analysis.robust",
    "write_robust": "optimiser.outputs.robust_files",
    # near-optimal alternatives: plans within a slack of the best that differ most in one dimension
    "AlternativesResult": "optimiser.analysis.alternatives",
    "alternatives": "optimiser.analysis.alternatives",
    # a plan's story in plain language, with the scenario's names, and its pictures
    "PlanContext": "optimiser.analysis.plan_context",
    "plan_context": "optimiser.analysis.plan_context",
    "PlanStory": "optimiser.analysis.story",
    "plan_story": "optimiser.analysis.story",
    "region_map": "optimiser.outputs.plan_charts",
    "starts_heatmap": "optimiser.outputs.plan_charts",
    "shortfall_heatmap": "optimiser.outputs.plan_charts",
    "supply_demand_panels": "optimiser.outputs.plan_charts",
    # a plan read back from its run folder, and its board pack
    "PlanFolderError": "optimiser.analysis.plan_folder",
    "read_plan_folder": "optimiser.outputs.plan_folder",
    "board_pack_html": "optimiser.outputs.board_pack",
    "default_report_path": "optimiser.outputs.board_pack",
    "write_board_pack": "optimiser.outputs.board_pack",
    # the files a run writes
    "write_frontier": "optimiser.outputs.reports",
    "write_alternatives": "optimiser.outputs.alternatives_files",
    "write_plan": "optimiser.outputs.reports",
    "write_projection": "optimiser.outputs.reports",
    "write_sweep": "optimiser.outputs.sweep_files",
    # actuals (what really happened) checked against a plan's scenario
    "Actuals": "optimiser.scenario.actuals",
    "load_actuals": "optimiser.scenario.actuals",
    "load_raw_actuals": "optimiser.scenario.actuals",
    "check_actuals": "optimiser.scenario.actuals",
    # the hierarchy above the regions (regions.parent, areas.csv)
    "hierarchy_levels": "optimiser.scenario.hierarchy",
    # local scenarios combined into one (bottom-up planning)
    "MergeResult": "optimiser.scenario.merge",
    "merge_raw": "optimiser.scenario.merge",
    # a plan's run folder read back
    "PlanTables": "optimiser.analysis.plan_folder",
    "read_plan_tables": "optimiser.analysis.plan_folder",
    "plan_scenario": "optimiser.analysis.plan_folder",
    # a plan monitored against actuals
    "MonitorReport": "optimiser.analysis.monitor",
    "monitor": "optimiser.analysis.monitor",
    # a plan re-made from actuals
    "Replan": "optimiser.analysis.replan",
    "ReplanError": "optimiser.analysis.replan",
    "replan": "optimiser.analysis.replan",
    # reports rolled up the hierarchy
    "RollupError": "optimiser.analysis.rollup",
    "regional_costs": "optimiser.analysis.rollup",
    "roll_up_monitor": "optimiser.analysis.rollup",
    "roll_up_plan": "optimiser.analysis.rollup",
    "roll_up_projection": "optimiser.analysis.rollup",
    # the files of a monitoring run
    "monitor_chart": "optimiser.outputs.monitor_files",
    "write_monitor": "optimiser.outputs.monitor_files",
    # the files of a re-plan and of a roll-up
    "write_replan": "optimiser.outputs.replan_files",
    "write_rollup": "optimiser.outputs.replan_files",
    # a run that proves itself: manifest.json and inputs/ in every run folder, and verify
    "BundleError": "optimiser.outputs.manifest",
    "RunBundle": "optimiser.outputs.manifest",
    "run_facts": "optimiser.outputs.manifest",
    "start_bundle": "optimiser.outputs.manifest",
    "write_bundle": "optimiser.outputs.manifest",
    "changed_files": "optimiser.outputs.run_folders",
    "Verification": "optimiser.outputs.verify",
    "check_bundle": "optimiser.outputs.verify",
    "verify_run": "optimiser.outputs.verify",
    "scenario_hash": "optimiser.scenario.fingerprint",
    # the saved-scenario store (SQLite, or any SQLAlchemy database)
    "Store": "optimiser.store",
    "StoreError": "optimiser.store",
    "input_hash": "optimiser.store",
    "save_solved_run": "optimiser.store",
    "default_database_url": "optimiser.store",
}

__all__ = [
    "Actuals",
    "BundleError",
    "ColumnSpec",
    "DEFAULT_SCENARIO_DIR",
    "DestinationError",
    "FrontierResult",
    "InfeasibleProjection",
    "Issue",
    "MAX_TABLE_ROWS",
    "MAX_UPLOAD_BYTES",
    "MergeResult",
    "MonitorReport",
    "NUMBER_OPTIONS",
    "NumberOption",
    "ObjectiveError",
    "PlanContext",
    "OptionError",
    "PlanFolderError",
    "PlanTables",
    "PlanResult",
    "PlanRun",
    "PlanStory",
    "ProjectionResult",
    "RawScenario",
    "Replan",
    "ReplanError",
    "RollupError",
    "RunBundle",
    "RunComparison",
    "Scenario",
    "ScenarioError",
    "Status",
    "Store",
    "StoreError",
    "SweepError",
    "SweepResult",
    "TableSpec",
    "ValidationReport",
    "board_pack_html",
    "bottleneck_sentence",
    "build_plan",
    "cell_text",
    "check_actuals",
    "compare_runs",
    "default_report_path",
    "Verification",
    "changed_files",
    "check_bundle",
    "default_database_url",
    "demand_by_modality",
    "explain_infeasibility",
    "finite_number",
    "frontier",
    "alternatives",
    "AlternativesResult",
    "RobustResult",
    "parse_risk",
    "solve_robust",
    "write_robust",
    "hierarchy_levels",
    "holds_plan",
    "input_hash",
    "is_unreadable",
    "lever_value",
    "load_actuals",
    "load_raw",
    "load_raw_actuals",
    "load_scenario",
    "merge_raw",
    "monitor",
    "monitor_chart",
    "number_option",
    "number_options",
    "numbers",
    "parse_upload",
    "plan_context",
    "plan_story",
    "project",
    "read_plan_folder",
    "read_plan_tables",
    "region_graph",
    "region_map",
    "plan_scenario",
    "regional_costs",
    "replan",
    "roll_up_monitor",
    "roll_up_plan",
    "roll_up_projection",
    "run_facts",
    "save_solved_run",
    "scenario_diff",
    "scenario_from_raw",
    "scenario_hash",
    "scenario_key_specs",
    "shortfall_heatmap",
    "solve",
    "solve_built",
    "starts_heatmap",
    "supply_demand_panels",
    "start_bundle",
    "sweep",
    "table_specs",
    "validate",
    "validate_raw",
    "write_board_pack",
    "verify_run",
    "write_bundle",
    "with_provenance",
    "write_folder",
    "write_frontier",
    "write_alternatives",
    "write_monitor",
    "write_plan",
    "write_projection",
    "write_replan",
    "write_rollup",
    "write_scenario",
    "write_sweep",
    "write_workbook",
]  # every key of _PUBLIC (tests/unit/test_layers.py checks)


def __getattr__(name: str):
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'optimiser' has no attribute {name!r}")
    # Not cached here: every look-up reads the defining module (already imported, so this is a
    # dictionary look-up), so a name patched there (tests, the unit tier's solver guard) is seen.
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_PUBLIC])


if TYPE_CHECKING:  # for type checkers and editors only
    from optimiser.analysis.alternatives import AlternativesResult, alternatives
    from optimiser.analysis.compare import PlanRun, RunComparison, compare_runs, scenario_diff
    from optimiser.analysis.monitor import MonitorReport, monitor
    from optimiser.analysis.plan_context import PlanContext, plan_context
    from optimiser.analysis.plan_folder import (
        PlanFolderError,
        PlanTables,
        plan_scenario,
        read_plan_tables,
    )
    from optimiser.analysis.replan import Replan, ReplanError, replan
    from optimiser.analysis.robust import RobustResult, parse_risk, solve_robust
    from optimiser.analysis.rollup import (
        RollupError,
        regional_costs,
        roll_up_monitor,
        roll_up_plan,
        roll_up_projection,
    )
    from optimiser.analysis.story import PlanStory, plan_story
    from optimiser.analysis.sweep import SweepError, SweepResult, sweep
    from optimiser.basics.cells import cell_text, finite_number, numbers
    from optimiser.basics.files import DestinationError
    from optimiser.basics.issues import Issue, ScenarioError, ValidationReport
    from optimiser.basics.locations import DEFAULT_SCENARIO_DIR
    from optimiser.basics.options import (
        NUMBER_OPTIONS,
        NumberOption,
        OptionError,
        number_option,
        number_options,
    )
    from optimiser.basics.status import Status, holds_plan
    from optimiser.outputs.alternatives_files import write_alternatives
    from optimiser.outputs.board_pack import board_pack_html, default_report_path, write_board_pack
    from optimiser.outputs.manifest import (
        BundleError,
        RunBundle,
        run_facts,
        start_bundle,
        write_bundle,
    )
    from optimiser.outputs.monitor_files import monitor_chart, write_monitor
    from optimiser.outputs.plan_charts import (
        region_map,
        shortfall_heatmap,
        starts_heatmap,
        supply_demand_panels,
    )
    from optimiser.outputs.plan_folder import read_plan_folder
    from optimiser.outputs.replan_files import write_replan, write_rollup
    from optimiser.outputs.reports import write_frontier, write_plan, write_projection
    from optimiser.outputs.robust_files import write_robust
    from optimiser.outputs.run_folders import changed_files
    from optimiser.outputs.sweep_files import write_sweep
    from optimiser.outputs.verify import Verification, check_bundle, verify_run
    from optimiser.pipeline.api import (
        FrontierResult,
        InfeasibleProjection,
        ObjectiveError,
        build_plan,
        explain_infeasibility,
        frontier,
        project,
        solve,
        solve_built,
    )
    from optimiser.results.levers import lever_value
    from optimiser.results.provenance import with_provenance
    from optimiser.results.results import PlanResult, ProjectionResult, bottleneck_sentence
    from optimiser.scenario.activity import demand_by_modality
    from optimiser.scenario.actuals import Actuals, check_actuals, load_actuals, load_raw_actuals
    from optimiser.scenario.dictionary import ColumnSpec, TableSpec, scenario_key_specs, table_specs
    from optimiser.scenario.fingerprint import scenario_hash
    from optimiser.scenario.hierarchy import hierarchy_levels
    from optimiser.scenario.io import (
        RawScenario,
        load_raw,
        write_folder,
        write_scenario,
        write_workbook,
    )
    from optimiser.scenario.merge import MergeResult, merge_raw
    from optimiser.scenario.reading import MAX_TABLE_ROWS
    from optimiser.scenario.regions import region_graph
    from optimiser.scenario.scenario import Scenario, load_scenario, scenario_from_raw, validate
    from optimiser.scenario.uploads import MAX_UPLOAD_BYTES, is_unreadable, parse_upload
    from optimiser.scenario.validation import validate_raw
    from optimiser.store import Store, StoreError, default_database_url, input_hash, save_solved_run
