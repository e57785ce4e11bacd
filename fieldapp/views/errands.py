"""Volunteer home: my errands (代办); start, mark done with a receipt photo,
record the resident's confirmation."""

from __future__ import annotations

from typing import Any

import flet as ft

from fieldapp.domain.enums import ErrandStatus
from fieldapp.domain.errors import ValidationError
from fieldapp.views import widgets as w
from fieldapp.views.context import AppContext
from fieldapp.views.format import address_text, datetime_text
from fieldapp.views.photo_picker import pick_images, thumb_from_bytes

STATUS_COLORS = {
    ErrandStatus.REQUESTED: ft.Colors.GREY_200,
    ErrandStatus.ASSIGNED: ft.Colors.ORANGE_100,
    ErrandStatus.IN_PROGRESS: ft.Colors.BLUE_100,
    ErrandStatus.DONE: ft.Colors.GREEN_100,
    ErrandStatus.CONFIRMED: ft.Colors.GREEN_200,
}


def build_list(ctx: AppContext) -> ft.Control:
    ctx.state["title"] = ctx.t("errands.title")
    errands = ctx.services.errands.my_errands()
    return ft.Column(
        [errand_tile(ctx, e) for e in errands] or [w.empty(ctx.t("errands.none"))],
        spacing=6,
    )


def errand_tile(ctx: AppContext, errand: dict[str, Any]) -> ft.Control:
    household = ctx.services.errands.household_of(errand) or {}
    return w.card(
        ft.Column(
            [
                ft.Row(
                    [
                        ft.Text(
                            ctx.t("errand_type." + errand["type"]),
                            theme_style=ft.TextThemeStyle.TITLE_MEDIUM,
                            expand=True,
                        ),
                        w.tag_chip(
                            ctx.t("errand_status." + errand["status"]), STATUS_COLORS.get(errand["status"])
                        ),
                    ]
                ),
                ft.Text(f"{household.get('head_name', '')} · {address_text(household.get('address'))}"),
                w.muted(errand.get("details") or ""),
            ],
            spacing=4,
        ),
        on_click=lambda _e: ctx.navigate(f"/errands/{errand['id']}"),
    )


def build_detail(ctx: AppContext) -> ft.Control:
    ctx.state["back"] = "/errands"
    ctx.state["title"] = ctx.t("errand.title")
    errand = ctx.services.errands.get(ctx.params.get("id", ""))
    if errand is None:
        return w.empty(ctx.t("errand.not_found"))
    return ErrandScreen(ctx, errand).build()


class ErrandScreen:
    def __init__(self, ctx: AppContext, errand: dict[str, Any]) -> None:
        self.ctx, self.errand = ctx, errand
        self.receipt: bytes | None = None
        self.receipt_view = ft.Row()
        self.receipt_error = ft.Text("", color=ft.Colors.RED_700, visible=False)
        self.note = ft.TextField(label=ctx.t("errand.confirmation_note"))

    def household_lines(self) -> list[ft.Control]:
        household = self.ctx.services.errands.household_of(self.errand) or {}
        phones = [
            f"{m.get('name', '')} {m.get('phone')}" for m in household.get("members") or [] if m.get("phone")
        ]
        return [
            ft.Text(f"{household.get('head_name', '')} · {address_text(household.get('address'))}"),
            *[w.muted(p) for p in phones],
        ]

    def build(self) -> ft.Control:
        ctx, errand = self.ctx, self.errand
        status = errand["status"]
        parts: list[ft.Control] = [
            ft.Text(ctx.t("errand_type." + errand["type"]), theme_style=ft.TextThemeStyle.HEADLINE_SMALL),
            w.tag_chip(ctx.t("errand_status." + status), STATUS_COLORS.get(status)),
            *self.household_lines(),
            ft.Text(f"{ctx.t('errand.details')}: {errand.get('details') or ''}"),
        ]
        for key in ("started_at", "done_at", "confirmed_at"):
            if errand.get(key):
                parts.append(w.muted(f"{ctx.t('errand.' + key)}: {datetime_text(ctx.language, errand[key])}"))
        if errand.get("receipt_photo"):
            path = ctx.services.diary.photo_path(errand["receipt_photo"], thumb=True)
            from pathlib import Path

            parts += [ft.Text(ctx.t("errand.receipt")), w.thumbnail(Path(path) if path else None)]
        parts.append(self.actions(status))
        return ft.Column(parts, spacing=10)

    def actions(self, status: str) -> ft.Control:
        ctx = self.ctx
        if status in (ErrandStatus.REQUESTED, ErrandStatus.ASSIGNED):
            return w.primary_button(
                ctx.t("errand.start"),
                lambda _e: self.run(lambda: ctx.services.errands.start(self.errand["id"])),
                icon=ft.Icons.PLAY_ARROW,
            )
        if status == ErrandStatus.IN_PROGRESS:
            return ft.Column(
                [
                    w.secondary_button(
                        ctx.t("errand.add_receipt"), self.pick_receipt, icon=ft.Icons.RECEIPT_LONG
                    ),
                    self.receipt_view,
                    self.receipt_error,
                    w.primary_button(ctx.t("errand.done"), self.complete, icon=ft.Icons.TASK_ALT),
                ],
                spacing=8,
            )
        if status == ErrandStatus.DONE:
            return ft.Column(
                [
                    self.note,
                    w.primary_button(
                        ctx.t("errand.confirm"),
                        lambda _e: self.run(
                            lambda: ctx.services.errands.confirm(self.errand["id"], self.note.value or "")
                        ),
                        icon=ft.Icons.VERIFIED,
                    ),
                ],
                spacing=8,
            )
        return ft.Container()

    async def pick_receipt(self, _e: ft.Event) -> None:
        picked = await pick_images(self.ctx.page, multiple=False)
        if picked:
            self.receipt = picked[0][1]
            self.receipt_view.controls = [thumb_from_bytes(self.receipt)]
            self.receipt_error.visible = False
            self.ctx.page.update()

    def complete(self, _e: ft.Event) -> None:
        from fieldapp.services import PhotoInput

        if self.receipt is None:
            self.receipt_error.value = self.ctx.t("errand.need_receipt")
            self.receipt_error.visible = True
            return
        self.run(
            lambda: self.ctx.services.errands.complete(
                self.errand["id"], PhotoInput(self.receipt, consent=True)
            )
        )

    def run(self, step: Any) -> None:
        try:
            step()
        except ValidationError as err:
            self.receipt_error.value = self.ctx.error_text(err.code, err.detail)
            self.receipt_error.visible = True
            return
        from fieldapp.views import session as sess

        self.ctx.toast(self.ctx.t("app.saved"))
        sess.start_sync(self.ctx)
        self.ctx.refresh()
