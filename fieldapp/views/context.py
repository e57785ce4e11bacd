"""The object every screen receives, and the routing convention.

Routing convention
------------------
* A screen is a function `build(ctx: AppContext) -> ft.View | ft.Control`.
  Returning a bare Control is fine: the router wraps it in an `ft.View` with
  the common app bar (title, sync state) and, on a phone, the bottom tabs.
* Routes are plain path templates; a segment starting with ":" is a
  parameter, e.g. "/households/:id". Matched values are in `ctx.params`
  (and the query string, "?tab=overdue", in `ctx.query`).
* `fieldapp/app.py` owns the table. Home per role (`home_route`):
  worker -> "/round", volunteer -> "/errands", coordinator/admin -> "/desk".
* The desk engineer's package `fieldapp/views/desk/__init__.py` exports
  `routes() -> dict[str, Callable[[AppContext], ft.View | ft.Control]]`;
  the app router merges that dict in (desk routes start with "/desk").
* Screens call `ctx.services` (the logged-in `fieldapp.services.Services`
  facade, None before login) and never TinyDB or httpx.
* Every visible string goes through `ctx.t(key, **params)`: it uses the
  session's own language (each browser tab is its own page and session;
  nothing per-user lives in module globals).
* Bad input: catch `fieldapp.domain.errors.ValidationError` and call
  `ctx.show_error(field_control, err.code)`; what was typed stays in place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import flet as ft

from fieldapp import i18n
from fieldapp.domain.enums import Role

WIDE_MIN_PX = 1000
TOUCH_MIN_PX = 48

Screen = Callable[["AppContext"], "ft.View | ft.Control"]

HOME_BY_ROLE: dict[str, str] = {
    Role.WORKER: "/round",
    Role.VOLUNTEER: "/errands",
    Role.COORDINATOR: "/desk",
    Role.ADMIN: "/desk",
}


def home_route(role: str | None) -> str:
    """Where a user lands after login; unknown roles go to settings."""
    return HOME_BY_ROLE.get(role or "", "/settings")


def translate(language: str, key: str, **params: Any) -> str:
    """`i18n.t` for an explicit language: sessions differ, the module global
    in fieldapp.i18n is shared by every session in this process."""
    entry = i18n._catalog.get(key)  # noqa: SLF001 - read-only lookup by language
    if entry is None:
        return key
    text = entry.get(language) or entry.get(i18n.DEFAULT_LANGUAGE) or key
    try:
        return text.format(**params) if params else text
    except (KeyError, IndexError):
        return text


def match_route(template: str, path: str) -> dict[str, str] | None:
    """'/households/:id' vs '/households/42' -> {'id': '42'}; None if no match."""
    want = [s for s in template.split("/") if s]
    have = [s for s in path.split("/") if s]
    if len(want) != len(have):
        return None
    params: dict[str, str] = {}
    for w, h in zip(want, have, strict=True):
        if w.startswith(":"):
            params[w[1:]] = h
        elif w != h:
            return None
    return params


def split_route(route: str) -> tuple[str, dict[str, str]]:
    path, _, query = route.partition("?")
    pairs = (p.partition("=") for p in query.split("&") if p)
    return (path or "/"), {k: v for k, _, v in pairs}


@dataclass
class AppContext:
    """Per-session state and helpers; one per browser tab / phone app."""

    page: ft.Page
    data_dir: Path
    server_url: str = ""
    services: Any = None  # fieldapp.services.Services once logged in
    language: str = i18n.DEFAULT_LANGUAGE
    text_scale: float = 1.0
    params: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    sync_state: str = "idle"  # idle | syncing | offline | error | login_needed
    # set by the app shell: goes to a route (pushes a view)
    _navigate: Callable[[str], None] | None = None
    # set by the app shell: rebuilds the current view (after a language change…)
    _refresh: Callable[[], None] | None = None
    # anything a screen wants to keep for the session (e.g. a search text)
    state: dict[str, Any] = field(default_factory=dict)

    # --- i18n -----------------------------------------------------------
    def t(self, key: str, **params: Any) -> str:
        return translate(self.language, key, **params)

    def error_text(self, code: str, detail: str = "") -> str:
        """A validation code in the user's language ("photo.x" codes are the
        photo pipeline's, labelled as "photo_error.x")."""
        key = "photo_error." + code[6:] if code.startswith("photo.") else "error." + code
        text = self.t(key, detail=detail)
        return text if text != key else self.t("error.unknown", code=code)

    # --- navigation -----------------------------------------------------
    def navigate(self, route: str) -> None:
        if self._navigate is not None:
            self._navigate(route)

    def refresh(self) -> None:
        if self._refresh is not None:
            self._refresh()

    @property
    def role(self) -> str | None:
        user = getattr(self.services, "user", None) if self.services else None
        if isinstance(user, dict):
            return user.get("role")
        return getattr(user, "role", None)

    @property
    def is_wide(self) -> bool:
        width = self.page.width or 0
        return width >= WIDE_MIN_PX

    # --- feedback -------------------------------------------------------
    def toast(self, message: str) -> None:
        self.page.show_dialog(ft.SnackBar(ft.Text(message), duration=3000))

    def show_error(self, control: ft.Control, code: str, detail: str = "") -> None:
        """Put the message next to the field (TextField/Dropdown `.error`);
        for controls without one, show it as a toast."""
        message = self.error_text(code, detail)
        if hasattr(control, "error"):
            control.error = message  # handlers auto-update the page afterwards
        else:
            self.toast(message)

    def clear_error(self, control: ft.Control) -> None:
        if getattr(control, "error", None):
            control.error = None

    def scaled(self, size: float) -> float:
        """A font size honouring the user's text-size setting."""
        return round(size * self.text_scale, 1)
