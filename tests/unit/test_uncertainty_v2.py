"""uncertainty.csv's v2 parameter activity_growth (a modality's examination growth): read, checked
and sampled without a solve."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

import optimiser
from optimiser.analysis.sampling import sample_scenario
from optimiser.analysis.sweep import uncertain_inputs
from optimiser.model.data import prepare

pytestmark = pytest.mark.unit


def _with_rows(tmp_path, example_v2_dir, rows: str):
    path = tmp_path / "ex2"
    shutil.copytree(example_v2_dir, path)
    (path / "uncertainty.csv").write_text("parameter,scope,distribution,arguments\n" + rows, encoding="utf-8")
    return path


def test_activity_growth_moves_the_modality_and_its_demand(tmp_path, example_v2_dir):
    sc = optimiser.load_scenario(_with_rows(tmp_path, example_v2_dir, "activity_growth,*,uniform,low=0.05;high=0.05\n"))
    future, draws = sample_scenario(sc, uncertain_inputs(sc), np.random.SeedSequence(0))
    base_growth = sc.tables["modalities"].set_index("modality")["growth"]
    grown = future.tables["modalities"].set_index("modality")["growth"]
    assert (grown - base_growth).to_numpy() == pytest.approx(0.05)
    assert set(draws["parameter"]) == {"activity_growth"} and len(draws) == len(base_growth)
    # faster growth of every modality: more activity-based demand in the last measured year
    base_d, future_d = prepare(sc).demand, prepare(future).demand
    last = max(y for _g, _r, y in base_d)
    assert sum(v for k, v in future_d.items() if k[2] == last) > sum(v for k, v in base_d.items() if k[2] == last)


def test_activity_growth_names_a_modality(tmp_path, example_v2_dir):
    path = _with_rows(tmp_path, example_v2_dir, "activity_growth,pet_scan,normal,sd=0.01\n")
    with pytest.raises(optimiser.ScenarioError) as err:
        optimiser.load_scenario(path)
    text = err.value.report.render()
    assert "unknown modality for activity_growth" in text and "pet_scan" in text
