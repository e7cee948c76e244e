"""One guard for zip archives from outside (an .xlsx workbook is one): checked before anything
is unpacked, whether the archive is a file on disk or an upload's bytes."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections import Counter
from pathlib import Path

ZIP_SIGNATURE = b"PK\x03\x04"  # the first bytes of every zip archive, so of every .xlsx workbook
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # the whole archive, unpacked
MAX_RATIO = 200  # unpacked / packed: text compresses ~10x; far more is a zip bomb
MAX_MEMBERS = 500  # a scenario workbook has ~40 parts, a zip of CSV files ~20


def _size(n_bytes: int) -> str:
    return f"{n_bytes / 2**20:,.0f} MB" if n_bytes >= 2**20 else f"{max(1, round(n_bytes / 1024))} kB"


def zip_problem(source: Path | bytes, what: str) -> str | None:
    """Why `source` is not a zip archive that is safe to open, or None.

    `what` names the expected kind in the planner's words ("an .xlsx workbook"); the answer
    completes a sentence that starts with the file's name. Every member is unpacked once (within
    the size limits checked first) so that a damaged one (a bad CRC-32, a broken stream) is found
    here rather than half-way through reading the scenario."""
    data = source if isinstance(source, bytes) else None
    try:
        if data is None:
            with Path(source).open("rb") as fh:
                head = fh.read(len(ZIP_SIGNATURE))
        else:
            head = data[: len(ZIP_SIGNATURE)]
        if head != ZIP_SIGNATURE:
            return f"is not {what}: it does not start with the zip signature"
        with zipfile.ZipFile(io.BytesIO(data) if data is not None else source) as zf:
            infos = zf.infolist()
            problem = _listing_problem(infos)
            if problem:
                return problem
            return _damaged_member(zf)
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    except NotImplementedError as exc:  # e.g. "zip file version 8.4": a feature zipfile lacks
        return f"cannot be read as {what}: it uses a zip feature this program cannot read ({exc})"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, struct.error, OverflowError):
        return f"cannot be read as {what}: its zip structure is damaged"


def _listing_problem(infos: list[zipfile.ZipInfo]) -> str | None:
    """Limits and names, from the archive's directory alone (nothing unpacked)."""
    if len(infos) > MAX_MEMBERS:
        return f"holds {len(infos)} files (at most {MAX_MEMBERS} are accepted)"
    unpacked = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_RATIO:
        return (f"unpacks to {_size(unpacked)} from {_size(packed)} (at most {_size(MAX_UNPACKED_BYTES)}, "
                f"and {MAX_RATIO} times its packed size, are accepted): a possible zip bomb; it was not opened")
    if any(i.flag_bits & 0x1 for i in infos):
        return "is password-protected; it cannot be read"
    twice = sorted(name for name, n in Counter(i.filename for i in infos).items() if n > 1)
    if twice:  # a reader would take one of them silently
        return (f"holds {len(twice)} name(s) twice ({', '.join(twice[:3])}{' ...' if len(twice) > 3 else ''}): "
                "it is unclear which copy is meant")
    return None


def _damaged_member(zf: zipfile.ZipFile) -> str | None:
    """The first member that does not unpack to what the archive says (checked in 1 MB pieces,
    within the declared sizes: a member that unpacks to more than it declares is damaged too)."""
    for info in zf.infolist():
        if info.is_dir():
            continue
        try:
            with zf.open(info) as member:
                got = 0
                while piece := member.read(2**20):
                    got += len(piece)
                    if got > info.file_size:
                        raise zipfile.BadZipFile("longer than declared")
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, RuntimeError, struct.error,
                OverflowError) as exc:
            detail = str(exc) or type(exc).__name__
            return f"is damaged: its part {info.filename} cannot be unpacked ({detail})"
        except NotImplementedError:
            return f"uses a compression method this program cannot read (part {info.filename})"
    return None
