"""The top of the Results page (AppTest): the plan in brief names the top commission and the binding
limit in the scenario's words, the map and the heat maps are drawn, and Export offers the board
pack. The plan is written by hand (tests/hand_results.py), so nothing solves here."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from optimiser.basics.locations import APP_SCRIPT
from tests.hand_results import plan_result
from tests.unit.test_story import IDENTIFIERS, raw_scenario

pytestmark = pytest.mark.ui

TIMEOUT_S = 120


@pytest.fixture
def app(tmp_path, monkeypatch) -> AppTest:
    monkeypatch.setenv("OPTIMISER_DATABASE_URL", f"sqlite:///{tmp_path / 'store.sqlite3'}")
    monkeypatch.setenv("OPTIMISER_UI_INLINE_WORKER", "1")
    monkeypatch.delenv("OPTIMISER_UI_SCENARIO", raising=False)
    at = AppTest.from_file(str(APP_SCRIPT), default_timeout=TIMEOUT_S)
    at.run()
    assert not at.exception, at.exception
    at.session_state["result"] = plan_result()
    at.session_state["result_raw"] = raw_scenario()
    return at


def _page(at: AppTest, name: str) -> AppTest:
    at.switch_page(f"app_pages/{name}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_results_open_with_the_plan_in_brief_then_the_map_and_heat_maps(app):
    at = _page(app, "results")
    subheaders = [s.value for s in at.subheader]
    assert subheaders[0] == "The plan in brief"
    assert subheaders.index("Map of regions and placement flows") < subheaders.index("Heat maps")
    text = "\n".join(str(m.value) for m in at.markdown).replace("\\", "")
    assert "The largest commission: Provider P, undergraduate radiography." in text
    assert "The limit that binds hardest: Placement weeks, Region A, 2026." in text
    assert "No lever reaches Sonographer" in text
    story_part = text.split("Details")[0]
    assert IDENTIFIERS.search(story_part) is None and "inf" not in story_part.split()
    assert [m.label for m in at.metric] == ["Weighted shortfall (WTE-years)", "Shortfall, unweighted (WTE-years)",
                                            "Total cost (GBP m)"]  # the solver's status and gap are in the details
    titles = {c.proto.id.rsplit("-", 1)[-1]: json.loads(c.proto.spec)["layout"]["title"]["text"]
              for c in at.get("plotly_chart")}
    assert titles["chart_map"].startswith("Regions at their hubs: placement flows")
    assert titles["chart_starts_heatmap"] == "Learner starts by provider, route and year"
    assert titles["chart_shortfall_heatmap"] == "Shortfall by region and year (WTE, every staff group)"
    flows = next(d.value for d in at.dataframe if list(d.value.columns) == ["from", "to", "learners"])
    assert flows.to_dict("records") == [{"from": "Region A", "to": "Region A", "learners": 10},
                                        {"from": "Region A", "to": "Region B", "learners": 4}]
    starts = next(d.value for d in at.dataframe if "provider, route" in d.value.columns)
    assert starts.set_index("provider, route").loc["Provider P, undergraduate radiography"].tolist() == [10, 4]
    at.selectbox(key="heatmap_group").set_value("son").run()
    short = next(d.value for d in at.dataframe if list(d.value.columns) == ["region", "2026", "2027"])
    assert short.set_index("region").loc["Region A"].tolist() == [2.0, 4.0]  # sonographers only


def test_export_offers_the_board_pack_with_the_story(app):
    at = _page(app, "export")
    buttons = {b.key: b for b in at.get("download_button")}
    assert "download_board_pack" in buttons
