"""Writing results: CSV files, summary.json and the plan workbook.

Every text cell that a spreadsheet would read as a formula (=, +, -, @) is neutralised with a
leading apostrophe. A run's folder is staged whole and swapped into place with its manifest
(optimiser/outputs/run_folders.py): it holds all of one run, or is left as it was.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

from optimiser.analysis.plan_context import PlanContext
from optimiser.analysis.story import PlanStory, plan_story
from optimiser.basics.cells import safe_frame
from optimiser.model.build import DECISIONS
from optimiser.outputs.json_values import json_safe
from optimiser.outputs.manifest import MANIFEST_FILE, RunBundle, run_facts, write_bundle
from optimiser.outputs.run_folders import run_files, run_folder
from optimiser.outputs.story_files import write_story_files, write_story_sheet
from optimiser.results.results import PlanResult, ProjectionResult, bottleneck_sentence

MANIFEST_HASH = "manifest_sha256"  # summary.json's key for the manifest's SHA-256


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """A CSV for planners: formula-like text neutralised, numbers to 10 significant digits."""
    safe_frame(df).to_csv(path, index=False, lineterminator="\n", float_format="%.10g")


def write_projection(result: ProjectionResult, out: str | Path, *, replace: bool = False,
                     bundle: RunBundle | None = None) -> list[Path]:
    """projection.csv and projection_summary.csv (`replace`: see run_folders.check_out_folder;
    `bundle`: the run's inputs, for manifest.json and inputs/, optimiser/outputs/manifest.py)."""
    with run_folder(out, "project", replace) as tmp:
        if bundle is not None:
            write_bundle(tmp, bundle, run_facts(result))
        write_csv(result.projection, tmp / "projection.csv")
        write_csv(result.summary(), tmp / "projection_summary.csv")
    return [Path(out) / "projection.csv", Path(out) / "projection_summary.csv"]


# A plan folder's CSV files: file -> PlanResult attribute (the decisions first, as declared)
PLAN_FILES = {
    **{d.file: d.table for d in DECISIONS},
    "projection.csv": "projection",
    "skill_mix.csv": "skill_mix",
    "costs.csv": "costs",
    "binding.csv": "binding",
    "levers.csv": "levers",
}


def write_plan(result: PlanResult, out: str | Path, *, replace: bool = False,
               context: PlanContext | None = None, bundle: RunBundle | None = None) -> list[Path]:
    """summary.json, the tables of docs/model.md as CSV, status_quo_projection.csv, plan.xlsx, and the
    plan's story (summary.md) with the names it was told with (plan_context.json; `context`, from
    the scenario: optimiser.analysis.plan_context; without it identifiers are read as words); with a
    `bundle`, manifest.json and inputs/ too, the manifest's hash in summary.json and the workbook's
    Assumptions sheet."""
    out = Path(out)
    story = plan_story(result, context)
    with run_folder(out, "solve", replace) as tmp:
        digest = write_bundle(tmp, bundle, run_facts(result)) if bundle is not None else None
        write_plan_files(result, tmp, story, context, digest)
    return run_files(out)


def write_plan_files(result: PlanResult, folder: Path, story: PlanStory | None = None,
                     context: PlanContext | None = None, manifest_sha256: str | None = None) -> None:
    """A plan's files into a staged run folder (write_plan, and re-plans: outputs/replan_files.py);
    its story (summary.md, plan_context.json) told from `story`, or made here; the manifest's
    hash, when the run has one, in summary.json and the workbook."""
    story = plan_story(result, context) if story is None else story
    write_story_files(story, context, folder)
    summary = {k: json_safe(v) for k, v in result.summary_dict().items()}
    if manifest_sha256 is not None:
        summary[MANIFEST_HASH] = manifest_sha256
    (folder / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    for name, attr in PLAN_FILES.items():
        write_csv(getattr(result, attr), folder / name)
    if result.status_quo is not None:
        write_csv(result.status_quo.projection, folder / "status_quo_projection.csv")
        write_csv(result.status_quo.skill_mix, folder / "status_quo_skill_mix.csv")
    write_plan_workbook(result, folder / "plan.xlsx", story, manifest_sha256=manifest_sha256)


HOW_TO_READ = [
    ("What this is", "An allocation plan from the imaging workforce optimiser, beside the status quo (current commissioning continued)."),
    ("Summary", "The plan in plain language: what to commission where and from when, what it buys against the status "
                "quo, which limit binds and what relaxing it is worth, groups no lever reaches, the levers it leans on."),
    ("Key figures", "Headline figures: weighted and unweighted shortfall (WTE-years over the measured years) for the plan and the status quo, total cost, solver status and gap."),
    *((d.sheet, d.description) for d in DECISIONS),
    ("Projection", "Supply, demand, covered and shortfall WTE per staff group, region and year under the plan. The first year is the baseline (in post against establishment)."),
    ("Status quo", "The same measures if current commissioning simply continues."),
    ("Skill mix", "WTE of each covering group deployed on another group's work (of one modality where named), "
                  "by region and year: the work it does and that work's share of the covered group's demand."),
    ("Costs", "Spending by year and category (GBP)."),
    ("Bottlenecks", "Every limit with its use, slack and shadow price: the weighted WTE-years of gap that one more unit of the limit would close (per GBP 1m for budgets), from the plan's linear relaxation with cohort decisions fixed."),
    ("Levers", "Where the next pound goes: each lever (commissions by route, recruits by route, retention schemes, extra "
               "educators) at its best provider, region and year, and each yearly budget, ranked by the weighted "
               "WTE-years one more GBP 1m would close at the margin (from the plan's shadow prices and each lever's "
               "cost; min_shortfall only)."),
    ("Assumptions", "The scenario settings and run options used."),
    ("Units", "WTE = whole-time equivalent; years are NHS financial years named by the calendar year they start in; money in GBP."),
]

WHOLE_NUMBER_COLUMNS = {d.value for d in DECISIONS if d.integer}  # shown without decimals
_UNITS = {"_wte": " (WTE)", "_gbp": " (GBP)", "_seconds": " (s)", "_wte_years": " (WTE-years)"}


def readable(col: str) -> str:
    for suffix, unit in _UNITS.items():
        if col.endswith(suffix):
            return (col[: -len(suffix)].replace("_", " ").capitalize() + unit).strip()
    return col.replace("_", " ").capitalize()


def write_plan_workbook(result: PlanResult, path: Path, story: PlanStory | None = None,
                        manifest_sha256: str | None = None) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                         "nan_inf_to_errors": True})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "text_wrap": True, "valign": "top"})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    fmt = {"int": wb.add_format({"num_format": "#,##0"}), "wte": wb.add_format({"num_format": "#,##0.0"}),
           "gbp": wb.add_format({"num_format": "£#,##0"}), "num": wb.add_format({"num_format": "0.000"})}

    def number_format(col: str):
        if col.endswith("gbp"):
            return fmt["gbp"]
        if col == "year" or col in WHOLE_NUMBER_COLUMNS:
            return None
        if col.endswith(("wte", "wte_years")):
            return fmt["wte"]
        return fmt["num"]

    def sheet(name: str, df: pd.DataFrame) -> None:
        ws = wb.add_worksheet(name)
        df = safe_frame(df.reset_index(drop=True))
        for c, col in enumerate(df.columns):
            ws.write_string(0, c, readable(str(col)), head)
            f = number_format(str(col))
            ws.set_column(c, c, max(12, min(45, len(readable(str(col))) + 2)), f)
            for r, v in enumerate(df[col].tolist(), start=1):
                if v is None or (isinstance(v, float) and math.isnan(v)):
                    continue
                if isinstance(v, bool):
                    ws.write_boolean(r, c, v)
                elif isinstance(v, int | float):
                    ws.write_number(r, c, float(v), f) if f else ws.write_number(r, c, float(v))
                else:
                    ws.write_string(r, c, str(v))
        ws.freeze_panes(1, 0)
        if len(df.columns):
            ws.autofilter(0, 0, max(1, len(df)), len(df.columns) - 1)

    write_story_sheet(wb, story or plan_story(result))
    ws = wb.add_worksheet("How to read this")
    ws.write_row(0, 0, ["Sheet", "What it shows"], head)
    for i, (a, b) in enumerate(HOW_TO_READ, start=1):
        ws.write_string(i, 0, a, wrap)
        ws.write_string(i, 1, b, wrap)
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, 110)
    ws.freeze_panes(1, 0)
    summary = pd.DataFrame([(readable(k), v) for k, v in result.summary_dict().items()], columns=["measure", "value"])
    summary["value"] = summary["value"].map(lambda v: "" if v is None else (v if isinstance(v, int | float) else str(v)))
    sheet("Key figures", summary)
    for d in DECISIONS:
        sheet(d.sheet, getattr(result, d.table))
    sheet("Projection", result.projection)
    if result.status_quo is not None:
        sheet("Status quo", result.status_quo.projection)
    sheet("Skill mix", result.skill_mix)
    sheet("Costs", result.costs)
    binding = result.binding.copy()
    if not binding.empty:
        binding["meaning"] = [bottleneck_sentence(r, result.objective_name) for _, r in binding.iterrows()]
    sheet("Bottlenecks", binding)
    sheet("Levers", result.levers)
    assumptions = result.assumptions
    if manifest_sha256 is not None:  # the run folder's manifest.json, which says how this plan was made
        assumptions = pd.concat([assumptions, pd.DataFrame([(f"{MANIFEST_FILE} sha256", manifest_sha256)],
                                                           columns=["setting", "value"])], ignore_index=True)
    sheet("Assumptions", assumptions)
    wb.close()


def write_frontier(result, out: str | Path, *, replace: bool = False, bundle: RunBundle | None = None) -> list[Path]:
    """frontier.csv and frontier.png (weighted shortfall against budget, status quo for reference);
    manifest.json and inputs/ with a `bundle`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    df = result.frontier
    with run_folder(out, "frontier", replace) as tmp:
        if bundle is not None:
            write_bundle(tmp, bundle, run_facts(result))
        write_csv(df, tmp / "frontier.csv")
        fig, ax = plt.subplots(figsize=(7, 4.5))
        ok = df[df["weighted_shortfall"].notna()]
        x = ok["budget_gbp"] / 1e6 if ok["budget_gbp"].gt(0).any() else ok["budget_scale"]
        ax.plot(x, ok["weighted_shortfall"], marker="o", label="optimised plan")
        if len(df):
            ax.axhline(df["status_quo_weighted_shortfall"].iloc[0], color="grey", ls="--", label="status quo")
        ax.set_xlabel("yearly budgets, summed (GBP m)" if ok["budget_gbp"].gt(0).any() else "budget scale")
        ax.set_ylabel("weighted shortfall (WTE-years)")
        ax.set_title("Budget frontier")
        ax.grid(alpha=0.3)
        ax.legend()
        fig.tight_layout()
        fig.savefig(tmp / "frontier.png", dpi=120)
        plt.close(fig)
    return [Path(out) / "frontier.csv", Path(out) / "frontier.png"]
