"""Small shared building blocks: big touch targets, chips, sections."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import flet as ft

from fieldapp.views.context import TOUCH_MIN_PX

Handler = Callable[..., Any]


def primary_button(label: str, on_click: Handler, icon: str | None = None) -> ft.Control:
    return ft.FilledButton(content=label, icon=icon, on_click=on_click, height=TOUCH_MIN_PX + 4, expand=False)


def secondary_button(label: str, on_click: Handler, icon: str | None = None) -> ft.Control:
    return ft.OutlinedButton(content=label, icon=icon, on_click=on_click, height=TOUCH_MIN_PX)


def section(title: str, controls: list[ft.Control]) -> ft.Control:
    return ft.Column(
        [ft.Text(title, theme_style=ft.TextThemeStyle.TITLE_MEDIUM, weight=ft.FontWeight.BOLD), *controls],
        spacing=6,
    )


def tag_chip(label: str, color: str = ft.Colors.ORANGE_100) -> ft.Control:
    return ft.Container(
        ft.Text(label, theme_style=ft.TextThemeStyle.LABEL_MEDIUM),
        bgcolor=color,
        padding=ft.Padding.symmetric(horizontal=8, vertical=3),
        border_radius=ft.BorderRadius.all(12),
    )


def toggle_chip(label: str, selected: bool, on_select: Handler) -> ft.Chip:
    return ft.Chip(label=ft.Text(label), selected=selected, on_select=on_select)


def card(content: ft.Control, on_click: Handler | None = None) -> ft.Control:
    """Full width: inside a Row, `expand` stretches the card horizontally."""
    inner = ft.Container(content, padding=12, on_click=on_click, ink=on_click is not None)
    return ft.Row([ft.Card(inner, expand=True)])


def muted(text: str) -> ft.Text:
    return ft.Text(text, color=ft.Colors.GREY_700, theme_style=ft.TextThemeStyle.BODY_SMALL)


def empty(text: str) -> ft.Control:
    return ft.Container(ft.Text(text, color=ft.Colors.GREY_700), padding=20)


def thumbnail(path: Path | None, size: int = 96) -> ft.Control:
    """Thumbnails come from local files, sent as bytes: no file server needed."""
    if path is None or not Path(path).exists():
        return ft.Container(
            ft.Icon(ft.Icons.IMAGE_NOT_SUPPORTED),
            width=size,
            height=size,
            bgcolor=ft.Colors.GREY_200,
            alignment=ft.Alignment.CENTER,
        )
    return ft.Image(
        src=Path(path).read_bytes(),
        width=size,
        height=size,
        fit=ft.BoxFit.COVER,
        border_radius=ft.BorderRadius.all(6),
    )


def dropdown(
    label: str, options: list[tuple[str, str]], value: str | None, on_change: Handler | None = None
) -> ft.Dropdown:
    return ft.Dropdown(
        label=label,
        value=value,
        on_select=on_change,
        options=[ft.DropdownOption(key=k, text=text) for k, text in options],
    )
