"""A number as a planner types it: the one rule, with no heavy imports (the command line reads
its numeric options with it before loading pandas)."""

from __future__ import annotations

import math
import re

# an optional sign, digits with an optional point and an optional exponent: no %, units,
# underscores, thousands separators, 'inf' or 'nan'
PLAIN_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


def finite_number(text: str) -> float | None:
    """The number a cell's text states, or None when it is blank, not a plain number or infinite."""
    text = text.strip()
    if not PLAIN_NUMBER.fullmatch(text):
        return None
    number = float(text)
    return number if math.isfinite(number) else None
