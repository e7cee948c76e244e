"""Fixtures for integration tests that need a database server."""

from __future__ import annotations

import os
import uuid

import pytest

from optimiser.store import store as store_module

POSTGRES_URL_ENV = "OPTIMISER_TEST_DATABASE_URL"


@pytest.fixture
def postgres_url():
    """A URL of the PostgreSQL server named by OPTIMISER_TEST_DATABASE_URL whose every connection
    works in a fresh schema, dropped afterwards; the test is skipped when no server is named."""
    base = os.environ.get(POSTGRES_URL_ENV, "").strip()
    if not base:
        pytest.skip(f"{POSTGRES_URL_ENV} is not set: no PostgreSQL server configured")
    admin = store_module._make_engine(base)
    schema = f"store_test_{uuid.uuid4().hex[:12]}"
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    # libpq's options: every connection of this test works in its own schema
    url = admin.url.update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()
