"""Engine for SQLite (WAL, one file in the data dir) or PostgreSQL (by URL)."""
from __future__ import annotations

from sqlalchemy import Engine, create_engine, event

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",  # readers never block the writer
    "PRAGMA synchronous=NORMAL",  # durable at checkpoints; safe with WAL
    "PRAGMA busy_timeout=30000",
    "PRAGMA foreign_keys=OFF",
)


def dialect_name(url: str) -> str:
    return "postgresql" if url.startswith("postgresql") else "sqlite"


def make_engine(url: str) -> Engine:
    if dialect_name(url) == "sqlite":
        return _sqlite_engine(url)
    return create_engine(url, pool_size=10, max_overflow=30, pool_pre_ping=True)


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 30},
        pool_size=10,
        max_overflow=30,
    )

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001
        # Let SQLAlchemy, not pysqlite, decide when transactions begin, so
        # SAVEPOINTs and DDL behave as on PostgreSQL.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn) -> None:  # noqa: ANN001
        conn.exec_driver_sql("BEGIN")

    return engine
