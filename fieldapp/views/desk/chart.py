"""Grouped bar charts with flet-charts (measured: it renders in the stock
Flet 1.0.5 web client here; screenshot docs/screenshots/desk_figures.png).
Bars carry tooltips with the exact value; a legend sits above the chart."""
from __future__ import annotations

import flet as ft
import flet_charts as fch

COLORS = [ft.Colors.BLUE_600, ft.Colors.ORANGE_600, ft.Colors.GREEN_600, ft.Colors.PURPLE_400]


def bar_chart(labels: list[str], series: list[tuple[str, list[float]]], title: str,
              percent: bool = False, width: float = 560, height: float = 280) -> ft.Control:
    """One group of bars per label, one bar per series; y from 0 (to 100% when `percent`)."""
    peak = 1.0 if percent else max([v for _, values in series for v in values] + [1]) * 1.15
    bar_width = max(6, min(28, int(width / max(len(labels), 1) / (len(series) + 1))))
    groups = [
        fch.BarChartGroup(x=index, rods=[
            fch.BarChartRod(from_y=0, to_y=values[index], width=bar_width, color=COLORS[s % len(COLORS)],
                            border_radius=2, tooltip=f"{name}: {_fmt(values[index], percent)}")
            for s, (name, values) in enumerate(series)
        ])
        for index in range(len(labels))
    ]
    bottom = fch.ChartAxis(label_size=28, labels=[
        fch.ChartAxisLabel(value=i, label=ft.Text(name[:6], size=12)) for i, name in enumerate(labels)])
    left = fch.ChartAxis(label_size=44, labels=[
        fch.ChartAxisLabel(value=peak * k / 4, label=ft.Text(_fmt(peak * k / 4, percent), size=11))
        for k in range(5)])
    grid_lines = fch.ChartGridLines(interval=peak / 4, color=ft.Colors.GREY_200)
    chart = fch.BarChart(groups=groups, bottom_axis=bottom, left_axis=left, max_y=peak, min_y=0,
                         horizontal_grid_lines=grid_lines, width=width, height=height, interactive=True)
    legend = ft.Row([ft.Row([ft.Container(width=12, height=12, bgcolor=COLORS[s % len(COLORS)]),
                             ft.Text(name, size=12)], spacing=4, tight=True)
                     for s, (name, _) in enumerate(series)], spacing=14)
    return ft.Column([ft.Text(title, weight=ft.FontWeight.BOLD), legend, chart], spacing=6)


def _fmt(value: float, percent: bool) -> str:
    return f"{value * 100:.0f}%" if percent else f"{value:.0f}"
