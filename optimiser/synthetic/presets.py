"""The presets file (inputs/synthetic/presets.toml) and the seeded noise every figure draws from.

Noise is drawn from streams keyed by the seed and the thing it perturbs (a region, a link, a
provider kind), so a region's figures are the same in every preset that contains it.
"""

from __future__ import annotations

import tomllib
import zlib
from functools import cache

import numpy as np

from optimiser.basics.locations import SYNTHETIC_DIR

PRESETS_PATH = SYNTHETIC_DIR / "presets.toml"


@cache
def settings() -> dict:
    """presets.toml as a dict (read once)."""
    return tomllib.loads(PRESETS_PATH.read_text(encoding="utf-8"))


def preset_names() -> list[str]:
    return list(settings()["presets"])


def preset_settings(name: str) -> dict:
    """One preset's settings with its canonical name (case-insensitive look-up)."""
    presets = settings()["presets"]
    key = str(name).strip().upper()
    if key not in presets:
        raise ValueError(f"unknown preset {name!r}: choose one of {', '.join(presets)}")
    return {"name": key, **presets[key]}


def noise(seed: int, *keys: str) -> np.random.Generator:
    """A noise stream for one purpose: the same seed and keys always draw the same numbers."""
    return np.random.default_rng([seed, *(zlib.crc32(k.encode()) for k in keys)])
