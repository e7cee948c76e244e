"""optimiser.scenario.io: a scenario folder or workbook is read as the text typed, with each row's
place in its file; writing a folder or a workbook and reading it back gives the same scenario."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from optimiser.scenario.io import RawScenario, load_raw, write_folder, write_workbook

pytestmark = pytest.mark.unit

WORKFORCE_HEADER = ["region", "staff_group", "in_post_wte", "establishment_wte"]


def table(raw: RawScenario, name: str) -> dict:
    """A table as {row's index: its cells}; the index is the spreadsheet row - 2 (header = row 1)."""
    return {i: list(row) for i, row in zip(raw.tables[name].index, raw.tables[name].values.tolist(), strict=True)}


def test_a_folder_is_read_as_the_text_typed_with_each_rows_place_in_the_file(tmp_path):
    (tmp_path / "scenario.toml").write_text(
        'name = "Two ICBs"\nstart_year = 2025\n\n[solver]\ntime_limit_s = 30\n', encoding="utf-8")
    (tmp_path / "regions.csv").write_text("region,name\neast,East ICB\n", encoding="utf-8")
    (tmp_path / "workforce.csv").write_text(
        "region,staff_group,in_post_wte,establishment_wte\n"
        " east , radiographer ,0150,175.0\n"  # row 2: padding trimmed, numbers kept as typed
        "\n"  # row 3: a blank line
        ",,,\n"  # row 4: only separators
        "west,'=cmd(),12.50,\n"  # row 5: a scenario file holds what was typed, apostrophe included
        "  ,  ,  ,  \n"  # row 6: only spaces
        "north,sonographer,-5,1e3\n", encoding="utf-8")  # row 7
    (tmp_path / "notes.csv").write_text("anything,else\n1,2\n", encoding="utf-8")  # not a scenario table

    raw = load_raw(tmp_path)
    assert (raw.form, raw.load_issues, raw.where("workforce")) == ("folder", [], "workforce.csv")
    assert raw.config == {"name": "Two ICBs", "start_year": 2025, "solver": {"time_limit_s": 30}}
    assert sorted(raw.tables) == ["regions", "workforce"]
    assert list(raw.tables["workforce"].columns) == WORKFORCE_HEADER
    assert table(raw, "workforce") == {
        0: ["east", "radiographer", "0150", "175.0"],
        3: ["west", "'=cmd()", "12.50", ""],
        5: ["north", "sonographer", "-5", "1e3"],
    }


def test_a_workbook_is_read_as_text_with_each_rows_place_in_its_sheet(tmp_path):
    wb = openpyxl.Workbook()
    settings = wb.active
    settings.title = "scenario"
    for row in [("key", "value"), ("name", "Two ICBs"), ("start_year", 2025), (None, None),
                ("discount", " "), ("solver.time_limit_s", 30), ("solver.mip_rel_gap", 0.02)]:
        settings.append(row)
    workforce = wb.create_sheet("workforce")
    for row in [(*WORKFORCE_HEADER, None),
                (" east ", "radiographer", 150, 175.0, "beyond the header"),  # row 2
                (None, None, None, None),  # row 3: blank
                ("west", "'=cmd()", 12.5, None),  # row 4
                ("north", "0150", -5, 1000.25)]:  # row 5: text that looks like a number stays text
        workforce.append(row)
    wb.create_sheet("notes").append(("not a scenario table",))
    wb.save(tmp_path / "two_icbs.xlsx")

    raw = load_raw(tmp_path / "two_icbs.xlsx")
    assert (raw.form, raw.load_issues) == ("workbook", [])
    assert (raw.where("workforce"), raw.where("scenario")) == ("two_icbs.xlsx [workforce]", "two_icbs.xlsx [scenario]")
    # blank values are not settings; solver.* keys go under "solver"
    assert raw.config == {"name": "Two ICBs", "start_year": 2025,
                          "solver": {"time_limit_s": 30, "mip_rel_gap": 0.02}}
    assert sorted(raw.tables) == ["workforce"]
    assert list(raw.tables["workforce"].columns) == WORKFORCE_HEADER
    # numbers become the text a planner would type: 175.0 is "175", 12.5 is "12.5"
    assert table(raw, "workforce") == {
        0: ["east", "radiographer", "150", "175"],
        2: ["west", "=cmd()", "12.5", ""],
        3: ["north", "0150", "-5", "1000.25"],
    }


def hand_scenario() -> RawScenario:
    """Cells a spreadsheet would run as formulas, in text and number columns, and codes with
    leading zeros, which must come back exactly as typed."""
    return RawScenario(
        source="<hand>", form="folder",
        config={"name": "Two ICBs", "start_year": 2025, "horizon_years": 6, "discount": 0.97,
                "solver": {"time_limit_s": 30, "mip_rel_gap": 1e-6}},
        tables={
            "regions": pd.DataFrame({"region": ["east", "=west"], "name": ["East ICB", "+44 ICB"],
                                     "parent": ["", "@network"], "educator_group": ["radiographer", ""]},
                                    dtype=str),
            "workforce": pd.DataFrame({"region": ["east", "=west"], "staff_group": ["007", "-rad"],
                                       "in_post_wte": ["150", "-5"], "establishment_wte": ["0.05", ""]},
                                      dtype=str),
        })


def assert_same_scenario(back: RawScenario, raw: RawScenario) -> None:
    assert back.load_issues == []
    assert back.config == raw.config
    assert list(back.tables) == list(raw.tables)
    for name, df in raw.tables.items():
        pd.testing.assert_frame_equal(back.tables[name], df, check_index_type=False, obj=name)


def test_a_written_folder_reads_back_the_same_and_holds_every_cell_as_typed(tmp_path):
    raw = hand_scenario()
    write_folder(raw, tmp_path / "copy")
    assert_same_scenario(load_raw(tmp_path / "copy"), raw)
    # scenario files are data: formula-like text is written as typed (the guard is for workbooks)
    assert (tmp_path / "copy" / "workforce.csv").read_text(encoding="utf-8").splitlines() == [
        ",".join(WORKFORCE_HEADER), "east,007,150,0.05", "=west,-rad,-5,"]
    assert "=west,+44 ICB,@network," in (tmp_path / "copy" / "regions.csv").read_text(encoding="utf-8")


def test_a_written_workbook_reads_back_the_same_with_numbers_as_numbers(tmp_path):
    raw = hand_scenario()
    write_workbook(raw, tmp_path / "copy.xlsx")
    assert_same_scenario(load_raw(tmp_path / "copy.xlsx"), raw)
    wb = openpyxl.load_workbook(tmp_path / "copy.xlsx")
    assert wb.sheetnames == ["scenario", "regions", "workforce"]
    cells = [[(c.value, c.data_type) for c in row] for row in wb["workforce"].iter_rows(min_row=2)]
    assert cells == [[("east", "s"), ("007", "s"), (150, "n"), (0.05, "n")],
                     [("'=west", "s"), ("'-rad", "s"), (-5, "n"), (None, "n")]]
    settings = {row[0]: row[1] for row in wb["scenario"].iter_rows(min_row=2, values_only=True)}
    assert settings == {"name": "Two ICBs", "start_year": 2025, "horizon_years": 6, "discount": 0.97,
                        "solver.time_limit_s": 30, "solver.mip_rel_gap": 1e-6}
