"""A run's output folder: all of one run or untouched, marked by its manifest (run.json).

Every folder a run writes (`solve`, `project`, `frontier`, `sweep`) is staged whole and swapped
into place as one step (optimiser/basics/files.py), with `run.json` naming the kind of run, when
it was written, the package version and every file it holds (by its path inside the folder: the
copied inputs are under `inputs/`) with its size in bytes and its SHA-256, so that a file changed
after the run is caught (`changed_files`; the run's provenance is manifest.json, see
optimiser/outputs/manifest.py). Before any
work starts, `check_out_folder` refuses an --out that is a file, cannot be written, or holds
another kind of run or files that are not a run's; `replace=True` (the command line's
--replace) allows replacing those, and the check says what will be replaced. A folder holding an
earlier run of the same kind, and nothing else, is replaced without asking.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from optimiser.basics.files import DestinationError, check_writable, destination, recover, staged
from optimiser.basics.versions import package_version

MANIFEST = "run.json"
RUN_KINDS = {  # kind -> what a planner calls it
    "solve": "a plan (optimiser solve)",
    "project": "a status quo projection (optimiser project)",
    "frontier": "a budget frontier (optimiser frontier)",
    "sweep": "an uncertainty sweep (optimiser sweep)",
    "alternatives": "near-optimal alternatives (optimiser alternatives)",
    "monitor": "a plan monitored against actuals (optimiser monitor)",
    "replan": "a plan re-made from actuals (optimiser replan)",
    "rollup": "a run's reports rolled up a level (optimiser rollup)",
}
_SHOWN_NAMES = 5  # names listed in a message before "and N more"
# files a file browser leaves in any folder it shows: not a reason to refuse a run folder
BROWSER_LITTER = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})


@dataclass(frozen=True)
class Occupant:
    """What an existing --out folder holds: one run (`kind`, `written_at`) and any `foreign`
    names that are not part of it (all of them when there is no readable manifest)."""

    kind: str | None
    written_at: str
    foreign: tuple[str, ...]

    def describe(self) -> str:
        if self.foreign:
            return f"{_count(self.foreign, 'file')} that {'was' if len(self.foreign) == 1 else 'were'} not an optimiser run's ({_names(self.foreign)})"
        return f"{RUN_KINDS[self.kind]} written {self.written_at}"


def _count(names, word: str) -> str:
    return f"{len(names)} {word}{'' if len(names) == 1 else 's'}"


def _names(names: tuple[str, ...]) -> str:
    shown = ", ".join(names[:_SHOWN_NAMES])
    return shown + (f" and {len(names) - _SHOWN_NAMES} more" if len(names) > _SHOWN_NAMES else "")


def read_manifest(folder: Path) -> dict | None:
    """A run folder's manifest, or None when it has none that reads as one."""
    try:
        manifest = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    ok = (isinstance(manifest, dict) and manifest.get("kind") in RUN_KINDS
          and isinstance(manifest.get("files"), dict))
    return manifest if ok else None


def occupant(out: Path) -> Occupant | None:
    """What `out` holds (None: it does not exist or is an empty folder). A file is refused."""
    if out.is_file():
        raise DestinationError(f"{out} is a file; give a folder for --out")
    if not out.is_dir():
        return None
    names = sorted(p.name for p in out.iterdir())
    if not names:
        return None
    manifest = read_manifest(out)
    if manifest is None:
        return Occupant(None, "", tuple(names))
    own = {name.split("/")[0] for name in manifest["files"]} | {MANIFEST} | BROWSER_LITTER
    return Occupant(manifest["kind"], str(manifest.get("written_at", "at an unknown time")),
                    tuple(n for n in names if n not in own))


def _refusal(out: Path, kind: str, holds: Occupant) -> str | None:
    """Why a `kind` run must not replace `holds` without --replace (None: it may)."""
    if holds.foreign:
        return (f"{out} already holds other files that are not an optimiser run's ({_names(holds.foreign)}): "
                "give a new or empty folder, or pass --replace to replace the folder and everything in it")
    if holds.kind != kind:
        return (f"{out} holds {RUN_KINDS[holds.kind]} written {holds.written_at}, and writing {RUN_KINDS[kind]} "
                "there would mix two runs: give another folder, or pass --replace to replace it")
    return None


def _never_replaced(out: Path, holds: Occupant | None) -> str | None:
    """Folders no --replace may remove: the home folder, one holding the working folder, or one
    holding folders (a run folder holds no folders but its own, listed in run.json) is surely a
    mistyped --out."""
    cwd = Path.cwd().resolve()
    if out == Path.home().resolve() or out == cwd or out in cwd.parents:
        where = "your home folder" if out == Path.home().resolve() else "the folder you are working in, or holds it"
        return (f"{out} is {where}; a run replaces its --out folder whole, so give a new folder, "
                f"e.g. {out / 'run'}")
    if holds is None:
        return None
    folders = tuple(n for n in holds.foreign if (out / n).is_dir() and not (out / n).is_symlink())
    if folders:
        return (f"{out} holds folders ({_names(folders)}) and a run folder never does, so it is not replaced even "
                "with --replace: give a new folder, or empty this one first")
    return None


def _inspect(out: Path, kind: str, replace: bool) -> str | None:
    holds = occupant(out)
    never = _never_replaced(out.resolve(), holds) if out.is_dir() else None
    if never:
        raise DestinationError(never)
    if holds is None:
        return None
    why = _refusal(out, kind, holds)
    if why and not replace:
        raise DestinationError(why)
    return holds.describe()


def check_out_folder(out: str | Path, kind: str, replace: bool = False) -> str | None:
    """Refuse (DestinationError) an --out a `kind` run cannot or must not write, before any work.

    Returns what publishing will replace, for a message ("a plan (optimiser solve) written ..."),
    or None when the folder is new or empty. A publish interrupted earlier is resolved first."""
    if kind not in RUN_KINDS:
        raise ValueError(f"unknown kind of run {kind!r}: one of {', '.join(RUN_KINDS)}")
    out = check_writable(out)
    recover(out)
    return _inspect(out, kind, replace)


def file_sha256(path: Path) -> str:
    """The SHA-256 (hex) of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _held_files(folder: Path) -> list[str]:
    """Every file under `folder` but run.json, as paths inside it ("inputs/routes.csv"), sorted."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if p.is_file() and p.relative_to(folder).as_posix() != MANIFEST)


def _write_manifest(folder: Path, kind: str) -> None:
    names = _held_files(folder)
    manifest = {"kind": kind, "written_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
                "package_version": package_version(),
                "files": {name: (folder / name).stat().st_size for name in names},
                "sha256": {name: file_sha256(folder / name) for name in names}}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


@contextmanager
def run_folder(out: str | Path, kind: str, replace: bool = False) -> Iterator[Path]:
    """`with run_folder(out, kind) as tmp:` write the run's files into tmp; when the block ends
    without error, run.json is added and the folder replaces `out` whole. Checked first and again
    at the swap (`check_out_folder`): what --out holds may change while a long run works."""
    check_out_folder(out, kind, replace)
    with staged(destination(out), is_dir=True, check=lambda dst: _inspect(dst, kind, replace)) as tmp:
        yield tmp
        _write_manifest(tmp, kind)


def run_files(out: str | Path) -> list[Path]:
    """The files of the run in `out`, as its manifest lists them (without the manifest)."""
    out = Path(out)
    manifest = read_manifest(out) or {"files": {}}
    return sorted(out / name for name in manifest["files"])


def changed_files(folder: str | Path, unrecorded_ok: bool = False) -> list[str]:
    """What differs in a run folder from its run.json, one sentence per file: a file missing,
    changed (its SHA-256 is not the one recorded) or added after the run. [] when every file is as
    written. A folder without run.json, or one written before run.json recorded hashes, says so,
    unless `unrecorded_ok` (a plan folder made by hand, or by an earlier version: nothing to check)."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    recorded = None if manifest is None else manifest.get("sha256")
    if unrecorded_ok and not isinstance(recorded, dict):
        return []
    if manifest is None:
        return [f"{folder / MANIFEST} is missing or unreadable, so {folder} is not a run folder written by optimiser"]
    if not isinstance(recorded, dict):
        return [f"{folder / MANIFEST} records no SHA-256 of its files (written by optimiser "
                f"{manifest.get('package_version', '?')} before runs recorded them), so its files cannot be checked"]
    out = []
    for name in sorted(set(recorded) | set(manifest["files"])):
        path = folder / name
        if not path.is_file():
            out.append(f"{name} is missing (the run wrote it)")
        elif name not in recorded or file_sha256(path) != recorded[name]:
            out.append(f"{name} was changed after the run (its SHA-256 is not the one {MANIFEST} recorded)")
    for name in _held_files(folder):
        if name not in recorded and Path(name).name not in BROWSER_LITTER:
            out.append(f"{name} was added after the run ({MANIFEST} does not list it)")
    return out
