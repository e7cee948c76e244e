"""A board pack: one self-contained HTML file telling a plan's story to a board.

Headline, supply against demand, what to commission where (with the map and the starts heat
map), what it buys, what limits the plan, the lever ranking, the groups no lever reaches, the
assumptions and the run's manifest hash. Charts are plotly with its JavaScript inline, so the
file opens offline and can be mailed as it is; its print style sheet makes a browser's
"Print > Save as PDF" a PDF of it (no PDF library here: weasyprint needs Pango from the
operating system, and xhtml2pdf cannot run the charts' JavaScript).
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from optimiser.analysis import wording as w
from optimiser.analysis.plan_context import PlanContext
from optimiser.analysis.story import PlanStory, Section, lever_words, limit_words, plan_story
from optimiser.basics.files import staged
from optimiser.outputs.plan_charts import (
    region_map,
    shortfall_heatmap,
    starts_heatmap,
    supply_demand_panels,
)
from optimiser.outputs.plan_folder import PlanFolder
from optimiser.results.results import PlanResult

TOP_ROWS = 12
STYLE = """
body { font-family: Arial, Helvetica, sans-serif; color: #231f20; max-width: 1180px; margin: 2em auto; padding: 0 1em; }
h1 { color: #005EB8; } h2 { color: #003087; border-bottom: 2px solid #005EB8; padding-bottom: .2em; margin-top: 1.6em; }
.headline { font-size: 1.15em; line-height: 1.5; background: #E8EDEE; padding: 1em; border-left: 6px solid #005EB8; }
.figures { display: flex; gap: 1em; flex-wrap: wrap; margin: 1em 0; }
.figure { background: #fff; border: 1px solid #d8dde0; padding: .6em 1em; min-width: 200px; }
.figure b { display: block; font-size: 1.5em; color: #005EB8; }
table { border-collapse: collapse; margin: .8em 0; font-size: .92em; }
th { background: #DDEBF7; text-align: left; } th, td { border: 1px solid #d8dde0; padding: .3em .6em; vertical-align: top; }
td.n { text-align: right; white-space: nowrap; }
.meta { color: #425563; font-size: .9em; } code { font-size: .9em; }
@media print { .chart { page-break-inside: avoid; } h2 { page-break-after: avoid; } body { max-width: none; } }
"""


def _e(text) -> str:
    return html.escape(str(text))


def _lines(section: Section) -> str:
    return "<ul>" + "".join(f"<li>{_e(line)}</li>" for line in section.lines) + "</ul>"


def _table(df: pd.DataFrame) -> str:
    if df.empty:
        return ""
    head = "".join(f"<th>{_e(c)}</th>" for c in df.columns)
    body = []
    for row in df.itertuples(index=False):
        cells = []
        for v in row:
            numeric = isinstance(v, int | float) and not isinstance(v, bool)
            if isinstance(v, int):  # years and counts as they are ("2024", never "2,024")
                text = str(v)
            else:
                text = (w.count(v) if abs(v) >= 100 else w.marginal(v)) if numeric else v
            cells.append(f"<td class='n'>{_e(text)}</td>" if numeric else f"<td>{_e(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _chart(fig) -> str:
    return "<div class='chart'>" + fig.to_html(full_html=False, include_plotlyjs=False,
                                               config={"displaylogo": False, "responsive": True}) + "</div>"


def _limits_table(result: PlanResult, ctx: PlanContext) -> pd.DataFrame:
    b = result.bottlenecks().head(TOP_ROWS)
    if b.empty:
        return b
    return pd.DataFrame({"Limit": [limit_words(r, ctx) for _, r in b.iterrows()],
                         "Limit value": b["limit"].map(w.marginal).to_numpy(),
                         "Used": b["used"].map(w.marginal).to_numpy(), "Unit": b["unit"].to_numpy(),
                         "Worth of one more unit": b["value_of_one_more"].map(w.marginal).to_numpy(),
                         "Worth of 1% more": b["value_of_1pct_more"].map(w.marginal).to_numpy()})


def _levers_table(result: PlanResult, ctx: PlanContext) -> pd.DataFrame:
    lv = result.levers.head(TOP_ROWS)
    if lv.empty:
        return lv
    return pd.DataFrame({"Lever": [w.sentence(lever_words(r, ctx)) for _, r in lv.iterrows()],
                         "Cost of one unit": lv["gbp_per_unit"].map(w.gbp).to_numpy(),
                         "Weighted WTE-years per GBP 1m": lv["wte_years_per_gbp_m"].map(w.marginal).to_numpy()})


def _figures(result: PlanResult) -> str:
    sq = result.status_quo
    boxes = [("Weighted shortfall, plan", w.wte(result.weighted_shortfall)),
             ("Weighted shortfall, status quo", w.wte(sq.weighted_shortfall) if sq is not None else w.NOT_AVAILABLE),
             ("Total cost, plan", w.gbp(result.total_cost_gbp)),
             ("Total cost, status quo", w.gbp(sq.costs["gbp"].sum()) if sq is not None and not sq.costs.empty else w.NOT_AVAILABLE)]
    return "<div class='figures'>" + "".join(f"<div class='figure'>{_e(a)}<b>{_e(b)}</b></div>" for a, b in boxes) + "</div>"


def board_pack_html(result: PlanResult, context: PlanContext | None = None, *, manifest_file: str = "",
                    manifest_sha256: str = "", written_at: str = "", story: PlanStory | None = None) -> str:
    """The board pack of a plan that holds one, as one HTML document."""
    import plotly.offline

    ctx = context or PlanContext()
    story = story or plan_story(result, ctx)
    commissions, buys, limits, unreached, levers = story.sections
    sq = result.status_quo.projection if result.status_quo is not None else None
    parts = [f"<h1>{_e(story.title)}</h1>",
             f"<p class='meta'>Scenario: {_e(result.scenario_name)} · objective {_e(result.objective_name)}"
             + (f" · run written {_e(written_at)}" if written_at else "")
             + (f" · {_e(manifest_file)} SHA-256 <code>{_e(manifest_sha256)}</code>" if manifest_sha256 else "")
             + "</p>",
             f"<p class='headline'>{_e(story.headline)}</p>", _figures(result),
             "<h2>Supply against demand</h2>", _chart(supply_demand_panels(result.projection, sq, ctx)[0]),
             f"<h2>{_e(commissions.heading)}</h2>", _lines(commissions), _table(commissions.table)]
    located = region_map(result.starts, result.projection, ctx)
    if located is not None:
        parts.append(_chart(located[0]))
    parts += [_chart(starts_heatmap(result.starts, ctx)[0]),
              f"<h2>{_e(buys.heading)}</h2>", _lines(buys), _table(buys.table),
              _chart(shortfall_heatmap(result.projection, ctx)[0]),
              f"<h2>{_e(limits.heading)}</h2>", _lines(limits), _table(_limits_table(result, ctx)),
              f"<h2>{_e(levers.heading)}</h2>", _lines(levers), _table(_levers_table(result, ctx)),
              f"<h2>{_e(unreached.heading)}</h2>", _lines(unreached),
              "<h2>Assumptions</h2>", _table(result.assumptions),
              f"<h2>{_e(story.details.heading)}</h2>", _lines(story.details)]
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{_e(story.title)}</title><style>{STYLE}</style>"
            f"<script type='text/javascript'>{plotly.offline.get_plotlyjs()}</script></head><body>"
            + "\n".join(parts) + "</body></html>\n")


def default_report_path(run_dir: str | Path) -> Path:
    """Beside the run folder, never inside it (the folder is all of one run, as its manifest lists)."""
    run_dir = Path(run_dir)
    return run_dir.parent / f"{run_dir.resolve().name}_board_pack.html"


def write_board_pack(folder: PlanFolder, out: str | Path) -> Path:
    """Write the board pack of a plan read from its run folder to `out` (replaced whole, atomically)."""
    text = board_pack_html(folder.result, folder.context, manifest_file=folder.manifest_file,
                           manifest_sha256=folder.manifest_sha256, written_at=folder.written_at)
    with staged(out, is_dir=False) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(out)
