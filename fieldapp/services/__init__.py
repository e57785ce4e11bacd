"""The one door the views use. Pure Python, no Flet.

    services = await fieldapp.services.login(data_dir, server_url, username, password)
    services = fieldapp.services.resume(data_dir)      # offline start: last user, or None
    services.round.my_round()                           # RoundEntry list, most urgent first
    services.households.search_households("zhm")        # 张红梅
    services.diary.record_visit(hid, "regular", notes, categories, photos, needs)
    services.needs.my_needs("overdue"); services.needs.resolve(need_id, outcome)
    services.errands.complete(errand_id, PhotoInput(path, consent=True))
    await services.sync.sync_now(on_progress, cancel)
    services.sync.conflict_reviews()                    # conflicts with record, author, time
    await services.session.relogin(password)            # after the server refused the token
    services.session.logout()                           # UnsyncedWork if work is waiting

Every write validates with fieldapp.domain and raises
fieldapp.domain.errors.ValidationError(field, code) on bad input, before
anything is written; then the record and its operation are saved together.
"""
from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

from fieldapp.domain.errors import ValidationError
from fieldapp.store import Store, default_data_dir, open_store
from fieldapp.sync.errors import LoginFailed  # what login() raises: views catch it from here

from .comments import CommentService
from .context import ServiceContext
from .diary import DiaryService, NeedDraft, VisitResult
from .errands import ErrandService
from .households import HouseholdArchive, HouseholdService
from .needs import NeedService
from .people import PeopleService
from .photos_input import PhotoInput
from .round import RoundEntry, RoundService
from .session import (
    SessionService,
    UnsyncedWork,
    UnsyncedWorkError,
    device_id,
    last_session_user,
    remember_session,
)
from .settings import Settings, SettingsService
from .sync_service import SyncService, SyncStatus

__all__ = [
    "LoginFailed",
    "HouseholdArchive", "NeedDraft", "PhotoInput", "RoundEntry", "Services", "Settings", "SettingsService",
    "SyncStatus", "UnsyncedWork", "UnsyncedWorkError", "ValidationError", "VisitResult", "default_data_dir",
    "login", "resume",
]

# One Store per user directory in this process, shared by every session of that
# user (e.g. two browser tabs): the journal has a single writer.
_stores: dict[Path, list[Any]] = {}  # path -> [store, users]
_stores_lock = threading.Lock()


def _acquire_store(data_dir: Path, user_id: str) -> Store:
    key = (Path(data_dir) / user_id).resolve()
    with _stores_lock:
        held = _stores.get(key)
        if held is None:
            held = _stores[key] = [open_store(data_dir, user_id, device_id(data_dir)), 0]
        held[1] += 1
        return held[0]


def _release_store(store: Store) -> None:
    key = store.path.resolve()
    with _stores_lock:
        held = _stores.get(key)
        if held is None:
            return
        held[1] -= 1
        if held[1] <= 0:
            del _stores[key]
            store.close()


class Services:
    """Everything one logged-in user can do. Build with `Services.open`, `login` or `resume`."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx
        self.session = SessionService(ctx)
        self.households = HouseholdService(ctx)
        self.round = RoundService(ctx)
        self.diary = DiaryService(ctx)
        self.needs = NeedService(ctx)
        self.errands = ErrandService(ctx)
        self.comments = CommentService(ctx)
        self.people = PeopleService(ctx)
        self.sync = SyncService(ctx)
        self.settings = SettingsService(ctx.data_dir)
        self._closed = False

    @classmethod
    def open(cls, data_dir: str | Path, user: dict[str, Any], token: str | None = None,
             server_url: str = "") -> Services:
        """Open the store of `user` ({id, username, display_name, role, community_id,
        grid_ids}) under data_dir and remember the session on this device."""
        data_dir = Path(data_dir)
        store = _acquire_store(data_dir, user["id"])
        meta: dict[str, Any] = {"user": user}
        if token is not None:
            meta["token"] = token
        if server_url:
            meta["server_url"] = server_url.rstrip("/")
        store.set_metas(meta)
        remember_session(data_dir, user["id"])
        url = server_url or store.get_meta("server_url") or ""
        return cls(ServiceContext(store, dict(user), data_dir, url))

    @property
    def user(self) -> dict[str, Any]:
        return self._ctx.user

    @property
    def store(self) -> Store:
        """For the sync engine and tests; views use the services above."""
        return self._ctx.store

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self.sync.close()
            self.households.close()
            _release_store(self._ctx.store)


async def login(data_dir: str | Path, server_url: str, username: str, password: str) -> Services:
    """Log in on the server, then open that user's store. Raises
    fieldapp.sync.LoginFailed(code) (bad_credentials, rate_limited, unreachable…)."""
    from fieldapp.sync import ApiClient

    data_dir = Path(data_dir)
    device = device_id(data_dir)
    client = ApiClient(server_url)
    try:
        result = await asyncio.to_thread(client.login, username, password, device)
    finally:
        client.close()
    SettingsService(data_dir).update(server_url=server_url)
    return Services.open(data_dir, result.user, result.token, server_url)


def resume(data_dir: str | Path) -> Services | None:
    """Reopen the last user's session without the network; None when nobody is
    logged in on this device (never logged in, or logged out)."""
    data_dir = Path(data_dir)
    user_id = last_session_user(data_dir)
    if user_id is None or not (data_dir / user_id).is_dir():
        return None
    store = _acquire_store(data_dir, user_id)
    user, token = store.get_meta("user"), store.get_meta("token")
    try:
        return Services.open(data_dir, user) if user and token else None
    finally:
        _release_store(store)  # Services.open holds its own reference
