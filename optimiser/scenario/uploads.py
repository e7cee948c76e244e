"""Safe parsing of uploaded scenarios: an .xlsx workbook or a zip of CSV files, as bytes.

An upload is untrusted. It is never unpickled or evaluated; its zip structure is checked
(`optimiser.basics.zips`: signature, total unpacked size, compression ratio, number of members,
encryption; here: member names) before anything is unpacked; every XML part of a workbook is parsed with defusedxml first, so entity
expansion ("billion laughs") and external entities are refused; and only the files the scenario
format names are taken from a zip. Problems come back as `load_issues` on the RawScenario, like
`optimiser.scenario.io.load_raw`, so the validation report shows them beside any other finding.

Limits: MAX_UPLOAD_BYTES sent; the zip guard's unpacked size, ratio and member count; and, as
for any scenario read (scenario/reading.py), MAX_TABLE_ROWS rows and MAX_COLUMNS columns per
table, checked before a table is parsed.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from xml.etree.ElementTree import ParseError

from optimiser.basics.issues import Issue
from optimiser.basics.zips import zip_problem
from optimiser.scenario.dictionary import table_specs
from optimiser.scenario.io import SCENARIO_FILE, WORKBOOK, RawScenario, load_raw

MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # what the planner may send (the app's config says the same)
ZIP_OF_CSV = "a .zip of the scenario's CSV files"
UPLOAD_FIX_XLSX = "save the scenario again as an Excel .xlsx workbook (File > Save As > Excel Workbook)"
UPLOAD_FIX_ZIP = "zip the scenario folder's CSV files and scenario.toml (and nothing else) and upload that"


class UploadRejected(ValueError):
    """The upload could not be read at all; nothing was loaded."""


def _rejected(name: str, message: str, fix: str) -> RawScenario:
    raw = RawScenario(source=name, form="workbook" if name.lower().endswith(".xlsx") else "folder")
    raw.load_issues.append(Issue("error", "check_upload", name, message, fix))
    return raw


def _safe_name(name: str) -> str:
    """The upload's file name, stripped of any folder and of characters a file system may dislike."""
    base = PurePosixPath(name.replace("\\", "/")).name or "upload"
    return re.sub(r"[^A-Za-z0-9._ -]", "_", base)[:120]


def _xml_problem(data: bytes) -> str | None:
    """Parse every XML part of a workbook with defusedxml: DTDs, entities and external references are refused."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue
            try:
                fromstring(zf.read(info), forbid_dtd=True)
            except DefusedXmlException:
                return f"part {info.filename} declares entities or a DTD, which a workbook never needs; it was not opened"
            except ParseError as exc:
                return f"part {info.filename} is not well-formed XML ({exc})"
    return None


def parse_workbook(name: str, data: bytes) -> RawScenario:
    name = _safe_name(name)
    problem = zip_problem(data, WORKBOOK) or _xml_problem(data)
    if problem:
        return _rejected(name, problem, UPLOAD_FIX_XLSX)
    with tempfile.TemporaryDirectory(prefix="optimiser-upload-") as tmp:
        path = Path(tmp) / (name if name.lower().endswith(".xlsx") else name + ".xlsx")
        path.write_bytes(data)
        raw = load_raw(path)
    raw.source = name
    return raw


def _scenario_members(zf: zipfile.ZipFile) -> tuple[dict[str, zipfile.ZipInfo], list[str]]:
    """The members the format names (table CSVs and scenario.toml), from the root or one folder."""
    wanted = {f"{t}.csv" for t in table_specs()} | {SCENARIO_FILE}
    chosen: dict[str, zipfile.ZipInfo] = {}
    folders: set[str] = set()
    ignored = []
    for info in zf.infolist():
        if info.is_dir():
            continue
        parts = PurePosixPath(info.filename.replace("\\", "/")).parts
        if any(p in ("..", "") for p in parts) or info.filename.startswith("/"):
            ignored.append(info.filename)
            continue
        base = parts[-1]
        if parts[0] == "__MACOSX" or base.startswith("._"):
            continue  # macOS resource forks: not data
        if base in wanted and len(parts) <= 2:
            folders.add("/".join(parts[:-1]))
            if base in chosen:  # two spellings of one path ("a/x.csv", "a\\x.csv"): which is meant?
                raise UploadRejected(f"holds {base} twice ({chosen[base].filename}, {info.filename})")
            chosen[base] = info
        else:
            ignored.append(info.filename)
    if len(folders) > 1:
        raise UploadRejected(f"holds scenario files in more than one folder ({', '.join(sorted(folders))})")
    return chosen, ignored


def parse_zip(name: str, data: bytes) -> RawScenario:
    name = _safe_name(name)
    problem = zip_problem(data, ZIP_OF_CSV)
    if problem:
        return _rejected(name, problem, UPLOAD_FIX_ZIP)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        try:
            members, ignored = _scenario_members(zf)
        except UploadRejected as exc:
            return _rejected(name, str(exc), UPLOAD_FIX_ZIP)
        if not members:
            return _rejected(name, "holds none of the scenario files (scenario.toml, regions.csv, ...)",
                             UPLOAD_FIX_ZIP)
        with tempfile.TemporaryDirectory(prefix="optimiser-upload-") as tmp:
            for base, info in members.items():
                # written under the format's own file name: a member name never becomes a path
                (Path(tmp) / base).write_bytes(zf.read(info))
            raw = load_raw(Path(tmp))
    raw.source = name
    for extra in ignored[:20]:
        raw.load_issues.append(Issue("warning", "check_upload", name,
                                     f"file {extra} is not part of the scenario format and was ignored",
                                     "remove it from the zip, or rename it to a table of the data dictionary"))
    return raw


def parse_upload(name: str, data: bytes) -> RawScenario:
    """An uploaded .xlsx workbook or .zip of CSVs as a RawScenario (every cell text).

    Never raises for bad content: a file that cannot be read comes back with an error in
    `load_issues` and no tables."""
    safe = _safe_name(name)
    try:
        return _parse(safe, data)
    except Exception as exc:  # noqa: BLE001 - the last resort: tests check that no upload reaches it
        return _rejected(safe, f"could not be read: an unexpected {type(exc).__name__} ({exc})",
                         "save the scenario again and upload it; if that does not help, report it")


def _parse(safe: str, data: bytes) -> RawScenario:
    if len(data) > MAX_UPLOAD_BYTES:
        return _rejected(safe, f"is {len(data) / 1e6:.0f} MB; at most {MAX_UPLOAD_BYTES // 2**20} MB is accepted",
                         "remove unneeded sheets or rows, or split the scenario")
    if not data:
        return _rejected(safe, "is empty", "upload the scenario workbook (.xlsx) or a zip of its CSV files")
    lower = safe.lower()
    if lower.endswith(".xlsx"):
        return parse_workbook(safe, data)
    if lower.endswith(".zip"):
        return parse_zip(safe, data)
    return _rejected(safe, "is neither an .xlsx workbook nor a .zip of CSV files",
                     "upload the scenario as .xlsx, or zip its CSV files and scenario.toml")


def is_unreadable(raw: RawScenario) -> bool:
    """True when the upload itself could not be read (so nothing should replace the current scenario)."""
    return not raw.tables and any(i.severity == "error" for i in raw.load_issues)
