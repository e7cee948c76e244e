"""No cell, table, folder or archive makes a traceback or a partial write (hypothesis).

`load_raw`, `parse_upload` and `validate_raw` answer anything with Issues; the writers either
write a scenario whole or raise the engine's own error (ScenarioError, DestinationError) having
written nothing. The readers' last resort (an Issue saying "unexpected") exists for planners;
these tests check that nothing drawn here ever reaches it. Strategies: tests/adversarial.py.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import pytest
from adversarial import archives, damaged, hostile_raws, scenario_folders
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimiser.basics.files import DestinationError
from optimiser.basics.issues import Issue, ScenarioError
from optimiser.scenario.io import RawScenario, load_raw, write_folder, write_workbook
from optimiser.scenario.uploads import parse_upload
from optimiser.scenario.validation import validate_raw

pytestmark = pytest.mark.unit

QUICK = settings(max_examples=60, deadline=20_000, suppress_health_check=[HealthCheck.too_slow])


def assert_handled(issues: list[Issue] | tuple[Issue, ...]) -> None:
    """Every finding renders, and none is the readers' last resort (an error they did not expect)."""
    for issue in issues:
        assert "unexpected" not in issue.message, issue.render()
        issue.render()


def leftovers(folder: Path) -> list[str]:
    """Staging, lock or aside names a writer left beside its destination."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@QUICK
@given(raw=hostile_raws())
def test_validation_answers_any_scenario_text_with_issues(raw):
    report, tables, config = validate_raw(raw)
    assert_handled(report.issues)
    assert (tables is None) == (not report.ok)
    report.render(), report.to_frame()


@QUICK
@given(raw=hostile_raws(), form=st.sampled_from(["folder", "workbook"]))
def test_writers_write_whole_or_refuse_having_written_nothing(raw, form):
    with tempfile.TemporaryDirectory() as tmp:
        dst = Path(tmp) / ("copy.xlsx" if form == "workbook" else "copy")
        try:
            (write_workbook if form == "workbook" else write_folder)(raw, dst)
        except (ScenarioError, DestinationError) as exc:
            assert not dst.exists(), exc
            if isinstance(exc, ScenarioError):
                assert exc.report.issues
                assert_handled(exc.report.issues)
        else:
            assert_handled(load_raw(dst).load_issues)
        assert leftovers(Path(tmp)) == []


def _make_folder(root: Path, files: dict[str, bytes | None]) -> Path:
    folder = root / "scenario"
    folder.mkdir()
    for name, data in files.items():
        if data is None:
            (folder / name).mkdir()  # a folder where a file should be
        else:
            (folder / name).write_bytes(data)
    return folder


@QUICK
@given(files=scenario_folders())
def test_any_folder_of_files_is_read_as_issues(files):
    with tempfile.TemporaryDirectory() as tmp:
        raw = load_raw(_make_folder(Path(tmp), files))
        assert_handled(raw.load_issues)
        for name, data in files.items():
            if data is None:  # named, and what to do
                assert any(i.file == name and "folder" in i.message for i in raw.load_issues), name
        report, _, _ = validate_raw(raw)
        assert_handled(report.issues)


@QUICK
@given(upload=archives())
def test_any_upload_is_read_as_issues(upload):
    name, data = upload
    raw = parse_upload(name, data)
    assert_handled(raw.load_issues)
    report, _, _ = validate_raw(raw)
    assert_handled(report.issues)


@pytest.fixture(scope="module")
def example_workbook(example_dir, tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("book") / "example.xlsx"
    write_workbook(load_raw(example_dir), path)
    return path.read_bytes()


@settings(max_examples=80, deadline=20_000, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(at=st.integers(0, 10**6), xor=st.integers(1, 255), cut=st.booleans())
def test_a_damaged_workbook_is_an_issue_on_disk_and_uploaded(example_workbook, at, xor, cut):
    data = example_workbook[: at % len(example_workbook)] if cut else damaged(example_workbook, at, xor)
    assert_handled(parse_upload("example.xlsx", data).load_issues)
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "example.xlsx").write_bytes(data)
        raw = load_raw(Path(tmp) / "example.xlsx")
        assert_handled(raw.load_issues)
        assert_handled(validate_raw(raw)[0].issues)


def test_the_last_resort_is_seen_by_these_tests(monkeypatch, tmp_path):
    """A reader's unexpected failure is an Issue (never a traceback), and assert_handled fails on it."""
    (tmp_path / "regions.csv").write_text("region,name\na,A\n", encoding="utf-8")
    monkeypatch.setattr("optimiser.scenario.io.read_csv_table", lambda _: 1 / 0)
    raw = load_raw(tmp_path)
    assert any(i.file == "regions.csv" and "unexpected ZeroDivisionError" in i.message for i in raw.load_issues)
    with pytest.raises(AssertionError):
        assert_handled(raw.load_issues)
    monkeypatch.setattr("optimiser.scenario.uploads._parse", lambda *_: 1 / 0)
    refused = parse_upload("x.zip", b"PK")
    assert "unexpected ZeroDivisionError" in refused.load_issues[0].message


def test_a_zip_built_by_the_strategy_is_a_real_zip():
    """The archive strategy's zips open (so the damaged ones test damage, not a broken builder)."""
    from adversarial import _zip

    data = _zip([("regions.csv", b"region,name\na,A\n"), ("scenario.toml", b'name = "x"\n')], zipfile.ZIP_DEFLATED)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None and sorted(zf.namelist()) == ["regions.csv", "scenario.toml"]


# --- a write that fails part-way ---------------------------------------------------------------


@pytest.mark.parametrize("fail_at", [1, 2, 5])
def test_a_folder_write_that_fails_part_way_leaves_the_old_scenario_whole(example_dir, tmp_path, monkeypatch,
                                                                         fail_at):
    """A disk that fills on the n-th file written: the destination keeps the scenario it held,
    nothing is left beside it, and the error says so (DestinationError)."""
    raw = load_raw(example_dir)
    dst = tmp_path / "copy"
    write_folder(raw, dst)
    before = {p.name: p.read_bytes() for p in dst.iterdir()}
    calls = {"n": 0}
    real = Path.write_text

    def filling_disk(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == fail_at:
            real(self, "half a file", encoding="utf-8")
            raise OSError(28, "No space left on device")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", filling_disk)
    changed = RawScenario(raw.source, raw.form, {**raw.config, "name": "changed"}, raw.tables)
    with pytest.raises(DestinationError, match="No space left on device; nothing there was changed"):
        write_folder(changed, dst)
    monkeypatch.undo()
    assert {p.name: p.read_bytes() for p in dst.iterdir()} == before
    assert leftovers(tmp_path) == []


def test_a_workbook_write_that_fails_part_way_leaves_the_old_workbook_whole(example_dir, tmp_path, monkeypatch):
    import xlsxwriter

    raw = load_raw(example_dir)
    dst = tmp_path / "copy.xlsx"
    write_workbook(raw, dst)
    before = dst.read_bytes()

    def filling_disk(self):
        Path(self.filename).write_bytes(b"PK\x03\x04 half a workbook")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(xlsxwriter.Workbook, "close", filling_disk)
    with pytest.raises(DestinationError, match="No space left on device"):
        write_workbook(RawScenario(raw.source, raw.form, {**raw.config, "name": "changed"}, raw.tables), dst)
    monkeypatch.undo()
    assert dst.read_bytes() == before and leftovers(tmp_path) == []
