"""Writing files and folders so that a reader never sees half of one.

A file is staged beside its destination and renamed over it (`os.replace` is atomic). A folder
is staged as a hidden sibling and swapped in with two renames: the old folder is renamed aside
(`.<name>.aside`), the staged one renamed in, and only then is the old one discarded. A kill
between the two renames leaves the old folder complete under the aside name and nothing at the
destination; the next publish (or `recover`) renames it back. So a destination holds all of the
old folder or all of the new one, never a mix. A lock file (`.<name>.lock`, holding the writer's
process id) keeps two writers from swapping the same destination at once.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

WRITE_TEST = ".optimiser-write-test-"  # check_writable's probe folder: WRITE_TEST<pid>-<random>
_STAGING: set[Path] = set()  # this process's staging folders in use (others of this pid were abandoned)
LOCK_WAIT_S = 60  # a publish holds the lock for the two renames only: waiting this long means a stuck writer
STALE_LOCK_S = 600  # where a lock's owner cannot be asked (another host, Windows), it is stale after this


class DestinationError(Exception):
    """A destination that cannot or must not be written, with what to do about it."""


def destination(path: str | Path) -> Path:
    """The absolute path a publish renames: a symbolic link is followed to the folder it names
    (renaming the link itself would leave its target behind)."""
    path = Path(os.path.abspath(Path(path).expanduser()))
    try:
        if path.is_symlink():
            path = Path(os.path.realpath(path))
    except OSError:  # a name the file system refuses (too long...): check_writable says so
        pass
    if path.parent == path:
        raise DestinationError(f"{path} is the top of the file system; give a folder inside it")
    return path


def _name_max(folder: Path) -> int:
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (AttributeError, OSError, ValueError):  # Windows has no pathconf
        return 255


def check_writable(dst: str | Path) -> Path:
    """Refuse (DestinationError, before any work) a destination that cannot be written: under a
    file, in a folder this user cannot write to, or with a name the file system refuses.
    Creates nothing that stays. Returns `destination(dst)`."""
    dst = destination(dst)
    longest = _name_max(Path(dst.anchor))
    too_long = [part for part in dst.parts if len(os.fsencode(part)) > longest]
    if too_long:
        raise DestinationError(f"cannot write {dst}: the name {too_long[0][:40]!r}... is longer than this "
                               f"file system allows ({longest} bytes); choose a shorter name")
    ancestor = dst.parent
    try:
        while not ancestor.exists():
            ancestor = ancestor.parent
        if not ancestor.is_dir():
            raise DestinationError(f"cannot write {dst}: {ancestor} is a file, not a folder; choose a path "
                                   "in a folder")
    except OSError as exc:
        raise DestinationError(f"cannot write {dst}: {exc.strerror or exc}; choose another path") from None
    try:
        if ancestor == dst.parent and not (dst.exists() or dst.is_symlink()):
            os.mkdir(dst)  # the name itself, exactly as it will be created
            os.rmdir(dst)
        else:
            _remove_abandoned_write_tests(ancestor)
            probe = tempfile.mkdtemp(prefix=f"{WRITE_TEST}{os.getpid()}-", dir=ancestor)
            os.rmdir(probe)
    except OSError as exc:
        raise DestinationError(f"cannot write {dst}: {exc.strerror or exc} in {ancestor}; choose a folder "
                               "you can write to") from None
    return dst


def _remove_abandoned_write_tests(folder: Path) -> None:
    """Remove the empty probe folders of check_writable left by writers killed between making and
    removing one (named with their process id, as staging folders are); a live writer's are kept."""
    try:
        probes = [p for p in folder.iterdir() if p.name.startswith(WRITE_TEST)]
    except OSError:
        return
    for probe in probes:
        owner = probe.name[len(WRITE_TEST):].split("-")[0]
        if owner.isdigit() and int(owner) != os.getpid() and not _pid_alive(int(owner)):
            with suppress(OSError):  # empty by construction; anything else is not ours to remove
                probe.rmdir()


def check_new_destination(dst: str | Path) -> Path:
    """A destination for a new scenario (convert, generate): writable, and holding nothing yet."""
    dst = check_writable(dst)
    if dst.is_file() or (dst.is_dir() and any(dst.iterdir())):
        raise DestinationError(f"{dst} already exists; give a new path so nothing is overwritten")
    return dst


def _sibling(dst: Path, what: str) -> Path:
    """A hidden name beside `dst` for its lock, aside folder or staging folders (short enough
    for any file system, whatever the length of `dst`'s own name)."""
    name = dst.name
    if len(name) > 60:
        name = name[:40] + "~" + hashlib.sha1(name.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return dst.parent / f".{name}.{what}"


def _pid_alive(pid: int) -> bool:
    if os.name != "posix":  # os.kill(pid, 0) would end the process on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def _owner_gone(marker: Path, owner: str) -> bool:
    """Whether the writer named by `owner` ("host pid") has gone: asked directly on this host,
    judged by the marker's age elsewhere (an empty marker: killed before it wrote its name)."""
    host, _, pid = owner.strip().rpartition(" ")
    if host == socket.gethostname() and pid.isdigit():
        return not _pid_alive(int(pid))
    try:
        age = time.time() - marker.stat().st_mtime
    except OSError:
        return True
    return age > (5 if not owner.strip() else STALE_LOCK_S)


def _me() -> str:
    return f"{socket.gethostname()} {os.getpid()}"


@contextmanager
def _locked(dst: Path) -> Iterator[None]:
    lock = _sibling(dst, "lock")
    deadline = time.monotonic() + LOCK_WAIT_S
    while True:
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            break
        except FileExistsError:
            try:
                owner = lock.read_text(encoding="utf-8")
            except OSError:
                owner = ""
            if _owner_gone(lock, owner):  # a writer killed while it held the lock
                lock.unlink(missing_ok=True)
                continue
            if time.monotonic() > deadline:
                raise DestinationError(f"another run has been writing to {dst} for over {LOCK_WAIT_S} s "
                                       f"({lock} is held by process {owner.strip() or '?'}); wait for it, "
                                       "or give another folder") from None
            time.sleep(0.05)
    try:
        os.write(fd, _me().encode("utf-8"))
        os.close(fd)
        yield
    finally:
        lock.unlink(missing_ok=True)


def _discard(path: Path, dst: Path) -> None:
    """Remove `dst`'s old folder or file `path`: renamed to a unique name first, so that a kill
    part-way through never leaves a half-removed folder under a name that means 'complete'."""
    if not (path.exists() or path.is_symlink()):
        return
    try:
        trash = Path(tempfile.mkdtemp(prefix=f"{_sibling(dst, 'trash').name}-", dir=dst.parent))
        os.replace(path, trash / "x")
        shutil.rmtree(trash, ignore_errors=True)
    except OSError:  # the new folder is in place; what is left is removed by the next publish
        pass


def recover(dst: str | Path) -> str | None:
    """Finish what a writer killed while publishing `dst` left: the old folder renamed aside comes
    back if nothing replaced it, else it is removed; abandoned staging folders are removed.
    Returns what was done (for a message), or None. Takes the destination's lock."""
    dst = destination(dst)
    if not dst.parent.is_dir():
        return None
    with _locked(dst):
        return _recover(dst)


def _recover(dst: Path) -> str | None:
    done = None
    aside = _sibling(dst, "aside")
    if aside.exists():
        if dst.exists() or dst.is_symlink():
            _discard(aside, dst)
        else:
            os.replace(aside, dst)
            done = f"restored {dst} as it was before a run that was stopped while replacing it"
    staging, trash = _sibling(dst, "staging-").name, _sibling(dst, "trash").name
    _remove_abandoned_write_tests(dst.parent)  # a writer killed while checking dst was writable
    for leftover in dst.parent.iterdir():
        if leftover.name.startswith(trash):
            shutil.rmtree(leftover, ignore_errors=True)
        elif leftover.name.startswith(staging):
            owner = leftover.name[len(staging):].split("-")[0]
            mine_done = owner == str(os.getpid()) and leftover not in _STAGING
            if owner.isdigit() and (mine_done or not _pid_alive(int(owner))):
                shutil.rmtree(leftover, ignore_errors=True)
    return done


def _sync_tree(path: Path) -> None:
    """Flush a staged file or folder to disk before it is renamed in (so a power cut cannot
    leave a renamed-in folder of empty files). Folders cannot be flushed on Windows."""
    paths = [path] if path.is_file() else [*(p for p in path.rglob("*") if p.is_file()), path]
    for p in paths:
        if p.is_dir() and os.name != "posix":
            continue
        fd = os.open(p, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _sync_dir(path: Path) -> None:
    """Flush a folder's entries (a rename); after the swap, so a failure changes nothing."""
    if os.name != "posix":
        return
    try:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        pass


def swap_in(staged: Path, dst: str | Path, check: Callable[[Path], object] | None = None) -> None:
    """Put the finished `staged` file or folder at `dst`, replacing what is there as one step.

    `check(dst)` runs under the lock, after any earlier interrupted publish was resolved, and may
    raise to refuse (the destination can change while a long run works)."""
    dst = destination(dst)
    _sync_tree(staged)
    with _locked(dst):
        _recover(dst)
        if check is not None:
            check(dst)
        if staged.is_file() and not dst.is_dir():
            os.replace(staged, dst)  # a file over a file: one atomic rename
            _sync_dir(dst.parent)
            return
        aside = _sibling(dst, "aside")
        had_old = dst.exists() or dst.is_symlink()
        if had_old:
            os.replace(dst, aside)
        try:
            os.replace(staged, dst)
        except BaseException:
            if had_old:
                os.replace(aside, dst)
            raise
        _sync_dir(dst.parent)
        if had_old:
            _discard(aside, dst)


@contextmanager
def staged(dst: str | Path, is_dir: bool, check: Callable[[Path], object] | None = None) -> Iterator[Path]:
    """Yield a path beside `dst` to write; it replaces `dst` (`swap_in`) only if the block succeeds.
    The staging folder's name carries this process's id, so a later publish can tell it was abandoned."""
    dst = destination(dst)
    try:
        dst.parent.mkdir(parents=True, exist_ok=True)
        root = Path(tempfile.mkdtemp(prefix=f"{_sibling(dst, 'staging-').name}{os.getpid()}-", dir=dst.parent))
    except OSError as exc:
        raise DestinationError(f"cannot write beside {dst}: {exc.strerror or exc}; choose a folder you can "
                               "write to") from None
    tmp = root / dst.name
    _STAGING.add(root)
    try:
        if is_dir:
            tmp.mkdir()
        yield tmp
        swap_in(tmp, dst, check)
    finally:
        shutil.rmtree(root, ignore_errors=True)
        _STAGING.discard(root)


# the name the scenario writers use: a temporary path beside dst that replaces it whole on success
atomic_path = staged
