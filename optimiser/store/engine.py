"""Which database the store uses and how it connects: the URL, SQLite's settings, the engine.

SQLite file by default (WAL journal, foreign keys on), any SQLAlchemy URL by configuration
(`OPTIMISER_DATABASE_URL`, e.g. ``postgresql+psycopg://user:password@host/db`` for a team).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from optimiser.store.errors import StoreError

DEFAULT_URL_ENV = "OPTIMISER_DATABASE_URL"
DEFAULT_SQLITE_FILE = "optimiser_store.sqlite3"
SQLITE_BUSY_TIMEOUT_S = 10  # a statement waits this long for another process's save, then retry.py retries
# execution option naming how an SQLite transaction begins (DEFERRED for readers, IMMEDIATE for saves)
SQLITE_BEGIN_OPTION = "optimiser_sqlite_begin"


def default_url() -> str:
    """The database to use: `OPTIMISER_DATABASE_URL` if set, else an SQLite file in the working folder."""
    configured = os.environ.get(DEFAULT_URL_ENV, "").strip()
    return configured or f"sqlite:///{Path.cwd() / DEFAULT_SQLITE_FILE}"


def display_url(url: URL) -> str:
    """The URL with any password hidden, for messages."""
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
    mode = connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "DEFERRED")
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


def make_engine(url_text: str) -> Engine:
    """An engine for `url_text`; a URL the store cannot use raises `StoreError` saying why."""
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
            raise StoreError(f"cannot create the folder for the database {display_url(url)}: {exc}") from None
    try:
        return create_engine(url, pool_pre_ping=True)
    except (ImportError, SQLAlchemyError) as exc:  # a driver the URL names but is not installed
        raise StoreError(
            f"cannot use the database {display_url(url)}: {exc}. Check the URL's database kind and "
            f"driver (for PostgreSQL: postgresql+psycopg://..., with psycopg installed)."
        ) from None
