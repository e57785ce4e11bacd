"""One world per backend for the whole tests/server session (building it
seeds users through the CLI, which is the slow part)."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.server.world import World, build_world
from tests.support.fixtures import BACKENDS, database_for, database_url, server  # noqa: F401
from tests.support.server_process import start_server


@pytest.fixture(scope="session", params=BACKENDS)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with database_for(request.param) as url:
        srv = start_server(tmp_path_factory.mktemp("world"), url)
        try:
            w = build_world(srv)
            yield w
            w.close()
        finally:
            srv.stop()
