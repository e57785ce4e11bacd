"""Pytest fixtures for tests against a real server, on SQLite and PostgreSQL.

Import them in a conftest.py or test module:

    from tests.support.fixtures import database_url, server  # noqa: F401

`database_url` (module scope) is parametrised ["sqlite", "postgresql"]:
None for SQLite (a file in the data dir), or a fresh PostgreSQL database
created from PEOPLE_DIARY_PG_URL and dropped afterwards. Without that
variable the postgresql case FAILS when CI is set, and is skipped (with the
reason) otherwise. `server` (module scope) is a started ServerProcess on it;
seed it with tests.support.create_user(srv.data_dir, srv.db_url, ...).
"""
from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import pytest

from server.db.scratch import fresh_pg_database

from .server_process import ServerProcess, start_server

PG_ENV = "PEOPLE_DIARY_PG_URL"
BACKENDS = ["sqlite", "postgresql"]


def pg_base_url() -> str:
    """PEOPLE_DIARY_PG_URL, or fail (CI) / skip (elsewhere) with the reason."""
    url = os.environ.get(PG_ENV)
    if url:
        return url
    reason = f"{PG_ENV} is not set: start one with scripts/pg-temp.sh (scripts/test.sh does)"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)




@contextlib.contextmanager
def database_for(backend: str) -> Iterator[str | None]:
    if backend == "sqlite":
        yield None
        return
    with fresh_pg_database(pg_base_url()) as url:
        yield url


@pytest.fixture(scope="module", params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    with database_for(request.param) as url:
        yield url


@pytest.fixture(scope="module")
def server(database_url: str | None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    srv = start_server(tmp_path_factory.mktemp("server"), database_url)
    try:
        yield srv
    finally:
        srv.stop()
