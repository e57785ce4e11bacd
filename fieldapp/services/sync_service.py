"""Sync status for the screens, "sync now", conflicts and rejected operations,
and logging in (which opens that user's store)."""
from __future__ import annotations

import asyncio
import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .conflicts import ConflictReview, conflict_reviews
from .context import ServiceContext, utc_now_iso

LAST_SYNC_KEY = "last_sync_at"  # written by fieldapp.sync.SyncEngine after a full run
LAST_RESULT_KEY = "last_sync_result"  # {"at", "ok", "error"} written here
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


def cached_photo_path(photo_dir: Path, sha256: str, thumb: bool) -> Path:
    return photo_dir / "cache" / (f"{sha256}_thumb.jpg" if thumb else f"{sha256}.jpg")


@dataclass
class SyncStatus:
    last_sync_at: str | None  # last complete sync (UTC ISO), None = never
    last_error: str | None  # None | unreachable | server_error | login_needed | <code>
    pending_ops: int
    pending_photos: int
    rejected: list[dict[str, Any]] = field(default_factory=list)  # outbox ops with "reason"
    conflicts: list[dict[str, Any]] = field(default_factory=list)  # {id, entity, record_id, field, ...}

    @property
    def all_sent(self) -> bool:
        return not (self.pending_ops or self.pending_photos)


class SyncService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx
        self._client: Any = None
        self._client_key: tuple[str, str | None] | None = None

    def sync_status(self) -> SyncStatus:
        store = self._ctx.store
        last = store.get_meta(LAST_RESULT_KEY) or {}
        return SyncStatus(
            last_sync_at=store.get_meta(LAST_SYNC_KEY), last_error=last.get("error"),
            pending_ops=store.pending_count(), pending_photos=len(store.pending_photos()),
            rejected=store.rejected_ops(), conflicts=store.conflicts(),
        )

    def api_client(self) -> Any:
        """One long-lived fieldapp.sync.ApiClient for this session (token from meta)."""
        from fieldapp.sync import ApiClient

        token = self._ctx.store.get_meta("token")
        url = self._ctx.store.get_meta("server_url") or self._ctx.server_url
        if self._client is None or self._client_key != (url, token):
            if self._client is not None:
                self._client.close()
            self._client = ApiClient(url, token=token)
            self._client_key = (url, token)
        return self._client

    def engine(self) -> Any:
        """A fieldapp.sync.SyncEngine over this store (e.g. for AutoSync)."""
        from fieldapp.sync import SyncEngine

        return SyncEngine(self._ctx.store, self.api_client())

    async def sync_now(self, on_progress: Callable[[Any], None] | None = None,
                       cancel: asyncio.Event | None = None) -> Any:
        """Push, pull, upload photos. Returns fieldapp.sync.SyncReport; a refused
        token is forgotten (report.auth_required) so the screen asks to log in."""
        report = await self.engine().run(on_progress, cancel)
        result = {"at": utc_now_iso(), "ok": report.ok, "error": report.error}
        await asyncio.to_thread(self._ctx.store.set_meta, LAST_RESULT_KEY, result)
        if report.auth_required:
            self._ctx.store.set_meta("token", None)
        return report

    async def fetch_photo(self, sha256: str, thumb: bool = True) -> str | None:
        """Download a photo taken on another device into the local cache (once);
        returns its path, or None when offline or refused. Hash-checked."""
        path = cached_photo_path(self._ctx.store.photo_dir, sha256, thumb)
        if path.exists():
            return str(path)
        if not SHA256_RE.match(sha256):
            return None
        from fieldapp.sync import SyncError

        try:
            data = await asyncio.to_thread(self.api_client().get_photo, sha256, thumb)
        except (SyncError, OSError):
            return None
        if not thumb and hashlib.sha256(data).hexdigest() != sha256:
            return None  # not what was asked for: never cache it under that name
        path.parent.mkdir(mode=0o700, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
        return str(path)

    def conflict_reviews(self) -> list[ConflictReview]:
        """Open conflicts with their record, household, who changed it and when."""
        return conflict_reviews(self._ctx.store, self._ctx.user)

    def resolve_conflict(self, conflict_id: str, keep: str) -> None:
        """keep="mine" re-sends my value as a new change; "theirs" accepts theirs."""
        self._ctx.store.resolve_conflict(conflict_id, keep, self._ctx.user_id)

    def dismiss_rejected(self, op_id: str) -> None:
        self._ctx.store.dismiss_rejected(op_id)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
