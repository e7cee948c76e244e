"""Saved scenarios and run history in a database (SQLite by default, PostgreSQL for a team).

`Store` is the way in; see `store.py` for what is kept and where each piece lives.
"""

from optimiser.store.engine import default_url
from optimiser.store.errors import StoreError
from optimiser.store.hashing import input_hash
from optimiser.store.saving import save_solved_run
from optimiser.store.store import RunRecord, ScenarioRecord, Store

default_database_url = default_url  # the public name: the database the app and the command line use

__all__ = ["RunRecord", "ScenarioRecord", "Store", "StoreError", "default_database_url", "default_url", "input_hash",
           "save_solved_run"]
