"""Numbers and lists as a planner reads them: separators, units, no 'inf' or 'nan' ever.

Every figure a plan's story or board pack prints goes through one of these, so a value the
solver could not give (None, NaN, infinite) reads "not available" instead of a float's repr.
"""

from __future__ import annotations

import math

NOT_AVAILABLE = "not available"


def finite(value) -> float | None:
    """The value as a float, or None when it is missing or not finite."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def wte(value, unit: str = "WTE-years") -> str:
    """1,234 (whole numbers from 100), 12.3 below; with the unit."""
    x = finite(value)
    if x is None:
        return NOT_AVAILABLE
    text = f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.1f}"
    return f"{text} {unit}".strip()


def count(value) -> str:
    x = finite(value)
    return NOT_AVAILABLE if x is None else f"{x:,.0f}"


def gbp(value) -> str:
    """GBP 313.0m, GBP 1.25m below 10m, GBP 12,000 below 1m."""
    x = finite(value)
    if x is None:
        return NOT_AVAILABLE
    if abs(x) >= 1e7:
        return f"GBP {x / 1e6:,.1f}m"
    if abs(x) >= 1e6:
        return f"GBP {x / 1e6:,.2f}m"
    return f"GBP {x:,.0f}"


def share(part, whole) -> str:
    """'40%' (a whole number from 10%, one decimal below)."""
    a, b = finite(part), finite(whole)
    if a is None or b is None or b == 0:
        return NOT_AVAILABLE
    p = 100 * a / b
    return f"{p:.0f}%" if abs(p) >= 10 else f"{p:.1f}%"


def marginal(value) -> str:
    """A marginal value: three significant figures, separators from 1,000."""
    x = finite(value)
    if x is None:
        return NOT_AVAILABLE
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"


def listing(items: list[str], most: int = 3) -> str:
    """'A', 'A and B', 'A, B and C', 'A, B, C and 2 more'."""
    items = [i for i in items if i]
    if len(items) > most:
        rest = len(items) - most
        return ", ".join(items[:most]) + f" and {rest} more"
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def span(first: int, last: int) -> str:
    return str(first) if first == last else f"{first} to {last}"


def readable_id(identifier: str) -> str:
    """An identifier as words ("min_shortfall" -> "min shortfall")."""
    return str(identifier).replace("_", " ").strip()


def sentence(text: str) -> str:
    """The first letter in capitals (planner names are written in lower case)."""
    return text[:1].upper() + text[1:] if text else text
