"""Writing a synthetic scenario as a folder or a workbook, validated first."""

from __future__ import annotations

from pathlib import Path

from optimiser.scenario.io import RawScenario, write_folder, write_workbook
from optimiser.scenario.validation import validate_raw
from optimiser.synthetic.assembly import generate

FORMS = ("folder", "workbook")


def check_destination(dst: Path, form: str) -> None:
    """Refuse (ValueError) a form that is not in FORMS or a path that does not suit it."""
    if form not in FORMS:
        raise ValueError(f"form must be one of {', '.join(FORMS)}, not {form!r}")
    if form == "workbook" and dst.suffix.lower() != ".xlsx":
        raise ValueError(f"a workbook needs a path ending in .xlsx, not {dst}")
    if form == "folder" and dst.suffix.lower() == ".xlsx":
        raise ValueError(f"{dst} ends in .xlsx: use form='workbook' or give a folder path")


def write_scenario(raw: RawScenario, dst: Path, form: str) -> None:
    """Write a generated scenario atomically as `form`, after checking that it validates."""
    report, _, _ = validate_raw(raw)
    if not report.ok:  # never expected: the generator's tests validate every preset
        raise RuntimeError(f"generated scenario does not validate:\n{report.render()}")
    (write_workbook if form == "workbook" else write_folder)(raw, dst)


def write_preset(preset: str, dst: str | Path, seed: int = 0, form: str = "folder") -> Path:
    """Generate `preset` and write it atomically as a folder or an .xlsx workbook. Returns dst."""
    dst = Path(dst)
    check_destination(dst, form)
    write_scenario(generate(preset, seed), dst, form)
    return dst


def describe(raw: RawScenario) -> str:
    """A one-line size of a scenario, for the command line's report."""
    t = raw.tables
    return (f"{len(t['regions'])} regions, {len(t['links'])} links, {len(t['staff_groups'])} staff groups, "
            f"{len(t['routes'])} routes, {len(t['providers'])} providers, {raw.config['horizon_years']} years")
