"""Run folders: all of one run or untouched (optimiser/basics/files.py, optimiser/outputs/run_folders.py).

Faults are injected into the publish itself (every rename, removal and flush fails in turn) and
hypothesis draws what --out holds beforehand; in every case the folder holds one complete run,
old or new, or is exactly as it was. Kills of a real process mid-publish are in
tests/integration/test_publish_kill.py.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimiser.basics import files
from optimiser.basics.files import (
    DestinationError,
    atomic_path,
    check_new_destination,
    check_writable,
    recover,
)
from optimiser.outputs import run_folders
from optimiser.outputs.run_folders import (
    MANIFEST,
    RUN_KINDS,
    check_out_folder,
    read_manifest,
    run_files,
    run_folder,
)

pytestmark = pytest.mark.unit


# --- helpers ---------------------------------------------------------------------------------


def publish(out: Path, kind: str = "solve", tag: str = "new", n: int = 4, replace: bool = False) -> list[Path]:
    """A run of `n` files whose every byte says which run wrote it."""
    with run_folder(out, kind, replace) as tmp:
        for i in range(n):
            (tmp / f"table{i}.csv").write_text(f"{tag}\n" * (i + 1), encoding="utf-8")
    return run_files(out)


def snapshot(path: Path) -> dict[str, bytes] | str | None:
    """Everything under `path` (names and bytes), to compare before and after."""
    if not path.exists():
        return None
    if path.is_file():
        return "file:" + path.read_text(encoding="utf-8", errors="replace")
    return {str(p.relative_to(path)): (p.read_bytes() if p.is_file() else b"<dir>") for p in sorted(path.rglob("*"))}


def one_run(out: Path) -> str:
    """Assert `out` holds exactly one complete run and return the tag its files carry."""
    manifest = read_manifest(out)
    assert manifest is not None, f"{out} has no manifest: {sorted(p.name for p in out.iterdir())}"
    names = {p.name for p in out.iterdir()}
    assert names == set(manifest["files"]) | {MANIFEST}, (names, manifest["files"])
    tags = set()
    for name, size in manifest["files"].items():
        assert (out / name).stat().st_size == size, name
        tags |= set((out / name).read_text(encoding="utf-8").split())
    assert len(tags) == 1, f"files of two runs in one folder: {tags}"
    return tags.pop()


def leftovers(parent: Path, out: Path) -> list[str]:
    """Hidden names the publisher leaves beside `out` (lock, aside, staging, trash)."""
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{out.name}."))


# --- what a publish writes --------------------------------------------------------------------


def test_a_run_folder_holds_its_files_and_a_manifest_naming_each_with_its_size(tmp_path):
    written = publish(tmp_path / "plan", "solve", n=3)
    assert [p.name for p in written] == ["table0.csv", "table1.csv", "table2.csv"]
    manifest = json.loads((tmp_path / "plan" / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["kind"] == "solve" and manifest["written_at"].endswith("UTC") and manifest["package_version"]
    assert manifest["files"] == {"table0.csv": 4, "table1.csv": 8, "table2.csv": 12}
    assert one_run(tmp_path / "plan") == "new"
    assert leftovers(tmp_path, tmp_path / "plan") == []


def test_an_earlier_run_of_the_same_kind_is_replaced_whole_and_said(tmp_path):
    out = tmp_path / "plan"
    publish(out, n=6, tag="old")
    assert check_out_folder(out, "solve").startswith("a plan (optimiser solve) written ")
    publish(out, n=2, tag="new")
    assert one_run(out) == "new" and len(list(out.iterdir())) == 3  # none of the old run's extra files
    assert leftovers(tmp_path, out) == []


@pytest.mark.parametrize("kind", [k for k in RUN_KINDS if k != "solve"])
def test_another_kind_of_run_is_refused_untouched_unless_replace(tmp_path, kind):
    out = tmp_path / "run"
    publish(out, "solve", tag="old")
    before = snapshot(out)
    with pytest.raises(DestinationError, match=r"holds a plan \(optimiser solve\) written .* would mix two runs.*--replace"):
        check_out_folder(out, kind)
    with pytest.raises(DestinationError, match="would mix two runs"):
        publish(out, kind)
    assert snapshot(out) == before
    assert check_out_folder(out, kind, replace=True).startswith("a plan (optimiser solve) written")
    publish(out, kind, replace=True)
    assert read_manifest(out)["kind"] == kind and one_run(out) == "new"


def test_files_that_are_not_a_runs_are_refused_by_name_unless_replace(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    for name in ("notes.txt", "budget.xlsx", *(f"f{i}" for i in range(6))):
        (out / name).write_text("keep", encoding="utf-8")
    before = snapshot(out)
    with pytest.raises(DestinationError, match=r"already holds other files .*budget.xlsx, f0, f1, f2, f3 and 3 more"):
        publish(out)
    assert snapshot(out) == before
    assert check_out_folder(out, "solve", replace=True) == ("8 files that were not an optimiser run's "
                                                            "(budget.xlsx, f0, f1, f2, f3 and 3 more)")
    publish(out, replace=True)
    assert one_run(out) == "new"


def test_a_file_added_to_a_run_folder_makes_it_not_only_a_run(tmp_path):
    out = tmp_path / "plan"
    publish(out, tag="old")
    (out / "my notes.txt").write_text("keep", encoding="utf-8")
    (out / ".DS_Store").write_bytes(b"\0")  # a file browser's litter is not a reason to refuse
    with pytest.raises(DestinationError, match=r"already holds other files .*\(my notes.txt\)"):
        check_out_folder(out, "solve")


def test_a_corrupt_manifest_is_not_a_run(tmp_path):
    out = tmp_path / "plan"
    publish(out, tag="old")
    (out / MANIFEST).write_text('{"kind": "solve", "files": [', encoding="utf-8")
    with pytest.raises(DestinationError, match="already holds other files"):
        check_out_folder(out, "solve")


@pytest.mark.parametrize("replace", [False, True])
def test_a_file_at_out_is_refused_even_with_replace(tmp_path, replace):
    out = tmp_path / "plan.csv"
    out.write_text("keep", encoding="utf-8")
    with pytest.raises(DestinationError, match="plan.csv is a file; give a folder for --out"):
        publish(out, replace=replace)
    assert out.read_text(encoding="utf-8") == "keep"


def test_a_folder_holding_folders_is_never_replaced(tmp_path):
    out = tmp_path / "projects"
    (out / "2024").mkdir(parents=True)
    (out / "2024" / "plan.xlsx").write_text("keep", encoding="utf-8")
    with pytest.raises(DestinationError, match=r"holds folders \(2024\) .* not replaced even with --replace"):
        publish(out, replace=True)
    assert (out / "2024" / "plan.xlsx").read_text(encoding="utf-8") == "keep"


def test_the_working_folder_and_its_parents_are_never_replaced(tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    for out in (work, tmp_path, Path(".")):
        with pytest.raises(DestinationError, match="the folder you are working in"):
            check_out_folder(out, "solve", replace=True)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    with pytest.raises(DestinationError, match="your home folder"):
        check_out_folder(tmp_path / "home", "solve", replace=True)


def test_an_empty_folder_is_used_and_a_missing_one_made_with_its_parents(tmp_path):
    (tmp_path / "empty").mkdir()
    assert check_out_folder(tmp_path / "empty", "sweep") is None
    publish(tmp_path / "empty", "sweep")
    publish(tmp_path / "a" / "b" / "c", "frontier")
    assert one_run(tmp_path / "empty") == one_run(tmp_path / "a" / "b" / "c") == "new"


def test_a_symbolic_link_to_a_run_folder_publishes_into_its_target(tmp_path):
    publish(tmp_path / "real", tag="old")
    (tmp_path / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    publish(tmp_path / "link")
    assert (tmp_path / "link").is_symlink() and one_run(tmp_path / "real") == "new"


# --- places that cannot be written: refused before any work, nothing created ------------------


def test_a_path_under_a_file_is_refused_naming_the_file(tmp_path):
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    with pytest.raises(DestinationError, match=r"a.txt is a file, not a folder"):
        check_out_folder(tmp_path / "a.txt" / "b" / "out", "solve")


def test_a_name_too_long_for_the_file_system_is_refused(tmp_path):
    with pytest.raises(DestinationError, match="longer than this file system allows"):
        check_writable(tmp_path / ("x" * 300) / "out")
    with pytest.raises(DestinationError, match="longer than this file system allows"):
        check_writable(tmp_path / ("y" * 300))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_folder_without_write_permission_is_refused(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user who may write anywhere (root)")
        with pytest.raises(DestinationError, match=r"cannot write .*locked.*choose a folder you can write to"):
            check_out_folder(locked / "out", "solve")
    finally:
        locked.chmod(0o700)


def test_an_unwritable_place_is_refused_and_nothing_is_left(tmp_path, monkeypatch):
    """Whoever runs the tests (root writes anywhere): the file system itself refuses here."""
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files.os, "mkdir", refuse)
    monkeypatch.setattr(files.tempfile, "mkdtemp", refuse)
    for out in (tmp_path / "new", tmp_path):
        with pytest.raises(DestinationError, match=r"cannot write .*: Permission denied in .*choose a folder you can"):
            check_writable(out)
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_a_checked_path_that_does_not_exist_is_not_created(tmp_path):
    assert check_out_folder(tmp_path / "x" / "y", "solve") is None
    assert check_writable(tmp_path / "z") == tmp_path / "z"
    assert list(tmp_path.iterdir()) == []


def test_a_new_scenario_destination_must_not_exist(tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x.csv").write_text("x", encoding="utf-8")
    (tmp_path / "s.xlsx").write_bytes(b"x")
    for taken in ("full", "s.xlsx"):
        with pytest.raises(DestinationError, match="already exists; give a new path"):
            check_new_destination(tmp_path / taken)
    (tmp_path / "empty").mkdir()
    check_new_destination(tmp_path / "empty")
    check_new_destination(tmp_path / "new" / "s.xlsx")


# --- faults injected into the publish --------------------------------------------------------


@pytest.mark.parametrize("fault", ["replace", "rmtree", "fsync", "mkdtemp"])
def test_a_publish_failing_at_any_step_leaves_one_complete_run(tmp_path, monkeypatch, fault):
    """Each call of os.replace / shutil.rmtree / os.fsync / tempfile.mkdtemp fails in turn. A publish
    that raised left the old run whole, one that returned put the new run in whole, and whatever
    it left beside --out is cleared by the next look (`recover`)."""
    out = tmp_path / "plan"
    module, name = {"replace": (os, "replace"), "rmtree": (shutil, "rmtree"), "fsync": (os, "fsync"),
                    "mkdtemp": (tempfile, "mkdtemp")}[fault]
    real = getattr(module, name)
    outcomes = []
    for k in range(1, 60):
        shutil.rmtree(out, ignore_errors=True)
        publish(out, tag="old", n=5)
        calls = [0]

        def flaky(*args, _k=k, _calls=calls, **kwargs):
            _calls[0] += 1
            if _calls[0] != _k:
                return real(*args, **kwargs)
            if kwargs.get("ignore_errors"):  # rmtree told to ignore errors: it leaves the files
                return None
            raise OSError(5, f"injected {fault} failure")

        monkeypatch.setattr(module, name, flaky)
        try:
            publish(out, tag="new", n=3)
            outcome = "published"
        except (OSError, DestinationError) as exc:
            outcome = "failed"
            assert "injected" in str(exc), exc
        finally:
            monkeypatch.setattr(module, name, real)
        if calls[0] < k:  # no k-th call: every step has failed once
            break
        outcomes.append(outcome)
        recover(out)
        assert one_run(out) == ("new" if outcome == "published" else "old"), (k, outcome)
        assert leftovers(tmp_path, out) == [], (k, leftovers(tmp_path, out))
        publish(out, tag="next", n=2)  # and the folder is usable again
        assert one_run(out) == "next"
    # removals ignore errors and only ever follow the swap: they never fail a publish
    expected = {"published"} if fault == "rmtree" else {"failed", "published"}
    assert set(outcomes) == expected and len(outcomes) >= 2, outcomes


def test_a_publish_interrupted_between_its_two_renames_is_resolved_next_time(tmp_path):
    """The kill this design allows for: the old folder renamed aside, the new not yet in."""
    out = tmp_path / "plan"
    publish(out, tag="old")
    aside = files._sibling(files.destination(out), "aside")
    os.replace(out, aside)
    staged = Path(tempfile.mkdtemp(prefix=f".plan.staging-{2**22 + 7}-", dir=tmp_path))  # a writer long gone
    (staged / "half.csv").write_text("new", encoding="utf-8")
    assert not out.exists()
    assert check_out_folder(out, "solve").startswith("a plan")  # the check resolves it first
    assert one_run(out) == "old" and leftovers(tmp_path, out) == []
    # and when the new folder had gone in, the aside one is the old: removed
    os.replace(out, aside)
    publish(tmp_path / "other", tag="new")
    os.replace(tmp_path / "other", out)
    (aside / "extra").write_text("old", encoding="utf-8")
    publish(out, tag="newer")
    assert one_run(out) == "newer" and not aside.exists()


def test_a_lock_left_by_a_killed_writer_is_taken_over(tmp_path):
    out = tmp_path / "plan"
    publish(out, tag="old")
    lock = files._sibling(files.destination(out), "lock")
    lock.write_text(f"{socket.gethostname()} {2**22 + 7}", encoding="utf-8")  # no such process
    publish(out, tag="new")
    assert one_run(out) == "new" and not lock.exists()


def test_a_live_writers_lock_is_waited_for_then_refused(tmp_path, monkeypatch):
    out = tmp_path / "plan"
    publish(out, tag="old")
    lock = files._sibling(files.destination(out), "lock")
    lock.write_text(f"{socket.gethostname()} {os.getppid()}", encoding="utf-8")  # alive: the test runner's parent
    monkeypatch.setattr(files, "LOCK_WAIT_S", 0.2)
    with pytest.raises(DestinationError, match=r"another run has been writing to .*plan for over 0.2 s"):
        publish(out, tag="new")
    assert one_run(out) == "old"
    lock.unlink()


def test_a_scenario_folder_written_over_an_old_one_is_swapped_whole(tmp_path):
    dst = tmp_path / "scenario"
    dst.mkdir()
    (dst / "old.csv").write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_path(dst, is_dir=True) as tmp:
        (tmp / "new.csv").write_text("new", encoding="utf-8")
        raise RuntimeError("disk full")
    assert snapshot(dst) == {"old.csv": b"old"}
    with atomic_path(dst, is_dir=True) as tmp:
        (tmp / "new.csv").write_text("new", encoding="utf-8")
    assert snapshot(dst) == {"new.csv": b"new"}
    assert leftovers(tmp_path, dst) == []


# --- whatever --out holds beforehand (hypothesis) ---------------------------------------------

NAMES = st.sampled_from(["a.csv", "notes.txt", "summary.json", "plan.xlsx", "table0.csv", "x"])
STATES = st.one_of(
    st.just(("missing", None)),
    st.just(("empty", None)),
    st.tuples(st.just("file"), st.just(None)),
    st.tuples(st.just("run"), st.sampled_from(sorted(RUN_KINDS))),
    st.tuples(st.just("run+extra"), st.sampled_from(sorted(RUN_KINDS))),
    st.tuples(st.just("others"), st.lists(NAMES, min_size=1, max_size=4, unique=True)),
    st.tuples(st.just("folders"), st.just(None)),
    st.tuples(st.just("aside"), st.sampled_from(sorted(RUN_KINDS))),
)


def _make(out: Path, state: tuple) -> None:
    what, arg = state
    if what == "empty":
        out.mkdir()
    elif what == "file":
        out.write_text("a file", encoding="utf-8")
    elif what in ("run", "run+extra", "aside"):
        publish(out, arg, tag="old", n=3)
        if what == "run+extra":
            (out / "mine.txt").write_text("mine", encoding="utf-8")
        if what == "aside":
            os.replace(out, files._sibling(files.destination(out), "aside"))
    elif what == "others":
        out.mkdir()
        for name in arg:
            (out / name).write_text("theirs", encoding="utf-8")
    elif what == "folders":
        (out / "sub").mkdir(parents=True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(state=STATES, kind=st.sampled_from(sorted(RUN_KINDS)), replace=st.booleans())
def test_whatever_out_holds_a_publish_is_refused_untouched_or_leaves_exactly_the_new_run(tmp_path, state, kind,
                                                                                         replace):
    root = Path(tempfile.mkdtemp(dir=tmp_path))
    out = root / "out"
    _make(out, state)
    recover(out)  # what the check does first: an interrupted publish is resolved
    before = snapshot(out)
    what, arg = state
    refused = (what in ("file", "folders")
               or (not replace and (what in ("others", "run+extra")
                                    or (what in ("run", "aside") and arg != kind))))
    if refused:
        with pytest.raises(DestinationError):
            publish(out, kind, replace=replace)
        assert snapshot(out) == before
    else:
        publish(out, kind, replace=replace)
        assert read_manifest(out)["kind"] == kind and one_run(out) == "new"
    assert leftovers(root, out) == []


def test_the_run_kinds_are_the_commands_that_write_folders():
    assert set(RUN_KINDS) == {"solve", "project", "frontier", "sweep", "alternatives", "monitor", "replan", "rollup"}
    with pytest.raises(ValueError, match="unknown kind of run 'plan'"):
        check_out_folder(Path("x"), "plan")
    assert run_folders.BROWSER_LITTER  # named, so the rule is visible
