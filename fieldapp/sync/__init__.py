"""Sync: the HTTP client, the engine (push / pull / photos) and automatic sync.

No Flet here; the app shell wires connectivity and buttons to `AutoSync`.
"""
from .auto import AutoSync, SyncState, state_after
from .client import ApiClient, LoginResult, api_root
from .engine import CURSOR_KEY, Progress, SyncEngine, SyncReport
from .errors import (
    AuthRequired,
    LoginFailed,
    PayloadTooLarge,
    RateLimited,
    RequestRefused,
    ServerError,
    SyncError,
    Unreachable,
)
from .retry import Cancelled, RetryPolicy

__all__ = [
    "CURSOR_KEY", "ApiClient", "AuthRequired", "AutoSync", "Cancelled", "LoginFailed", "LoginResult",
    "PayloadTooLarge", "Progress", "RateLimited", "RequestRefused", "RetryPolicy", "ServerError",
    "SyncEngine", "SyncError", "SyncReport", "SyncState", "Unreachable", "api_root", "state_after",
]
