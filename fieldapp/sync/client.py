"""HTTP client for the People Diary API over ONE long-lived `httpx.Client`.

Synchronous on purpose: the same client serves the coordinator desk and the
login screen, and the async `SyncEngine` runs each call in a worker thread
(`asyncio.to_thread`) so the UI loop never waits on the network. One
`httpx.Client` keeps its connection alive across the many requests of a sync
and is safe to share between threads.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from .errors import (
    AuthRequired,
    LoginFailed,
    PayloadTooLarge,
    RateLimited,
    RequestRefused,
    ServerError,
    Unreachable,
)

API_PREFIX = "/api/v1"
DEFAULT_TIMEOUT = 20.0
CHUNK = 64 * 1024


@dataclass(frozen=True)
class LoginResult:
    token: str
    expires_at: str
    user: dict[str, Any]


def api_root(base_url: str) -> str:
    """Accept 'http://host:port' or 'http://host:port/api/v1'."""
    root = base_url.rstrip("/")
    return root if root.endswith(API_PREFIX) else root + API_PREFIX


def _reason(response: httpx.Response) -> dict[str, Any]:
    """The {code, field, detail} of a 4xx, whatever shape the body has."""
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    if isinstance(detail, dict):
        return detail
    return {"code": f"http_{response.status_code}", "detail": str(detail or response.text)[:200]}


def _retry_after(response: httpx.Response) -> float:
    reason = _reason(response)
    for value in (reason.get("retry_after"), response.headers.get("retry-after")):
        try:
            return max(0.0, float(value))
        except (TypeError, ValueError):
            continue
    return 1.0


def _raise_for_status(response: httpx.Response) -> None:
    status = response.status_code
    if status < 400:
        return
    if status == 401:
        raise AuthRequired(_reason(response).get("code", "unauthorized"))
    if status == 429:
        raise RateLimited(_retry_after(response))
    if status >= 500:
        raise ServerError(status, response.text)
    reason = _reason(response)
    kind = PayloadTooLarge if status == 413 else RequestRefused
    raise kind(status, str(reason.get("code", f"http_{status}")), str(reason.get("field") or ""),
               str(reason.get("detail") or ""))


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


class ApiClient:
    def __init__(self, base_url: str, token: str | None = None, timeout: float = DEFAULT_TIMEOUT,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.base_url = api_root(base_url)
        self.token = token
        self._http = httpx.Client(
            base_url=self.base_url,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            transport=transport,
            headers={"User-Agent": "people-diary-app"},
        )

    # -- plumbing -------------------------------------------------------------------------
    def _send(self, method: str, path: str, **kw: Any) -> httpx.Response:
        headers = dict(kw.pop("headers", None) or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            response = self._http.request(method, path, headers=headers, **kw)
        except httpx.RequestError as exc:  # refused, reset, timeout, body cut midway, bad encoding
            raise Unreachable(f"{method} {path}: {type(exc).__name__}: {exc}") from exc
        _raise_for_status(response)
        return response

    @staticmethod
    def _json(response: httpx.Response) -> Any:
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:  # garbled: as good as no answer
            raise Unreachable(f"unreadable response: {exc}") from exc

    def request_json(self, method: str, path: str, **kw: Any) -> Any:
        """Any API call answering JSON (the coordinator desk uses this); path is under /api/v1."""
        return self._json(self._send(method, path, **kw))

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- auth -----------------------------------------------------------------------------
    def login(self, username: str, password: str, device: str | None = None) -> LoginResult:
        body: dict[str, Any] = {"username": username, "password": password}
        if device:
            body["device"] = device
        try:
            data = self.request_json("POST", "/auth/login", json=body)
        except AuthRequired:
            raise LoginFailed("bad_credentials") from None
        except RateLimited as exc:
            raise LoginFailed("rate_limited", exc.retry_after) from None
        except Unreachable:
            raise LoginFailed("unreachable") from None
        except ServerError:
            raise LoginFailed("server_error") from None
        except RequestRefused as exc:
            raise LoginFailed("bad_credentials" if exc.status in (400, 422) else exc.code) from None
        self.token = data["token"]
        return LoginResult(data["token"], data.get("expires_at", ""), data.get("user") or {})

    def logout(self) -> None:
        """Revoke the token on the server (best effort: offline it is just forgotten)."""
        try:
            if self.token:
                self._send("POST", "/auth/logout")
        except (AuthRequired, Unreachable, ServerError, RateLimited):
            pass
        finally:
            self.token = None

    def me(self) -> dict[str, Any]:
        return self.request_json("GET", "/me")

    # -- sync -----------------------------------------------------------------------------
    def push(self, device: str, ops: list[dict[str, Any]], pending: int | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"device": device, "ops": ops}
        if pending is not None:
            body["pending"] = pending
        return self.request_json("POST", "/sync/push", json=body)

    def pull(self, since: int, limit: int = 500) -> dict[str, Any]:
        return self.request_json("GET", "/sync/pull", params={"since": since, "limit": limit})

    def put_photo(self, sha: str, path: Path) -> int:
        """Stream the file; 201 stored, 200 already held. Refusals raise RequestRefused."""
        path = Path(path)
        headers = {"Content-Type": "image/jpeg", "Content-Length": str(path.stat().st_size)}
        return self._send("PUT", f"/photos/{sha}", content=_file_chunks(path), headers=headers).status_code

    def get_photo(self, sha: str, thumb: bool = False) -> bytes:
        return self._send("GET", f"/photos/{sha}" + ("/thumb" if thumb else "")).content
