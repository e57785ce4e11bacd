"""The app shell: per-session context, routing, app bar with sync state,
bottom tabs per role, automatic sync when connectivity returns.

See fieldapp/views/context.py for the routing convention.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import flet as ft

from fieldapp.views import session as sess
from fieldapp.views.context import AppContext, Screen, home_route, match_route, split_route
from fieldapp.views.theme import apply_theme

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AppConfig:
    data_dir: Path
    server_url: str = ""


@dataclass(frozen=True)
class Tab:
    route: str
    label_key: str
    icon: str


WORKER_TABS = (
    Tab("/round", "nav.round", ft.Icons.DIRECTIONS_WALK),
    Tab("/households", "nav.households", ft.Icons.HOME_WORK),
    Tab("/needs", "nav.needs", ft.Icons.ASSIGNMENT_LATE),
    Tab("/sync", "nav.sync", ft.Icons.SYNC),
    Tab("/settings", "nav.settings", ft.Icons.SETTINGS),
)
VOLUNTEER_TABS = (
    Tab("/errands", "nav.errands", ft.Icons.VOLUNTEER_ACTIVISM),
    Tab("/sync", "nav.sync", ft.Icons.SYNC),
    Tab("/settings", "nav.settings", ft.Icons.SETTINGS),
)
PUBLIC_ROUTES = {"/login"}
REFRESH_AFTER_SYNC = {"/round", "/households", "/needs", "/errands"}

SYNC_ICONS = {
    "idle": (ft.Icons.CLOUD_DONE, ft.Colors.GREEN_700),
    "syncing": (ft.Icons.SYNC, ft.Colors.BLUE_700),
    "offline": (ft.Icons.CLOUD_OFF, ft.Colors.GREY_700),
    "error": (ft.Icons.ERROR, ft.Colors.RED_700),
    "login_needed": (ft.Icons.LOCK, ft.Colors.ORANGE_800),
    "pending": (ft.Icons.CLOUD_UPLOAD, ft.Colors.ORANGE_800),
}


def app_routes() -> dict[str, Screen]:
    """Every screen of the app; the desk engineer's routes merged in."""
    from fieldapp.views import diary, errands, households, login, needs, round_, settings, sync_view

    routes: dict[str, Screen] = {
        "/login": login.build,
        "/round": round_.build,
        "/households": households.build_list,
        "/households/new": households.build_form,
        "/households/:id": households.build_archive,
        "/households/:id/edit": households.build_form,
        "/households/:id/visit": diary.build,
        "/needs": needs.build_list,
        "/needs/:id": needs.build_detail,
        "/errands": errands.build_list,
        "/errands/:id": errands.build_detail,
        "/sync": sync_view.build,
        "/settings": settings.build,
    }
    routes.update(desk_routes())
    return routes


def desk_routes() -> dict[str, Screen]:
    try:
        from fieldapp.views import desk
    except ImportError:
        return {}
    try:
        return dict(desk.routes())
    except Exception:  # a broken desk module must not take the phone app down
        log.exception("desk routes failed to load")
        return {}


def tabs_for(role: str | None) -> tuple[Tab, ...]:
    if role == "volunteer":
        return VOLUNTEER_TABS
    if role == "worker":
        return WORKER_TABS
    return ()


def resolve(routes: dict[str, Screen], path: str) -> tuple[Screen, dict[str, str]] | None:
    """Exact routes win over templates ("/households/new" before ":id")."""
    if path in routes:
        return routes[path], {}
    for template, screen in routes.items():
        params = match_route(template, path)
        if params is not None:
            return screen, params
    return None


class Shell:
    """One per session: owns the context and turns routes into views."""

    def __init__(self, page: ft.Page, config: AppConfig) -> None:
        self.page = page
        self.routes = app_routes()
        self.ctx = AppContext(page=page, data_dir=config.data_dir, server_url=config.server_url)
        self.ctx._navigate = self.go
        self.ctx._refresh = self.render
        self.sync_badge = ft.Container()
        self.path = "/"
        self.wide = False
        self.ctx.state["shell"] = self

    def after_sync(self) -> None:
        """Show pulled data on list screens; forms are left alone (typing goes on)."""
        if self.path in REFRESH_AFTER_SYNC or self.path.startswith(("/households/", "/needs/", "/errands/")) \
                and not self.path.endswith(("/visit", "/edit", "/new")):
            self.render()

    # --- routing --------------------------------------------------------
    def go(self, route: str) -> None:
        if self.page.route == route:
            self.render()
        else:
            self.page.navigate(route)

    def on_route_change(self, _e: ft.RouteChangeEvent | None = None) -> None:
        self.render()

    def on_resize(self, _e: object = None) -> None:
        """Redraw only when the layout changes (tabs <-> rail): a phone's
        keyboard resizes the page too, and a redraw would drop what is typed."""
        if self.ctx.is_wide != self.wide:
            self.render()

    def render(self) -> None:
        path, query = split_route(self.page.route or "/")
        if self.ctx.services is None and path not in PUBLIC_ROUTES:
            path = "/login"
        elif path in ("/", "/login") and self.ctx.services is not None:
            path = home_route(self.ctx.role)
        found = resolve(self.routes, path) or resolve(self.routes, home_route(self.ctx.role))
        if found is None:
            return
        screen, params = found
        self.path, self.wide = path, self.ctx.is_wide
        self.ctx.params, self.ctx.query = params, query
        for key in ("sync_progress", "sync_done"):  # listeners belong to the screen being left
            self.ctx.state.pop(key, None)
        built = self.build_safely(screen)
        view = built if isinstance(built, ft.View) else self.wrap(path, built)
        self.page.views.clear()
        self.page.views.append(view)
        self.page.update()

    def build_safely(self, screen: Screen) -> ft.View | ft.Control:
        try:
            return screen(self.ctx)
        except Exception as exc:  # show, never a blank screen
            log.exception("screen failed")
            return ft.Text(self.ctx.t("app.screen_failed", error=str(exc)[:200]), color=ft.Colors.RED_700)

    # --- chrome ---------------------------------------------------------
    def wrap(self, path: str, body: ft.Control) -> ft.View:
        tabs = tabs_for(self.ctx.role) if self.ctx.services else ()
        title = self.ctx.state.pop("title", None) or self.ctx.t("app.title")
        back = self.ctx.state.pop("back", None)
        appbar = ft.AppBar(
            title=ft.Text(title),
            leading=self.back_button(back) if back else None,
            automatically_imply_leading=False,
            actions=[self.sync_chip()] if self.ctx.services else [],
        )
        body = scrolling(body)
        view = ft.View(route=path, appbar=appbar, controls=[body], padding=ft.Padding.all(12))
        if tabs and not self.ctx.is_wide:
            view.navigation_bar = self.nav_bar(tabs, path)
        elif tabs:
            view.controls = [
                ft.Row(
                    [self.nav_rail(tabs, path), ft.VerticalDivider(width=1), ft.Container(body, expand=True)],
                    vertical_alignment=ft.CrossAxisAlignment.START,
                    expand=True,
                )
            ]
        return view

    def back_button(self, route: str) -> ft.IconButton:
        return ft.IconButton(
            ft.Icons.ARROW_BACK, tooltip=self.ctx.t("app.back"), on_click=lambda _e: self.go(route)
        )

    def chip_parts(self) -> list[ft.Control]:
        """Icon and words for the sync state; "idle" with work waiting says so."""
        state = self.ctx.sync_state
        label = self.ctx.t("sync.state." + state)
        pending = pending_count(self.ctx.services) if state in ("idle", "offline") else 0
        if state == "idle" and pending:
            state = "pending"
        if pending:
            pending_label = self.ctx.t("sync.state.pending", n=pending)
            label = pending_label if state == "pending" else f"{label} · {pending}"
        icon, color = SYNC_ICONS.get(state, SYNC_ICONS["idle"])
        return [ft.Icon(icon, color=color), ft.Text(label)]

    def sync_chip(self) -> ft.Control:
        self.sync_badge = ft.TextButton(
            content=ft.Row(self.chip_parts(), spacing=4, tight=True),
            tooltip=self.ctx.t("sync.title"),
            on_click=lambda _e: self.go("/sync"),
        )
        return self.sync_badge

    def update_sync_chip(self) -> None:
        """Refresh only the badge (cheap; called from the sync task)."""
        if not isinstance(self.sync_badge, ft.TextButton):
            return
        self.sync_badge.content.controls = self.chip_parts()
        with contextlib.suppress(RuntimeError):  # not on the page (view being rebuilt)
            self.sync_badge.update()

    def nav_bar(self, tabs: tuple[Tab, ...], path: str) -> ft.NavigationBar:
        return ft.NavigationBar(
            destinations=[
                ft.NavigationBarDestination(icon=tab.icon, label=self.ctx.t(tab.label_key)) for tab in tabs
            ],
            selected_index=selected_tab(tabs, path),
            on_change=lambda e: self.go(tabs[int(e.control.selected_index)].route),
        )

    def nav_rail(self, tabs: tuple[Tab, ...], path: str) -> ft.NavigationRail:
        return ft.NavigationRail(
            destinations=[
                ft.NavigationRailDestination(icon=tab.icon, label=self.ctx.t(tab.label_key)) for tab in tabs
            ],
            selected_index=selected_tab(tabs, path),
            label_type=ft.NavigationRailLabelType.ALL,
            on_change=lambda e: self.go(tabs[int(e.control.selected_index)].route),
        )


def scrolling(body: ft.Control) -> ft.Column:
    """The screen's own column scrolls. No CrossAxisAlignment.STRETCH anywhere:
    measured in Flet 1.0.5's web client, a stretched column holding a wrapping
    row of icon buttons or nested sections renders as a grey error box."""
    if not isinstance(body, ft.Column):
        body = ft.Column([body])
    body.controls = [full_width(c) for c in body.controls]
    body.scroll, body.expand = ft.ScrollMode.AUTO, True
    return body


def full_width(control: ft.Control) -> ft.Control:
    """Fields span the screen (a Row gives its expanding child the full width)."""
    if isinstance(control, ft.TextField | ft.Dropdown | ft.ProgressBar):
        control.expand = True
        return ft.Row([control])
    return control


def pending_count(services: object) -> int:
    if services is None:
        return 0
    status = services.sync.sync_status()
    return status.pending_ops + status.pending_photos


def selected_tab(tabs: tuple[Tab, ...], path: str) -> int:
    for index, tab in enumerate(tabs):
        if path == tab.route or path.startswith(tab.route + "/"):
            return index
    return 0


def make_main(config: AppConfig) -> Callable[[ft.Page], object]:
    async def main(page: ft.Page) -> None:
        shell = Shell(page, config)
        page.title = "民情日记 People Diary"
        await sess.restore(shell.ctx)
        apply_theme(page, shell.ctx.text_scale)
        page.on_route_change = shell.on_route_change
        page.on_resize = shell.on_resize
        sess.watch_connectivity(shell.ctx)
        shell.render()

    return main
