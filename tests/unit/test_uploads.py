"""Uploaded scenarios: the same tables as the files on disk, and hostile files refused with a reason."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from optimiser.basics.locations import DEFAULT_SCENARIO_DIR
from optimiser.basics.zips import MAX_MEMBERS
from optimiser.scenario.io import load_raw, write_workbook
from optimiser.scenario.uploads import is_unreadable, parse_upload
from optimiser.scenario.validation import validate_raw

pytestmark = pytest.mark.unit


def _zip(members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _folder_zip(prefix: str = "") -> bytes:
    return _zip({prefix + p.name: p.read_bytes() for p in DEFAULT_SCENARIO_DIR.iterdir()
                 if p.suffix in (".csv", ".toml")})


def _same_tables(a, b) -> None:
    assert set(a.tables) == set(b.tables)
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name].reset_index(drop=True),
                                      b.tables[name].reset_index(drop=True), check_dtype=False)


def _errors(raw) -> list[str]:
    return [i.message for i in raw.load_issues if i.severity == "error"]


def test_zip_of_the_default_folder_reads_the_same_cells_as_the_folder():
    disk = load_raw(DEFAULT_SCENARIO_DIR)
    for prefix in ("", "west_midlands/"):
        up = parse_upload("wm.zip", _folder_zip(prefix))
        assert _errors(up) == []
        _same_tables(up, disk)
        assert up.config == disk.config
        assert validate_raw(up)[0].ok


def test_workbook_written_by_the_app_uploads_back_unchanged(tmp_path: Path):
    disk = load_raw(DEFAULT_SCENARIO_DIR)
    write_workbook(disk, tmp_path / "wm.xlsx")
    up = parse_upload("wm.xlsx", (tmp_path / "wm.xlsx").read_bytes())
    assert _errors(up) == []
    # a workbook stores numbers as numbers ("1.0" comes back as "1"): compare the values read
    typed_up, typed_disk = validate_raw(up)[1], validate_raw(disk)[1]
    assert typed_up is not None and typed_disk is not None
    for name, df in typed_disk.items():
        pd.testing.assert_frame_equal(typed_up[name].reset_index(drop=True), df.reset_index(drop=True))
    assert up.config["horizon_years"] == 14 and up.config["solver"]["mip_rel_gap"] == 0.03
    assert up.config["first_decision_year"] == 2024 and up.config["run_out_years"] == 5  # v2 settings survive too
    assert up.source == "wm.xlsx"


def test_text_renamed_to_xlsx_is_refused_by_its_first_bytes():
    up = parse_upload("plan.xlsx", b"region,name\nx,y\n")
    assert is_unreadable(up)
    assert "zip signature" in _errors(up)[0]
    assert up.load_issues[0].file == "plan.xlsx" and up.load_issues[0].fix


def _bomb(name: str) -> bytes:
    bomb = _zip({name: b"0" * (20 * 1024 * 1024)})  # 20 MB of zeros packs to ~20 kB
    assert len(bomb) < 100_000
    return bomb


@pytest.mark.parametrize(("upload", "member"), [("bomb.zip", "regions.csv"),
                                                 ("bomb.xlsx", "xl/worksheets/sheet1.xml")])
def test_zip_bomb_upload_is_refused_by_its_ratio_before_unpacking(upload, member, monkeypatch):
    monkeypatch.setattr(zipfile.ZipFile, "read", _never_unpacked)
    up = parse_upload(upload, _bomb(member))
    assert is_unreadable(up)
    assert "unpacks to 20 MB from 20 kB" in _errors(up)[0] and "zip bomb" in _errors(up)[0]
    assert up.load_issues[0].fix


def test_zip_bomb_workbook_on_disk_is_refused_by_the_same_guard(tmp_path: Path, monkeypatch):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(_bomb("xl/worksheets/sheet1.xml"))
    monkeypatch.setattr(zipfile.ZipFile, "read", _never_unpacked)
    report = validate_raw(load_raw(path))[0]
    assert [(i.rule, i.file) for i in report.errors] == [("check_files", "bomb.xlsx")]
    assert "zip bomb" in report.errors[0].message and report.errors[0].fix


def _never_unpacked(*args, **kwargs):
    raise AssertionError("a refused archive must not be unpacked")


def test_archive_of_too_many_files_is_refused():
    up = parse_upload("many.zip", _zip({f"f{i}.csv": b"x" for i in range(MAX_MEMBERS + 1)}))
    assert is_unreadable(up)
    assert f"holds {MAX_MEMBERS + 1} files" in _errors(up)[0]


def test_workbook_with_entity_expansion_is_refused(tmp_path: Path):
    write_workbook(load_raw(DEFAULT_SCENARIO_DIR), tmp_path / "wm.xlsx")
    with zipfile.ZipFile(tmp_path / "wm.xlsx") as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><sst>&lol2;</sst>')
    parts["xl/sharedStrings.xml"] = laughs
    up = parse_upload("evil.xlsx", _zip(parts))
    assert is_unreadable(up)
    assert "entities or a DTD" in _errors(up)[0]


def test_zip_members_outside_the_format_are_ignored_and_never_written(tmp_path: Path):
    data = _zip({**{p.name: p.read_bytes() for p in DEFAULT_SCENARIO_DIR.glob("*.csv")},
                 "scenario.toml": (DEFAULT_SCENARIO_DIR / "scenario.toml").read_bytes(),
                 "../../evil.csv": b"x", "payload.pkl": b"\x80\x04"})
    up = parse_upload("wm.zip", data)
    assert _errors(up) == []
    ignored = sorted(i.message for i in up.load_issues if i.severity == "warning")
    assert ignored == ["file ../../evil.csv is not part of the scenario format and was ignored",
                       "file payload.pkl is not part of the scenario format and was ignored"]
    assert not (tmp_path.parent / "evil.csv").exists()


def test_zip_without_scenario_files_and_other_file_types_are_refused():
    assert "none of the scenario files" in _errors(parse_upload("x.zip", _zip({"a.txt": b"hi"})))[0]
    assert "neither an .xlsx" in _errors(parse_upload("x.pkl", b"\x80\x04K\x01."))[0]
    assert "is empty" in _errors(parse_upload("x.zip", b""))[0]


def test_bad_cell_in_an_upload_is_reported_with_table_row_and_column():
    members = {p.name: p.read_bytes() for p in DEFAULT_SCENARIO_DIR.iterdir() if p.suffix in (".csv", ".toml")}
    members["budget.csv"] = members["budget.csv"].replace(b"23500000", b"lots", 1)
    up = parse_upload("wm.zip", _zip(members))
    report, _, _ = validate_raw(up)
    bad = [i for i in report.errors]
    assert [(i.file, i.row, i.column, i.value) for i in bad] == [("budget.csv", 2, "budget_gbp", "lots")]
