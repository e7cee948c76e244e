"""The hierarchy above the regions (areas.csv) and local scenarios merged into one."""

import shutil
from pathlib import Path

import pandas as pd
import pytest
from command_line import script

from optimiser.analysis.rollup import region_areas, roll_up
from optimiser.basics.issues import ScenarioError
from optimiser.scenario.hierarchy import hierarchy_levels
from optimiser.scenario.io import load_raw
from optimiser.scenario.merge import merge_raw
from optimiser.scenario.scenario import load_scenario, validate

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]
NORTH = ["black_country", "shropshire_telford_wrekin", "staffordshire_stoke"]
SOUTH = ["birmingham_solihull", "coventry_warwickshire", "herefordshire_worcestershire"]


def test_default_levels_and_areas():
    sc = load_scenario()
    assert hierarchy_levels(sc.tables) == ["region", "network", "nhs_region", "nation"]
    assert set(region_areas(sc, "network").values()) == {"West Midlands Imaging Network"}
    assert set(region_areas(sc, "nation").values()) == {"England"}
    df = pd.DataFrame({"region": NORTH + SOUTH, "year": 2024, "wte": [1.0, 2, 3, 4, 5, 6]})
    up = roll_up(df, region_areas(sc, "nhs_region"), "nhs_region", ["wte"])
    assert up.to_dict("records") == [{"region": "Midlands", "year": 2024, "wte": 21.0}]


@pytest.mark.parametrize(("areas", "message"), [
    ("area,level,parent\nExample v2 network,network,Nowhere\n", "parent is not an area of areas.csv"),
    ("area,level,parent\nExample v2 network,network,B\nB,nation,Example v2 network\n",
     "the areas' parents form a loop (Example v2 network -> B -> Example v2 network)"),
    ("area,level,parent\nExample v2 network,network,B\nB,network,\n", "level 'network' appears twice above this region"),
    ("area,level,parent\nExample v2 network,region,\n", "level 'region' is the regions' own level"),
])
def test_bad_hierarchies_are_named(tmp_path, areas, message):
    folder = tmp_path / "sc"
    shutil.copytree(ROOT / "tests/data/example_v2", folder)
    (folder / "areas.csv").write_text(areas)
    report = validate(folder)
    assert not report.ok
    assert message in report.render()


def test_split_and_merged_default_equals_the_joint_scenario():
    joint = load_raw(ROOT / "inputs/west_midlands")
    parts = script("split_scenario").split(joint, {"north": NORTH, "south": SOUTH})
    assert set(parts["north"].tables["regions"]["region"]) == set(NORTH)
    merged = merge_raw([parts["north"], parts["south"]], name=joint.config["name"])
    assert merged.raw.config == joint.config
    for table, df in joint.tables.items():
        got = merged.raw.tables[table][list(df.columns)]
        assert sorted(map(tuple, got.values.tolist())) == sorted(map(tuple, df.values.tolist())), table
    shared = merged.summary.set_index(["table", "scenario"])["rows_shared"]
    assert shared[("staff_groups", parts["south"].source)] == len(joint.tables["staff_groups"])


def test_merge_refuses_conflicts():
    joint = load_raw(ROOT / "inputs/west_midlands")
    split = script("split_scenario").split
    parts = split(joint, {"north": NORTH, "south": SOUTH})
    north, south = parts["north"], parts["south"]
    south.tables["staff_groups"].loc[0, "leaver_rate"] = "0.5"
    south.config["discount"] = 0.9
    south.tables["regions"] = pd.concat([south.tables["regions"], north.tables["regions"].iloc[[0]]],
                                        ignore_index=True)
    with pytest.raises(ScenarioError) as exc:
        merge_raw([north, south])
    text = exc.value.report.render()
    group = joint.tables["staff_groups"].loc[0, "staff_group"]
    rate = joint.tables["staff_groups"].loc[0, "leaver_rate"]
    assert f"staff_groups.csv, row 2, column 'leaver_rate': staff_group={group} is defined differently: leaver_rate " \
           f"is '{rate}' in {north.source} (row 2) but '0.5' here" in text
    assert "setting discount is 1.0 in" in text
    assert "region black_country is also defined in" in text
