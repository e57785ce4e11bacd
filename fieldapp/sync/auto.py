"""Run the engine when connectivity returns and on demand — never two at once.

The app shell wires `ft.Connectivity().on_change` to `connectivity_changed`
and the "sync now" button to `sync_now`; `state` is what the app bar shows.
No Flet here: listeners are plain callables.
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from .engine import Progress, SyncEngine, SyncReport


class SyncState(StrEnum):
    IDLE = "idle"
    SYNCING = "syncing"
    OFFLINE = "offline"
    ERROR = "error"
    LOGIN_NEEDED = "login_needed"


def state_after(report: SyncReport) -> SyncState:
    """A cancelled sync is not an error: the next one resumes."""
    return {
        "login_needed": SyncState.LOGIN_NEEDED, "offline": SyncState.OFFLINE, "error": SyncState.ERROR,
    }.get(report.status, SyncState.IDLE)


class AutoSync:
    def __init__(self, engine: SyncEngine | None,
                 on_state: Callable[[SyncState], Any] | None = None,
                 on_progress: Callable[[Progress], Any] | None = None,
                 on_report: Callable[[SyncReport], Any] | None = None) -> None:
        self.engine = engine
        self.on_state = on_state
        self.on_progress = on_progress
        self.on_report = on_report
        self.state = SyncState.IDLE if engine else SyncState.LOGIN_NEEDED
        self.online = True
        self.last_report: SyncReport | None = None
        self._lock = asyncio.Lock()
        self._cancel: asyncio.Event | None = None

    @property
    def running(self) -> bool:
        return self._lock.locked()

    def set_engine(self, engine: SyncEngine | None) -> None:
        """After a (re)login the app hands over a new engine (new token, maybe a new store)."""
        self.engine = engine
        self._set_state(SyncState.IDLE if engine else SyncState.LOGIN_NEEDED)

    async def sync_now(self) -> SyncReport | None:
        """Run one sync; None when one is already running (or nobody is logged in)."""
        if self.engine is None or self._lock.locked():
            return None
        async with self._lock:
            self._cancel = asyncio.Event()
            self._set_state(SyncState.SYNCING)
            try:
                report = await self.engine.run(self.on_progress, self._cancel)
            finally:
                self._cancel = None
            self.last_report = report
            self._set_state(state_after(report))
            if self.on_report is not None:
                self.on_report(report)
            return report

    async def connectivity_changed(self, online: bool) -> SyncReport | None:
        """Back online: sync at once (unsynced work goes out first thing). Offline: say so."""
        was_online, self.online = self.online, online
        if not online:
            if not self.running and self.state != SyncState.LOGIN_NEEDED:
                self._set_state(SyncState.OFFLINE)
            return None
        if was_online and self.state not in (SyncState.OFFLINE, SyncState.ERROR):
            return None  # no change worth a sync
        return await self.sync_now()

    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()

    def _set_state(self, state: SyncState) -> None:
        self.state = state
        if self.on_state is not None:
            self.on_state(state)
