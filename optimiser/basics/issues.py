"""Validation findings: one `Issue` per problem, located so a planner can fix it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import pandas as pd


@dataclass(frozen=True)
class Issue:
    severity: str  # "error" | "warning"
    rule: str  # the named check that found it, e.g. "check_references"
    file: str  # file name, or "workbook.xlsx [sheet]"
    message: str
    fix: str
    row: int | None = None  # spreadsheet row number: the header is row 1
    column: str | None = None
    value: str | None = None
    key: str | None = None  # the row's key cells as typed, e.g. "provider=uni_west, route=ug_radiography"
    # findings this line stands for: 1, or for the line counting the rows not listed past a cap
    # (scenario/rowwise.LISTED) how many they are, so the counts below stay true
    stands_for: int = 1

    def render(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.key:
            where += f" ({self.key})"
        if self.column:
            where += f", column '{self.column}'"
        value = "" if self.value is None else f" (value: {self.value!r})"
        return f"{self.severity.upper()}: {where}: {self.message}{value}. Fix: {self.fix}"


@dataclass(frozen=True)
class ValidationReport:
    source: str
    issues: tuple[Issue, ...] = field(default_factory=tuple)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, severity: str) -> int:
        """How many findings of `severity` were made, those counted past a cap included."""
        return sum(i.stands_for for i in self.issues if i.severity == severity)

    def to_frame(self) -> pd.DataFrame:
        cols = ["severity", "rule", "file", "row", "key", "column", "value", "message", "fix"]
        return pd.DataFrame([asdict(i) for i in self.issues], columns=cols)

    def render(self) -> str:
        lines = [i.render() for i in self.errors + self.warnings]
        lines.append(
            f"{self.count('error'):,} error(s), {self.count('warning'):,} warning(s) in {self.source}"
        )
        return "\n".join(lines)


class ScenarioError(Exception):
    """A scenario that cannot be used: carries the full validation report."""

    def __init__(self, report: ValidationReport):
        self.report = report
        super().__init__(report.render())
