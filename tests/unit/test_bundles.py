"""Run bundles without a solver: manifest.json and inputs/ written beside a run's files, run.json's
hash of every file, and the checks `optimiser verify` makes before it re-runs anything (an edited,
missing or added file is named; an input copy that no longer validates to the recorded scenario is
refused). Solving and re-running are in tests/integration/test_verify.py."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import optimiser
from optimiser.outputs.manifest import (
    MANIFEST_FILE,
    SCENARIO_FOLDER,
    SCENARIO_WORKBOOK,
    BundleError,
    start_bundle,
    write_bundle,
)
from optimiser.outputs.run_folders import MANIFEST, changed_files, file_sha256, occupant, run_folder
from optimiser.outputs.verify import check_bundle
from optimiser.scenario.fingerprint import scenario_hash

pytestmark = pytest.mark.unit

FACTS = {"status": "optimal", "objective": 12.5, "mip_gap": 0.0}


def bundled_run(out: Path, scenario_path: Path, kind: str = "solve") -> Path:
    """A run folder of `kind` with one result file and the bundle of the scenario at `scenario_path`."""
    scenario = optimiser.load_scenario(scenario_path)
    bundle = start_bundle(kind, scenario, {"objective": None, "budget_scale": 1.0})
    with run_folder(out, kind) as tmp:
        write_bundle(tmp, bundle, FACTS)
        (tmp / "starts.csv").write_text("provider,region,route,year,starts\np,a,ug,2025,3\n", encoding="utf-8")
    return out


def rehash(folder: Path, name: str) -> None:
    """Record `name`'s new SHA-256 in run.json, as someone covering an edit would."""
    run = json.loads((folder / MANIFEST).read_text())
    run["sha256"][name] = file_sha256(folder / name)
    (folder / MANIFEST).write_text(json.dumps(run), encoding="utf-8")


@pytest.fixture
def bundled(tmp_path, example_dir) -> Path:
    return bundled_run(tmp_path / "run", example_dir)


def test_the_bundle_copies_every_input_file_byte_for_byte_and_records_its_hash(bundled, example_dir):
    manifest = json.loads((bundled / MANIFEST_FILE).read_text())
    copied = manifest["scenario"]["files_sha256"]
    originals = {p.name for p in example_dir.iterdir() if p.suffix in (".csv", ".toml")}
    assert {Path(n).name for n in copied} == originals
    for name, digest in copied.items():
        assert (bundled / name).read_bytes() == (example_dir / Path(name).name).read_bytes()
        assert file_sha256(example_dir / Path(name).name) == digest
    assert manifest["scenario"]["validated_sha256"] == scenario_hash(optimiser.load_scenario(example_dir))
    assert manifest["options"] == {"objective": None, "budget_scale": 1.0} and manifest["outcome"] == FACTS
    assert manifest["solver"]["highs_options"]["threads"] == 1
    assert manifest["solver"]["highs_options"]["random_seed"] == 0
    assert manifest["solver"]["rounding_phases"]["mip_heuristic_effort"] == 0.5  # not HiGHS's 0.05
    assert manifest["solver"]["rounding_phases"]["chains_per_neighbourhood"] == 40
    assert manifest["solver"]["rounding_phases"]["rins_reach_gaps"] == 2.5
    for key in ("optimiser", "python", "pyomo", "highs", "highspy"):
        assert manifest["software"][key]
    assert manifest["machine"]["cpu_count"] >= 1


def test_run_json_lists_every_file_with_its_hash_and_the_inputs_folder_is_the_runs_own(bundled):
    run = json.loads((bundled / MANIFEST).read_text())
    assert f"{SCENARIO_FOLDER}/routes.csv" in run["files"] and MANIFEST_FILE in run["sha256"]
    assert set(run["files"]) == set(run["sha256"])
    assert occupant(bundled).foreign == ()  # inputs/ is not someone else's folder
    assert changed_files(bundled) == []


@pytest.mark.parametrize(("edit", "named"), [
    (lambda f: (f / "starts.csv").write_text("provider,region,route,year,starts\np,a,ug,2025,4\n"), "starts.csv was changed"),
    (lambda f: (f / SCENARIO_FOLDER / "routes.csv").unlink(), f"{SCENARIO_FOLDER}/routes.csv is missing"),
    (lambda f: (f / "notes.txt").write_text("mine"), "notes.txt was added"),
    (lambda f: (f / MANIFEST_FILE).write_text((f / MANIFEST_FILE).read_text().replace("12.5", "11.5")),
     f"{MANIFEST_FILE} was changed"),
])
def test_a_file_edited_missing_or_added_after_the_run_is_named_and_refused(bundled, edit, named):
    edit(bundled)
    assert any(named in line for line in changed_files(bundled))
    with pytest.raises(BundleError, match=named.split(" ")[0].replace(".", r"\.")):
        check_bundle(bundled)


def test_an_input_edited_with_run_json_covered_is_still_caught_by_the_manifest(bundled):
    routes = bundled / SCENARIO_FOLDER / "routes.csv"
    routes.write_text(routes.read_text().replace("0.9", "0.8", 1))
    rehash(bundled, f"{SCENARIO_FOLDER}/routes.csv")
    assert changed_files(bundled) == []
    with pytest.raises(BundleError, match="routes.csv in .* is not the input file the run used"):
        check_bundle(bundled)


def test_a_scenario_that_no_longer_validates_to_the_recorded_hash_is_refused(bundled):
    manifest = json.loads((bundled / MANIFEST_FILE).read_text())
    manifest["scenario"]["validated_sha256"] = "0" * 64  # as if validated differently now
    (bundled / MANIFEST_FILE).write_text(json.dumps(manifest))
    rehash(bundled, MANIFEST_FILE)
    with pytest.raises(BundleError, match="does not validate to the scenario hash"):
        check_bundle(bundled)


def test_a_folder_without_a_manifest_or_hashes_cannot_be_verified(tmp_path):
    with run_folder(tmp_path / "old", "solve") as tmp:
        (tmp / "starts.csv").write_text("x\n")
    with pytest.raises(BundleError, match="has no manifest.json"):
        check_bundle(tmp_path / "old")
    run = json.loads((tmp_path / "old" / MANIFEST).read_text())
    del run["sha256"]  # run.json as written before it recorded hashes
    (tmp_path / "old" / MANIFEST).write_text(json.dumps(run))
    assert "records no SHA-256" in changed_files(tmp_path / "old")[0]
    assert changed_files(tmp_path / "old", unrecorded_ok=True) == []


def test_a_workbook_scenario_is_copied_as_its_workbook(tmp_path, example_dir):
    book = tmp_path / "example.xlsx"
    optimiser.write_scenario(optimiser.load_raw(example_dir), book)
    out = bundled_run(tmp_path / "run", book)
    assert (out / SCENARIO_WORKBOOK).read_bytes() == book.read_bytes()
    manifest, scenario, _lines = check_bundle(out)
    assert manifest["scenario"]["form"] == "workbook"
    # the same scenario, typed as a folder or a workbook, has one validated hash
    assert scenario_hash(scenario) == scenario_hash(optimiser.load_scenario(example_dir))


def test_a_scenario_from_no_file_is_bundled_from_its_validated_text(tmp_path, example_dir):
    raw = optimiser.load_raw(example_dir)
    raw.source = "upload.zip"  # an upload or a saved scenario: no files to copy
    scenario = optimiser.scenario_from_raw(raw)
    bundle = start_bundle("solve", scenario, {})
    with run_folder(tmp_path / "run", "solve") as tmp:
        write_bundle(tmp, bundle, FACTS)
    manifest, again, _lines = check_bundle(tmp_path / "run")
    assert manifest["scenario"]["form"] == "text"
    assert scenario_hash(again) == scenario_hash(scenario)


def test_scenario_files_changed_while_the_run_worked_are_refused(tmp_path, example_dir):
    copy = Path(shutil.copytree(example_dir, tmp_path / "scenario"))
    scenario = optimiser.load_scenario(copy)  # validated with the budget as it was
    (copy / "budget.csv").write_text((copy / "budget.csv").read_text().replace("1500000", "1600000"))
    bundle = start_bundle("solve", scenario, {})  # the files' bytes, read after the edit
    with pytest.raises(BundleError, match="changed while the run worked"), run_folder(tmp_path / "run", "solve") as tmp:
        write_bundle(tmp, bundle, FACTS)
    assert not (tmp_path / "run").exists()  # nothing published


def test_the_validated_hash_ignores_how_a_number_was_typed_but_not_its_value(tmp_path, example_dir):
    copy = Path(shutil.copytree(example_dir, tmp_path / "scenario"))
    base = scenario_hash(optimiser.load_scenario(copy))
    (copy / "budget.csv").write_text((copy / "budget.csv").read_text().replace("1500000", "1500000.0"))
    assert scenario_hash(optimiser.load_scenario(copy)) == base
    (copy / "budget.csv").write_text((copy / "budget.csv").read_text().replace("1500000.0", "1500001"))
    assert scenario_hash(optimiser.load_scenario(copy)) != base


def test_the_manifest_names_the_code_s_commit_in_a_checkout(bundled):
    from optimiser.basics.locations import PACKAGE_DIR

    code = json.loads((bundled / MANIFEST_FILE).read_text())["code"]
    if not (PACKAGE_DIR.parent / ".git").exists():  # an installed package: no commit to name
        assert code is None
        return
    assert len(code["git_commit"]) == 40 and int(code["git_commit"], 16) >= 0
    assert isinstance(code["uncommitted_changes_to_the_engine"], bool)
