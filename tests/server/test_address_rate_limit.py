"""Failed logins from one address across many accounts are limited too."""
from __future__ import annotations

import httpx

from tests.support import start_server


def test_failures_from_one_address_are_rate_limited(tmp_path) -> None:  # noqa: ANN001
    env = {"PEOPLE_DIARY_ADDRESS_MAX_FAILURES": "3"}
    with start_server(tmp_path, env=env) as srv, httpx.Client(base_url=srv.api) as client:
        codes = [client.post("/auth/login", json={"username": f"user{i}", "password": "guess-pass"}).status_code
                 for i in range(4)]
        assert codes == [401, 401, 401, 429]
