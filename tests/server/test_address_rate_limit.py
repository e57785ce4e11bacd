"""Failed logins from one address across many accounts are limited too."""
from __future__ import annotations

import httpx
import pytest

from tests.support import start_server
from tests.support.fixtures import BACKENDS, database_for


@pytest.mark.parametrize("backend", BACKENDS)
def test_failures_from_one_address_are_rate_limited(backend: str, tmp_path) -> None:  # noqa: ANN001
    env = {"PEOPLE_DIARY_ADDRESS_MAX_FAILURES": "3"}
    with database_for(backend) as url, start_server(tmp_path, url, env=env) as srv, \
            httpx.Client(base_url=srv.api) as client:
        bodies = [{"username": f"user{i}", "password": "guess-pass"} for i in range(4)]
        codes = [client.post("/auth/login", json=body).status_code for body in bodies]
        assert codes == [401, 401, 401, 429]
