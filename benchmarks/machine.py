"""Where a figure was measured: the same model is 2-3x slower on a busy shared core, so every
result records the machine, the library versions and the load."""

from __future__ import annotations

import os
import platform
from importlib import metadata


def load_average() -> float | None:
    """The 1-minute load average (None where the platform has none)."""
    return round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None


def machine() -> dict:
    def version(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    return {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
            "cpu_count": os.cpu_count(), "python": platform.python_version(), "highspy": version("highspy"),
            "pyomo": version("pyomo"), "load_average_1min": load_average()}
