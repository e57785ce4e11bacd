"""A thin HTTP client for tests: log in, push ops, pull pages, make ops.

    api = ApiSession(srv.api); api.login("w1", "secret1")
    results = api.push([api.op("household", hid, {...})])
"""
from __future__ import annotations

import time
import uuid
from typing import Any

import httpx


class ApiSession:
    def __init__(self, api_url: str, device: str = "test-device") -> None:
        self.api_url = api_url
        self.device = device
        self.client = httpx.Client(base_url=api_url, timeout=60)
        self.token = ""
        self.user: dict[str, Any] = {}
        self._counter = 0

    @property
    def user_id(self) -> str:
        return self.user["id"]

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def login(self, username: str, password: str) -> ApiSession:
        response = self.client.post("/auth/login", json={"username": username, "password": password,
                                                         "device": self.device})
        response.raise_for_status()
        body = response.json()
        self.token, self.user = body["token"], body["user"]
        return self

    def hlc(self, wall_ms: int | None = None) -> str:
        self._counter += 1
        wall = wall_ms if wall_ms is not None else int(time.time() * 1000)
        return f"{wall:013d}:{self._counter % 100000:05d}:{self.device}"

    def op(self, entity: str, record_id: str, fields: dict[str, Any], hlc: str | None = None,
           author: str | None = None) -> dict[str, Any]:
        return {"op_id": str(uuid.uuid4()), "entity": entity, "id": record_id, "fields": fields,
                "hlc": hlc or self.hlc(), "author": author or self.user_id, "device": self.device}

    def push_raw(self, body: Any) -> httpx.Response:
        return self.client.post("/sync/push", json=body, headers=self.headers)

    def push(self, ops: list[dict[str, Any]], pending: int = 0) -> list[dict[str, Any]]:
        response = self.push_raw({"device": self.device, "ops": ops, "pending": pending})
        assert response.status_code == 200, response.text
        return response.json()["results"]

    def pull(self, since: int = 0, limit: int = 500) -> dict[str, Any]:
        response = self.client.get("/sync/pull", params={"since": since, "limit": limit},
                                   headers=self.headers)
        assert response.status_code == 200, response.text
        return response.json()

    def pull_all(self, since: int = 0, limit: int = 500) -> dict[tuple[str, str], dict[str, Any]]:
        """Every change in scope from `since`, following `next` until `more` is false."""
        seen: dict[tuple[str, str], dict[str, Any]] = {}
        for _ in range(10_000):  # bounded
            page = self.pull(since, limit)
            for change in page["changes"]:
                seen[(change["entity"], change["id"])] = change
            since = page["next"]
            if not page["more"]:
                return seen
        raise AssertionError("pull did not finish")

    def close(self) -> None:
        self.client.close()


def new_id() -> str:
    return str(uuid.uuid4())
