"""Numeric run options (budget scale, time limit, gap, samples, seed, workers, port): one reader.

Every command and the web app read a numeric option here, from text or a number: a plain
finite decimal (as a cell is read, `basics.plain_numbers.finite_number`: no 'inf', 'nan', '1_000' or
units), a whole number where one is needed, and within the option's plausible range. Anything
else raises `OptionError` naming the option, the value and what to give instead, before any work.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral, Real

from optimiser.basics.plain_numbers import finite_number


class OptionError(ValueError):
    """A numeric option that is not a finite number in its range; the message says what to give."""


@dataclass(frozen=True)
class NumberOption:
    """One numeric option: its name in messages, its range (inclusive) and whether it is whole."""

    label: str  # the planner's words, e.g. "budget scale"
    low: float
    high: float
    whole: bool = False
    unit: str = ""  # shown after the range, e.g. "seconds"

    def requirement(self) -> str:
        kind = "a whole number" if self.whole else "a number"
        unit = f" {self.unit}" if self.unit else ""
        return f"{kind} from {_shown(self.low)} to {_shown(self.high)}{unit}"

    def read(self, value: str | float | int) -> float | int:
        """The option's value from text or a number; OptionError when it is not one in range."""
        number = _number(value)
        if number is None or not self.low <= number <= self.high or (self.whole and number != int(number)):
            raise OptionError(f"{self.label} must be {self.requirement()}, not {_as_typed(value)}")
        return int(number) if self.whole else float(number)


def _number(value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, Integral):
        return float(value) if abs(value) < 2**63 else None
    if isinstance(value, Real):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        return finite_number(value)
    return None


def _shown(x: float) -> str:
    return str(int(x)) if x == int(x) else f"{x:g}"


def _as_typed(value) -> str:
    # a number as str() shows it ('nan', 'inf'; numpy's too), so a value from Python reads as typed text does
    text = value if isinstance(value, str) else str(value) if isinstance(value, Real) else repr(value)
    return repr(text if len(text) <= 40 else text[:40] + "...")


NUMBER_OPTIONS = {
    # x every budget row; beyond 100 x no budget limits anything and the numbers only get harder to solve
    "budget_scale": NumberOption("budget scale", 0, 100, unit="(x every budget)"),
    "time_limit": NumberOption("time limit", 0.01, 7 * 24 * 3600, unit="seconds"),  # up to a week
    "gap": NumberOption("relative MIP gap", 0, 1, unit="(a fraction: 0.01 = 1%)"),
    "samples": NumberOption("number of sampled futures", 1, 100_000, whole=True),
    "seed": NumberOption("seed", 0, 2**32 - 1, whole=True),
    "workers": NumberOption("number of worker processes", 1, 1024, whole=True),
    "port": NumberOption("port", 1, 65535, whole=True, unit="(a TCP port, e.g. 8501)"),
    # near-optimal alternatives: how much worse than the best plan's objective an alternative may be
    "slack": NumberOption("slack", 0, 1, unit="(a fraction of the best objective: 0.02 = 2%)"),
    "count": NumberOption("number of alternatives", 1, 50, whole=True),
}


def number_option(name: str, value: str | float | int) -> float | int:
    """Read the numeric option `name` (a key of NUMBER_OPTIONS) from text or a number."""
    return NUMBER_OPTIONS[name].read(value)


def number_options(name: str, text: str) -> list[float | int]:
    """A comma-separated list of the option `name` (e.g. a frontier's budget scales), every item
    checked; OptionError names each bad item at once."""
    return number_list(name, [t.strip() for t in str(text).split(",")])


def number_list(name: str, items) -> list[float | int]:
    """Several values of the option `name`, as text or numbers (a frontier's budget scales from
    Python), every item checked; OptionError names each bad item at once."""
    rule = NUMBER_OPTIONS[name]
    items = list(items)
    if not items or all(isinstance(i, str) and not i for i in items):
        raise OptionError(f"give at least one {rule.label}: {rule.requirement()}, separated by commas")
    values, bad = [], []
    for item in items:
        if isinstance(item, str) and not item:
            bad.append("an empty item (two commas together, or a comma at an end)")
            continue
        try:
            values.append(rule.read(item))
        except OptionError:
            bad.append(_as_typed(item))
    if bad:
        raise OptionError(f"each {rule.label} must be {rule.requirement()}; not {', '.join(bad)}")
    return values
