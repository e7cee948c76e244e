"""Writing files so that a reader never sees half of one: stage beside the destination, then move."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(dst: Path, is_dir: bool) -> Iterator[Path]:
    """Yield a temporary path beside `dst`; move it onto `dst` only if the block succeeds."""
    dst = Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp_root = Path(tempfile.mkdtemp(prefix=f".{dst.name}.", dir=dst.parent))
    tmp = tmp_root / dst.name
    if is_dir:
        tmp.mkdir()
    try:
        yield tmp
        if dst.is_dir():
            shutil.rmtree(dst)
        os.replace(tmp, dst)
    finally:
        shutil.rmtree(tmp_root, ignore_errors=True)


def publish(tmp: Path, out: Path) -> None:
    """Move every finished file from tmp into out."""
    out.mkdir(parents=True, exist_ok=True)
    for f in tmp.iterdir():
        os.replace(f, out / f.name)


class Staging:
    """`with Staging(out) as tmp:` write into tmp; on success every file moves into out."""

    def __init__(self, out: Path):
        self.out = Path(out)
        self.out.parent.mkdir(parents=True, exist_ok=True)

    def __enter__(self) -> Path:
        self.tmp = Path(tempfile.mkdtemp(prefix=".staging-", dir=self.out.parent))
        return self.tmp

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                publish(self.tmp, self.out)
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)
        return False
