"""Grouped bar charts drawn with Pillow into PNG bytes, shown as ft.Image.

Chosen over flet-charts so the picture is the same in every client (the
stock web client, a phone build, an exported report) and needs no Flutter
extension; Chinese labels use the bundled CJK font."""
from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = Path(__file__).resolve().parents[3] / "assets" / "fonts" / "DroidSansFallbackFull.ttf"
COLORS = [(33, 150, 243), (255, 152, 0), (76, 175, 80), (156, 39, 176)]
AXIS = (120, 120, 120)


@lru_cache(maxsize=8)
def font(size: int, latin: bool = False) -> ImageFont.ImageFont:
    """The bundled CJK font has no Latin digits: those use Pillow's own font."""
    if not latin:
        try:
            return ImageFont.truetype(str(FONT), size)
        except OSError:
            pass
    return ImageFont.load_default(size)


def write(draw: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, size: int,
          fill: tuple[int, int, int] = (50, 50, 50)) -> None:
    """Text in runs: ASCII with the Latin font, the rest with the CJK font."""
    x, y = xy
    runs: list[tuple[bool, str]] = []
    for char in text:
        latin = ord(char) < 128
        if runs and runs[-1][0] == latin:
            runs[-1] = (latin, runs[-1][1] + char)
        else:
            runs.append((latin, char))
    for latin, run in runs:
        face = font(size, latin)
        draw.text((x, y), run, fill=fill, font=face)
        x += draw.textlength(run, font=face)


def bar_chart(labels: list[str], series: list[tuple[str, list[float]]], title: str,
              width: int = 900, height: int = 320, percent: bool = False) -> bytes:
    """Groups of bars (one per series) per label; y from 0 to the maximum."""
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    left, top, bottom, right = 56, 44, height - 48, width - 16
    write(draw, (left, 10), title, 18, (30, 30, 30))
    peak = max([v for _, values in series for v in values] + [1.0 if percent else 1])
    peak = 1.0 if percent else peak * 1.1
    for step in range(5):
        y = bottom - (bottom - top) * step / 4
        draw.line([(left, y), (right, y)], fill=(230, 230, 230))
        value = peak * step / 4
        write(draw, (6, y - 8), f"{value * 100:.0f}%" if percent else f"{value:.0f}", 12, AXIS)
    draw.line([(left, top), (left, bottom), (right, bottom)], fill=AXIS)
    group = (right - left) / max(len(labels), 1)
    bar = max(4.0, group * 0.7 / max(len(series), 1))
    for index, name in enumerate(labels):
        x0 = left + group * index + group * 0.15
        for s, (_, values) in enumerate(series):
            value = values[index] if index < len(values) else 0
            y = bottom - (bottom - top) * min(value / peak, 1.0)
            draw.rectangle([x0 + s * bar, y, x0 + (s + 1) * bar - 2, bottom], fill=COLORS[s % len(COLORS)])
        write(draw, (x0, bottom + 6), name[:8], 13)
    _legend(draw, series, right)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _legend(draw: ImageDraw.ImageDraw, series: list[tuple[str, list[float]]], right: int) -> None:
    x = right - 150 * len(series)
    for s, (name, _) in enumerate(series):
        draw.rectangle([x, 14, x + 14, 28], fill=COLORS[s % len(COLORS)])
        write(draw, (x + 20, 12), name, 13)
        x += 150
