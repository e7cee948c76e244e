"""The package's version, recorded by every run (in the store and in a run folder's run.json)."""

from __future__ import annotations

import importlib.metadata
from functools import cache

DIST_NAME = "imaging-workforce-optimiser"


@cache
def package_version() -> str:
    try:
        return importlib.metadata.version(DIST_NAME)
    except importlib.metadata.PackageNotFoundError:
        return "unknown (package not installed)"
