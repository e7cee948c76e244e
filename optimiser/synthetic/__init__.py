"""Synthetic scenarios from one network to all of England (and Wales), for benchmarks and for
trying the engine where real data is not to hand.

`generate(preset, seed)` returns a `RawScenario` (every cell text) in the scenario format of
`inputs/data_dictionary.csv`. Every figure is derived from the West Midlands v1 default
(`inputs/west_midlands_v1`, "the template", `template.py`): staff groups, routes, rates, costs,
skill mix and settings are copied; staff, starts, provider caps and capacities are scaled per
million residents to the preset's regions, with seeded noise; capacities and the budget are sized
from the generated status quo the same way as the template's (see `inputs/synthetic/README.md`,
which documents every quantity).

The same seed always gives the same scenario (`presets.noise`). Modules, in the order `generate`
uses them: presets, geography, template, staff, workforce, providers, commissioning,
in_training, capacities, assembly; writing puts a scenario on disk.
"""

from optimiser.synthetic.assembly import generate
from optimiser.synthetic.presets import preset_names
from optimiser.synthetic.writing import (
    FORMS,
    check_destination,
    describe,
    write_preset,
    write_scenario,
)

__all__ = ["FORMS", "check_destination", "describe", "generate", "preset_names", "write_preset", "write_scenario"]
