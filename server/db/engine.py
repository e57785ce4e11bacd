"""Engine for SQLite (WAL, one file in the data dir) or PostgreSQL (by URL)."""
from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Iterator

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",  # readers never block the writer
    "PRAGMA synchronous=NORMAL",  # durable at checkpoints; safe with WAL
    "PRAGMA busy_timeout=30000",
    "PRAGMA foreign_keys=OFF",
)


IMMEDIATE = "people_diary_immediate"


def begin_write(session: Session) -> None:
    """Start `session`'s transaction as a writer: on SQLite BEGIN IMMEDIATE, so
    reads followed by writes never fail with "database is locked". Call it
    before the session's first statement; a no-op on PostgreSQL."""
    session.connection(execution_options={IMMEDIATE: True})


# One writer at a time inside this process: waiting threads are handed the
# lock at once, instead of polling SQLite's busy handler (which sleeps up to
# 100 ms between tries and leaves the database idle under load).
WRITE_LOCK = threading.Lock()


@contextlib.contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session for a short writing transaction: process write lock + begin_write.
    The caller commits; keep slow work (password hashing, image decoding) outside."""
    with writer_lock(engine), Session(engine) as session:
        begin_write(session)
        yield session


_lock_files: dict[str, int] = {}


@contextlib.contextmanager
def writer_lock(engine: Engine) -> Iterator[None]:
    """WRITE_LOCK, and on SQLite an flock on a file beside the database, so the
    writers of several server processes (`serve --workers N`) also take turns
    and are woken at once instead of polling SQLite's busy handler."""
    with WRITE_LOCK:
        path = engine.url.database if engine.dialect.name == "sqlite" else None
        if not path or path == ":memory:":
            yield
            return
        fd = _lock_files.get(path)
        if fd is None:
            fd = _lock_files[path] = os.open(path + ".write-lock", os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)


def dialect_name(url: str) -> str:
    return "postgresql" if url.startswith(("postgresql", "postgres:")) else "sqlite"


def make_engine(url: str) -> Engine:
    if dialect_name(url) == "sqlite":
        return _sqlite_engine(url)
    return create_engine(with_psycopg(url), pool_size=10, max_overflow=30, pool_pre_ping=True)


def with_psycopg(url: str) -> str:
    """postgresql:// and postgres:// URLs use psycopg 3 (the driver installed)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


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
        # IMMEDIATE takes the write lock up front, waiting (busy_timeout) for it;
        # a deferred transaction that reads first and then writes gets
        # "database is locked" at once if another writer committed meanwhile.
        immediate = conn.get_execution_options().get(IMMEDIATE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
