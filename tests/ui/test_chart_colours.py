"""Stacked charts with more series than the theme's ten colours give each series its own colour
(the retention chart stacks the default's 13 staff groups: two groups sharing red misled)."""

from __future__ import annotations

import pandas as pd
import pytest

from ui.plan_charts import _stacked

pytestmark = pytest.mark.ui


def test_thirteen_series_get_thirteen_colours():
    table = pd.DataFrame({f"group_{i}": [1.0, 2.0] for i in range(13)}, index=[2024, 2025])
    fig = _stacked(table, "t", "year", "WTE", {})
    colours = [bar.marker.color for bar in fig.data]
    assert len(fig.data) == 13 and None not in colours and len(set(colours)) == 13


def test_a_few_series_keep_the_theme_colours():
    table = pd.DataFrame({"a": [1.0], "b": [2.0]}, index=[2024])
    assert [bar.marker.color for bar in _stacked(table, "t", "year", "WTE", {}).data] == [None, None]
