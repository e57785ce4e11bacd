"""Theme: the bundled CJK font (Chinese renders offline) and the user's text size.

In the browser the font is declared in the web client's font manifest
(assets/assets/FontManifest.json), so Flutter loads it while the engine starts,
before any Chinese is laid out. Registering it again through `page.fonts`
would fetch the 4 MB file a second time after the first page arrives and hold
the first screen back (measured: 0.6-0.8 s), and text laid out before it is in
makes the engine look for fallback fonts it cannot reach offline."""

from __future__ import annotations

import flet as ft

CJK_FONT = {"CJK": "fonts/DroidSansFallbackFull.ttf"}
TEXT_SCALES = (1.0, 1.25, 1.5)

# Material 3 base sizes, scaled as one by the text-size setting
_BASE_SIZES = {
    "body_large": 16,
    "body_medium": 14,
    "body_small": 12,
    "title_large": 22,
    "title_medium": 16,
    "title_small": 14,
    "label_large": 14,
    "label_medium": 12,
    "label_small": 11,
    "headline_small": 24,
}


def make_theme(text_scale: float = 1.0) -> ft.Theme:
    styles = {
        name: ft.TextStyle(size=round(size * text_scale, 1), font_family="CJK")
        for name, size in _BASE_SIZES.items()
    }
    return ft.Theme(
        font_family="CJK",
        color_scheme_seed=ft.Colors.RED_700,
        text_theme=ft.TextTheme(**styles),
        visual_density=ft.VisualDensity.STANDARD,
    )


def apply_theme(page: ft.Page, text_scale: float) -> None:
    if not page.web:  # a built phone app has no web font manifest
        page.fonts = CJK_FONT
    page.theme = make_theme(text_scale)
    page.theme_mode = ft.ThemeMode.LIGHT
