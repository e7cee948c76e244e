"""A monitoring run's folder: monitor.csv (every line), monitor_flags.csv (lines per measure and
flag) and monitor.png (in post against plan for each staff group, and the flags per measure)."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from optimiser.analysis.monitor import FLAGS, MonitorReport
from optimiser.basics.cells import safe_frame
from optimiser.outputs.run_folders import run_files, run_folder

FLAG_COLOURS = {"red": "#c0392b", "amber": "#e69f00", "green": "#2e8b57"}


def _csv(df: pd.DataFrame, path: Path) -> None:
    safe_frame(df).to_csv(path, index=False, lineterminator="\n", float_format="%.10g")


def monitor_chart(report: MonitorReport, path: Path) -> None:
    """Small multiples of staff in post (summed over the report's places) with the plan's line
    through the actual dates, and one panel of flag counts per measure."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    in_post = report.lines[report.lines["measure"] == "in post"]
    groups = sorted(in_post["staff_group"].unique())
    panels = len(groups) + 1
    cols = min(4, panels)
    rows = math.ceil(panels / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.0 * rows), squeeze=False)
    flat = axes.ravel()
    for ax, group in zip(flat, groups, strict=False):
        g = in_post[in_post["staff_group"] == group].groupby("date")[["plan", "actual"]].sum().reset_index()
        dates = pd.to_datetime(g["date"])
        ax.plot(dates, g["plan"], color="#1f4e79", label="plan (interpolated within each year)")
        share = ((g["actual"] - g["plan"]) / g["plan"].where(g["plan"] != 0, 1)).abs()
        colours = [FLAG_COLOURS["red"] if v >= report.red_at else FLAG_COLOURS["amber"] if v >= report.amber_at
                   else FLAG_COLOURS["green"] for v in share]
        ax.scatter(dates, g["actual"], c=colours, s=14, zorder=3, label="actual (monthly)")
        ax.set_title(group.replace("_", " "), fontsize=9)
        ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 7)))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
        ax.tick_params(labelsize=7)
        ax.set_ylabel("WTE in post", fontsize=7)
        ax.grid(alpha=0.3)
    ax = flat[len(groups)]
    counts = report.counts().set_index("measure")
    totals = counts[list(FLAGS)].sum(axis=1).where(lambda t: t > 0, 1)
    left = pd.Series(0.0, index=counts.index)
    for flag in reversed(FLAGS):  # green first: red ends each bar, where the eye lands
        share = counts[flag] / totals
        ax.barh(counts.index, share, left=left, color=FLAG_COLOURS[flag], label=flag)
        left += share
    for y, (measure, n) in enumerate(counts[list(FLAGS)].sum(axis=1).items()):
        ax.text(1.01, y, f"{counts.loc[measure, 'red']} red of {n}", va="center", fontsize=7)
    ax.set_xlim(0, 1.7)
    ax.set_xlabel("share of lines", fontsize=7)
    ax.set_title(f"lines by flag (amber >= {report.amber_at:.0%}, red >= {report.red_at:.0%} off plan)", fontsize=9)
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=7, loc="center right")
    for extra in flat[panels:]:
        extra.axis("off")
    if groups:
        flat[0].legend(fontsize=6, loc="best")
    where = "" if report.level == "region" else f", rolled up to {report.level}"
    fig.suptitle(f"{report.scenario_name}: plan against actuals{where}"
                 + (f" (actuals as of {report.as_of})" if report.as_of else ""), fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_monitor(report: MonitorReport, out: str | Path, *, replace: bool = False) -> list[Path]:
    with run_folder(out, "monitor", replace) as tmp:
        _csv(report.lines, tmp / "monitor.csv")
        _csv(report.counts(), tmp / "monitor_flags.csv")
        monitor_chart(report, tmp / "monitor.png")
    return run_files(out)
