"""First run: server address + login. The session persists across reloads."""

from __future__ import annotations

import flet as ft

from fieldapp.views import session as sess
from fieldapp.views import widgets as w
from fieldapp.views.context import AppContext


def build(ctx: AppContext) -> ft.Control:
    ctx.state["title"] = ctx.t("login.title")
    server = ft.TextField(
        label=ctx.t("login.server"),
        value=ctx.server_url or "http://127.0.0.1:8000",
        keyboard_type=ft.KeyboardType.URL,
    )
    username = ft.TextField(label=ctx.t("login.username"), autofocus=True)
    password = ft.TextField(label=ctx.t("login.password"), password=True, can_reveal_password=True)
    status = ft.Text("", color=ft.Colors.RED_700)
    progress = ft.ProgressBar(visible=False)

    async def submit(_e: ft.Event) -> None:
        for box in (server, username, password):
            box.error = None
        status.value = ""
        missing = [b for b in (server, username, password) if not (b.value or "").strip()]
        for box in missing:
            ctx.show_error(box, "required")
        if missing:
            return
        progress.visible = True
        ctx.page.update()
        code = await sess.login(ctx, server.value.strip(), username.value.strip(), password.value)
        progress.visible = False
        if code is None:
            ctx.navigate("/")
            return
        target = server if code in ("unreachable", "bad_url") else password
        ctx.show_error(target, code)
        ctx.page.update()

    password.on_submit = submit
    language = ft.TextButton(ctx.t("login.language"), on_click=lambda _e: toggle_language(ctx))
    return ft.Column(
        [
            ft.Text(ctx.t("app.title"), theme_style=ft.TextThemeStyle.HEADLINE_SMALL),
            ft.Text(ctx.t("login.welcome")),
            server,
            username,
            password,
            w.primary_button(ctx.t("login.submit"), submit, icon=ft.Icons.LOGIN),
            progress,
            status,
            language,
        ],
        spacing=14,
    )


def toggle_language(ctx: AppContext) -> None:
    ctx.page.run_task(sess.set_language, ctx, "en" if ctx.language == "zh-CN" else "zh-CN")
