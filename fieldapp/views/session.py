"""Session plumbing for the shell: restore login and preferences, log in and
out, run sync in the background, react to connectivity. Calls services only.

A store is one per user per process (it holds a file lock), so two browser
tabs of the same user in one app process share one Services facade; that
cache is process-level on purpose, everything else lives on the AppContext.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from pathlib import Path
from typing import Any

import flet as ft

from fieldapp.i18n import LANGUAGES
from fieldapp.views.context import AppContext

log = logging.getLogger(__name__)

PREF_USER = "people_diary.user_id"
PREF_LANGUAGE = "people_diary.language"
PREF_TEXT_SCALE = "people_diary.text_scale"

_open: dict[tuple[str, str], Any] = {}
_open_lock = threading.Lock()


def _services_module() -> Any:
    import fieldapp.services as services

    return services


def _cache_key(data_dir: Path, user_id: str) -> tuple[str, str]:
    return str(Path(data_dir).resolve()), user_id


def _cached(data_dir: Path, user_id: str) -> Any:
    with _open_lock:
        return _open.get(_cache_key(data_dir, user_id))


def _remember_open(data_dir: Path, user_id: str, services: Any) -> None:
    # an older facade of the same user may still serve another tab: keep it open
    with _open_lock:
        _open[_cache_key(data_dir, user_id)] = services


# --- preferences ---------------------------------------------------------------
def _prefs(ctx: AppContext) -> ft.SharedPreferences:
    """One preferences service per session (each instance registers with the page)."""
    if "prefs" not in ctx.state:
        ctx.state["prefs"] = ft.SharedPreferences()
    return ctx.state["prefs"]


async def _pref_get(ctx: AppContext, key: str) -> Any:
    try:
        return await _prefs(ctx).get(key)
    except Exception:  # no client storage (tests, closed session)
        return None


async def _pref_set(ctx: AppContext, key: str, value: Any) -> None:
    try:
        prefs = _prefs(ctx)
        if value is None:
            await prefs.remove(key)
        else:
            await prefs.set(key, value)
    except Exception:
        log.debug("preference %s not saved", key)


def device_settings(ctx: AppContext) -> Any:
    from fieldapp.services.settings import SettingsService

    return SettingsService(ctx.data_dir)


async def restore(ctx: AppContext) -> None:
    """Language and text size from this browser (else the device settings),
    then the logged-in user if a token is still held."""
    settings = device_settings(ctx).load()
    # one round trip to the client for the three preferences, not three
    language, scale, user_id = await asyncio.gather(
        _pref_get(ctx, PREF_LANGUAGE), _pref_get(ctx, PREF_TEXT_SCALE), _pref_get(ctx, PREF_USER)
    )
    language = language or settings.language
    ctx.language = language if language in LANGUAGES else "zh-CN"
    ctx.text_scale = float(scale or settings.text_scale or 1.0)
    ctx.server_url = ctx.server_url or settings.server_url
    # only the user this browser/app logged in (never another tab's user)
    if user_id:
        ctx.services = resume(ctx, str(user_id))


def resume(ctx: AppContext, user_id: str) -> Any:
    """The user this browser was logged in as: from this process if another
    tab has it open, else from the device (offline: no server needed)."""
    facade = _cached(ctx.data_dir, user_id)
    if facade is None:  # app restarted: reopen from the device, offline
        try:
            facade = _services_module().resume(ctx.data_dir)
        except Exception:
            log.exception("could not resume session")
            return None
        if facade is None or facade.user.get("id") != user_id:
            if facade is not None:
                facade.close()
            return None
        _remember_open(ctx.data_dir, user_id, facade)
    if not facade.session.is_logged_in():
        return None
    ctx.server_url = facade.session.server_url or ctx.server_url
    return facade


async def login(ctx: AppContext, server_url: str, username: str, password: str) -> str | None:
    """Log in; returns None on success, else an error code for `t("error."+code)`."""
    services = _services_module()
    LoginFailed = services.LoginFailed  # noqa: N806 (an exception class)

    server_url = server_url.rstrip("/")
    if not server_url.startswith(("http://", "https://")):
        return "bad_url"
    try:
        facade = await services.login(ctx.data_dir, server_url, username, password)
    except LoginFailed as exc:
        return exc.code if exc.code in ("bad_credentials", "rate_limited") else "unreachable"
    except Exception:
        log.exception("login failed")
        return "unreachable"
    _remember_open(ctx.data_dir, facade.user["id"], facade)
    ctx.services, ctx.server_url, ctx.sync_state = facade, server_url, "idle"
    await _pref_set(ctx, PREF_USER, facade.user["id"])
    start_sync(ctx)
    return None


async def relogin(ctx: AppContext, password: str) -> str | None:
    """The server refused the token: log the same user in again in place, so
    nothing on screen or in the store is dropped. None on success, else an
    error code for `t("error."+code)`."""
    LoginFailed = _services_module().LoginFailed  # noqa: N806 (an exception class)

    if ctx.services is None:
        return "unreachable"
    try:
        await ctx.services.session.relogin(password)
    except LoginFailed as exc:
        return exc.code if exc.code in ("bad_credentials", "rate_limited", "other_user") else "unreachable"
    except Exception:
        log.exception("re-login failed")
        return "unreachable"
    await _pref_set(ctx, PREF_USER, ctx.services.user["id"])
    set_sync_state(ctx, "idle")
    return None


async def logout(ctx: AppContext, force: bool = False) -> None:
    """Raises services.UnsyncedWork unless `force`; the data stays on the device."""
    if ctx.services is not None:
        ctx.services.session.logout(force=force)
    ctx.services = None
    await _pref_set(ctx, PREF_USER, None)
    ctx.navigate("/login")


def _save_setting(ctx: AppContext, **changes: Any) -> None:
    try:
        device_settings(ctx).update(**changes)
    except Exception:
        log.debug("setting not saved: %s", changes)


async def set_language(ctx: AppContext, language: str) -> None:
    ctx.language = language
    await _pref_set(ctx, PREF_LANGUAGE, language)
    _save_setting(ctx, language=language)
    ctx.refresh()


async def set_text_scale(ctx: AppContext, scale: float) -> None:
    from fieldapp.views.theme import apply_theme

    ctx.text_scale = scale
    await _pref_set(ctx, PREF_TEXT_SCALE, scale)
    _save_setting(ctx, text_scale=scale)
    apply_theme(ctx.page, scale)
    ctx.refresh()


# --- sync ----------------------------------------------------------------------
def _shell(ctx: AppContext) -> Any:
    return ctx.state.get("shell")


def set_sync_state(ctx: AppContext, state: str) -> None:
    ctx.sync_state = state
    shell = _shell(ctx)
    if shell is not None:
        shell.update_sync_chip()


def start_sync(ctx: AppContext) -> None:
    """Run a sync in the background unless one is running for this session."""
    if ctx.services is None or ctx.state.get("sync_task_running"):
        return
    ctx.page.run_task(run_sync, ctx)


async def run_sync(ctx: AppContext, restart: bool = False) -> Any:
    """One sync; updates the app bar and any progress listener on the context.
    `restart` (the user pressed "sync now"): a background sync that is still
    backing off (e.g. the server was down) is cancelled and a fresh one runs."""
    if ctx.services is None:
        return None
    if ctx.state.get("sync_task_running") and (not restart or not await _cancel_running(ctx)):
        return None
    ctx.state["sync_task_running"] = True
    cancel = ctx.state["sync_cancel"] = asyncio.Event()
    set_sync_state(ctx, "syncing")
    report = None
    try:
        report = await ctx.services.sync.sync_now(on_progress=lambda p: _progress(ctx, p), cancel=cancel)
        set_sync_state(ctx, _state_after(report))
    except Exception as exc:
        log.exception("sync failed")
        set_sync_state(ctx, _state_for_error(exc))
        ctx.state["sync_error"] = str(exc)[:200]
    finally:
        ctx.state["sync_task_running"] = False
    if report is not None and report.cancelled:
        return report  # a newer run reports instead
    done = ctx.state.get("sync_done")
    if done:
        done(report)
    elif _shell(ctx) is not None and report is not None and report.pulled:
        _shell(ctx).after_sync()
    return report


def _progress(ctx: AppContext, progress: Any) -> None:
    listener = ctx.state.get("sync_progress")  # whichever sync screen is showing now
    if listener is not None:
        listener(progress)


async def _cancel_running(ctx: AppContext, wait_s: float = 15.0) -> bool:
    cancel = ctx.state.get("sync_cancel")
    if cancel is not None:
        cancel.set()
    for _ in range(int(wait_s / 0.1)):  # bounded wait for the old run to stop
        if not ctx.state.get("sync_task_running"):
            return True
        await asyncio.sleep(0.1)
    return False


def _state_after(report: Any) -> str:
    if report is None:
        return "error"
    if report.auth_required:
        return "login_needed"
    if report.error == "unreachable":
        return "offline"
    if report.error:
        return "error"
    return "idle"


def _state_for_error(exc: Exception) -> str:
    name = type(exc).__name__
    if name == "AuthRequired":
        return "login_needed"
    if name in ("Unreachable", "ConnectError"):
        return "offline"
    return "error"


def watch_connectivity(ctx: AppContext) -> None:
    """Sync by itself when connectivity returns (works on the web)."""

    def on_change(e: ft.ConnectivityChangeEvent) -> None:
        online = any(c != ft.ConnectivityType.NONE for c in e.connectivity)
        if online:
            start_sync(ctx)
        else:
            set_sync_state(ctx, "offline")

    try:
        # services register themselves with the current page; keep a reference
        ctx.state["connectivity"] = ft.Connectivity(on_change=on_change)
    except Exception:
        log.debug("connectivity not available")
