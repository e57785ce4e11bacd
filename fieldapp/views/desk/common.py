"""What the desk screens share: the section bar, the service door with its
errors shown in the user's language, labels and number formats."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, TypeVar

import flet as ft

from fieldapp.domain.cadence import local_today
from fieldapp.domain.errors import ValidationError
from fieldapp.services.desk import DeskOffline, DeskService, desk_for
from fieldapp.views.context import AppContext

T = TypeVar("T")
SECTIONS = [  # route, label key, icon
    ("/desk/review", "desk.nav.review", ft.Icons.MENU_BOOK),
    ("/desk/households", "desk.nav.register", ft.Icons.HOME_WORK),
    ("/desk/needs", "desk.nav.board", ft.Icons.ASSIGNMENT_LATE),
    ("/desk/figures", "desk.nav.figures", ft.Icons.BAR_CHART),
    ("/desk/devices", "desk.nav.devices", ft.Icons.PHONE_ANDROID),
    ("/desk/excel", "desk.nav.excel", ft.Icons.TABLE_VIEW),
]
ADMIN_SECTIONS = [("/desk/audit", "desk.nav.audit", ft.Icons.POLICY)]  # the server refuses others (403)


def desk(ctx: AppContext) -> DeskService:
    return desk_for(ctx.services)


def error_message(ctx: AppContext, err: Exception) -> str:
    if isinstance(err, ValidationError):
        field = ctx.t("desk.field." + err.field) if err.field else ""
        field = "" if field.startswith("desk.field.") else field + "："
        return field + ctx.error_text(err.code, err.detail)
    if isinstance(err, DeskOffline):
        return ctx.t("desk.offline")
    return ctx.t("error.unknown", code=type(err).__name__)


def attempt(ctx: AppContext, call: Callable[[], T], target: ft.Control | None = None) -> T | None:
    """Run a service call; on failure show why (next to `target` if it has
    an error slot, else as a toast) and return None."""
    try:
        return call()
    except (ValidationError, DeskOffline) as err:
        message = error_message(ctx, err)
        if target is not None and hasattr(target, "error"):
            target.error = message
            target.update()
        else:
            ctx.toast(message)
        return None


def frame(ctx: AppContext, active: str, title_key: str, body: list[ft.Control]) -> ft.Control:
    """Section bar on top (a desktop layout, ≥1280 px), then the screen."""
    ctx.state["title"] = ctx.t("desk.title") + " · " + ctx.t(title_key)
    bar = ft.Row(
        [
            ft.TextButton(
                content=ft.Row([ft.Icon(icon), ft.Text(ctx.t(key))], tight=True, spacing=6),
                style=ft.ButtonStyle(bgcolor=ft.Colors.BLUE_50 if route == active else None),
                on_click=lambda _e, r=route: ctx.navigate(r),
            )
            for route, key, icon in SECTIONS + (ADMIN_SECTIONS if ctx.role == "admin" else [])
        ],
        spacing=4,
        wrap=True,
    )
    return ft.Column([bar, ft.Divider(height=1), *body], spacing=10)


def label(ctx: AppContext, prefix: str, code: str | None) -> str:
    return ctx.t(f"{prefix}.{code}") if code else ""


def labels(ctx: AppContext, prefix: str, codes: list[str] | None) -> str:
    return "、".join(label(ctx, prefix, c) for c in codes or [])


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def number(value: Any) -> str:
    return "—" if value is None else str(value)


def month_period(today: date | None = None) -> tuple[str, str]:
    """This calendar month so far (the default review and figures period)."""
    today = today or local_today()
    return today.replace(day=1).isoformat(), today.isoformat()


def last_days(days: int, today: date | None = None) -> tuple[str, str]:
    today = today or local_today()
    return (today - timedelta(days=days - 1)).isoformat(), today.isoformat()


def table(
    columns: list[str],
    rows: list[list[ft.Control]],
    on_select: list[Callable] | None = None,
    colors: list[str | None] | None = None,
) -> ft.DataTable:
    return ft.DataTable(
        columns=[ft.DataColumn(ft.Text(c, weight=ft.FontWeight.BOLD)) for c in columns],
        rows=[
            ft.DataRow(
                cells=[ft.DataCell(cell) for cell in row],
                on_select_change=(on_select[i] if on_select else None),
                color=(colors[i] if colors else None),
            )
            for i, row in enumerate(rows)
        ],
        column_spacing=18,
        heading_row_color=ft.Colors.BLUE_GREY_50,
        show_checkbox_column=False,
    )


def text(value: Any, width: float | None = None, color: str | None = None) -> ft.Text:
    return ft.Text(
        str(value or ""),
        width=width,
        color=color,
        max_lines=2,
        overflow=ft.TextOverflow.ELLIPSIS,
        selectable=False,
    )


def dropdown(
    ctx: AppContext, label_key: str, options: list[tuple[str, str]], value: str | None, width: float = 160
) -> ft.Dropdown:
    """First option: "all" (empty key)."""
    return ft.Dropdown(
        label=ctx.t(label_key),
        value=value or "",
        width=width,
        dense=True,
        options=[ft.DropdownOption(key="", text=ctx.t("desk.all"))]
        + [ft.DropdownOption(key=k, text=v) for k, v in options],
    )


def field(ctx: AppContext, label_key: str, value: str = "", width: float = 140) -> ft.TextField:
    return ft.TextField(label=ctx.t(label_key), value=value, width=width, dense=True)


def button(label: str, on_click: Callable, icon: str | None = None) -> ft.Control:
    """A filled button that can sit in a wrapping Row (the shared
    widgets.primary_button sets a height and `expand`, which a Wrap refuses)."""
    return ft.FilledButton(content=label, icon=icon, on_click=on_click)


def outlined(label: str, on_click: Callable, icon: str | None = None) -> ft.Control:
    return ft.OutlinedButton(content=label, icon=icon, on_click=on_click)


def open_button(ctx: AppContext, route: str) -> ft.Control:
    """The "open" action of a table row."""
    return ft.TextButton(ctx.t("desk.open"), on_click=lambda _e: ctx.navigate(route))
