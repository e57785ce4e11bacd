"""Login, logout, /me, token expiry and revocation, login rate limits — over HTTP."""
from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import update

from server.config import Settings
from server.db import make_engine
from server.db import schema as s
from tests.support import create_user
from tests.support.server_process import ServerProcess


@pytest.fixture(scope="module")
def users(server: ServerProcess) -> dict[str, dict]:
    return {
        name: create_user(server.data_dir, server.db_url, name, "right-pass", "worker",
                          community="社区", grids=["一网格"])
        for name in ("alice", "bob", "limited")
    }


@pytest.fixture
def client(server: ServerProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.api, timeout=30) as c:
        yield c


def login(client: httpx.Client, username: str, password: str = "right-pass") -> httpx.Response:
    return client.post("/auth/login", json={"username": username, "password": password, "device": "phone-1"})


def test_login_gives_a_token_and_the_user(client: httpx.Client, users: dict) -> None:
    response = login(client, "alice")
    assert response.status_code == 200
    body = response.json()
    assert len(body["token"]) >= 40 and body["expires_at"].endswith("Z")
    assert body["user"] == {"id": users["alice"]["user_id"], "username": "alice", "display_name": "alice",
                            "role": "worker", "community_id": users["alice"]["community_id"],
                            "grid_ids": users["alice"]["grid_ids"]}
    me = client.get("/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200 and me.json() == body["user"]


@pytest.mark.parametrize(("username", "password"), [("alice", "wrong-pass"), ("nobody", "right-pass")])
def test_bad_credentials_are_401_without_saying_which(client: httpx.Client, users: dict, username: str,
                                                      password: str) -> None:
    response = login(client, username, password)
    assert response.status_code == 401
    assert response.json() == {"detail": {"code": "bad_credentials"}}


def test_logout_revokes_the_token_only(client: httpx.Client, users: dict) -> None:
    first, second = login(client, "bob").json()["token"], login(client, "bob").json()["token"]
    out = client.post("/auth/logout", headers={"Authorization": f"Bearer {first}"})
    assert out.status_code == 204
    refused = client.get("/me", headers={"Authorization": f"Bearer {first}"})
    assert refused.status_code == 401 and refused.json()["detail"]["code"] == "not_authenticated"
    assert client.get("/me", headers={"Authorization": f"Bearer {second}"}).status_code == 200


def test_expired_token_is_refused(server: ServerProcess, client: httpx.Client, users: dict) -> None:
    token = login(client, "bob").json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/sync/pull", headers=headers).status_code == 200
    engine = make_engine(Settings(server.data_dir, server.db_url).database_url)
    from server.auth import token_digest

    with engine.begin() as conn:
        conn.execute(update(s.tokens).where(s.tokens.c.token_sha256 == token_digest(token))
                     .values(expires_at="2020-01-01T00:00:00Z"))
    engine.dispose()
    for path in ("/me", "/sync/pull"):
        response = client.get(path, headers=headers)
        assert response.status_code == 401, path


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer not-a-token", "Basic abc"])
def test_missing_or_unknown_token_is_401(client: httpx.Client, header: str) -> None:
    headers = {"Authorization": header} if header else {}
    response = client.get("/me", headers=headers)
    assert response.status_code == 401
    assert response.json()["detail"]["code"] == "not_authenticated"


def test_repeated_failures_are_rate_limited_per_account(client: httpx.Client, users: dict) -> None:
    for _ in range(5):
        assert login(client, "limited", "wrong-pass").status_code == 401
    refused = login(client, "limited", "right-pass")  # even the right password now waits
    assert refused.status_code == 429
    detail = refused.json()["detail"]
    assert detail["code"] == "rate_limited" and 0 < detail["retry_after"] <= 15 * 60
    assert login(client, "alice").status_code == 200  # other accounts are unaffected


@pytest.mark.parametrize("body", [{}, {"username": "alice"}, {"username": "", "password": "x"},
                                  {"username": "alice", "password": "right-pass", "device": "bad device!"},
                                  {"username": ["alice"], "password": "right-pass"}])
def test_malformed_login_is_422_with_the_field(client: httpx.Client, body: dict) -> None:
    response = client.post("/auth/login", json=body)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail["code"] == "invalid" and detail["field"] in {"username", "password", "device"}
