"""uncertainty.csv's retention_effect and returner_pool rows: scopes the scenario has, draws that can
make a difference, and the factors a sampled future carries (no solve)."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

import optimiser
from optimiser.analysis.sampling import sample_scenario
from optimiser.analysis.sweep import uncertain_inputs
from optimiser.model.data import prepare

pytestmark = pytest.mark.unit

HEADER = "parameter,scope,distribution,arguments\n"


@pytest.fixture
def with_rows(tmp_path, example_v2_dir):
    """The v2 worked example (schemes flexible_working of radiographers and retire_and_return of
    radiologists; the returner route return_to_practice pooled over regions) with these rows."""
    def write(*lines: str):
        path = tmp_path / f"v2_{len(list(tmp_path.iterdir()))}"
        shutil.copytree(example_v2_dir, path)
        (path / "uncertainty.csv").write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
        return path
    return write


BAD_ROWS = [
    ("retention_effect,nobody,beta,a=8;b=2", "scope", "nobody", "error",
     "unknown retention scheme or staff group for retention_effect"),
    ("retention_effect,sonographer,beta,a=8;b=2", "scope", "sonographer", "error",
     "staff group sonographer has no retention scheme"),
    ("returner_pool,international_radiologist,lognormal,sigma=0.3", "scope", "international_radiologist", "error",
     "is a international route: returner_pool varies the pools of returner routes"),
    ("returner_pool,city,lognormal,sigma=0.3", "scope", "city", "error", "no returner pool row of recruitment_pool.csv is for region city"),
    ("returner_pool,nowhere,lognormal,sigma=0.3", "scope", "nowhere", "error", "unknown returner route or region"),
    ("retention_effect,*,uniform,low=0.7;high=0.9", "arguments", "low=0.7;high=0.9", "error",
     "every draw gives a realised share of at least 1"),
    ("retention_effect,*,uniform,low=-2;high=-1.5", "arguments", "low=-2;high=-1.5", "error",
     "every draw gives a realised share of at most 0"),
    ("retention_effect,*,lognormal,sigma=0.2", "arguments", "sigma=0.2", "warning", "at least half are clipped to 1"),
    ("returner_pool,*,normal,mean=-1.5;sd=0.1", "arguments", "mean=-1.5;sd=0.1", "error",
     "every draw gives a pool factor of at most 0"),
    ("returner_pool,*,uniform,low=0;high=0.5", "arguments", "low=0;high=0.5", "warning",
     "every draw gives a pool factor of at least 1"),
    ("returner_pool,*,beta,a=0;b=2", "arguments", "a=0;b=2", "error", "a and b must be above 0"),
]


@pytest.mark.parametrize(("line", "column", "value", "severity", "message"), BAD_ROWS)
def test_bad_rows_are_named_with_a_fix(with_rows, line, column, value, severity, message):
    report = optimiser.validate(with_rows(line))
    found = [i for i in report.issues if i.rule == "check_uncertainty"]
    assert len(found) == 1, report.render()
    i = found[0]
    assert (i.severity, i.file, i.row, i.column, i.value) == (severity, "uncertainty.csv", 2, column, value)
    assert message in i.message
    assert i.fix


def test_good_scopes_validate_and_sample_into_the_future(with_rows):
    path = with_rows("retention_effect,radiographer,beta,a=8;b=2",
                     "retention_effect,retire_and_return,triangular,low=-0.5;mode=-0.2;high=0",
                     "returner_pool,*,lognormal,sigma=0.3")
    sc = optimiser.load_scenario(path)
    assert not [i for i in sc.report.issues if i.file == "uncertainty.csv"], sc.report.render()
    future, draws = sample_scenario(sc, uncertain_inputs(sc), np.random.SeedSequence(3))
    assert set(zip(draws["parameter"], draws["key"], strict=True)) == {
        ("retention_effect", "flexible_working"), ("retention_effect", "retire_and_return"),
        ("returner_pool", "return_to_practice")}
    assert (draws["base_value"] == 1.0).all()
    data, base = prepare(future), prepare(sc)
    shares = {o.scheme: o.realised_share for o in data.retention}
    drawn = dict(zip(draws["key"], draws["sampled_value"], strict=True))
    assert shares == pytest.approx({k: drawn[k] for k in shares})
    assert {o.realised_share for o in base.retention} == {1.0}
    # the pooled returner pool, realised: 6 x g in every decision year; the scenario as read has none
    assert sorted(set(data.realised_pool_total.values())) == pytest.approx([6 * drawn["return_to_practice"]])
    assert not base.realised_pool_total and not base.realised_pool_region
    assert "realised_share" not in sc.tables["retention"].columns  # the scenario is left untouched
