"""Saved scenarios and run history in a real database, through SQLAlchemy.

SQLite file by default (WAL journal, foreign keys on), any SQLAlchemy URL by configuration
(`OPTIMISER_DATABASE_URL`, e.g. ``postgresql+psycopg://user:password@host/db`` for a team).

What is kept:
- a scenario as its author typed it: the settings and every table as text, so that a saved
  scenario loads back, validates to the same `Scenario` and exports to the same workbook;
- each run of a scenario (status quo, plan or budget frontier): input hash, package and solver
  versions, options, status, gap, headline figures, timings, the summary and every result table.

Tables are kept as JSON text, one database row per table (never pickles), with each column's
dtype so that they load back equal. Every write is one transaction: a failure part-way leaves
no half-saved scenario or run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import json
import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import (
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    func,
    select,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    relationship,
    sessionmaker,
)
from sqlalchemy.pool import StaticPool

from optimiser.basics.issues import Issue
from optimiser.pipeline.api import FrontierResult
from optimiser.results.results import PlanResult, ProjectionResult
from optimiser.scenario.io import RawScenario

DEFAULT_URL_ENV = "OPTIMISER_DATABASE_URL"
DEFAULT_SQLITE_FILE = "optimiser_store.sqlite3"
DIST_NAME = "imaging-workforce-optimiser"
MAX_NAME_LENGTH = 200
SQLITE_BUSY_TIMEOUT_S = 30  # a save waits this long for another process's save to finish
PAYLOAD_FORMAT = 1
_TYPE_TAG = "__optimiser_type__"  # marks a date or time inside stored settings JSON


def default_url() -> str:
    """The database to use: `OPTIMISER_DATABASE_URL` if set, else an SQLite file in the working folder."""
    configured = os.environ.get(DEFAULT_URL_ENV, "").strip()
    return configured or f"sqlite:///{Path.cwd() / DEFAULT_SQLITE_FILE}"


class StoreError(Exception):
    """A save or load the store refused, with a message a planner can act on."""


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


# --- database tables ---------------------------------------------------------------------------


class Base(DeclarativeBase):
    pass


class ScenarioRow(Base):
    __tablename__ = "optimiser_scenarios"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(MAX_NAME_LENGTH), unique=True)
    input_hash: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")
    form: Mapped[str] = mapped_column(String(16))
    config_json: Mapped[str] = mapped_column(Text)
    load_issues_json: Mapped[str] = mapped_column(Text)
    # The database cascades deletes (foreign keys ON DELETE CASCADE); passive_deletes leaves it to it.
    tables: Mapped[list[ScenarioTableRow]] = relationship(
        back_populates="scenario", cascade="all, delete-orphan", passive_deletes=True)
    runs: Mapped[list[RunRow]] = relationship(
        back_populates="scenario", cascade="all, delete-orphan", passive_deletes=True)


class ScenarioTableRow(Base):
    __tablename__ = "optimiser_scenario_tables"
    __table_args__ = (UniqueConstraint("scenario_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scenario_id: Mapped[int] = mapped_column(
        ForeignKey("optimiser_scenarios.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # the order of the author's tables (sheet order)
    name: Mapped[str] = mapped_column(String(100))
    payload: Mapped[str] = mapped_column(Text)
    scenario: Mapped[ScenarioRow] = relationship(back_populates="tables")


class RunRow(Base):
    __tablename__ = "optimiser_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scenario_id: Mapped[int] = mapped_column(
        ForeignKey("optimiser_scenarios.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(16))
    input_hash: Mapped[str] = mapped_column(String(64))
    package_version: Mapped[str] = mapped_column(String(100))
    solver_version: Mapped[str] = mapped_column(String(100))
    options_json: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(32))
    mip_gap: Mapped[float | None] = mapped_column(Float, nullable=True)
    objective: Mapped[float | None] = mapped_column(Float, nullable=True)
    weighted_shortfall: Mapped[float | None] = mapped_column(Float, nullable=True)
    total_shortfall_wte_years: Mapped[float | None] = mapped_column(Float, nullable=True)
    total_cost_gbp: Mapped[float | None] = mapped_column(Float, nullable=True)
    timings_json: Mapped[str] = mapped_column(Text)
    summary_json: Mapped[str] = mapped_column(Text)
    scenario: Mapped[ScenarioRow] = relationship(back_populates="runs")
    tables: Mapped[list[RunTableRow]] = relationship(
        back_populates="run", cascade="all, delete-orphan", passive_deletes=True)


class RunTableRow(Base):
    __tablename__ = "optimiser_run_tables"
    __table_args__ = (UniqueConstraint("run_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("optimiser_runs.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    payload: Mapped[str] = mapped_column(Text)
    run: Mapped[RunRow] = relationship(back_populates="tables")


# --- engines ---------------------------------------------------------------------------------


def _shown(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def _sqlite_on_connect(dbapi_connection, _record) -> None:
    """Every SQLite connection: foreign keys enforced (cascading deletes) and the WAL journal
    (readers never block the one writer). The driver's own implicit transactions are switched off
    so that `_sqlite_on_begin` decides where a transaction starts."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
    finally:
        cursor.close()


def _sqlite_on_begin(connection) -> None:
    # Saves take the write lock at once (BEGIN IMMEDIATE): a save that read first and upgraded
    # later could fail with 'database is locked' instead of waiting its turn.
    mode = connection.get_execution_options().get("optimiser_sqlite_begin", "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


def _sqlite_engine(url: URL) -> Engine:
    database = url.database or ""
    in_memory = database in ("", ":memory:") or "mode=memory" in str(url.query)
    kwargs: dict[str, Any] = {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_S}}
    if in_memory:
        # one connection shared by every session, or each would see its own empty database
        kwargs["poolclass"] = StaticPool
        kwargs["connect_args"]["check_same_thread"] = False
    else:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, **kwargs)
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _make_engine(url_text: str) -> Engine:
    try:
        url = make_url(url_text)
    except ArgumentError as exc:
        raise StoreError(
            f"'{url_text}' is not a database URL ({exc}). Use e.g. sqlite:///path/to/store.sqlite3 "
            f"or postgresql+psycopg://user:password@host/database in {DEFAULT_URL_ENV}."
        ) from None
    if url.drivername == "postgresql":
        # plain postgresql:// means psycopg2 to SQLAlchemy; this package ships psycopg 3
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() == "sqlite":
        try:
            return _sqlite_engine(url)
        except OSError as exc:
            raise StoreError(f"cannot create the folder for the database {_shown(url)}: {exc}") from None
    try:
        return create_engine(url, pool_pre_ping=True)
    except (ImportError, SQLAlchemyError) as exc:
        raise StoreError(
            f"cannot use the database {_shown(url)}: {exc}. Check the URL's database kind and "
            f"driver (for PostgreSQL: postgresql+psycopg://..., with psycopg installed)."
        ) from None


# --- versions --------------------------------------------------------------------------------


@cache
def package_version() -> str:
    try:
        return importlib.metadata.version(DIST_NAME)
    except importlib.metadata.PackageNotFoundError:
        return "unknown (package not installed)"


@cache
def solver_version() -> str:
    import highspy

    try:
        wrapper = importlib.metadata.version("highspy")
    except importlib.metadata.PackageNotFoundError:
        wrapper = "unknown"
    return f"HiGHS {highspy.Highs().version()} (highspy {wrapper})"


# --- JSON for settings, options and summaries ------------------------------------------------


def _plain(value: Any) -> Any:
    """numpy scalars and dates as JSON values; anything else JSON cannot hold is refused."""
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, dt.datetime):
        return {_TYPE_TAG: "datetime", "iso": value.isoformat()}
    if isinstance(value, dt.date):
        return {_TYPE_TAG: "date", "iso": value.isoformat()}
    if isinstance(value, dt.time):
        return {_TYPE_TAG: "time", "iso": value.isoformat()}
    raise TypeError(f"{type(value).__name__} value {value!r}")


def _untag(obj: dict) -> Any:
    kind = obj.get(_TYPE_TAG)
    if kind == "datetime":
        return dt.datetime.fromisoformat(obj["iso"])
    if kind == "date":
        return dt.date.fromisoformat(obj["iso"])
    if kind == "time":
        return dt.time.fromisoformat(obj["iso"])
    return obj


def _to_json(value: Any, what: str) -> str:
    try:
        return json.dumps(value, default=_plain, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise StoreError(
            f"the {what} cannot be saved: {exc}. Use only text, numbers, true/false, dates, "
            "lists and key/value groups."
        ) from None


def _from_json(text: str) -> Any:
    return json.loads(text, object_hook=_untag)


def _finite(value: float | None) -> float | None:
    """Headline numbers as database floats; a missing or infinite value is stored as unknown."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


# --- tables as JSON text ---------------------------------------------------------------------


def _column_values(values: pd.Series | pd.Index, table: str) -> list:
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_timedelta64_dtype(dtype) or (
        pd.api.types.is_complex_dtype(dtype)
    ):
        raise StoreError(f"table '{table}' column '{values.name}' has type {dtype}, which the store "
                         "cannot keep; convert it to numbers or text first")
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return [None if pd.isna(v) else v.isoformat() for v in values]
    out = values.tolist()  # numpy scalars become Python numbers; floats keep every bit
    if pd.api.types.is_object_dtype(dtype):
        out = [v if isinstance(v, str | int | float | bool | type(None)) else _plain_cell(v, table, values.name)
               for v in out]
    return [None if v is pd.NA or v is pd.NaT else v for v in out]


def _plain_cell(value: Any, table: str, column: Any) -> Any:
    if value is pd.NA or value is pd.NaT:
        return None
    try:
        return _plain(value)
    except TypeError as exc:
        raise StoreError(f"table '{table}' column '{column}' holds a {exc}, which the store cannot "
                         "keep; convert the column to numbers or text first") from None


def _labels(index: pd.Index, table: str) -> dict:
    return {"name": index.name, "dtype": str(index.dtype), "values": _column_values(index, table)}


def _table_payload(table: str, df: pd.DataFrame) -> str:
    """One table as JSON text: labels, index and each column with its dtype.

    Python's JSON writes floats with every digit (unlike `to_json`, which rounds), and the dtype
    of each column is kept, so `_table_from_payload` gives back an equal frame.
    """
    payload = {
        "format": PAYLOAD_FORMAT,
        "columns": _labels(df.columns, table),
        "index": _labels(df.index, table),
        "data": [{"dtype": str(df.dtypes.iloc[i]), "values": _column_values(df.iloc[:, i], table)}
                 for i in range(df.shape[1])],
    }
    try:
        return json.dumps(payload, ensure_ascii=False, allow_nan=True)
    except (TypeError, ValueError) as exc:
        raise StoreError(f"table '{table}' cannot be saved: {exc}") from None


def _restore(values: list, dtype: str, name: Any = None) -> pd.Series:
    if dtype.startswith("datetime64"):
        return pd.Series(pd.to_datetime(values, format="ISO8601"), name=name).astype(dtype)
    if dtype == "object":
        return pd.Series(values, dtype=object, name=name)
    return pd.Series(values, dtype=dtype, name=name)


def _restore_index(spec: dict) -> pd.Index:
    values, dtype = spec["values"], spec["dtype"]
    if dtype == "int64" and values == list(range(len(values))):
        return pd.RangeIndex(len(values), name=spec["name"])
    return pd.Index(_restore(values, dtype), name=spec["name"])


def _table_from_payload(text: str) -> pd.DataFrame:
    payload = json.loads(text, object_hook=_untag)
    index = _restore_index(payload["index"])
    columns = {i: _restore(col["values"], col["dtype"]).set_axis(index)
               for i, col in enumerate(payload["data"])}
    df = pd.DataFrame(columns, index=index)
    df.columns = _restore_index(payload["columns"])
    return df


# --- the scenario's content hash -------------------------------------------------------------


def _canonical_cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return str(value)


def input_hash(raw: RawScenario) -> str:
    """sha256 of the settings and every table's header and cells, in a canonical form.

    Two scenarios with the same hash export to the same workbook: the hash ignores where a
    scenario came from and the file row numbers, but not the order of rows or columns.
    """
    canonical = {
        "config": raw.config,
        "tables": {
            name: {"columns": [str(c) for c in df.columns],
                   "rows": [[_canonical_cell(v) for v in row] for row in df.itertuples(index=False, name=None)]}
            for name, df in raw.tables.items()
        },
    }
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_plain)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- what a run keeps ------------------------------------------------------------------------


@dataclass(frozen=True)
class _RunContent:
    kind: str
    status: str
    mip_gap: float | None
    objective: float | None
    weighted_shortfall: float | None
    total_shortfall_wte_years: float | None
    total_cost_gbp: float | None
    timings: dict
    summary: dict
    tables: list[tuple[str, pd.DataFrame]]


def _projection_total_cost(result: ProjectionResult) -> float:
    return float(result.costs["gbp"].sum()) if not result.costs.empty else 0.0


def _plan_content(result: PlanResult) -> _RunContent:
    tables = [("starts", result.starts), ("international", result.international),
              ("educators", result.educators), ("projection", result.projection),
              ("costs", result.costs), ("binding", result.binding), ("conflicts", result.conflicts)]
    timings = dict(result.timings)
    sq = result.status_quo
    if sq is not None:
        tables += [("status_quo_projection", sq.projection), ("status_quo_costs", sq.costs)]
        timings["status_quo_build_seconds"] = sq.build_seconds
        timings["status_quo_solve_seconds"] = sq.solve_seconds
    tables.append(("assumptions", result.assumptions))
    return _RunContent("plan", result.status, result.mip_gap, result.objective, result.weighted_shortfall,
                       result.total_shortfall_wte_years, result.total_cost_gbp, timings,
                       result.summary_dict(), tables)


def _projection_content(result: ProjectionResult) -> _RunContent:
    cost = _projection_total_cost(result)
    timings = {"build_seconds": result.build_seconds, "solve_seconds": result.solve_seconds}
    summary = {"scenario": result.scenario_name, "status": result.status,
               "weighted_shortfall": result.weighted_shortfall,
               "total_shortfall_wte_years": result.total_shortfall_wte_years,
               "total_cost_gbp": cost, **timings}
    tables = [("projection", result.projection), ("costs", result.costs),
              ("summary_by_group", result.summary())]
    return _RunContent("status_quo", result.status, None, None, result.weighted_shortfall,
                       result.total_shortfall_wte_years, cost, timings, summary, tables)


def _per_point(plans, attribute: str) -> pd.DataFrame:
    """One tidy table of every frontier point's `attribute` table, with its budget_scale first."""
    frames = [getattr(p, attribute).assign(budget_scale=p.budget_scale) for p in plans]
    if not frames:
        return pd.DataFrame({"budget_scale": pd.Series(dtype=float)})
    df = pd.concat(frames, ignore_index=True)
    return df[["budget_scale", *[c for c in df.columns if c != "budget_scale"]]]


def _frontier_content(result) -> _RunContent:
    statuses = [p.status for p in result.plans]
    status = statuses[0] if statuses and len(set(statuses)) == 1 else ("mixed" if statuses else "empty")
    gaps = [p.mip_gap for p in result.plans if p.mip_gap is not None]
    timings = {"build_seconds": result.build_seconds, "total_seconds": result.total_seconds}
    summary = {"points": len(result.plans), "budget_scales": [p.budget_scale for p in result.plans],
               "statuses": statuses, "worst_mip_gap": max(gaps) if gaps else None, **timings}
    tables = [("frontier", result.frontier)]
    tables += [(name, _per_point(result.plans, name))
               for name in ("starts", "international", "educators", "projection", "costs")]
    sq = next((p.status_quo for p in result.plans if p.status_quo is not None), None)
    if sq is not None:
        tables.append(("status_quo_projection", sq.projection))
    return _RunContent("frontier", status, max(gaps) if gaps else None, None, None, None, None,
                       timings, summary, tables)


def _run_content(result) -> _RunContent:
    if isinstance(result, PlanResult):
        return _plan_content(result)
    if isinstance(result, ProjectionResult):
        return _projection_content(result)
    if isinstance(result, FrontierResult):
        return _frontier_content(result)
    raise StoreError(f"a {type(result).__name__} is not a run result; save the result of "
                     "optimiser.solve, optimiser.project or optimiser.frontier")


# --- the store -------------------------------------------------------------------------------


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive datetimes; every time the store wrote was UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise StoreError("a saved scenario needs a name: type one, e.g. 'WM +10% placements'")
    if len(name) > MAX_NAME_LENGTH:
        raise StoreError(f"the scenario name is {len(name)} characters long; keep it to {MAX_NAME_LENGTH}")
    return name


def _scenario_record(row: ScenarioRow, n_runs: int) -> ScenarioRecord:
    return ScenarioRecord(id=row.id, name=row.name, input_hash=row.input_hash, created_at=_utc(row.created_at),
                          note=row.note, n_runs=int(n_runs), updated_at=_utc(row.updated_at), source=row.source)


def _run_record(row: RunRow, scenario_name: str) -> RunRecord:
    return RunRecord(
        id=row.id, scenario_id=row.scenario_id, scenario_name=scenario_name, created_at=_utc(row.created_at),
        kind=row.kind, input_hash=row.input_hash, package_version=row.package_version,
        solver_version=row.solver_version, options=_from_json(row.options_json), status=row.status,
        mip_gap=row.mip_gap, objective=row.objective, weighted_shortfall=row.weighted_shortfall,
        total_shortfall_wte_years=row.total_shortfall_wte_years, total_cost_gbp=row.total_cost_gbp,
        timings=_from_json(row.timings_json), summary=_from_json(row.summary_json),
    )


def _n_runs_column():
    return (select(func.count(RunRow.id)).where(RunRow.scenario_id == ScenarioRow.id)
            .correlate(ScenarioRow).scalar_subquery())


class Store:
    """Saved scenarios and their runs in one database (see the module docstring)."""

    def __init__(self, url: str | None = None):
        self.url = url or default_url()
        self.engine = _make_engine(self.url)
        writer = self.engine.execution_options(optimiser_sqlite_begin="IMMEDIATE")
        self._read_sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(writer, expire_on_commit=False)
        try:
            # as a writer: two processes opening a new file at once must take turns creating it
            Base.metadata.create_all(writer)
        except SQLAlchemyError as exc:
            self.engine.dispose()
            raise StoreError(f"cannot open the database {self.shown_url}: {_reason(exc)}. Check "
                             f"{DEFAULT_URL_ENV} and that the database server is running.") from None

    @property
    def shown_url(self) -> str:
        """The database URL with any password hidden, for messages and the app's footer."""
        return _shown(self.engine.url)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def _writing(self, what: str) -> Iterator[Session]:
        """One transaction: committed if the block finishes, rolled back whole if anything fails."""
        try:
            with self._write_sessions() as session, session.begin():
                yield session
        except IntegrityError as exc:
            raise StoreError(f"{what} was refused by the database and nothing was saved: {_reason(exc)}") from None
        except OperationalError as exc:
            raise StoreError(f"{what} failed and nothing was saved: {_reason(exc)}. "
                             "If the database is busy, try again in a moment.") from None

    @contextmanager
    def _reading(self) -> Iterator[Session]:
        try:
            with self._read_sessions() as session:
                yield session
        except OperationalError as exc:
            raise StoreError(f"cannot read the database {self.shown_url}: {_reason(exc)}") from None

    # scenarios

    def save_scenario(self, name: str, raw: RawScenario, note: str = "", *,
                      overwrite: bool = False) -> ScenarioRecord:
        """Save the scenario as typed under `name`; with overwrite=True replace one of that name
        (its id and runs are kept; each run keeps the input hash it was solved with)."""
        name = _clean_name(name)
        digest = input_hash(raw)
        config_json = _to_json(raw.config, "scenario settings")
        issues_json = _to_json([asdict(i) for i in raw.load_issues], "list of load problems")
        with self._writing(f"saving scenario '{name}'") as session:
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
                                             payload=_table_payload(table, df)))
                # written now, so a failure on a later table has real rows to roll back
                session.flush()
            n_runs = session.scalar(select(func.count(RunRow.id)).where(RunRow.scenario_id == row.id))
            return _scenario_record(row, n_runs)

    def list_scenarios(self) -> list[ScenarioRecord]:
        """Every saved scenario, by name."""
        with self._reading() as session:
            rows = session.execute(select(ScenarioRow, _n_runs_column()).order_by(ScenarioRow.name)).all()
            return [_scenario_record(row, n) for row, n in rows]

    def get_scenario(self, scenario_id: int) -> ScenarioRecord:
        with self._reading() as session:
            found = session.execute(
                select(ScenarioRow, _n_runs_column()).where(ScenarioRow.id == scenario_id)).first()
            if found is None:
                raise StoreError(_no_scenario(scenario_id))
            return _scenario_record(*found)

    def find_scenarios(self, digest: str) -> list[ScenarioRecord]:
        """Saved scenarios whose content has this input hash (the same scenario saved twice)."""
        with self._reading() as session:
            rows = session.execute(select(ScenarioRow, _n_runs_column())
                                   .where(ScenarioRow.input_hash == digest).order_by(ScenarioRow.name)).all()
            return [_scenario_record(row, n) for row, n in rows]

    def load_scenario(self, scenario_id: int) -> RawScenario:
        """The scenario as its author typed it, ready for `validate_raw` or `scenario_from_raw`."""
        with self._reading() as session:
            row = session.get(ScenarioRow, scenario_id)
            if row is None:
                raise StoreError(_no_scenario(scenario_id))
            tables = session.scalars(select(ScenarioTableRow).where(ScenarioTableRow.scenario_id == scenario_id)
                                     .order_by(ScenarioTableRow.position)).all()
            return RawScenario(
                source=row.source, form=row.form, config=_from_json(row.config_json),
                tables={t.name: _table_from_payload(t.payload) for t in tables},
                load_issues=[Issue(**i) for i in _from_json(row.load_issues_json)],
            )

    def delete_scenario(self, scenario_id: int) -> None:
        """Delete a saved scenario with all its runs and their tables."""
        with self._writing(f"deleting scenario {scenario_id}") as session:
            row = session.get(ScenarioRow, scenario_id)
            if row is None:
                raise StoreError(_no_scenario(scenario_id))
            session.delete(row)

    # runs

    def save_run(self, scenario_id: int, result: PlanResult | ProjectionResult, options: dict,
                 *, raw: RawScenario | None = None) -> RunRecord:
        """Save a run of a saved scenario: a `solve` (kind 'plan'), `project` ('status_quo') or
        `frontier` ('frontier') result with every table. `options` are the run's settings
        (objective, budget scale, time limit, gap...). Pass `raw` when the run used inputs other
        than the saved ones (e.g. unsaved edits): its hash is recorded instead of the saved one."""
        content = _run_content(result)
        options_json = _to_json(dict(options or {}), "run options")
        timings_json = _to_json(content.timings, "run timings")
        summary_json = _to_json(content.summary, "run summary")
        digest = input_hash(raw) if raw is not None else None
        with self._writing(f"saving a run of scenario {scenario_id}") as session:
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
                                        payload=_table_payload(table, df)))
                session.flush()  # as in save_scenario: a later failure rolls these back
            return _run_record(run, scenario.name)

    def list_runs(self, scenario_id: int | None = None) -> list[RunRecord]:
        """Runs, newest first; only one scenario's when `scenario_id` is given."""
        with self._reading() as session:
            query = select(RunRow, ScenarioRow.name).join(ScenarioRow, RunRow.scenario_id == ScenarioRow.id)
            if scenario_id is not None:
                if session.get(ScenarioRow, scenario_id) is None:
                    raise StoreError(_no_scenario(scenario_id))
                query = query.where(RunRow.scenario_id == scenario_id)
            rows = session.execute(query.order_by(RunRow.created_at.desc(), RunRow.id.desc())).all()
            return [_run_record(run, name) for run, name in rows]

    def get_run(self, run_id: int) -> RunRecord:
        with self._reading() as session:
            found = session.execute(select(RunRow, ScenarioRow.name)
                                    .join(ScenarioRow, RunRow.scenario_id == ScenarioRow.id)
                                    .where(RunRow.id == run_id)).first()
            if found is None:
                raise StoreError(_no_run(run_id))
            return _run_record(*found)

    def load_run_tables(self, run_id: int) -> dict[str, pd.DataFrame]:
        """Every table a run saved (name -> DataFrame, dtypes as saved), in the order saved."""
        with self._reading() as session:
            if session.get(RunRow, run_id) is None:
                raise StoreError(_no_run(run_id))
            rows = session.scalars(select(RunTableRow).where(RunTableRow.run_id == run_id)
                                   .order_by(RunTableRow.position)).all()
            return {r.name: _table_from_payload(r.payload) for r in rows}

    input_hash = staticmethod(input_hash)


def _reason(exc: SQLAlchemyError) -> str:
    """The driver's own words, without SQLAlchemy's SQL echo and help link."""
    orig = getattr(exc, "orig", None)
    return str(orig if orig is not None else exc).strip().splitlines()[0]


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
