"""The app's pages through Streamlit's AppTest: edits injected as the editor's session state,
an invalid edit refused, a solve of the default saved to a temporary store, compare and export.

Every test runs on the embedded v2 default (inputs/west_midlands) but one: the solve-frontier-
solve-compare journey needs three solves and a six-point frontier, about 10 s on the v1 default
against about 3 minutes on the v2 one (measured under load: one v2 solve 53 s, its frontier 63 s,
one v1 solve 4 s), so it runs on the v1 default shipped beside it. The v2 results, provenance and
export are checked by one solve of the v2 default (test_v2_default_...).

AppTest has no browser to poll a worker process from, so these tests run the worker's job
function in-process (OPTIMISER_UI_INLINE_WORKER=1); tests/ui/test_worker.py and the browser
test exercise the real worker process.
"""

from __future__ import annotations

import json

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
    return url


@pytest.fixture
def v1_default(store_url, monkeypatch) -> str:
    """The v1 default as the embedded default: for the journey that needs several quick solves."""
    import optimiser.basics.locations as locations
    import ui.state

    monkeypatch.setattr(locations, "DEFAULT_SCENARIO_DIR", locations.V1_SCENARIO_DIR)
    monkeypatch.setattr(ui.state, "DEFAULT_SCENARIO_DIR", locations.V1_SCENARIO_DIR)
    return store_url


EDITED_DEFAULT = "West Midlands Imaging Network (edited)"


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
    assert list(editor.value["budget_gbp"][:2]) == [23_500_000, 12_600_000]
    assert at.session_state["raw"].config["name"] == "West Midlands Imaging Network (default)"
    # row position 1 is the 2024 row (spreadsheet row 3): GBP 12.6m -> 13.6m
    at.session_state["editor_budget"] = {"edited_rows": {1: {"budget_gbp": 13_600_000}},
                                         "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    budget = at.session_state["raw"].tables["budget"]
    assert budget.loc[1, "year"] == "2024" and budget.loc[1, "budget_gbp"] == "13600000"
    assert budget.loc[0, "budget_gbp"] == "23500000"  # untouched cells keep their text
    changes = _table(at, "row_key", "old", "new")
    assert changes[["table", "row_key", "column", "old", "new"]].values.tolist() == [
        ["budget", "year=2024", "budget_gbp", "12600000", "13600000"]]
    assert not at.error  # a valid edit: no errors anywhere
    # an edited copy of the default is named as one, on every page
    assert at.session_state["raw"].config["name"] == EDITED_DEFAULT
    assert any(EDITED_DEFAULT in str(m.value) for m in at.sidebar.markdown)
    _page(at, "solve")
    assert at.button(key="solve_submit").disabled is False
    # undoing the edit gives the default's own name back
    _page(at, "constraints")
    at.session_state["editor_budget"] = {"edited_rows": {1: {"budget_gbp": 12_600_000}},
                                         "added_rows": [], "deleted_rows": []}
    at.run()
    assert at.session_state["raw"].config["name"] == "West Midlands Imaging Network (default)"


def test_a_negative_budget_is_refused_beside_the_table_and_nothing_is_stored(store_url):
    at = _page(_app(), "constraints")
    before = at.session_state["raw"]
    at.session_state["editor_budget"] = {"edited_rows": {0: {"budget_gbp": -5_000_000}},
                                         "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    assert _texts(at.error) == [
        "Refused budget_gbp = -5000000 in row 2 (year=(blank)): must not be negative. Nothing was stored "
        "(it keeps 23500000); write 0 or a positive number (GBP)."]
    refused = _table(at, "typed", "kept", "why", "fix")
    assert refused[["row", "key", "column", "typed", "kept"]].values.tolist() == [
        [2, "year=(blank)", "budget_gbp", "-5000000", "23500000"]]
    raw = at.session_state["raw"]
    assert raw.tables["budget"].loc[0, "budget_gbp"] == "23500000"  # not 5000000, not -5000000
    assert raw.config["name"] == before.config["name"]  # nothing changed, so not "(edited)"
    # the grid shows the stored value again, and the scenario is still valid and solvable
    assert at.data_editor(key="editor_budget_1").value["budget_gbp"].iloc[0] == 23_500_000  # a fresh grid
    assert "Changes since loaded (0)" in [e.label for e in at.expander]
    _page(at, "solve")
    assert at.button(key="solve_submit").disabled is False


def test_out_of_range_and_wrong_type_cells_are_refused_and_good_cells_of_the_same_edit_kept(store_url):
    at = _page(_app(), "constraints")
    at.session_state["editor_staff_groups"] = {"edited_rows": {0: {"leaver_rate": 1.5, "shortfall_weight": 2.0}},
                                               "added_rows": [], "deleted_rows": []}
    at.session_state["editor_routes"] = {"edited_rows": {0: {"duration_years": 2.5}},
                                         "added_rows": [], "deleted_rows": []}
    # an added placement row with negative weeks is not added at all
    at.session_state["editor_placement_capacity"] = {
        "edited_rows": {}, "added_rows": [{"region": "black_country", "year": 2030, "placement_weeks": -10}],
        "deleted_rows": []}
    at.run()
    assert not at.exception
    raw = at.session_state["raw"]
    groups, routes = raw.tables["staff_groups"], raw.tables["routes"]
    assert groups.loc[0, "leaver_rate"] == "0.0452" and groups.loc[0, "shortfall_weight"] == "2"  # kept: the good cell
    assert routes.loc[0, "duration_years"] == "3"
    assert len(raw.tables["placement_capacity"]) == len(at.session_state["raw_loaded"].tables["placement_capacity"])
    errors = _texts(at.error)
    assert any(e.startswith("Refused leaver_rate = 1.5 in row 2 (staff_group=diagnostic_radiographer): is a rate "
                            "outside [0, 1]") for e in errors), errors
    assert any(e.startswith("Refused duration_years = 2.5 in row 2 (route=ug_radiography): must be a whole number")
               for e in errors), errors
    assert any(e.startswith("Refused placement_weeks = -10 in row") and "the row was not added" in e
               for e in errors), errors
    assert raw.config["name"] == EDITED_DEFAULT  # the weight of 2 was stored: an edited copy


def test_cells_are_shown_in_their_units_and_wide_enough(store_url):
    at = _page(_app(), "constraints")
    budget = at.data_editor(key="editor_budget").proto
    import json

    columns = json.loads(budget.columns)
    assert columns["budget_gbp"]["type_config"]["format"] == "£%,.0f"
    assert columns["year"]["type_config"]["format"] == "%d"  # 2024, never 2,024 or 2024.0
    for limit in ("min_value", "max_value", "step"):  # the grid never clamps, drops a sign or rounds
        assert columns["budget_gbp"]["type_config"].get(limit) is None
    placement = json.loads(at.data_editor(key="editor_placement_capacity").proto.columns)
    weeks = placement["placement_weeks"]
    assert weeks["type_config"]["format"] == "localized" and weeks["width"] >= 8 * len("3,580") + 36
    assert "at least 0" in weeks["help"]


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
    added_row = len(at.session_state["raw_loaded"].tables["budget"]) + 2  # spreadsheet row of the new row
    # a cross-table finding (a second 2024 row) and a bad setting are stored as typed and listed
    assert ("budget.csv", added_row, "year") in found and ("scenario.toml", None, "horizon_years") in found
    assert at.session_state["raw"].tables["budget"].iloc[-1]["year"] == "2024"
    issues = _table(at, "row", "column", "value", "message", "fix")
    assert "None" not in issues["value"].astype(str).tolist() and "None" not in issues["key"].astype(str).tolist()


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


def test_solve_on_the_v1_default_is_saved_shown_compared_and_exported(v1_default):
    from optimiser import Store

    store_url = v1_default
    at = _page(_app(), "solve")
    at.button(key="solve_submit").click().run()
    assert not at.exception, [e.value for e in at.exception]
    result = at.session_state["result"]
    assert result.status == "optimal"
    assert result.weighted_shortfall < result.status_quo.weighted_shortfall
    assert any("Plan found" in t for t in _texts(at.success))

    runs = Store(store_url).list_runs()
    assert len(runs) == 1 and runs[0].kind == "plan"
    assert runs[0].scenario_name.startswith("West Midlands Imaging Network (v1 default, kept for comparison) (solved ")
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
    at.session_state["editor_budget"] = {"edited_rows": {1: {"budget_gbp": 13_600_000}},
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
    assert up.tables["budget"].loc[1, "budget_gbp"] == "13600000"
    assert up.config["name"] == EDITED_DEFAULT  # the scenario's name travels with it
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
    at.session_state["editor_budget"] = {"edited_rows": {1: {"budget_gbp": 13_600_000}},
                                         "added_rows": [], "deleted_rows": []}
    at.run()
    _page(at, "scenario")
    name_box = next(t for t in at.text_input if t.label.startswith("Scenario name"))
    assert name_box.value == EDITED_DEFAULT
    save_name = next(t for t in at.text_input if t.label == "Name")
    assert save_name.value == EDITED_DEFAULT  # saved under the scenario's own name unless renamed here
    save_name.set_value("WM plus 1m in 2024")
    next(t for t in at.text_input if t.label.startswith("Note")).set_value("tests one more million in the first year")
    at.button(key="save_submit").click().run()
    assert any("Saved as 'WM plus 1m in 2024'" in t for t in _texts(at.success))
    assert at.session_state["raw"].config["name"] == "WM plus 1m in 2024"  # the scenario takes the saved name
    saved = Store(store_url).list_scenarios()
    assert [(s.name, s.note) for s in saved] == [("WM plus 1m in 2024", "tests one more million in the first year")]

    at.button(key="load_default").click().run()
    assert at.session_state["raw"].tables["budget"].loc[1, "budget_gbp"] == "12600000"
    at.button(key="open_saved").click().run()
    assert at.session_state["raw"].tables["budget"].loc[1, "budget_gbp"] == "13600000"
    assert at.session_state["scenario_id"] == saved[0].id
    at.button(key="delete_saved").click().run()
    assert Store(store_url).list_scenarios() == []


def test_v2_default_edited_solved_shows_its_levers_and_exports_under_its_own_name(store_url, tmp_path):
    """One solve of the v2 default with one edit: the v2 results (retention, recruits, demand from
    activity, skill mix against the status quo, the lever ranking, run-out years on every chart over
    time) and the plan's identity (name, edits, input hash) in the saved run and the export."""
    import io

    import openpyxl

    from optimiser import Store, input_hash

    at = _page(_app(), "constraints")
    at.session_state["editor_budget"] = {"edited_rows": {1: {"budget_gbp": 13_600_000}},
                                         "added_rows": [], "deleted_rows": []}
    at.run()
    solved_raw = at.session_state["raw"]
    _page(at, "solve")
    at.button(key="solve_submit").click().run()
    assert not at.exception, [e.value for e in at.exception]
    result = at.session_state["result"]
    assert result.feasible and result.scenario_name == EDITED_DEFAULT

    # the run records its scenario's name, its edits against the default and its input hash
    run = Store(store_url).list_runs()[0]
    assert run.scenario_name.startswith(f"{EDITED_DEFAULT} (solved ")
    assert run.input_hash == input_hash(solved_raw)
    kept = Store(store_url).load_run_tables(run.id)["assumptions"].set_index("setting")["value"]
    assert kept["provenance.scenario_name"] == EDITED_DEFAULT
    assert kept["provenance.parent_scenario"] == "West Midlands Imaging Network (default)"
    assert kept["provenance.input_hash"] == input_hash(solved_raw)
    assert kept["provenance.edits"] == "1"
    assert kept["provenance.edit 1: budget year=2024 budget_gbp"] == "12600000 -> 13600000"

    _page(at, "results")
    headers = _texts(at.subheader)
    for section in ("Retention and flexible retirement", "Returners and international recruits",
                    "Demand from imaging activity", "Skill mix against the status quo", "Where the next pound goes"):
        assert section in headers, headers
    # run-out years shaded and labelled on every chart over time
    timed = ["chart_supply_demand", "chart_starts", "chart_international", "chart_retention", "chart_recruits",
             "chart_demand", "chart_skill_mix"] + (["chart_educators"] if not result.educators.empty else [])
    first, last = (int(y) for y in result.run_out_years.split("-"))
    figures = {key: json.loads(c.proto.spec) for c in at.get("plotly_chart") for key in timed
               if c.proto.id.rsplit("-", 1)[-1] == key}  # "chart_starts", not "chart_starts_heatmap"
    assert sorted(figures) == sorted(timed)
    for key, figure in figures.items():
        shapes = figure["layout"].get("shapes", [])
        assert any(s.get("x0") == first - 0.5 and s.get("x1") == last + 0.5 for s in shapes), key
        notes = [a.get("text") for a in figure["layout"].get("annotations", [])]
        assert "run-out years (no new starts)" in notes, key
    # retention and recruits as the plan has them
    retained = _table(at, "year", "total", "Diagnostic radiographer")
    assert retained["total"].sum() == pytest.approx(result.retention["retained_wte"].sum())
    recruits = next(f.value for f in at.dataframe if "total" in f.value.columns
                    and any(str(c).startswith("international: ") for c in f.value.columns))
    assert recruits["total"].sum() == pytest.approx(result.recruits["recruits"].sum())
    # the lever ranking: best first, in plain words
    levers = _table(at, "rank", "lever", "wte_years_per_gbp_m")
    assert levers["wte_years_per_gbp_m"].is_monotonic_decreasing
    assert len(levers) == len(result.levers)
    assert not levers["lever"].str.contains("_").any()
    assert any(line.startswith("1. **") for line in _texts(at.markdown))

    _page(at, "export")
    assert any("files named West_Midlands_Imaging_Network_edited_plan" in t for t in _texts(at.caption))
    assert any("1 edit(s) from West Midlands Imaging Network (default)" in t for t in _texts(at.markdown))
    files = at.session_state["_export_cache"][("plan", id(at.session_state["result"]))]
    book = openpyxl.load_workbook(io.BytesIO(files["plan.xlsx"]), read_only=True)
    figures = book["Key figures"] if "Key figures" in book.sheetnames else book["Summary"]  # the story takes "Summary"
    summary = {r[0]: r[1] for r in figures.iter_rows(min_row=2, values_only=True)}
    assert summary["Scenario"] == EDITED_DEFAULT
    assumptions = {r[0]: r[1] for r in book["Assumptions"].iter_rows(min_row=2, values_only=True)}
    assert assumptions["provenance.edit 1: budget year=2024 budget_gbp"] == "12600000 -> 13600000"
    assert assumptions["name"] == EDITED_DEFAULT


def _first_bounded_number_column(spec):
    """A numeric, non-key column with a bound, and a value each side of it: (column, refused, kept)."""
    for c in spec.columns:
        if not c.numeric or c.column in spec.key or (c.min is None and c.max is None):
            continue
        refused = c.min - 1 if c.min is not None else c.max + 1
        lo = c.min if c.min is not None else (c.max - 2 if c.max is not None else 0)
        hi = c.max if c.max is not None else lo + 4
        good = (lo + hi) / 2
        if c.type == "integer":
            good = float(int(lo) + 1)
        return c.column, refused, good
    return None


def test_every_table_of_the_v2_default_edits_and_refuses_by_its_dictionary_row(store_url):
    """Each table the default ships (the v2 ones included) is in the editor; a value outside its
    dictionary bounds is refused and one inside is stored exactly as typed."""
    from optimiser import cell_text, table_specs

    at = _page(_app(), "constraints")
    raw = at.session_state["raw"]
    v2_tables = {"retention", "recruitment_pool", "policy_shares", "modalities", "activity", "workload",
                 "skill_mix", "baseline_starts", "committed_inflows"}
    assert v2_tables <= set(raw.tables)
    cases = {}
    for table in raw.tables:
        spec = table_specs().get(table)
        picked = _first_bounded_number_column(spec) if spec is not None and len(raw.tables[table]) else None
        if picked is not None:
            cases[table] = picked
    assert v2_tables <= set(cases), sorted(cases)
    for table, (column, refused, _) in cases.items():
        at.session_state[f"editor_{table}"] = {"edited_rows": {0: {column: refused}}, "added_rows": [],
                                               "deleted_rows": []}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    after = at.session_state["raw"]
    refusals = at.session_state["refusals"]
    for table, (column, refused, _) in cases.items():
        assert after.tables[table].iloc[0][column] == raw.tables[table].iloc[0][column], table  # nothing stored
        assert [(r.column, r.typed) for r in refusals[table]] == [(column, cell_text(refused))], table
    for table, (column, _, good) in cases.items():
        at.session_state[f"editor_{table}_1"] = {"edited_rows": {0: {column: good}}, "added_rows": [],
                                                 "deleted_rows": []}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    after = at.session_state["raw"]
    assert not at.session_state["refusals"]
    for table, (column, _, good) in cases.items():
        assert after.tables[table].iloc[0][column] == cell_text(good), table  # stored exactly as typed


def test_a_scenario_renamed_by_the_planner_keeps_its_name_through_later_edits(store_url):
    at = _page(_app(), "scenario")
    next(t for t in at.text_input if t.label.startswith("Scenario name")).set_value("WM with a 2024 uplift")
    at.button(key="rename_submit").click().run()
    assert at.session_state["raw"].config["name"] == "WM with a 2024 uplift"
    assert _texts(at.subheader)[0] == "WM with a 2024 uplift"
    _page(at, "constraints")
    settings = at.data_editor(key="editor_scenario_settings_1").value.set_index("setting")
    assert settings.loc["name", "value"] == "WM with a 2024 uplift"  # the settings grid shows the new name
    at.session_state["editor_budget"] = {"edited_rows": {1: {"budget_gbp": 13_600_000}},
                                         "added_rows": [], "deleted_rows": []}
    at.run()
    assert at.session_state["raw"].config["name"] == "WM with a 2024 uplift"  # not "(edited)": the planner named it
    assert any("1 edit(s) from West Midlands Imaging Network (default)" in t for t in _texts(at.markdown))
    _page(at, "scenario")
    next(t for t in at.text_input if t.label.startswith("Scenario name")).set_value("  ")
    at.button(key="rename_submit").click().run()
    assert "A scenario needs a name: nothing changed." in _texts(at.error)
    assert at.session_state["raw"].config["name"] == "WM with a 2024 uplift"
