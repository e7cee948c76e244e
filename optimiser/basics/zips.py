"""One guard for zip archives from outside (an .xlsx workbook is one): checked before anything
is unpacked, whether the archive is a file on disk or an upload's bytes."""

from __future__ import annotations

import io
import zipfile
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
    completes a sentence that starts with the file's name."""
    data = source if isinstance(source, bytes) else None
    if data is None:
        with Path(source).open("rb") as fh:
            head = fh.read(len(ZIP_SIGNATURE))
    else:
        head = data[: len(ZIP_SIGNATURE)]
    if head != ZIP_SIGNATURE:
        return f"is not {what}: it does not start with the zip signature"
    try:
        with zipfile.ZipFile(io.BytesIO(data) if data is not None else source) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile:
        return f"cannot be read as {what}: its zip structure is damaged"
    if len(infos) > MAX_MEMBERS:
        return f"holds {len(infos)} files (at most {MAX_MEMBERS} are accepted)"
    unpacked = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_RATIO:
        return (f"unpacks to {_size(unpacked)} from {_size(packed)} (at most {_size(MAX_UNPACKED_BYTES)}, "
                f"and {MAX_RATIO} times its packed size, are accepted): a possible zip bomb; it was not opened")
    if any(i.flag_bits & 0x1 for i in infos):
        return "is password-protected; it cannot be read"
    return None
