"""A plan's story beside its tables: summary.md, plan_context.json and the workbook's Summary sheet.

summary.md is the story as Markdown (optimiser/analysis/story.py); plan_context.json the names and
reach it was told with, so `optimiser report` can tell it again from the run folder alone.
"""

from __future__ import annotations

from pathlib import Path

from optimiser.analysis.plan_context import CONTEXT_FILE, PlanContext
from optimiser.analysis.story import PlanStory
from optimiser.basics.cells import safe_text

STORY_FILE = "summary.md"
TEXT_COLUMNS = 7  # the story's sentences span columns B to H, the width of its tables
CHARACTERS_A_LINE = 120  # about what columns B to H hold on one line


def write_story_files(story: PlanStory, context: PlanContext | None, folder: Path) -> None:
    (folder / STORY_FILE).write_text(story.markdown(), encoding="utf-8")
    (folder / CONTEXT_FILE).write_text((context or PlanContext()).to_json(), encoding="utf-8")


def write_story_sheet(wb, story: PlanStory) -> None:
    """The workbook's first sheet: the story, one sentence a row, then its tables."""
    ws = wb.add_worksheet("Summary")
    title = wb.add_format({"bold": True, "font_size": 14})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "valign": "top", "text_wrap": True})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    ws.set_column(0, 0, 34)
    ws.set_column(1, TEXT_COLUMNS, 18)

    def text(r: int, line: str, height: int) -> None:  # a sentence across the columns, wrapped
        ws.merge_range(r, 1, r, TEXT_COLUMNS, safe_text(line), wrap)
        ws.set_row(r, 15 * max(1, -(-len(line) // height)))

    ws.write_string(0, 0, safe_text(story.title), title)
    ws.write_string(1, 0, "Headline", head)
    text(1, story.headline, CHARACTERS_A_LINE)
    row = 3
    for section in (*story.sections, story.details):
        ws.write_string(row, 0, section.heading, head)
        for line in section.lines:
            text(row, line, CHARACTERS_A_LINE)
            row += 1
        row += 1
    for section in story.sections:
        if section.table.empty:
            continue
        ws.write_string(row, 0, section.heading, title)
        row += 1
        ws.write_row(row, 0, [str(c) for c in section.table.columns], head)
        for values in section.table.itertuples(index=False):
            row += 1
            ws.write_row(row, 0, [safe_text(v) if isinstance(v, str) else v for v in values], wrap)
        row += 2
