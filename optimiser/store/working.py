"""The web app's working state, one row per browser session: what survives a refresh.

A row holds the scenario being edited (as typed, edits included), the scenario it was loaded as
(the "changes since loaded" base), its label and saved scenario id, the run id of the latest
good plan (the plan itself is a saved run), and the last solve that did not give a plan worth
keeping (cancelled, infeasible, failed) as plain facts. Rows are keyed by a random session key
the app keeps in the page's address; only the newest `KEEP_STATES` rows are kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from sqlalchemy import DateTime, Integer, String, Text, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from optimiser.basics.issues import Issue
from optimiser.scenario.io import RawScenario
from optimiser.store.payload import from_json, table_from_payload, table_payload, to_json
from optimiser.store.tables import MAX_NAME_LENGTH, Base

KEEP_STATES = 200  # browser sessions remembered; older ones are forgotten as new ones are saved
MAX_KEY_LENGTH = 64


class WorkingStateRow(Base):
    __tablename__ = "optimiser_working_states"

    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH), primary_key=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    label: Mapped[str] = mapped_column(String(MAX_NAME_LENGTH + 100))
    scenario_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # may since have been deleted
    run_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    raw_json: Mapped[str] = mapped_column(Text)
    loaded_json: Mapped[str] = mapped_column(Text)
    attempt_json: Mapped[str] = mapped_column(Text)


@dataclass(frozen=True)
class WorkingState:
    key: str
    label: str
    scenario_id: int | None
    run_id: int | None  # the latest good plan, a saved run
    raw: RawScenario  # as edited
    loaded: RawScenario  # as loaded
    attempt: dict | None  # the last solve that gave no plan to keep: state, status, message, ...
    updated_at: dt.datetime


def raw_to_json(raw: RawScenario) -> str:
    """A scenario as typed, as JSON text (its settings, every table with its row numbers, its
    load problems): `raw_from_json` gives back an equal one."""
    return to_json({"source": raw.source, "form": raw.form, "config": raw.config,
                    "tables": [[name, table_payload(name, df)] for name, df in raw.tables.items()],
                    "load_issues": [asdict(i) for i in raw.load_issues]}, "scenario")


def raw_from_json(text: str) -> RawScenario:
    data = from_json(text)
    return RawScenario(source=data["source"], form=data["form"], config=data["config"],
                       tables={name: table_from_payload(payload) for name, payload in data["tables"]},
                       load_issues=[Issue(**i) for i in data["load_issues"]])


def check_key(key: str) -> str:
    if not key or len(key) > MAX_KEY_LENGTH or not key.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"a working-state key is 1 to {MAX_KEY_LENGTH} letters, digits, '-' or '_'")
    return key


def save(session: Session, key: str, *, raw: RawScenario, loaded: RawScenario, label: str,
         scenario_id: int | None, run_id: int | None, attempt: dict | None, now: dt.datetime) -> None:
    """Write the row for `key` (new or replaced) and forget all but the newest KEEP_STATES rows."""
    row = session.get(WorkingStateRow, check_key(key)) or WorkingStateRow(key=key)
    row.updated_at, row.label, row.scenario_id, row.run_id = now, label[:MAX_NAME_LENGTH + 100], scenario_id, run_id
    row.raw_json = raw_to_json(raw)
    row.loaded_json = row.raw_json if loaded is raw else raw_to_json(loaded)
    row.attempt_json = to_json(attempt, "last solve")
    session.add(row)
    session.flush()
    stale = select(WorkingStateRow.key).order_by(WorkingStateRow.updated_at.desc()).offset(KEEP_STATES)
    session.execute(delete(WorkingStateRow).where(WorkingStateRow.key.in_(stale.scalar_subquery())))


def load(session: Session, key: str) -> WorkingState | None:
    """The working state saved under `key`, or None when there is none (a new or forgotten session)."""
    row = session.get(WorkingStateRow, check_key(key))
    if row is None:
        return None
    updated = row.updated_at if row.updated_at.tzinfo else row.updated_at.replace(tzinfo=dt.UTC)
    return WorkingState(key=row.key, label=row.label, scenario_id=row.scenario_id, run_id=row.run_id,
                        raw=raw_from_json(row.raw_json), loaded=raw_from_json(row.loaded_json),
                        attempt=from_json(row.attempt_json), updated_at=updated)
