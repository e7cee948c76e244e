"""What each objective minimises and the unit its objective value, shadow prices and lever ranking are in
(one statement, for the CLI, summary.json, the workbook and the app)."""

from __future__ import annotations

OBJECTIVE_MEANING = {
    "min_shortfall": "min_shortfall: the least weighted shortfall (discounted) within every limit.",
    "min_cost": "min_cost: the least total cost that meets every group's shortfall target.",
    "min_system_cost": "min_system_cost: the least present value of spending plus the premium paid to cover "
                       "the remaining gap (agency, bank, outsourcing).",
}
OBJECTIVE_UNIT = {"min_shortfall": "weighted WTE-years", "min_cost": "GBP", "min_system_cost": "GBP, present value"}
