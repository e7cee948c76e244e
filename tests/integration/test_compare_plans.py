"""optimiser.compare on plans the solver made (the hand-made cases are in tests/unit/test_compare.py)."""

from __future__ import annotations

import pandas as pd
import pytest
from scenarios import BASE_CONFIG, base_tables, make, raw_from

import optimiser
from optimiser import PlanRun, compare_runs

pytestmark = pytest.mark.integration


def records(df: pd.DataFrame, key: str) -> dict:
    return {k: [float(x) for x in v] for k, v in df.set_index(key).iterrows()}


def test_plan_results_are_compared_directly():
    tables = base_tables()
    tables["provider_routes"][0]["max_starts"] = 4
    small = optimiser.solve(make(tables))
    large = optimiser.solve(make())
    c = compare_runs([small, large])
    # tiny(): a 20 WTE gap from 2025; each start is one more WTE the next year. At 4 starts a year
    # the measured shortfall is 16 + 12 + 8 (2026-2028); at 10 a year it is 10 + 0 + 0.
    assert records(c.shortfall_by_group, "staff_group") == {"rad": [36, 10, -26]}
    head = c.headline.set_index("measure")
    assert head.loc["weighted shortfall", ["P1", "P2", "P2 − P1"]].tolist() == pytest.approx([36, 10, -26])
    assert records(c.starts_by_route, "route")["ug"][0] == 12  # 4 a year, all three years
    assert c.input_differences.empty  # a PlanResult alone does not carry its scenario
    with_raw = compare_runs([PlanRun.from_result(small, raw_from(tables, BASE_CONFIG)),
                             PlanRun.from_result(large, raw_from(base_tables(), BASE_CONFIG))])
    assert with_raw.input_differences[["row_key", "column", "old", "new"]].values.tolist() == [
        ["provider=p, route=ug", "max_starts", "4", "10"]]  # no year column: keyed without it
