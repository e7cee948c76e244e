"""A robust plan's run folder proves itself as a deterministic solve's does: manifest.json and
inputs/ beside the plan, and `optimiser verify` solves the robust plan again from them (the
recorded samples, seed and risk) and compares the objective and the first stage."""

from __future__ import annotations

import json
import shutil

import pytest
from test_verify import covered_edit, run, snapshot

pytestmark = pytest.mark.integration

UNCERTAINTY = ("parameter,scope,distribution,arguments\n"
               "leaver_rate,*,normal,sd=0.005\n"
               "retention_effect,*,beta,a=8;b=2\n"
               "returner_pool,return_to_practice,lognormal,sigma=0.4\n")


@pytest.fixture(scope="module")
def robust_folder(tmp_path_factory, example_v2_dir):
    root = tmp_path_factory.mktemp("robust")
    scenario = root / "example_v2"
    shutil.copytree(example_v2_dir, scenario)
    (scenario / "uncertainty.csv").write_text(UNCERTAINTY, encoding="utf-8")
    out = root / "plan"
    from optimiser.cli.main import main
    assert main(["solve", "--scenario", str(scenario), "--robust", "--samples", "2", "--seed", "4",
                 "--risk", "cvar:0.5", "--out", str(out)]) == 0
    return out


def test_a_robust_folder_holds_the_manifest_and_the_inputs(robust_folder):
    manifest = json.loads((robust_folder / "manifest.json").read_text())
    assert manifest["kind"] == "robust"
    assert {k: manifest["options"][k] for k in ("samples", "seed", "risk")} == {"samples": 2, "seed": 4,
                                                                               "risk": "cvar:0.5"}
    assert (robust_folder / "inputs" / "scenario" / "uncertainty.csv").read_text() == UNCERTAINTY
    summary = json.loads((robust_folder / "robust_summary.json").read_text())
    assert manifest["outcome"]["objective"] == summary["objective"]
    assert manifest["outcome"]["plan"]["weighted_shortfall"] == pytest.approx(
        json.loads((robust_folder / "summary.json").read_text())["weighted_shortfall"])
    assert json.loads((robust_folder / "summary.json").read_text())["manifest_sha256"]


def test_a_robust_plan_made_again_from_its_folder_agrees(robust_folder, capsys):
    before = snapshot(robust_folder)
    code, out, err = run(capsys, "verify", robust_folder)
    assert code == 0, out + err
    assert "Verifying" in out and "(robust)" in out
    assert "re-run: 2 futures of seed 4, risk cvar:0.5" in out
    assert "robust objective (over the futures): recorded" in out and "DISAGREES" not in out
    assert "plan: every decision" in out and "the run made again agrees" in out
    assert snapshot(robust_folder) == before  # verify writes nothing


def test_an_edited_first_stage_disagrees(robust_folder, tmp_path, capsys):
    edited = tmp_path / "edited"
    shutil.copytree(robust_folder, edited)
    first = (edited / "retention.csv").read_text(encoding="utf-8").splitlines()[1]
    value = first.rsplit(",", 1)[1]
    covered_edit(edited, "retention.csv", first, first.rsplit(",", 1)[0] + "," + str(float(value) + 1.5))
    code, out, err = run(capsys, "verify", edited)
    assert code == 4, out + err
    assert "retention.csv" in out and "DISAGREES" in out
