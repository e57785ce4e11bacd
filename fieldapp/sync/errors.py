"""Errors the sync client raises, by what the caller should do about them.

Retryable (the engine backs off and tries again): `Unreachable` (connection
refused, timeout, a response cut midway or garbled), `ServerError` (5xx) and
`RateLimited` (429). Not retryable: `AuthRequired` (401: log in again) and
`RequestRefused` (any other 4xx, with the server's reason).
"""
from __future__ import annotations


class SyncError(Exception):
    """Base of every error raised by fieldapp.sync."""


class UnreachableError(SyncError):
    """No usable answer: connection refused or reset, timeout, cut or garbled body."""


class ServerError(SyncError):
    def __init__(self, status: int, text: str = "") -> None:
        self.status = status
        super().__init__(f"server error {status}: {text[:200]}")


class RateLimitedError(SyncError):
    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after
        super().__init__(f"rate limited, retry after {retry_after}s")


class AuthRequiredError(SyncError):
    """The token is missing, expired or revoked: the user must log in again."""


class RequestRefusedError(SyncError):
    """A 4xx other than 401/429, carrying the server's {code, field, detail}."""

    def __init__(self, status: int, code: str, field: str = "", detail: str = "") -> None:
        self.status = status
        self.code = code
        self.field = field
        self.detail = detail
        super().__init__(f"{status} {code}" + (f" ({field})" if field else ""))


class PayloadTooLargeError(RequestRefusedError):
    """413: the batch (or the photo) is too big for the server."""


class LoginFailedError(SyncError):
    """Login refused. code: bad_credentials | rate_limited | unreachable | server_error."""

    def __init__(self, code: str, retry_after: float | None = None) -> None:
        self.code = code
        self.retry_after = retry_after
        super().__init__(code if retry_after is None else f"{code} (retry after {retry_after}s)")


# The names of the contract (docs/CONTRACTS.md) and the brief.
Unreachable = UnreachableError
RateLimited = RateLimitedError
AuthRequired = AuthRequiredError
RequestRefused = RequestRefusedError
PayloadTooLarge = PayloadTooLargeError
LoginFailed = LoginFailedError

RETRYABLE: tuple[type[SyncError], ...] = (UnreachableError, ServerError, RateLimitedError)
