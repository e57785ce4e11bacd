"""Errors the sync client raises, by what the caller should do about them.

Retryable (the engine backs off and tries again): `Unreachable` (connection
refused, timeout, a response cut midway or garbled), `ServerError` (5xx) and
`RateLimited` (429). Not retryable: `AuthRequired` (401: log in again) and
`RequestRefused` (any other 4xx, with the server's reason).
"""
from __future__ import annotations


class SyncError(Exception):
    """Base of every error raised by fieldapp.sync."""


class Unreachable(SyncError):
    """No usable answer: connection refused or reset, timeout, cut or garbled body."""


class ServerError(SyncError):
    def __init__(self, status: int, text: str = "") -> None:
        self.status = status
        super().__init__(f"server error {status}: {text[:200]}")


class RateLimited(SyncError):
    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after
        super().__init__(f"rate limited, retry after {retry_after}s")


class AuthRequired(SyncError):
    """The token is missing, expired or revoked: the user must log in again."""


class RequestRefused(SyncError):
    """A 4xx other than 401/429, carrying the server's {code, field, detail}."""

    def __init__(self, status: int, code: str, field: str = "", detail: str = "") -> None:
        self.status = status
        self.code = code
        self.field = field
        self.detail = detail
        super().__init__(f"{status} {code}" + (f" ({field})" if field else ""))


class PayloadTooLarge(RequestRefused):
    """413: the batch (or the photo) is too big for the server."""


class LoginFailed(SyncError):
    """Login refused. code: bad_credentials | rate_limited | unreachable | server_error."""

    def __init__(self, code: str, retry_after: float | None = None) -> None:
        self.code = code
        self.retry_after = retry_after
        super().__init__(code if retry_after is None else f"{code} (retry after {retry_after}s)")


RETRYABLE: tuple[type[SyncError], ...] = (Unreachable, ServerError, RateLimited)
