"""My round (worker home): households due or overdue, most urgent first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import flet as ft

from fieldapp.views import widgets as w
from fieldapp.views.context import AppContext, translate
from fieldapp.views.format import address_text, due_text, since_visit_text

ROUND_PAGE = 8  # rows per page: each card costs the web client ~50-100 ms to show (measured: 200 took ~11 s,
# 15 -> 5 rows cut page load -> round by 0.7-1.3 s under load); 8 fill two phone screens


@dataclass(frozen=True)
class RoundRow:
    """What one row shows; built without Flet so tests can check it."""

    household_id: str
    title: str
    address: str
    since: str
    due: str
    overdue: bool
    tags: list[str]
    open_needs: int


def round_row(lang: str, entry: Any) -> RoundRow:
    item, household = entry.item, entry.household
    return RoundRow(
        household_id=household["id"],
        title=household.get("head_name", ""),
        address=address_text(household.get("address")),
        since=since_visit_text(lang, item.days_since_visit),
        due=due_text(lang, item.days_overdue),
        overdue=item.days_overdue > 0,
        tags=[translate(lang, "tag." + tag) for tag in household.get("tags") or []],
        open_needs=entry.open_needs,
    )


def build(ctx: AppContext) -> ft.Control:
    ctx.state["title"] = ctx.t("round.title")
    counts = ctx.services.round.round_counts()
    due = counts.get("overdue", 0) + counts.get("due_today", 0)
    summary = ft.Text(
        ctx.t("round.summary", due=due, overdue=counts.get("overdue", 0)),
        theme_style=ft.TextThemeStyle.TITLE_SMALL,
    )
    column = ft.Column([summary], spacing=4)
    more = w.secondary_button(ctx.t("round.more"), None, icon=ft.Icons.EXPAND_MORE)

    def show(limit: int) -> None:
        entries = ctx.services.round.my_round(limit=limit + 1)
        rows = [round_row(ctx.language, e) for e in entries[:limit]]
        column.controls = [summary, *[row_control(ctx, r) for r in rows]]
        if not rows:
            column.controls.append(w.empty(ctx.t("round.empty")))
        if len(entries) > limit:
            column.controls.append(more)
        ctx.state["round_shown"] = limit

    more.on_click = lambda _e: show(ctx.state.get("round_shown", ROUND_PAGE) + ROUND_PAGE)
    show(ctx.state.get("round_shown", ROUND_PAGE))
    return column


def row_control(ctx: AppContext, row: RoundRow) -> ft.Control:
    color = ft.Colors.RED_700 if row.overdue else ft.Colors.GREY_800
    chips = [w.tag_chip(tag) for tag in row.tags]
    if row.open_needs:
        chips.append(w.tag_chip(ctx.t("household.open_needs") + f" {row.open_needs}", ft.Colors.BLUE_100))
    body = ft.Column(
        [
            ft.Row(
                [
                    ft.Text(row.title, theme_style=ft.TextThemeStyle.TITLE_MEDIUM, expand=True),
                    ft.Text(row.due, color=color, weight=ft.FontWeight.BOLD),
                ]
            ),
            ft.Text(row.address),
            ft.Text(row.since, color=color),
            ft.Row(chips, wrap=True, spacing=4) if chips else ft.Container(),
            ft.Row(
                [
                    w.secondary_button(
                        ctx.t("round.visit"),
                        lambda _e, hid=row.household_id: ctx.navigate(f"/households/{hid}/visit"),
                        icon=ft.Icons.EDIT_NOTE,
                    )
                ],
                alignment=ft.MainAxisAlignment.END,
            ),
        ],
        spacing=4,
    )
    return w.card(body, on_click=lambda _e, hid=row.household_id: ctx.navigate(f"/households/{hid}"))
