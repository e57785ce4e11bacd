"""Short-lived download links for Excel exports.

The web client opens downloads with `page.launch_url`, which cannot send a
Bearer header, so the desk asks for a one-time link (random token, valid
for LINK_SECONDS, kept in this process's memory, redeemable once). The
link carries the principal's scope: exports stay in their community.
"""
from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

from .common import fail
from .figures import Period

LINK_SECONDS = 300
MAX_LINKS = 1000


@dataclass(frozen=True)
class Link:
    principal: Any
    kind: str
    community_id: str
    period: Period | None
    expires: float


_links: dict[str, Link] = {}
_lock = threading.Lock()


def issue_link(principal: Any, kind: str, community_id: str, period: Period | None) -> dict[str, Any]:
    token = secrets.token_urlsafe(24)
    now = time.monotonic()
    with _lock:
        for old in [t for t, link in _links.items() if link.expires < now]:
            del _links[old]
        if len(_links) >= MAX_LINKS:
            fail(429, "rate_limited", "kind")
        _links[token] = Link(principal, kind, community_id, period, now + LINK_SECONDS)
    return {"url": f"/api/v1/desk/download/{token}", "expires_in": LINK_SECONDS}


def redeem(token: str) -> Link:
    with _lock:
        link = _links.pop(token, None)
    if link is None or link.expires < time.monotonic():
        fail(404, "link_expired", "token")
    return link
