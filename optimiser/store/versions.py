"""The package and solver versions a run records, so an old run says what produced it."""

from __future__ import annotations

import importlib.metadata
from functools import cache

from optimiser.basics.versions import DIST_NAME, package_version

__all__ = ["DIST_NAME", "package_version", "solver_version"]


@cache
def solver_version() -> str:
    # only when a run is saved: opening the store needs no solver
    from optimiser.solver.lifecycle import highs_version

    try:
        wrapper = importlib.metadata.version("highspy")
    except importlib.metadata.PackageNotFoundError:
        wrapper = "unknown"
    return f"HiGHS {highs_version()} (highspy {wrapper})"
