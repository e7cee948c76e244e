"""Saved scenarios and run history in a real database, through SQLAlchemy: the `Store`.

What is kept:
- a scenario as its author typed it: the settings and every table as text, so that a saved
  scenario loads back, validates to the same `Scenario` and exports to the same workbook;
- each run of a scenario (status quo, plan or budget frontier): input hash, package and solver
  versions, options, status, gap, headline figures, timings, the summary and every result table.

Every write is one transaction: a failure part-way leaves no half-saved scenario or run, and a
transaction refused because another process held the database is tried again whole (retry.py).
Where the pieces live: `tables.py` (database tables), `engine.py` (URL and connections),
`payload.py` (tables and settings as JSON), `hashing.py` (input hash), `content.py` (what a run
keeps of its result), `reopen.py` (a plan run back as a PlanResult), `working.py` (the web app's
working state per browser session), `versions.py` (package and solver versions).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TypeVar

import pandas as pd
from sqlalchemy import Select, delete, func, select
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from optimiser.basics.issues import Issue
from optimiser.pipeline.api import FrontierResult
from optimiser.results.results import PlanResult, ProjectionResult
from optimiser.scenario.io import RawScenario
from optimiser.store import working
from optimiser.store.content import run_content
from optimiser.store.engine import (
    DEFAULT_URL_ENV,
    SQLITE_BEGIN_OPTION,
    default_url,
    display_url,
    make_engine,
)
from optimiser.store.errors import StoreError, reason
from optimiser.store.hashing import input_hash
from optimiser.store.payload import from_json, table_from_payload, table_payload, to_json
from optimiser.store.reopen import plan_from_run
from optimiser.store.retry import StillBusy, with_retries
from optimiser.store.tables import (
    MAX_NAME_LENGTH,
    Base,
    RunRow,
    RunTableRow,
    ScenarioRow,
    ScenarioTableRow,
)
from optimiser.store.versions import package_version, solver_version

T = TypeVar("T")

# --- records handed to callers ---------------------------------------------------------------


@dataclass(frozen=True)
class ScenarioRecord:
    id: int
    name: str
    input_hash: str
    created_at: dt.datetime  # UTC
    note: str
    n_runs: int
    updated_at: dt.datetime | None = None  # UTC; set when the scenario was overwritten
    source: str = ""  # where the scenario was first loaded from (file, folder or upload name)


@dataclass(frozen=True)
class RunRecord:
    id: int
    scenario_id: int
    scenario_name: str
    created_at: dt.datetime  # UTC
    kind: str  # "plan" | "status_quo" | "frontier"
    input_hash: str
    package_version: str
    solver_version: str
    options: dict
    status: str
    mip_gap: float | None
    objective: float | None
    weighted_shortfall: float | None  # WTE-years, weighted by staff group
    total_shortfall_wte_years: float | None
    total_cost_gbp: float | None
    timings: dict  # seconds
    summary: dict


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive datetimes; every time the store wrote was UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _scenario_record(row: ScenarioRow, n_runs: int) -> ScenarioRecord:
    return ScenarioRecord(id=row.id, name=row.name, input_hash=row.input_hash, created_at=_utc(row.created_at),
                          note=row.note, n_runs=int(n_runs), updated_at=_utc(row.updated_at), source=row.source)


def _run_record(row: RunRow, scenario_name: str) -> RunRecord:
    return RunRecord(
        id=row.id, scenario_id=row.scenario_id, scenario_name=scenario_name, created_at=_utc(row.created_at),
        kind=row.kind, input_hash=row.input_hash, package_version=row.package_version,
        solver_version=row.solver_version, options=from_json(row.options_json), status=row.status,
        mip_gap=row.mip_gap, objective=row.objective, weighted_shortfall=row.weighted_shortfall,
        total_shortfall_wte_years=row.total_shortfall_wte_years, total_cost_gbp=row.total_cost_gbp,
        timings=from_json(row.timings_json), summary=from_json(row.summary_json),
    )


# --- queries and values ----------------------------------------------------------------------


def _scenarios_with_run_counts() -> Select:
    n_runs = (select(func.count(RunRow.id)).where(RunRow.scenario_id == ScenarioRow.id)
              .correlate(ScenarioRow).scalar_subquery())
    return select(ScenarioRow, n_runs)


def _runs_with_scenario_names() -> Select:
    return select(RunRow, ScenarioRow.name).join(ScenarioRow, RunRow.scenario_id == ScenarioRow.id)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _finite(value: float | None) -> float | None:
    """Headline numbers as database floats; a missing or infinite value is stored as unknown."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise StoreError("a saved scenario needs a name: type one, e.g. 'WM +10% placements'")
    if len(name) > MAX_NAME_LENGTH:
        raise StoreError(f"the scenario name is {len(name)} characters long; keep it to {MAX_NAME_LENGTH}")
    return name


# --- the store -------------------------------------------------------------------------------


class Store:
    """Saved scenarios and their runs in one database (see the module docstring)."""

    def __init__(self, url: str | None = None):
        self.url = url or default_url()
        self.engine = make_engine(self.url)
        writer = self.engine.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})
        self._read_sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(writer, expire_on_commit=False)
        try:
            # as a writer: two processes opening a new file at once must take turns creating it
            with_retries(lambda: Base.metadata.create_all(writer))
        except StillBusy as exc:
            self.engine.dispose()
            raise StoreError(exc.describe(f"opening the database {self.shown_url}")) from None
        except SQLAlchemyError as exc:
            self.engine.dispose()
            raise StoreError(f"cannot open the database {self.shown_url}: {reason(exc)}. Check "
                             f"{DEFAULT_URL_ENV} and that the database server is running.") from None

    @property
    def shown_url(self) -> str:
        """The database URL with any password hidden, for messages and the app's footer."""
        return display_url(self.engine.url)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _write(self, what: str, work: Callable[[Session], T]) -> T:
        """`work(session)` as one transaction: committed if it returns, rolled back whole if
        anything fails, and tried again whole while another writer holds the database."""
        def attempt() -> T:
            with self._write_sessions() as session, session.begin():
                return work(session)

        try:
            return with_retries(attempt)
        except StillBusy as exc:
            raise StoreError(exc.describe(what) + "; nothing was saved") from None
        except IntegrityError as exc:
            raise StoreError(f"{what} was refused by the database and nothing was saved: {reason(exc)}") from None
        except OperationalError as exc:
            raise StoreError(f"{what} failed and nothing was saved: {reason(exc)}") from None

    def _read(self, work: Callable[[Session], T]) -> T:
        def attempt() -> T:
            with self._read_sessions() as session:
                return work(session)

        try:
            return with_retries(attempt)
        except StillBusy as exc:
            raise StoreError(exc.describe(f"reading the database {self.shown_url}")) from None
        except OperationalError as exc:
            raise StoreError(f"cannot read the database {self.shown_url}: {reason(exc)}") from None

    # scenarios

    def save_scenario(self, name: str, raw: RawScenario, note: str = "", *,
                      overwrite: bool = False) -> ScenarioRecord:
        """Save the scenario as typed under `name`; with overwrite=True replace one of that name
        (its id and runs are kept; each run keeps the input hash it was solved with)."""
        name = _clean_name(name)
        digest = input_hash(raw)
        config_json = to_json(raw.config, "scenario settings")
        issues_json = to_json([asdict(i) for i in raw.load_issues], "list of load problems")

        def work(session: Session):
            row = session.scalar(select(ScenarioRow).where(ScenarioRow.name == name))
            if row is not None and not overwrite:
                raise StoreError(_duplicate_message(row, digest))
            if row is None:
                row = ScenarioRow(name=name, created_at=_now())
                session.add(row)
            else:
                session.execute(delete(ScenarioTableRow).where(ScenarioTableRow.scenario_id == row.id))
                row.updated_at = _now()
            row.input_hash, row.note, row.source, row.form = digest, note or "", raw.source, raw.form
            row.config_json, row.load_issues_json = config_json, issues_json
            session.flush()
            for position, (table, df) in enumerate(raw.tables.items()):
                session.add(ScenarioTableRow(scenario_id=row.id, position=position, name=table,
                                             payload=table_payload(table, df)))
                # written now, so a failure on a later table has real rows to roll back
                session.flush()
            n_runs = session.scalar(select(func.count(RunRow.id)).where(RunRow.scenario_id == row.id))
            return _scenario_record(row, n_runs)

        return self._write(f"saving scenario '{name}'", work)

    def list_scenarios(self) -> list[ScenarioRecord]:
        """Every saved scenario, by name."""

        def work(session: Session):
            rows = session.execute(_scenarios_with_run_counts().order_by(ScenarioRow.name)).all()
            return [_scenario_record(row, n) for row, n in rows]

        return self._read(work)

    def get_scenario(self, scenario_id: int) -> ScenarioRecord:
        def work(session: Session):
            found = session.execute(_scenarios_with_run_counts().where(ScenarioRow.id == scenario_id)).first()
            if found is None:
                raise StoreError(_no_scenario(scenario_id))
            return _scenario_record(*found)

        return self._read(work)

    def find_scenarios(self, digest: str) -> list[ScenarioRecord]:
        """Saved scenarios whose content has this input hash (the same scenario saved twice)."""

        def work(session: Session):
            rows = session.execute(_scenarios_with_run_counts()
                                   .where(ScenarioRow.input_hash == digest).order_by(ScenarioRow.name)).all()
            return [_scenario_record(row, n) for row, n in rows]

        return self._read(work)

    def load_scenario(self, scenario_id: int) -> RawScenario:
        """The scenario as its author typed it, ready for `validate_raw` or `scenario_from_raw`."""

        def work(session: Session):
            row = session.get(ScenarioRow, scenario_id)
            if row is None:
                raise StoreError(_no_scenario(scenario_id))
            tables = session.scalars(select(ScenarioTableRow).where(ScenarioTableRow.scenario_id == scenario_id)
                                     .order_by(ScenarioTableRow.position)).all()
            return RawScenario(
                source=row.source, form=row.form, config=from_json(row.config_json),
                tables={t.name: table_from_payload(t.payload) for t in tables},
                load_issues=[Issue(**i) for i in from_json(row.load_issues_json)],
            )

        return self._read(work)

    def delete_scenario(self, scenario_id: int) -> None:
        """Delete a saved scenario with all its runs and their tables."""

        def work(session: Session):
            row = session.get(ScenarioRow, scenario_id)
            if row is None:
                raise StoreError(_no_scenario(scenario_id))
            session.delete(row)

        return self._write(f"deleting scenario {scenario_id}", work)

    # runs

    def save_run(self, scenario_id: int, result: PlanResult | ProjectionResult | FrontierResult,
                 options: dict, *, raw: RawScenario | None = None) -> RunRecord:
        """Save a run of a saved scenario: a `solve` (kind 'plan'), `project` ('status_quo') or
        `frontier` ('frontier') result with every table. `options` are the run's settings
        (objective, budget scale, time limit, gap...). Pass `raw` when the run used inputs other
        than the saved ones (e.g. unsaved edits): its hash is recorded instead of the saved one."""
        content = run_content(result)
        options_json = to_json(dict(options or {}), "run options")
        timings_json = to_json(content.timings, "run timings")
        summary_json = to_json(content.summary, "run summary")
        digest = input_hash(raw) if raw is not None else None

        def work(session: Session):
            scenario = session.get(ScenarioRow, scenario_id)
            if scenario is None:
                raise StoreError(_no_scenario(scenario_id))
            run = RunRow(
                scenario_id=scenario_id, created_at=_now(), kind=content.kind,
                input_hash=digest or scenario.input_hash, package_version=package_version(),
                solver_version=solver_version(), options_json=options_json, status=content.status,
                mip_gap=_finite(content.mip_gap), objective=_finite(content.objective),
                weighted_shortfall=_finite(content.weighted_shortfall),
                total_shortfall_wte_years=_finite(content.total_shortfall_wte_years),
                total_cost_gbp=_finite(content.total_cost_gbp),
                timings_json=timings_json, summary_json=summary_json,
            )
            session.add(run)
            session.flush()
            for position, (table, df) in enumerate(content.tables):
                session.add(RunTableRow(run_id=run.id, position=position, name=table,
                                        payload=table_payload(table, df)))
                session.flush()  # as in save_scenario: a later failure rolls these back
            return _run_record(run, scenario.name)

        return self._write(f"saving a run of scenario {scenario_id}", work)

    def list_runs(self, scenario_id: int | None = None) -> list[RunRecord]:
        """Runs, newest first; only one scenario's when `scenario_id` is given."""

        def work(session: Session):
            query = _runs_with_scenario_names()
            if scenario_id is not None:
                if session.get(ScenarioRow, scenario_id) is None:
                    raise StoreError(_no_scenario(scenario_id))
                query = query.where(RunRow.scenario_id == scenario_id)
            rows = session.execute(query.order_by(RunRow.created_at.desc(), RunRow.id.desc())).all()
            return [_run_record(run, name) for run, name in rows]

        return self._read(work)

    def get_run(self, run_id: int) -> RunRecord:
        def work(session: Session):
            found = session.execute(_runs_with_scenario_names().where(RunRow.id == run_id)).first()
            if found is None:
                raise StoreError(_no_run(run_id))
            return _run_record(*found)

        return self._read(work)

    def load_run_tables(self, run_id: int) -> dict[str, pd.DataFrame]:
        """Every table a run saved (name -> DataFrame, dtypes as saved), in the order saved."""

        def work(session: Session):
            if session.get(RunRow, run_id) is None:
                raise StoreError(_no_run(run_id))
            rows = session.scalars(select(RunTableRow).where(RunTableRow.run_id == run_id)
                                   .order_by(RunTableRow.position)).all()
            return {r.name: table_from_payload(r.payload) for r in rows}

        return self._read(work)

    def load_plan(self, run_id: int) -> PlanResult:
        """A saved plan run as the PlanResult it was saved from (reopen.py), to show or export."""
        return plan_from_run(self.get_run(run_id), self.load_run_tables(run_id))

    # the web app's working state (working.py)

    def save_working_state(self, key: str, **state) -> None:
        """Keep the app's state for session `key`: raw, loaded, label, scenario_id, run_id, attempt."""
        self._write("saving the app's working state", lambda s: working.save(s, key, now=_now(), **state))

    def load_working_state(self, key: str) -> working.WorkingState | None:
        return self._read(lambda s: working.load(s, key))


# --- messages --------------------------------------------------------------------------------


def _duplicate_message(row: ScenarioRow, digest: str) -> str:
    when = _utc(row.updated_at or row.created_at).strftime("%Y-%m-%d %H:%M UTC")
    same = ("it holds exactly the same inputs, so nothing needs saving"
            if row.input_hash == digest else "its inputs differ from these")
    return (f"a scenario named '{row.name}' is already saved ({when}); {same}. "
            "Save under another name, or overwrite the saved one.")


def _no_scenario(scenario_id: int) -> str:
    return f"there is no saved scenario with id {scenario_id}; it may have been deleted. Pick one from the list."


def _no_run(run_id: int) -> str:
    return f"there is no saved run with id {run_id}; its scenario may have been deleted. Pick one from the run history."
