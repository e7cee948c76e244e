"""The one reader of a plan's run folder (optimiser/results/written_plan.py): what it refuses, in
words that name the file and the fix, and the cells it gives back as they were written."""

from __future__ import annotations

import json

import pytest

from optimiser.results.written_plan import (
    PlanFolderError,
    plan_manifest,
    plan_summary,
    read_plan_csvs,
)

pytestmark = pytest.mark.unit


def test_a_folder_that_holds_no_plan_is_refused_with_the_fix(tmp_path):
    with pytest.raises(PlanFolderError, match="is not a folder: give the --out folder of an `optimiser solve`"):
        plan_manifest(tmp_path / "nowhere")
    assert plan_manifest(tmp_path) is None  # a folder written before run folders had a manifest
    with pytest.raises(PlanFolderError, match="no readable run.json"):
        plan_manifest(tmp_path, required=True)
    (tmp_path / "run.json").write_text(json.dumps({"kind": "sweep", "files": {}}))
    with pytest.raises(PlanFolderError, match="holds a run of kind 'sweep', not a plan"):
        plan_manifest(tmp_path)
    (tmp_path / "run.json").write_text(json.dumps({"kind": "replan", "files": {}}))
    assert plan_manifest(tmp_path, required=True)["kind"] == "replan"
    with pytest.raises(PlanFolderError, match=r"no readable summary.json .*: give the --out folder"):
        plan_summary(tmp_path)


def test_every_problem_with_the_tables_is_named_at_once(tmp_path):
    (tmp_path / "starts.csv").write_bytes(b"provider,year,starts\n\xff\xfe,2025,1\n")  # not UTF-8
    tables, problems = read_plan_csvs(tmp_path, ["starts.csv", "educators.csv", "retention.csv"],
                                      optional=["retention.csv"])
    assert tables == {}
    assert len(problems) == 2, problems  # the optional file missing is no problem
    assert problems[0].startswith(f"{tmp_path / 'starts.csv'}: cannot be read as CSV")
    assert "Fix: save it as comma-separated UTF-8 text" in problems[0]
    assert problems[1].startswith(f"{tmp_path / 'educators.csv'}: file is missing. Fix: give the --out folder")


def test_cells_come_back_as_written(tmp_path):
    # a spreadsheet's byte-order mark, a guarded formula-like name, a code with leading zeros, a blank
    (tmp_path / "starts.csv").write_text("\ufeffprovider,region,year,starts\n'=uni,007,2025,12\nuni_b,,2026,3.5\n",
                                         encoding="utf-8")
    text = read_plan_csvs(tmp_path, ["starts.csv"], as_text=True)[0]["starts.csv"]
    assert list(text.columns) == ["provider", "region", "year", "starts"]
    assert text.to_dict("list") == {"provider": ["=uni", "uni_b"], "region": ["007", ""], "year": ["2025", "2026"],
                                    "starts": ["12", "3.5"]}
    typed = read_plan_csvs(tmp_path, ["starts.csv"])[0]["starts.csv"]
    assert typed["provider"].tolist() == ["=uni", "uni_b"] and typed["starts"].tolist() == [12.0, 3.5]
    assert typed["region"].isna().tolist() == [False, True]
