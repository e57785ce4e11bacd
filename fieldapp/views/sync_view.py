"""Sync screen: last sync, pending changes and photos, progress while syncing,
changes the server refused (with its reason), conflicts to resolve."""

from __future__ import annotations

import contextlib
from typing import Any

import flet as ft

from fieldapp.views import session as sess
from fieldapp.views import widgets as w
from fieldapp.views.conflict_text import conflict_text
from fieldapp.views.context import AppContext
from fieldapp.views.format import datetime_text


def progress_fraction(progress: Any) -> float | None:
    """None = indeterminate (a pull does not know how much is left)."""
    total = getattr(progress, "total", 0) or 0
    if total <= 0:
        return None
    return max(0.0, min(1.0, getattr(progress, "done", 0) / total))


def report_text(ctx: AppContext, report: Any) -> str:
    if report is None:
        return ctx.t("sync.failed", reason=ctx.state.get("sync_error", ""))
    if getattr(report, "auth_required", False):
        return ctx.t("sync.login_needed")
    if getattr(report, "error", None) == "unreachable":
        return ctx.t("sync.offline")
    if getattr(report, "error", None):
        return ctx.t("sync.failed", reason=ctx.error_text(report.error))
    return ctx.t("sync.done", pushed=report.pushed + report.duplicates, pulled=report.pulled)


def build(ctx: AppContext) -> ft.Control:
    ctx.state["title"] = ctx.t("sync.title")
    status = ctx.services.sync.sync_status()
    bar = ft.ProgressBar(visible=bool(ctx.state.get("sync_task_running")), value=None)
    phase = w.muted("")
    result = ft.Text("")

    def on_progress(progress: Any) -> None:
        bar.visible, bar.value = True, progress_fraction(progress)
        phase.value = f"{ctx.t('sync.phase.' + progress.phase)} {progress.done}/{progress.total or '?'}"
        _safe_update(bar, phase)

    def on_done(report: Any) -> None:
        ctx.state["last_report_text"] = report_text(ctx, report)
        ctx.refresh()

    ctx.state["sync_progress"], ctx.state["sync_done"] = on_progress, on_done

    async def sync_now(_e: ft.Event) -> None:
        ctx.state.pop("last_report_text", None)  # the result shown is this run's
        result.value = ""
        bar.visible = True
        ctx.page.update()
        await sess.run_sync(ctx, restart=True)

    last = datetime_text(ctx.language, status.last_sync_at) if status.last_sync_at else ctx.t("sync.never")
    # the server refused the token: log in again right here, the work stays on the phone;
    # syncing without it would only be refused again, so the form replaces the button
    logged_in = ctx.services.session.is_logged_in()
    relogin = ft.Container() if logged_in else relogin_form(ctx)
    sync_button = w.primary_button(ctx.t("sync.now"), sync_now, icon=ft.Icons.SYNC)
    sync_button.visible = logged_in
    result.value = ctx.state.get("last_report_text", "")
    conflicts = ctx.services.sync.conflict_reviews()
    return ft.Column(
        [
            relogin,
            ft.Text(ctx.t("sync.last", when=last)),
            ft.Text(ctx.t("sync.pending", ops=status.pending_ops, photos=status.pending_photos)),
            sync_button,
            bar,
            phase,
            result,
            w.section(
                ctx.t("sync.rejected"),
                [rejected_row(ctx, op) for op in status.rejected] or [w.empty(ctx.t("app.none"))],
            ),
            w.section(
                ctx.t("sync.conflicts"),
                ([w.muted(ctx.t("sync.conflicts_hint"))] if conflicts else [])
                + ([conflict_row(ctx, c) for c in conflicts] or [w.empty(ctx.t("app.none"))]),
            ),
        ],
        spacing=10,
    )


def relogin_form(ctx: AppContext) -> ft.Control:
    """Password only: the user is known, and the screen is not left."""
    user = ctx.services.user
    password = ft.TextField(label=ctx.t("login.password"), password=True, can_reveal_password=True)
    progress = ft.ProgressBar(visible=False)

    async def submit(_e: ft.Event) -> None:
        password.error = None
        if not (password.value or "").strip():
            ctx.show_error(password, "required")
            ctx.page.update()
            return
        progress.visible = True
        ctx.page.update()
        code = await sess.relogin(ctx, password.value)
        progress.visible = False
        if code is not None:
            ctx.show_error(password, code)
            ctx.page.update()
            return
        ctx.state.pop("last_report_text", None)
        ctx.toast(ctx.t("sync.relogged"))
        ctx.refresh()
        await sess.run_sync(ctx, restart=True)

    password.on_submit = submit
    name = user.get("display_name") or user.get("username", "")
    return ft.Container(
        ft.Column(
            [
                ft.Text(ctx.t("sync.login_needed"), color=ft.Colors.ORANGE_800, weight=ft.FontWeight.BOLD),
                ft.Text(ctx.t("sync.relogin_hint")),
                ft.Text(ctx.t("settings.user", name=name, role=ctx.t("role." + user.get("role", "")))),
                ft.Row([ft.Container(password, expand=True)]),
                w.primary_button(ctx.t("sync.relogin"), submit, icon=ft.Icons.LOGIN),
                progress,
            ],
            spacing=8,
        ),
        bgcolor=ft.Colors.ORANGE_50,
        padding=12,
        border_radius=ft.BorderRadius.all(8),
    )


def _safe_update(*controls: ft.Control) -> None:
    for control in controls:
        with contextlib.suppress(RuntimeError):  # the screen was left meanwhile
            control.update()


TYPED_FIELDS = ("head_name", "title", "notes", "details", "text", "note", "outcome", "confirmation_note")


def typed_text(op: dict[str, Any], limit: int = 120) -> str:
    """What the user typed in a refused op, so it can be read (and typed again where it
    belongs) even when its record has left this device (a scope exit)."""
    fields = op.get("fields") or {}
    parts = [fields[name].strip() for name in TYPED_FIELDS
             if isinstance(fields.get(name), str) and fields[name].strip()]
    text = " · ".join(parts)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def rejected_row(ctx: AppContext, op: dict[str, Any]) -> ft.Control:
    reason = op.get("reason") or {}
    text = ctx.error_text(reason.get("code", "unknown"), reason.get("detail", ""))
    field = reason.get("field") or ""
    typed = typed_text(op)

    def dismiss(_e: ft.Event) -> None:
        ctx.services.sync.dismiss_rejected(op["op_id"])
        ctx.refresh()

    return w.card(
        ft.Column(
            [
                ft.Text(f"{ctx.t('entity.' + op.get('entity', ''))} · {field}", weight=ft.FontWeight.BOLD),
                ft.Text(text, color=ft.Colors.RED_700),
                ft.Text(typed, italic=True, visible=bool(typed), selectable=True),
                ft.TextButton(ctx.t("app.confirm"), on_click=dismiss),
            ],
            spacing=2,
        )
    )


def conflict_row(ctx: AppContext, review: Any) -> ft.Control:
    """One conflict in words (fieldapp/views/conflict_text.py) and the two choices."""
    text = conflict_text(ctx.language, review)

    def keep(which: str) -> None:
        ctx.services.sync.resolve_conflict(review.id, which)
        sess.start_sync(ctx)
        ctx.refresh()

    lines: list[ft.Control] = [
        ft.Text(text.record, weight=ft.FontWeight.BOLD),
        ft.Text(ctx.t("sync.conflict.field", field=text.field), theme_style=ft.TextThemeStyle.TITLE_SMALL),
        ft.Text(ctx.t("sync.conflict.mine", value=text.mine)),
        ft.Text(ctx.t("sync.conflict.theirs", value=text.theirs)),
    ]
    if text.changed_by:
        lines.append(w.muted(text.changed_by))
    buttons = ft.Row(
        [
            w.secondary_button(ctx.t("sync.keep_mine"), lambda _e: keep("mine")),
            w.secondary_button(ctx.t("sync.keep_theirs"), lambda _e: keep("theirs")),
        ],
        wrap=True,
        spacing=8,
    )
    return w.card(ft.Column([*lines, buttons], spacing=4))
