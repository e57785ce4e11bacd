"""Figures (五定/考核) for a period: community, grids, workers, with charts."""
from __future__ import annotations

from typing import Any

import flet as ft

from fieldapp.views import widgets as w
from fieldapp.views.context import AppContext
from fieldapp.views.desk import common as c
from fieldapp.views.desk.chart import bar_chart

COLUMNS = ("desk.fig.name", "desk.fig.visits", "desk.fig.quota", "desk.fig.quota_rate", "desk.fig.coverage",
           "desk.fig.raised", "desk.fig.resolved", "desk.fig.on_time", "desk.fig.avg_days",
           "desk.fig.closure", "desk.fig.satisfaction", "desk.fig.satisfaction_strict")


def build(ctx: AppContext) -> ft.Control:
    state = ctx.state.setdefault("desk_figures", dict(zip(("start", "end"), c.month_period(), strict=True)))
    start = c.field(ctx, "desk.filter.from", state["start"], 140)
    end = c.field(ctx, "desk.filter.to", state["end"], 140)

    def apply(_e: Any) -> None:
        state.update(start=(start.value or "").strip(), end=(end.value or "").strip())
        ctx.refresh()

    search = c.button(ctx.t("desk.apply"), apply, ft.Icons.SEARCH)
    body: list[ft.Control] = [ft.Row([start, end, search]), w.muted(ctx.t("desk.fig.definitions"))]
    report = c.attempt(ctx, lambda: c.desk(ctx).figures(state["start"], state["end"]), start)
    if report is not None:
        body += [
            _table(ctx, [report["community"]]),
            _charts(ctx, report),
            w.section(ctx.t("desk.fig.by_grid"), [_table(ctx, report["grids"])]),
            w.section(ctx.t("desk.fig.by_worker"), [_table(ctx, report["workers"])]),
        ]
    return c.frame(ctx, "/desk/figures", "desk.nav.figures", body)


def row_values(row: dict[str, Any]) -> list[str]:
    cov, needs = row["coverage"], row["needs"]
    return [row["label"], str(row["visits"]), f"{row['quota']:g}", c.percent(row["quota_rate"]),
            f"{c.percent(cov['rate'])} ({cov['in_cadence']}/{cov['special_households']})",
            str(needs["raised"]), str(needs["resolved"]), c.percent(needs["on_time_rate"]),
            c.number(needs["avg_days_to_resolve"]), c.percent(needs["closure_rate"]),
            c.percent(needs["satisfaction_rate"]), c.percent(needs["satisfaction_rate_strict"])]


def _table(ctx: AppContext, rows: list[dict[str, Any]]) -> ft.Control:
    return c.table([ctx.t(k) for k in COLUMNS], [[c.text(v) for v in row_values(r)] for r in rows])


def _charts(ctx: AppContext, report: dict[str, Any]) -> ft.Control:
    workers = report["workers"]
    names = [r["label"] for r in workers]
    visits = bar_chart(names, [(ctx.t("desk.fig.visits"), [r["visits"] for r in workers]),
                               (ctx.t("desk.fig.quota"), [r["quota"] for r in workers])],
                       ctx.t("desk.fig.chart_visits"))
    grids = report["grids"]
    series = [(ctx.t("desk.fig.coverage"), [r["coverage"]["rate"] or 0 for r in grids]),
              (ctx.t("desk.fig.closure"), [r["needs"]["closure_rate"] or 0 for r in grids]),
              (ctx.t("desk.fig.satisfaction"), [r["needs"]["satisfaction_rate"] or 0 for r in grids])]
    rates = bar_chart([r["label"] for r in grids], series, ctx.t("desk.fig.chart_rates"), percent=True)
    return ft.Row([visits, rates], wrap=True, spacing=24, vertical_alignment=ft.CrossAxisAlignment.START)
