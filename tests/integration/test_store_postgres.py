"""The scenario store's tests of tests/unit/test_store.py again on PostgreSQL, by the same names,
each in a schema of its own (the postgres_url fixture of tests/conftest.py); skipped unless
OPTIMISER_TEST_DATABASE_URL names a server (`scripts/ci_postgres.sh` starts one and prints the
URL). And bad database URLs, one of which dials a server that is not there.
"""

from __future__ import annotations

import inspect

import pytest
import test_store as unit_store  # tests/unit/test_store.py

from optimiser.store import Store, StoreError

pytestmark = pytest.mark.integration


@pytest.fixture
def store_url(postgres_url):
    return postgres_url


# the unit module's fixtures, so that its tests find them here; `store` opens store_url above
store = unit_store.store
frozen_workbook_clock = unit_store.frozen_workbook_clock

# every unit store test that opens a store, collected again in this module
globals().update({name: test for name, test in vars(unit_store).items()
                  if name.startswith("test_") and "store" in inspect.signature(test).parameters})


@pytest.mark.parametrize(("url", "words"), [
    ("not a url", "is not a database URL"),
    ("nosuchdb://x/y", "cannot use the database"),
    ("postgresql+psycopg://planner:s3cret-pw@127.0.0.1:1/plans", "cannot open the database"),
])
def test_bad_database_urls_get_a_clear_message_without_the_password(url, words):
    with pytest.raises(StoreError, match=words) as caught:
        Store(url)
    assert "s3cret-pw" not in str(caught.value)
