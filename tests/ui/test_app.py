"""The app's pages through Streamlit's AppTest: edits injected as the editor's session state,
an invalid edit refused, a solve of the default saved to a temporary store, compare and export.

AppTest has no browser to poll a worker process from, so these tests run the worker's job
function in-process (OPTIMISER_UI_INLINE_WORKER=1); tests/ui/test_worker.py and the browser
test exercise the real worker process.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from optimiser.basics.locations import APP_SCRIPT

pytestmark = pytest.mark.ui

APP = str(APP_SCRIPT)
TIMEOUT_S = 180


@pytest.fixture
def store_url(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    monkeypatch.setenv("OPTIMISER_DATABASE_URL", url)
    monkeypatch.setenv("OPTIMISER_UI_INLINE_WORKER", "1")
    monkeypatch.delenv("OPTIMISER_UI_SCENARIO", raising=False)
    # These tests pin cells and limits of the embedded default to check the app's mechanics
    # (edits, saves, frontier); they run on the v1 default shipped beside the v2 one, whose
    # figures they were written against.
    import optimiser.basics.locations as locations
    import ui.state

    monkeypatch.setattr(locations, "DEFAULT_SCENARIO_DIR", locations.V1_SCENARIO_DIR)
    monkeypatch.setattr(ui.state, "DEFAULT_SCENARIO_DIR", locations.V1_SCENARIO_DIR)
    return url


def _app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.run()
    assert not at.exception, at.exception
    return at


def _page(at: AppTest, name: str) -> AppTest:
    at.switch_page(f"app_pages/{name}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _table(at: AppTest, *columns: str, exclude_editors: bool = True):
    """The first table shown (st.dataframe) that has all these columns."""
    for frame in at.dataframe:
        if exclude_editors and frame.editing_mode != "read_only":
            continue
        value = frame.value
        if all(c in value.columns for c in columns):
            return value
    raise AssertionError(f"no table with columns {columns}")


def _texts(elements) -> list[str]:
    return [str(e.value) for e in elements]


def test_every_page_renders_on_the_default_without_a_plan(store_url):
    at = _app()
    assert _texts(at.title) == ["Scenario"]
    assert any("No errors" in t for t in _texts(at.success))
    for name, title in [("constraints", "Constraints"), ("solve", "Solve"), ("results", "Results"),
                        ("compare", "Compare"), ("export", "Export")]:
        _page(at, name)
        assert _texts(at.title) == [title]
    _page(at, "results")
    assert any("No plan yet" in t for t in _texts(at.info))
    _page(at, "export")  # the scenario downloads are there before any plan
    assert [b.key for b in at.get("download_button")] == ["download_scenario_xlsx", "download_scenario_zip"]


def test_budget_edit_through_the_editor_state_is_validated_and_listed_as_a_change(store_url):
    at = _page(_app(), "constraints")
    editor = at.data_editor(key="editor_budget")
    assert list(editor.value["budget_gbp"][:2]) == [20_600_000, 4_900_000]
    # row position 1 is the 2023 row (spreadsheet row 3): GBP 4.9m -> 5.9m
    at.session_state["editor_budget"] = {"edited_rows": {1: {"budget_gbp": 5_900_000}},
                                         "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    budget = at.session_state["raw"].tables["budget"]
    assert budget.loc[1, "year"] == "2023" and budget.loc[1, "budget_gbp"] == "5900000"
    assert budget.loc[0, "budget_gbp"] == "20600000"  # untouched cells keep their text
    changes = _table(at, "row_key", "old", "new")
    assert changes[["table", "row_key", "column", "old", "new"]].values.tolist() == [
        ["budget", "year=2023", "budget_gbp", "4900000", "5900000"]]
    assert not at.error  # a valid edit: no errors anywhere
    _page(at, "solve")
    assert at.button(key="solve_submit").disabled is False


def test_invalid_edit_is_refused_with_row_column_and_fix_and_blocks_solving(store_url):
    at = _page(_app(), "constraints")
    at.session_state["editor_budget"] = {"edited_rows": {0: {"budget_gbp": -5}},
                                         "added_rows": [], "deleted_rows": []}
    at.run()
    errors = _texts(at.error)
    assert "1 error(s) in this table: solving is blocked until they are fixed." in errors
    issues = _table(at, "row", "column", "value", "message", "fix")
    assert issues[["row", "column", "value", "message"]].values.tolist() == [
        [2, "budget_gbp", "-5", "must not be negative"]]
    assert "positive" in issues["fix"].iloc[0]
    assert issues["key"].iloc[0] == "year=(blank)"  # the row's key beside its number
    _page(at, "solve")
    assert at.button(key="solve_submit").disabled is True
    assert any("solving is blocked" in t for t in _texts(at.error))


def test_invalid_setting_and_added_row_are_checked_on_the_server(store_url):
    at = _page(_app(), "constraints")
    settings = at.data_editor(key="editor_scenario_settings").value
    horizon = settings.index[settings["setting"] == "horizon_years"][0]
    at.session_state["editor_scenario_settings"] = {"edited_rows": {int(horizon): {"value": "0"}},
                                                    "added_rows": [], "deleted_rows": []}
    # a duplicate 2024 budget row, added at the bottom of the editor
    at.session_state["editor_budget"] = {"edited_rows": {},
                                         "added_rows": [{"year": 2024, "budget_gbp": 1_000_000}],
                                         "deleted_rows": []}
    at.run()
    report = at.session_state["_report_cache"][1]
    found = sorted((i.file, i.row, i.column) for i in report.errors)
    assert found == [("budget.csv", 7, "year"), ("scenario.toml", None, "horizon_years")]


@pytest.mark.parametrize("state, status", [("finished", "time_limit"), ("cancelled", "cancelled")])
def test_a_solve_that_stopped_before_any_plan_is_not_reported_as_having_one(store_url, state, status):
    at = _app()
    at.session_state["job_outcome"] = {"state": state, "message": "", "elapsed_s": 60.0, "run_id": None,
                                       "store_problem": "", "plan_status": status, "holds_plan": False}
    _page(at, "solve")
    shown = _texts(at.success) + _texts(at.warning) + _texts(at.error)
    assert not any("Plan found" in t or "best plan found so far" in t for t in shown), shown
    if state == "finished":
        assert "No plan: the solver reports 'time_limit'. The Results page says why." in shown


def test_solve_on_the_default_is_saved_shown_compared_and_exported(store_url):
    from optimiser import Store

    at = _page(_app(), "solve")
    at.button(key="solve_submit").click().run()
    assert not at.exception, [e.value for e in at.exception]
    result = at.session_state["result"]
    assert result.status == "optimal"
    assert result.weighted_shortfall < result.status_quo.weighted_shortfall
    assert any("Plan found" in t for t in _texts(at.success))

    runs = Store(store_url).list_runs()
    assert len(runs) == 1 and runs[0].kind == "plan"
    assert runs[0].scenario_name.startswith("West Midlands Imaging Network (embedded default) (solved ")
    assert runs[0].weighted_shortfall == pytest.approx(result.weighted_shortfall)
    assert runs[0].options["budget_scale"] == 1.0

    _page(at, "results")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Weighted shortfall (WTE-years)"] == f"{result.weighted_shortfall:,.0f}"
    assert metrics["Total cost (GBP m)"] == f"{result.total_cost_gbp / 1e6:,.1f}"
    starts = _table(at, "year", "total")
    assert starts["total"].sum() == result.starts["starts"].sum()

    # the budget frontier, traced in the worker from the Results page
    at.button(key="run_frontier").click().run()
    assert not at.exception, [e.value for e in at.exception]
    frontier = _table(at, "budget_scale", "weighted_shortfall", "status_quo_weighted_shortfall")
    assert frontier["budget_scale"].tolist() == [0.5, 0.75, 1.0, 1.25, 1.5, 2.0]
    assert (frontier["status"] == "optimal").all()
    # more budget never leaves more gap (each point within the 2% gap of its optimum)
    w = frontier["weighted_shortfall"].tolist()
    assert all(b <= a * 1.02 for a, b in zip(w, w[1:], strict=False))
    assert w[-1] < frontier["status_quo_weighted_shortfall"].iloc[0]
    assert [r.kind for r in Store(store_url).list_runs()] == ["frontier", "plan"]

    _page(at, "export")
    keys = [b.key for b in at.get("download_button")]
    assert keys[:2] == ["download_plan_xlsx", "download_plan_zip"]

    # a second plan with 50% more budget, then the two side by side
    _page(at, "solve")
    at.number_input(key="solve_budget_scale").set_value(1.5)
    at.button(key="solve_submit").click().run()
    second = at.session_state["result"]
    assert second.budget_scale == 1.5
    assert second.weighted_shortfall <= result.weighted_shortfall * (1 + 0.02)  # more money never hurts (within the gap)
    _page(at, "compare")
    head = _table(at, "measure", "P1", "P2").set_index("measure")
    assert head.loc["budget scale", "P1"] == "×1" and head.loc["budget scale", "P2"] == "×1.5"
    difference = head.loc["weighted shortfall", "P2 − P1"]
    assert difference.startswith(f"{second.weighted_shortfall - result.weighted_shortfall:,.0f}")
    # flagged exactly when smaller than the two runs' bands (objective − bound) together
    bands = sum(abs(p.objective - p.dual_bound) for p in (result, second))
    within = abs(second.weighted_shortfall - result.weighted_shortfall) < bands
    assert ("(within solver tolerance" in difference) == within
    assert any("within solver tolerance" in t for t in _texts(at.warning)) == within
    routes = _table(at, "route", "P1", "P2")
    assert routes["P1"].sum() == result.starts["starts"].sum()
    assert routes["P2"].sum() == second.starts["starts"].sum()


def test_exported_scenario_workbook_uploads_back_unchanged_and_junk_changes_nothing(store_url, tmp_path):
    from optimiser import validate_raw, write_workbook

    at = _page(_app(), "constraints")
    at.session_state["editor_budget"] = {"edited_rows": {1: {"budget_gbp": 5_900_000}},
                                         "added_rows": [], "deleted_rows": []}
    at.run()
    edited = at.session_state["raw"]
    _page(at, "export")
    workbook = next(b for b in at.get("download_button") if b.key == "download_scenario_xlsx")
    assert workbook.proto.label == "Download the scenario as a workbook (.xlsx)"
    # the same bytes the button serves: write_workbook of the edited scenario
    path = tmp_path / "edited.xlsx"
    write_workbook(edited, path)

    _page(at, "scenario")
    at.file_uploader(key="upload").set_value(("edited.xlsx", path.read_bytes(), "application/octet-stream"))
    at.run()
    assert not at.exception
    assert at.session_state["scenario_label"] == "edited.xlsx"
    up = at.session_state["raw"]
    assert up.tables["budget"].loc[1, "budget_gbp"] == "5900000"
    typed_up, typed_edit = validate_raw(up)[1], validate_raw(edited)[1]
    for name, df in typed_edit.items():
        assert typed_up[name].reset_index(drop=True).equals(df.reset_index(drop=True)), name

    before = at.session_state["raw"]
    at.file_uploader(key="upload").set_value(("plan.xlsx", b"=cmd|' /C calc'!A0", "application/octet-stream"))
    at.run()
    assert any("The upload was refused and nothing changed" in t and "zip signature" in t for t in _texts(at.error))
    assert at.session_state["raw"] is before and at.session_state["scenario_label"] == "edited.xlsx"


def test_save_open_and_delete_a_scenario_in_the_store(store_url):
    from optimiser import Store

    at = _page(_app(), "constraints")
    at.session_state["editor_budget"] = {"edited_rows": {1: {"budget_gbp": 5_900_000}},
                                         "added_rows": [], "deleted_rows": []}
    at.run()
    _page(at, "scenario")
    at.text_input[0].set_value("WM plus 1m in 2023")
    at.text_input[1].set_value("tests one more million in the first year")
    at.button(key="save_submit").click().run()
    assert any("Saved as 'WM plus 1m in 2023'" in t for t in _texts(at.success))
    saved = Store(store_url).list_scenarios()
    assert [(s.name, s.note) for s in saved] == [("WM plus 1m in 2023", "tests one more million in the first year")]

    at.button(key="load_default").click().run()
    assert at.session_state["raw"].tables["budget"].loc[1, "budget_gbp"] == "4900000"
    at.button(key="open_saved").click().run()
    assert at.session_state["raw"].tables["budget"].loc[1, "budget_gbp"] == "5900000"
    assert at.session_state["scenario_id"] == saved[0].id
    at.button(key="delete_saved").click().run()
    assert Store(store_url).list_scenarios() == []
