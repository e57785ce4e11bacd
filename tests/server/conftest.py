from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.server.world import World, build_world
from tests.support.fixtures import database_url, server  # noqa: F401
from tests.support.server_process import ServerProcess


@pytest.fixture(scope="module")
def world(server: ServerProcess) -> Iterator[World]:  # noqa: F811
    w = build_world(server)
    try:
        yield w
    finally:
        w.close()
