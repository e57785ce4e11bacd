"""Settings: language, text size, server, logout (warns about unsynced work
and never drops it: the data stays on the phone)."""

from __future__ import annotations

import flet as ft

from fieldapp.i18n import LANGUAGES
from fieldapp.views import session as sess
from fieldapp.views import widgets as w
from fieldapp.views.context import AppContext
from fieldapp.views.theme import TEXT_SCALES


def build(ctx: AppContext) -> ft.Control:
    ctx.state["title"] = ctx.t("settings.title")
    user = ctx.services.user if ctx.services else {}
    languages = ft.Row(
        [
            w.toggle_chip(
                ctx.t("lang." + lang),
                lang == ctx.language,
                lambda _e, lang=lang: ctx.page.run_task(sess.set_language, ctx, lang),
            )
            for lang in LANGUAGES
        ],
        wrap=True,
    )
    sizes = ft.Row(
        [
            w.toggle_chip(
                ctx.t(f"settings.size.{scale}"),
                scale == ctx.text_scale,
                lambda _e, s=scale: ctx.page.run_task(sess.set_text_scale, ctx, s),
            )
            for scale in TEXT_SCALES
        ],
        wrap=True,
    )
    return ft.Column(
        [
            ft.Text(
                ctx.t(
                    "settings.user",
                    name=user.get("display_name", ""),
                    role=ctx.t("role." + user.get("role", "")),
                )
            ),
            w.section(ctx.t("settings.language"), [languages]),
            w.section(ctx.t("settings.text_size"), [sizes]),
            w.section(ctx.t("settings.server"), [ft.Text(ctx.server_url or "")]),
            w.primary_button(
                ctx.t("settings.logout"), lambda _e: ctx.page.run_task(logout, ctx), icon=ft.Icons.LOGOUT
            ),
        ],
        spacing=14,
    )


async def logout(ctx: AppContext) -> None:
    pending = ctx.services.sync.sync_status() if ctx.services else None
    if pending is None or pending.all_sent:
        await sess.logout(ctx)
        return
    dialog = ft.AlertDialog(
        modal=True,
        title=ft.Text(ctx.t("settings.logout")),
        content=ft.Text(ctx.t("settings.logout_unsynced", n=pending.pending_ops + pending.pending_photos)),
    )

    async def sync_first(_e: ft.Event) -> None:
        ctx.page.pop_dialog()
        ctx.navigate("/sync")
        await sess.run_sync(ctx)

    async def anyway(_e: ft.Event) -> None:
        ctx.page.pop_dialog()
        await sess.logout(ctx, force=True)

    dialog.actions = [
        ft.TextButton(ctx.t("app.cancel"), on_click=lambda _e: ctx.page.pop_dialog()),
        ft.TextButton(ctx.t("settings.logout_anyway"), on_click=anyway),
        ft.FilledButton(ctx.t("settings.sync_then_logout"), on_click=sync_first),
    ]
    ctx.page.show_dialog(dialog)
