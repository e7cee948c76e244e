"""The WMIN published do-nothing projection of diagnostic radiographers (1,880 WTE in 2023 to 2,350 /
2,731 / 2,977 WTE in 2028 / 2033 / 2037) is reproduced within 0.5% by the one-group example in
inputs/examples/wmin_do_nothing, which holds only the four required tables and the published
inflows."""

import pytest

import optimiser
from optimiser.basics.locations import INPUTS_DIR

pytestmark = pytest.mark.integration
EXAMPLE = INPUTS_DIR / "examples" / "wmin_do_nothing"
PUBLISHED = {2028: 2350, 2033: 2731, 2037: 2977}  # WMIN Workforce Work Plan v1 (Nov 2023), ESR "do nothing"


def test_the_example_holds_only_the_required_tables_and_the_published_inflows():
    tables = {p.name for p in EXAMPLE.iterdir() if p.suffix in (".csv", ".toml")}
    assert tables == {"scenario.toml", "regions.csv", "staff_groups.csv", "workforce.csv", "committed_inflows.csv"}
    report = optimiser.validate(EXAMPLE)
    assert report.errors == []


def test_the_published_do_nothing_projection_is_reproduced_within_half_a_percent():
    supply = optimiser.project(optimiser.load_scenario(EXAMPLE)).projection.groupby("year")["supply_wte"].sum()
    assert supply[2023] == pytest.approx(1880)
    for year, published in PUBLISHED.items():
        assert supply[year] == pytest.approx(published, rel=0.005), year
