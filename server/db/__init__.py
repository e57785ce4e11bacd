"""Database: tables, engine, migrations."""
from __future__ import annotations

from sqlalchemy import Engine

from .engine import WRITE_LOCK, begin_write, dialect_name, make_engine, write_session
from .migrations import LATEST, upgrade


def open_database(url: str) -> Engine:
    """An engine on `url` with the schema upgraded to the latest version."""
    engine = make_engine(url)
    upgrade(engine)
    return engine


__all__ = ["LATEST", "WRITE_LOCK", "begin_write", "dialect_name", "make_engine", "open_database",
           "upgrade", "write_session"]
