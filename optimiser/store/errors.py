"""The store's one error type, and the database driver's own words for its messages."""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError


class StoreError(Exception):
    """A save or load the store refused, with a message a planner can act on."""


def reason(exc: SQLAlchemyError) -> str:
    """The driver's own words, without SQLAlchemy's SQL echo and help link."""
    orig = getattr(exc, "orig", None)
    return str(orig if orig is not None else exc).strip().splitlines()[0]
