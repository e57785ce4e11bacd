"""My round (worker home): households due or overdue, most urgent first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import flet as ft

from fieldapp.views import widgets as w
from fieldapp.views.context import AppContext, translate
from fieldapp.views.format import address_text, due_text, since_visit_text

ROUND_LIMIT = 200  # a long list is scrolled, not built whole


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
    entries = ctx.services.round.my_round(limit=ROUND_LIMIT)
    counts = ctx.services.round.round_counts()
    rows = [round_row(ctx.language, e) for e in entries]
    summary = ft.Text(
        ctx.t("round.summary", due=len(rows), overdue=counts.get("overdue", 0)),
        theme_style=ft.TextThemeStyle.TITLE_SMALL,
    )
    if not rows:
        return ft.Column([summary, w.empty(ctx.t("round.empty"))])
    return ft.Column(
        [summary, *[row_control(ctx, r) for r in rows]],
        spacing=4,
    )


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
