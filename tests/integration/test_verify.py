"""`optimiser verify` on real runs: a plan, a frontier, a status quo projection and a sweep made
again from their folders alone agree (exit 0); a folder edited by hand is refused naming the file
(exit 2, nothing written); a folder whose edit was covered in run.json disagrees (exit 4). The
checks that need no solve are in tests/unit/test_bundles.py."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from command_line import run

from optimiser.cli.main import main
from optimiser.outputs.run_folders import MANIFEST, file_sha256

pytestmark = pytest.mark.integration


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def covered_edit(folder: Path, name: str, old: str, new: str) -> None:
    """Edit `name` and record its new hash in run.json: an edit only a re-run can catch."""
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    runs = json.loads((folder / MANIFEST).read_text())
    runs["sha256"][name] = file_sha256(path)
    (folder / MANIFEST).write_text(json.dumps(runs), encoding="utf-8")


@pytest.fixture(scope="module")
def plan_folder(tmp_path_factory, example_dir) -> Path:
    out = tmp_path_factory.mktemp("runs") / "plan"
    assert main(["solve", "--scenario", str(example_dir), "--out", str(out)]) == 0
    return out


def test_a_plan_made_again_from_its_folder_agrees(plan_folder, capsys):
    before = snapshot(plan_folder)
    code, out, err = run(capsys, "verify", plan_folder)
    assert code == 0, err
    assert "objective: recorded 1,007.495876, re-run 1,007.495876" in out and "agrees" in out
    assert "plan: every decision" in out and "the run made again agrees" in out
    assert snapshot(plan_folder) == before  # verify writes nothing


def test_the_workbook_and_summary_carry_the_manifests_hash(plan_folder):
    digest = hashlib.sha256((plan_folder / "manifest.json").read_bytes()).hexdigest()
    assert json.loads((plan_folder / "summary.json").read_text())["manifest_sha256"] == digest
    sheet = openpyxl.load_workbook(plan_folder / "plan.xlsx", read_only=True)["Assumptions"]
    rows = {r[0]: r[1] for r in sheet.iter_rows(values_only=True)}
    assert rows["manifest.json sha256"] == digest


def test_a_folder_edited_by_hand_is_refused_naming_the_file(plan_folder, tmp_path, capsys):
    edited = tmp_path / "edited"
    edited.mkdir()
    for name, data in snapshot(plan_folder).items():
        (edited / name).parent.mkdir(parents=True, exist_ok=True)
        (edited / name).write_bytes(data)
    starts = pd.read_csv(edited / "starts.csv")
    starts.loc[0, "starts"] += 1
    starts.to_csv(edited / "starts.csv", index=False)
    before = snapshot(edited)
    code, out, err = run(capsys, "verify", edited)
    assert code == 2
    assert "starts.csv was changed after the run" in err and "nothing was run or written" in err
    assert snapshot(edited) == before


@pytest.mark.parametrize(("name", "old", "new", "says"), [
    ("starts.csv", None, "1", "decision rows differ"),  # the first plan row's starts get a digit more
    ("manifest.json", '"objective": 1007.49', '"objective": 1107.49', "objective: recorded 1,107.49"),
])
def test_a_covered_edit_is_caught_by_making_the_run_again(plan_folder, tmp_path, capsys, name, old, new, says):
    copy = tmp_path / "copy"
    copy.mkdir()
    for n, data in snapshot(plan_folder).items():
        (copy / n).parent.mkdir(parents=True, exist_ok=True)
        (copy / n).write_bytes(data)
    if old is None:  # the first data row up to its value, whatever plan this HiGHS found
        first = (copy / name).read_text(encoding="utf-8").splitlines()[1]
        old, new = first.rsplit(",", 1)[0] + ",", first.rsplit(",", 1)[0] + "," + new
    covered_edit(copy, name, old, new)
    code, out, err = run(capsys, "verify", copy)
    assert code == 4, out + err
    assert says in out and "DISAGREES" in out and "does NOT agree" in err


def test_a_frontier_and_a_projection_made_again_agree(example_dir, tmp_path, capsys):
    frontier = tmp_path / "frontier"
    assert run(capsys, "frontier", "--scenario", example_dir, "--budget-scales", "0.5,1", "--out", frontier)[0] == 0
    assert (frontier / "manifest.json").is_file() and (frontier / "inputs" / "scenario" / "routes.csv").is_file()
    code, out, err = run(capsys, "verify", frontier)
    assert code == 0, out + err
    assert "budget x0.5:" in out and "budget x1:" in out
    projection = tmp_path / "projection"
    assert run(capsys, "project", "--scenario", example_dir, "--out", projection)[0] == 0
    code, out, err = run(capsys, "verify", projection)
    assert code == 0, out + err
    assert "projection: every supply the same" in out


def test_a_sweep_of_a_plan_folder_bundles_the_plan_and_agrees_again(plan_folder, example_with_uncertainty, tmp_path,
                                                                    capsys):
    out = tmp_path / "sweep"
    code, _, err = run(capsys, "sweep", "--samples", 2, "--workers", 1, "--seed", 3, "--scenario",
                       example_with_uncertainty, "--plan", plan_folder, "--out", out)
    assert code == 0, err
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["options"]["samples"] == 2 and manifest["inputs"]["plan"]["copy"] == "inputs/plan"
    assert (out / "inputs" / "plan" / "starts.csv").read_bytes() == (plan_folder / "starts.csv").read_bytes()
    code, text, err = run(capsys, "verify", out)
    assert code == 0, text + err
    assert "P50 totals: agree" in text


def test_a_sweep_refuses_an_edited_plan_folder(plan_folder, example_with_uncertainty, tmp_path, capsys):
    edited = tmp_path / "plan"
    edited.mkdir()
    for n, data in snapshot(plan_folder).items():
        (edited / n).parent.mkdir(parents=True, exist_ok=True)
        (edited / n).write_bytes(data)
    (edited / "educators.csv").write_text("edited\n")
    code, _, err = run(capsys, "sweep", "--samples", 2, "--workers", 1, "--scenario", example_with_uncertainty,
                       "--plan", edited, "--out", tmp_path / "sweep")
    assert code == 2
    assert "educators.csv was changed after the run" in err
    assert not (tmp_path / "sweep").exists()
