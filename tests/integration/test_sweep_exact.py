"""A status-quo sweep of the default gives, future by future, what the straightforward path gives:
draw the future with `sample_scenario` and project it with `optimiser.project`, nothing shared
between futures. Its summary quantiles are numpy's over those projections."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import optimiser
from optimiser.analysis.sampling import sample_scenario
from optimiser.analysis.sweep import sweep, uncertain_inputs

pytestmark = pytest.mark.integration
SAMPLES, SEED, TOL = 20, 3, 1e-9
KEYS = ["staff_group", "region", "year"]


@pytest.fixture(scope="module")
def default():
    return optimiser.load_scenario()


@pytest.fixture(scope="module")
def direct(default):
    """(weighted shortfall, total shortfall, measured-year projection) of every future, one by one."""
    inputs = uncertain_inputs(default)
    out = []
    for i, seed in enumerate(np.random.SeedSequence(SEED).spawn(SAMPLES)):
        r = optimiser.project(sample_scenario(default, inputs, seed, i)[0])
        p = r.projection
        out.append((r.weighted_shortfall, r.total_shortfall_wte_years,
                    p.loc[p["year"] > default.config.start_year, [*KEYS, "demand_wte", "shortfall_wte"]].reset_index(drop=True)))
    return out


@pytest.fixture(scope="module")
def swept(default):
    return sweep(default, SAMPLES, seed=SEED, workers=1)


def test_every_future_matches_its_direct_projection(default, swept, direct):
    samples = swept.samples.set_index("sample")
    assert (samples["status"] == "optimal").all() and len(samples) == SAMPLES
    np.testing.assert_allclose(samples["weighted_shortfall"], [w for w, _, _ in direct], rtol=0, atol=TOL)
    np.testing.assert_allclose(samples["total_shortfall_wte_years"], [t for _, t, _ in direct], rtol=0, atol=TOL)
    assert samples["weighted_shortfall"].nunique() == SAMPLES  # twenty different futures


def test_summary_quantiles_are_those_of_the_direct_projections(swept, direct):
    long = pd.concat([p.assign(sample=i) for i, (_, _, p) in enumerate(direct)], ignore_index=True)
    values = long.pivot_table(index=KEYS, columns="sample", values="shortfall_wte", aggfunc="first")
    expected = pd.DataFrame(np.quantile(values.to_numpy(), [0.1, 0.5, 0.9], axis=1).T, index=values.index,
                            columns=["p10_wte", "p50_wte", "p90_wte"])
    got = swept.shortfall.set_index(KEYS)[["p10_wte", "p50_wte", "p90_wte"]]
    assert len(got) == len(expected)
    pd.testing.assert_frame_equal(got, expected.loc[got.index], check_exact=False, rtol=0, atol=TOL)
    totals = swept.totals.set_index("measure")
    for measure, column in (("weighted_shortfall", 0), ("total_shortfall_wte_years", 1)):
        q = np.quantile([d[column] for d in direct], [0.1, 0.5, 0.9])
        np.testing.assert_allclose(totals.loc[measure, ["p10", "p50", "p90"]].to_numpy(dtype=float), q, rtol=0, atol=TOL)
