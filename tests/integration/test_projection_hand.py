"""The status-quo stock-flow checked by hand on the West Midlands radiographer ESR analysis.

One region, diagnostic radiographers only, 1,880 WTE on 31 March 2023 (the start of 2023/24),
rates from radiographer_flow_assumptions.csv and the yearly inflows of
radiographer_committed_inflows.csv (undergraduate + postgraduate + apprenticeship + international).
"""

import pytest
from scenarios import group, make

import optimiser

pytestmark = pytest.mark.integration

LEAVER, RETIRE, CHURN, LABOUR = 0.0452, 0.0124, 0.0146, 0.0186
INFLOWS = {2023: 116 + 7 + 3 + 71, 2024: 120 + 7 + 6 + 71, **{y: 120 + 7 + 12 + 71 for y in range(2025, 2037)}}


def wm_radiographers():
    g = group(staff_group="diagnostic_radiographer", name="Diagnostic radiographer", leaver_rate=LEAVER,
              retirement_rate=RETIRE, net_churn_rate=CHURN, labour_market_rate=LABOUR, demand_growth=0.0)
    t = {"regions": [dict(region="wm", name="West Midlands")], "staff_groups": [g],
         "workforce": [dict(region="wm", staff_group="diagnostic_radiographer", in_post_wte=1880, establishment_wte=2000)],
         "committed_inflows": [dict(region="wm", staff_group="diagnostic_radiographer", year=y, wte=w) for y, w in INFLOWS.items()],
         "routes": [], "providers": [], "provider_routes": []}
    return make(t, start_year=2023, horizon_years=14)


def test_net_loss_rate_and_first_years_by_hand():
    proj = optimiser.project(wm_radiographers()).projection.set_index("year")["supply_wte"]
    # lambda = 0.0452 + 0.0124 + 0.0146 - 0.0186 = 0.0536
    assert proj[2023] == 1880
    assert proj[2024] == pytest.approx(1880 * 0.9464 + 197)  # 1976.232
    assert proj[2024] == pytest.approx(1976.232)
    assert proj[2025] == pytest.approx(1976.232 * 0.9464 + 204)  # 2074.306
    assert proj[2026] == pytest.approx(2074.30596 * 0.9464 + 210, abs=1e-3)


def test_projection_converges_towards_inflow_over_rate():
    proj = optimiser.project(wm_radiographers()).projection.set_index("year")
    s = 1880.0
    for y in range(2023, 2037):
        s = s * (1 - 0.0536) + INFLOWS[y]
    assert proj.loc[2037, "supply_wte"] == pytest.approx(s)
    # Steady state 210 / 0.0536 = 3917.9 WTE is approached from below.
    assert 2900 < proj.loc[2037, "supply_wte"] < 210 / 0.0536
    # Flat demand of 2000: the gap closes; shortfall never negative.
    assert (proj["shortfall_wte"] >= 0).all()
    assert proj.loc[2037, "shortfall_wte"] == 0
