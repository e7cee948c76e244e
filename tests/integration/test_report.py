"""`optimiser report RUN_DIR`: a solved plan's board pack from its run folder alone, and the
folders and destinations it refuses."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from command_line import run

from optimiser.cli.main import main

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def solved(tmp_path_factory, example_v2_dir):
    out = tmp_path_factory.mktemp("report") / "plan"
    assert main(["solve", "--scenario", str(example_v2_dir), "--out", str(out)]) == 0
    return out


def test_report_writes_a_self_contained_board_pack_of_the_solved_plan(capsys, solved, tmp_path):
    pack = tmp_path / "board.html"
    code, text, _ = run(capsys, "report", solved, "--out", pack)
    assert code == 0
    # the fuller manifest (manifest.json, which solve --out writes) names the run
    digest = hashlib.sha256((solved / "manifest.json").read_bytes()).hexdigest()
    assert f"Wrote {pack} (manifest.json SHA-256 {digest})" in text
    page = pack.read_text(encoding="utf-8")
    summary = (solved / "summary.md").read_text(encoding="utf-8")
    headline = summary.split("\n")[2]  # the story written at solve time, told again from the folder alone
    assert headline.startswith("Over ") and f"<p class='headline'>{headline.replace(chr(39), '&#x27;')}</p>" in page
    for heading in ("Supply against demand", "What to commission, where and from when", "What limits the plan",
                    "The levers it leans on", "Assumptions"):
        assert f"<h2>{heading}</h2>" in page
    assert digest in page
    # charts inline: plotly's own script, no script fetched from elsewhere, one div per chart
    assert "<script src=" not in page and page.count("class='chart'") >= 3
    words = re.sub(r"<script.*?</script>", "", page, flags=re.S)
    assert not re.search(r"\b(inf|nan|NaN|Infinity)\b", words)
    with open(solved / "summary.json", encoding="utf-8") as f:
        assert json.load(f)["scenario"] in page


def test_report_without_out_writes_beside_the_run_folder_and_never_replaces_unasked(capsys, solved):
    beside = solved.parent / "plan_board_pack.html"
    beside.unlink(missing_ok=True)
    assert run(capsys, "report", solved)[0] == 0
    assert beside.is_file()
    listed = {Path(name).parts[0] for name in json.loads((solved / "run.json").read_text())["files"]}
    assert sorted(p.name for p in solved.iterdir()) == sorted(listed | {"run.json"})  # the run folder is untouched
    code, _, err = run(capsys, "report", solved)
    assert code == 2 and "exists" in err and "--replace" in err
    assert run(capsys, "report", solved, "--replace")[0] == 0


def test_report_refuses_a_folder_that_holds_no_plan(capsys, example_dir, tmp_path):
    projection = tmp_path / "sq"
    assert main(["project", "--scenario", str(example_dir), "--out", str(projection)]) == 0
    code, _, err = run(capsys, "report", projection, "--out", tmp_path / "x.html")
    assert code == 2 and "not a plan" in err and not (tmp_path / "x.html").exists()
    code, _, err = run(capsys, "report", tmp_path / "missing")
    assert code == 2 and "is not a folder" in err
