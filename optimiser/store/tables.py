"""The store's database tables (SQLAlchemy ORM): scenarios, their tables, runs and run tables.

Tables are kept as JSON text (`payload.py`), one database row per table, in the author's order.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

MAX_NAME_LENGTH = 200  # characters of a saved scenario's name


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
