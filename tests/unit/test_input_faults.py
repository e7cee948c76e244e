"""Named input faults (issue 16, classes 1, 2 and 5): each is an Issue naming the file and what
to do, `optimiser validate` exits 2 with no traceback, and `convert` writes nothing.

Class 1, internal errors: a folder where a CSV or scenario.toml should be, a file that cannot be
read, bytes that are not UTF-8, a workbook sheet with a repeated header, a damaged member inside
a workbook or a zip (Bad CRC-32), two sheets of one name, a malformed table built in code.
Class 2, silently wrong input: a CSV header naming a column twice, a zip holding one name twice,
a cell longer than a workbook cell converted to a workbook.
Class 5, size: rows and columns beyond the documented limits, refused before a table is parsed.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from optimiser.basics.issues import ValidationReport
from optimiser.cli.main import main
from optimiser.scenario import reading
from optimiser.scenario.excel import EXCEL_CELL_CHARS
from optimiser.scenario.io import RawScenario, load_raw, write_workbook
from optimiser.scenario.uploads import is_unreadable, parse_upload
from optimiser.scenario.validation import validate_raw

pytestmark = pytest.mark.unit


def validate_cli(path, capsys) -> tuple[int, str]:
    code = main(["validate", os.fspath(path)])
    out = capsys.readouterr()
    text = out.out + out.err
    assert "Traceback" not in text and "Error:" not in text.replace("ERROR:", "")
    return code, text


def only_error(raw: RawScenario, file: str) -> str:
    """The one error naming `file`: its message and fix (so a test can check both)."""
    found = [i for i in raw.load_issues if i.file == file and i.severity == "error"]
    assert len(found) == 1, raw.load_issues
    return f"{found[0].message}. Fix: {found[0].fix}"


# --- class 1: internal errors become findings ---------------------------------------------------


def test_a_folder_where_a_table_should_be(broken, capsys):
    copy = broken()
    (copy.path / "links.csv").unlink()
    (copy.path / "links.csv").mkdir()
    assert "is a folder, not a file. Fix: remove or rename the folder links.csv" in only_error(load_raw(copy), "links.csv")
    code, text = validate_cli(copy, capsys)
    assert code == 2 and "links.csv: is a folder" in text


def test_a_folder_where_scenario_toml_should_be(broken, capsys):
    copy = broken()
    (copy.path / "scenario.toml").unlink()
    (copy.path / "scenario.toml").mkdir()
    assert "is a folder, not a file" in only_error(load_raw(copy), "scenario.toml")
    code, text = validate_cli(copy, capsys)
    assert code == 2 and "scenario.toml: is a folder" in text


def test_a_file_that_may_not_be_read(broken, monkeypatch, capsys):
    """(The tests may run as root, who may read anything: the refusal is the operating system's.)"""
    copy = broken()
    real = Path.read_bytes

    def refused(self):
        if self.name == "workforce.csv":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", refused)
    assert "permission denied. Fix: give your user permission to read workforce.csv" in only_error(
        load_raw(copy), "workforce.csv")
    code, text = validate_cli(copy, capsys)
    assert code == 2 and "workforce.csv: cannot be read: permission denied" in text


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX feature")
def test_a_named_pipe_where_a_table_should_be_is_never_opened(broken):
    copy = broken()
    (copy.path / "links.csv").unlink()
    os.mkfifo(copy.path / "links.csv")  # reading it would wait for a writer for ever
    assert "is not a regular file" in only_error(load_raw(copy), "links.csv")


@pytest.mark.parametrize("file", ["regions.csv", "scenario.toml"])
def test_bytes_that_are_not_utf8(broken, capsys, file):
    copy = broken()
    (copy.path / file).write_bytes((copy.path / file).read_bytes().replace(b"a", b"\xe9", 1))
    assert "is not UTF-8 text (byte" in only_error(load_raw(copy), file)
    code, _ = validate_cli(copy, capsys)
    assert code == 2


def test_a_path_under_a_file_is_no_scenario(tmp_path, capsys):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    raw = load_raw(tmp_path / "file" / "scenario")
    assert "no scenario here" in raw.load_issues[0].message
    assert validate_cli(tmp_path / "file" / "scenario", capsys)[0] == 2


def _workbook(path: Path, sheets: dict[str, list[tuple]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


SETTINGS = [("key", "value"), ("name", "x"), ("start_year", 2025), ("horizon_years", 3), ("max_travel_minutes", 60)]


def test_a_workbook_sheet_with_a_repeated_header(tmp_path, capsys):
    path = _workbook(tmp_path / "x.xlsx", {"scenario": SETTINGS, "regions": [
        ("region", "name", "region"), ("a", "A", "b")]})
    message = only_error(load_raw(path), "x.xlsx [regions]")
    assert "names column 'region' more than once" in message and "delete or rename the repeated column" in message
    code, text = validate_cli(path, capsys)
    assert code == 2 and "x.xlsx [regions]" in text


def test_two_sheets_of_one_name_up_to_spaces(tmp_path):
    path = _workbook(tmp_path / "x.xlsx", {"scenario": SETTINGS, "regions": [("region", "name"), ("a", "A")],
                                           "regions ": [("region", "name"), ("b", "B")]})
    assert "has two sheets named 'regions'" in only_error(load_raw(path), "x.xlsx")


def with_bad_crc(data: bytes, member: str) -> bytes:
    """`data` (a zip) with `member` stored uncompressed and one byte of it changed, its CRC-32 not."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        parts = [(i.filename, zf.read(i)) for i in zf.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for name, body in parts:
            zf.writestr(name, body)
    out = bytearray(buf.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(out))) as zf:
        info = zf.getinfo(member)
    at = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + info.file_size // 2
    out[at] ^= 0x01
    with zipfile.ZipFile(io.BytesIO(bytes(out))) as zf, pytest.raises(zipfile.BadZipFile, match="Bad CRC-32"):
        zf.read(member)  # the fault is the one the issue names
    return bytes(out)


@pytest.fixture(scope="module")
def example_xlsx(example_dir, tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("x") / "example.xlsx"
    write_workbook(load_raw(example_dir), path)
    return path.read_bytes()


def test_a_damaged_member_inside_a_workbook(example_xlsx, tmp_path, capsys):
    path = tmp_path / "example.xlsx"
    path.write_bytes(with_bad_crc(example_xlsx, "xl/worksheets/sheet2.xml"))
    message = only_error(load_raw(path), "example.xlsx")
    assert "is damaged: its part xl/worksheets/sheet2.xml cannot be unpacked (Bad CRC-32" in message
    assert "save the scenario again as an Excel .xlsx workbook" in message
    code, text = validate_cli(path, capsys)
    assert code == 2 and "example.xlsx: is damaged" in text
    up = parse_upload("example.xlsx", path.read_bytes())
    assert is_unreadable(up) and "Bad CRC-32" in up.load_issues[0].message


def test_a_damaged_member_inside_a_zip_upload(example_dir):
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as zf:
        for p in example_dir.iterdir():
            if p.suffix in (".csv", ".toml"):
                zf.writestr(p.name, p.read_bytes())
    up = parse_upload("example.zip", with_bad_crc(data.getvalue(), "workforce.csv"))
    assert is_unreadable(up)
    assert "is damaged: its part workforce.csv cannot be unpacked (Bad CRC-32" in up.load_issues[0].message


def test_a_table_built_in_code_with_a_repeated_column(example_dir):
    """The app's editor or an API caller may hand validation any frame: a finding, not AttributeError."""
    raw = load_raw(example_dir)
    raw.tables["regions"] = pd.DataFrame([["a", "A", "b"]], columns=["region", "name", "region"])
    raw.tables["workforce"] = raw.tables["workforce"].astype(object)
    raw.tables["workforce"].iloc[0, 2] = 12.5  # a number, not text
    report, _, _ = validate_raw(raw)
    assert [(i.file, i.message) for i in report.errors] == [
        ("regions.csv", "names column 'region' more than once: it is unclear which is meant")]


def test_convert_of_a_broken_scenario_writes_nothing(broken, tmp_path, capsys):
    copy = broken()
    (copy.path / "links.csv").unlink()
    (copy.path / "links.csv").mkdir()
    code = main(["convert", os.fspath(copy), str(tmp_path / "out.xlsx")])
    text = capsys.readouterr().err
    assert code == 2 and "links.csv: is a folder" in text and "Traceback" not in text
    assert not (tmp_path / "out.xlsx").exists()


# --- class 2: silently wrong input is refused -------------------------------------------------


@pytest.mark.parametrize("header", ["region,name,region", "region,name, region "])
def test_a_csv_header_naming_a_column_twice(broken, capsys, header):
    copy = broken()
    copy.write("regions.csv", f"{header}\nwest,West,east\n")
    message = only_error(load_raw(copy), "regions.csv")
    assert message.startswith("names column 'region' more than once in its header")
    code, text = validate_cli(copy, capsys)
    assert code == 2 and "regions.csv: names column 'region' more than once" in text


@pytest.mark.parametrize("names", [("regions.csv", "regions.csv"), ("s/regions.csv", "s\\regions.csv")])
def test_a_zip_holding_one_file_twice(example_dir, names):
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as zf, pytest.warns(UserWarning) if names[0] == names[1] else _nothing():
        zf.writestr("scenario.toml", (example_dir / "scenario.toml").read_bytes())
        zf.writestr(names[0], b"region,name\neast,East\n")
        zf.writestr(names[1], b"region,name\nwest,West\n")
    up = parse_upload("twice.zip", data.getvalue())
    assert is_unreadable(up)
    assert "regions.csv" in up.load_issues[0].message and "twice" in up.load_issues[0].message


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_converting_a_cell_longer_than_a_workbook_cell(broken, tmp_path, capsys):
    long = "x" * 100_000
    copy = broken(lambda c: c.set_cell("regions", 2, "name", long))
    code = main(["convert", os.fspath(copy), str(tmp_path / "out.xlsx")])
    err = capsys.readouterr().err
    assert code == 2 and not (tmp_path / "out.xlsx").exists()
    assert (f"regions.csv, row 2 (region=east), column 'name': cell holds 100,000 characters; a workbook cell "
            f"holds at most {EXCEL_CELL_CHARS:,}") in err
    assert "nothing was written" in err
    # a folder holds it whole
    assert main(["convert", os.fspath(copy), str(tmp_path / "folder")]) == 0
    assert load_raw(tmp_path / "folder").tables["regions"]["name"].iloc[0] == long


# --- class 5: sizes are bounded before a table is parsed --------------------------------------


@pytest.fixture
def no_parsing(monkeypatch):
    """Fail the test if pandas is asked to parse a CSV (the limits must refuse first)."""
    def refuse(*args, **kwargs):
        raise AssertionError("the table was parsed")

    monkeypatch.setattr(reading.pd, "read_csv", refuse)


def test_a_csv_with_more_rows_than_the_limit_is_refused_unparsed(broken, monkeypatch, no_parsing):
    monkeypatch.setattr(reading, "MAX_TABLE_ROWS", 10)
    copy = broken(lambda c: c.write("links.csv", "region_a,region_b,travel_minutes\n" + "a,b,1\n" * 11))
    assert only_error(load_raw(copy), "links.csv").startswith("has 11 rows or more; at most 10 are read")


def test_a_csv_with_more_columns_than_the_limit_is_refused_unparsed(broken, no_parsing):
    header = ",".join(f"c{i}" for i in range(reading.MAX_COLUMNS + 1))
    copy = broken(lambda c: c.write("links.csv", header + "\n"))
    assert f"has {reading.MAX_COLUMNS + 1} columns; a scenario table has at most" in only_error(load_raw(copy), "links.csv")


def test_a_header_longer_than_64_kb_is_refused_unparsed(broken, no_parsing):
    copy = broken(lambda c: c.write("links.csv", "x" * 70_000 + "\n1\n"))
    assert "has a header row longer than 64 kB" in only_error(load_raw(copy), "links.csv")


def test_a_workbook_sheet_with_more_rows_than_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "MAX_TABLE_ROWS", 10)
    path = _workbook(tmp_path / "x.xlsx", {"scenario": SETTINGS,
                                           "links": [("region_a", "region_b", "travel_minutes")] + [("a", "b", 1)] * 11})
    assert "has 11 rows or more; at most 10 are read" in only_error(load_raw(path), "x.xlsx [links]")


def test_a_sheet_whose_only_cell_is_far_below_is_not_read_row_by_row_for_ever(tmp_path, monkeypatch):
    """One cell at row 1,000,000 under a header: the reader stops at the limit (blank rows count)."""
    monkeypatch.setattr(reading, "MAX_TABLE_ROWS", 1000)
    wb = openpyxl.Workbook()
    wb.active.title = "scenario"
    for row in SETTINGS:
        wb.active.append(row)
    ws = wb.create_sheet("links")
    ws.append(("region_a", "region_b", "travel_minutes"))
    ws.cell(row=1_000_000, column=1, value="far")
    wb.save(tmp_path / "x.xlsx")
    assert "rows or more; at most 1,000 are read" in only_error(load_raw(tmp_path / "x.xlsx"), "x.xlsx [links]")


def test_an_upload_of_more_rows_than_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(reading, "MAX_TABLE_ROWS", 10)
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("links.csv", "region_a,region_b,travel_minutes\n" + "".join(f"a{i},b,1\n" for i in range(11)))
    up = parse_upload("big.zip", data.getvalue())
    assert any(i.file == "links.csv" and i.message.startswith("has 11 rows or more") for i in up.load_issues)


def test_a_table_of_bad_rows_lists_a_thousand_findings_and_counts_the_rest(broken, capsys):
    """1,500 copies of one workforce row, each also out of range: per check and column the first
    LISTED findings are listed and one line counts the rest."""
    from optimiser.scenario.rowwise import LISTED

    row = "east,radiographer,1e12,120\n"
    copy = broken(lambda c: c.write("workforce.csv", "region,staff_group,in_post_wte,establishment_wte\n" + row * 1_500))
    report, _, _ = validate_raw(load_raw(copy))
    for rule, column, total in (("check_duplicate_keys", "region", 1_499), ("check_ranges", "in_post_wte", 1_500)):
        rows = [i for i in report.issues if i.rule == rule and i.column == column and i.row is not None]
        more = [i for i in report.issues if i.rule == rule and i.column == column and i.row is None]
        assert len(rows) == LISTED and rows[0].row == (3 if rule == "check_duplicate_keys" else 2)
        what = "a key an earlier row has" if rule == "check_duplicate_keys" else rows[0].message
        assert [m.message for m in more] == [f"{total - LISTED:,} more rows with this finding ({what}); "
                                             f"only the first {LISTED:,} are listed"]
        assert more[0].severity == "error" and more[0].file == "workforce.csv"
        assert more[0].stands_for == total - LISTED
    # the totals count every finding, listed or not, so the summary tells the size of the problem
    assert report.count("error") == len(report.errors) - 2 + (1_499 - LISTED) + (1_500 - LISTED)
    assert report.render().endswith(f"{report.count('error'):,} error(s), 0 warning(s) in {report.source}")
    code, text = validate_cli(copy, capsys)  # the same exit status as any scenario with errors
    assert code == 2 and f"{report.count('error'):,} error(s)" in text and "499 more rows with this finding" in text


def test_a_cap_keeps_the_worst_severity_of_the_findings_it_counts():
    """Warnings listed up to the cap and an error past it: the counting line is an error, so the
    report (and validate's exit status) is what listing every finding would give."""
    from optimiser.basics.issues import Issue
    from optimiser.scenario.rowwise import LISTED, listed

    def finding(row: int, severity: str) -> Issue:
        return Issue(severity, "check_x", "t.csv", "is odd", "fix it", row=row, column="c")

    shown = listed([finding(r, "warning") for r in range(LISTED + 5)] + [finding(LISTED + 9, "error")])
    assert len(shown) == LISTED + 1 and all(i.severity == "warning" for i in shown[:LISTED])
    assert (shown[-1].severity, shown[-1].stands_for, shown[-1].row) == ("error", 6, None)
    assert shown[-1].message == f"6 more rows with this finding (is odd); only the first {LISTED:,} are listed"
    assert not ValidationReport("t", tuple(shown)).ok
