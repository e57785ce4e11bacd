"""Who is logged in on this device, and leaving safely."""
from __future__ import annotations

import asyncio
import json
import os
import uuid
from pathlib import Path
from typing import Any

from fieldapp.store.journal import FILE_MODE, ensure_private_dir

from .context import ServiceContext

LAST_SESSION_FILE = "last_session.json"
DEVICE_FILE = "device_id"


class UnsyncedWorkError(Exception):
    """Logging out now would leave work that the server has not received."""

    def __init__(self, pending_ops: int, pending_photos: int) -> None:
        self.pending_ops = pending_ops
        self.pending_photos = pending_photos
        super().__init__(f"{pending_ops} operations and {pending_photos} photos not yet synced")


UnsyncedWork = UnsyncedWorkError  # the name used in the brief and by the views


def _write_private(path: Path, text: str) -> None:
    ensure_private_dir(path.parent)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


def device_id(data_dir: Path) -> str:
    """This installation's id (HLC node and op `device`), created once."""
    path = Path(data_dir) / DEVICE_FILE
    try:
        held = path.read_text(encoding="utf-8").strip()
        if held:
            return held
    except OSError:
        pass
    new = "d-" + uuid.uuid4().hex[:16]
    _write_private(path, new)
    return new


def remember_session(data_dir: Path, user_id: str | None) -> None:
    path = Path(data_dir) / LAST_SESSION_FILE
    if user_id is None:
        path.unlink(missing_ok=True)
    else:
        _write_private(path, json.dumps({"user_id": user_id}))


def last_session_user(data_dir: Path) -> str | None:
    try:
        return json.loads((Path(data_dir) / LAST_SESSION_FILE).read_text(encoding="utf-8"))["user_id"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


class SessionService:
    """The current user and their login state (token kept in the store's meta)."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    @property
    def user(self) -> dict[str, Any]:
        """{id, username, display_name, role, community_id, grid_ids}"""
        return self._ctx.user

    @property
    def role(self) -> str:
        return self._ctx.user.get("role", "")

    @property
    def device_id(self) -> str:
        return self._ctx.store.device_id

    @property
    def token(self) -> str | None:
        return self._ctx.store.get_meta("token")

    @property
    def server_url(self) -> str:
        return self._ctx.store.get_meta("server_url") or self._ctx.server_url

    def is_logged_in(self) -> bool:
        """True while a token is held; False after logout or when the server refused it."""
        return bool(self.token)

    def set_token(self, token: str | None) -> None:
        """Keep a new token (after re-login) or forget it (None: the server refused it)."""
        self._ctx.store.set_meta("token", token)

    async def relogin(self, password: str) -> None:
        """Log the same user in again after the server refused the token. Only
        the token changes: the store, its outbox and any drafts stay as they are.
        Raises fieldapp.sync.LoginFailed(code)."""
        from fieldapp.sync import ApiClient, LoginFailed

        client = ApiClient(self.server_url)
        try:
            result = await asyncio.to_thread(client.login, self.user.get("username", ""), password,
                                             self.device_id)
        finally:
            client.close()
        if result.user.get("id") != self._ctx.user_id:  # the account was replaced on the server
            raise LoginFailed("other_user")
        self._ctx.user.update(result.user)
        self._ctx.store.set_metas({"token": result.token, "user": dict(self._ctx.user)})
        remember_session(self._ctx.data_dir, self._ctx.user_id)

    def logout(self, force: bool = False) -> None:
        """Forget the token on this device. Refuses with UnsyncedWork while
        operations or photos are waiting, unless `force`. Never deletes the
        store: the data stays on the device and is sent after the next login."""
        store = self._ctx.store
        pending_ops, pending_photos = store.pending_count(), len(store.pending_photos())
        if (pending_ops or pending_photos) and not force:
            raise UnsyncedWorkError(pending_ops, pending_photos)
        store.set_meta("token", None)
        remember_session(self._ctx.data_dir, None)
