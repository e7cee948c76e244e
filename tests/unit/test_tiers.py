"""The tier rules of tests/conftest.py: every test carries its folder's marker, and unit tests run
no solver and no database server."""

from __future__ import annotations

import re
from pathlib import Path

import highspy
import pytest
from conftest import EXAMPLE_DIR, NO_SERVER, NO_SOLVER
from test_solver_rounding import _two_region_cohort

import optimiser
import optimiser.solver as solver
from optimiser.store import Store

pytestmark = pytest.mark.unit

CONFTEST = Path(__file__).resolve().parents[1] / "conftest.py"
MARKERS_INI = "[pytest]\nmarkers =\n    unit\n    integration\n    ui\n"


def write_tests_folder(pytester: pytest.Pytester, files: dict[str, str]) -> None:
    """A tests folder with this repository's conftest.py and the given test files."""
    pytester.makeconftest(CONFTEST.read_text(encoding="utf-8"))
    pytester.makeini(MARKERS_INI)
    for name, text in files.items():
        path = pytester.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_a_solve_in_the_unit_tier_fails():
    with pytest.raises(pytest.fail.Exception, match=re.escape(NO_SOLVER)):
        highspy.Highs().run()
    with pytest.raises(pytest.fail.Exception, match=re.escape(NO_SOLVER)):
        highspy.Highs().solve()
    with pytest.raises(pytest.fail.Exception, match=re.escape(NO_SOLVER)):
        optimiser.project(optimiser.load_scenario(EXAMPLE_DIR))
    # below the pipeline too: the solver adapter on a model built by hand
    with pytest.raises(pytest.fail.Exception, match=re.escape(NO_SOLVER)):
        solver.run(solver.compile_model(_two_region_cohort()), time_limit=5, mip_rel_gap=1e-6)


def test_a_database_server_in_the_unit_tier_fails_and_sqlite_works(tmp_path):
    # refused before it dials: port 1 on this machine would only fail later, and differently
    with pytest.raises(pytest.fail.Exception, match=re.escape(NO_SERVER)):
        Store("postgresql+psycopg://planner@127.0.0.1:1/plans")
    with Store(f"sqlite:///{tmp_path / 'store.sqlite3'}") as store:
        assert store.list_scenarios() == []


def test_tests_without_their_folders_marker_are_refused(pytester):
    write_tests_folder(pytester, {
        "unit/test_unmarked.py": "def test_unmarked():\n    pass\n",
        "unit/test_wrong.py": "import pytest\npytestmark = pytest.mark.integration\n\n"
                              "def test_marked_integration():\n    pass\n",
        "integration/test_both.py": "import pytest\npytestmark = pytest.mark.integration\n\n"
                                    "@pytest.mark.unit\ndef test_marked_twice():\n    pass\n",
        "test_loose.py": "import pytest\npytestmark = pytest.mark.unit\n\ndef test_outside():\n    pass\n",
        "ui/test_fine.py": "import pytest\npytestmark = pytest.mark.ui\n\ndef test_fine():\n    pass\n",
    })
    result = pytester.runpytest_inprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([
        "*tests without their tier's marker are refused:",
        "*integration/test_both.py::test_marked_twice: marked integration and unit but is in "
        "tests/integration; it needs exactly one tier marker, pytest.mark.integration",
        "*test_loose.py::test_outside: not in a tier folder*",
        "*unit/test_unmarked.py::test_unmarked: no tier marker; add pytestmark = pytest.mark.unit",
        "*unit/test_wrong.py::test_marked_integration: marked integration but is in tests/unit*",
    ])
    assert "test_fine" not in result.stderr.str()


def test_unit_tests_that_solve_fail_and_integration_tests_solve(pytester):
    """In a fresh process, so this test's own guard cannot stand in for the one under test."""
    solves = ("import highspy\nimport pytest\n\nimport optimiser\n\npytestmark = pytest.mark.{tier}\n\n"
              f"EXAMPLE = {str(EXAMPLE_DIR)!r}\n\n"
              "@pytest.fixture(scope='module')\ndef status_quo():\n"
              "    return optimiser.project(optimiser.load_scenario(EXAMPLE))\n\n"
              "def test_runs_highs():\n    highspy.Highs().run()\n\n"
              "def test_projects(status_quo):\n    assert status_quo.weighted_shortfall > 0\n")
    write_tests_folder(pytester, {"unit/test_solves.py": solves.format(tier="unit"),
                            "integration/test_solves_too.py": solves.format(tier="integration")})
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1, errors=1)  # the module fixture fails at setup
    outcomes = {r.split(" - ")[0] for r in result.stdout.lines if r.startswith(("FAILED", "ERROR"))}
    assert outcomes == {"FAILED unit/test_solves.py::test_runs_highs", "ERROR unit/test_solves.py::test_projects"}
    assert result.stdout.str().count(NO_SOLVER) >= 2
