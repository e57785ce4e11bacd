"""ApiClient error mapping against a real server (and a port nobody listens on)."""
from __future__ import annotations

import socket

import pytest

from fieldapp.sync import ApiClient, AuthRequired, LoginFailed, RequestRefused, Unreachable


def _dead_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again at once: connections are refused


def test_login_me_logout(server) -> None:
    with ApiClient(server.base_url) as client:
        result = client.login("worker1", "demo1234", "phone-a")
        assert result.token and result.user["role"] == "worker" and result.user["grid_ids"]
        assert client.me()["username"] == "worker1"
        client.logout()
        assert client.token is None
        with pytest.raises(AuthRequired):
            client.me()


def test_login_failures_have_codes(server) -> None:
    with ApiClient(server.base_url) as client:
        with pytest.raises(LoginFailed) as bad:
            client.login("worker1", "wrong-password", "phone-a")
        assert bad.value.code == "bad_credentials"
    with ApiClient(f"http://127.0.0.1:{_dead_port()}", timeout=2) as client:
        with pytest.raises(LoginFailed) as down:
            client.login("worker1", "demo1234", "phone-a")
        assert down.value.code == "unreachable"
        with pytest.raises(Unreachable):
            client.pull(0, 10)


def test_refusals_carry_the_server_reason(server) -> None:
    with ApiClient(server.base_url) as client:
        client.login("worker1", "demo1234", "phone-a")
        with pytest.raises(RequestRefused) as refused:
            client.pull(-5, 10)
        assert 400 <= refused.value.status < 500 and refused.value.code
        with pytest.raises(RequestRefused):
            client.push("phone-a", [{"op_id": "x"}] * 501)
