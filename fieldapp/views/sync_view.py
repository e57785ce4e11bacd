"""Sync screen: last sync, pending changes and photos, progress while syncing,
changes the server refused (with its reason), conflicts to resolve."""

from __future__ import annotations

import contextlib
from typing import Any

import flet as ft

from fieldapp.views import session as sess
from fieldapp.views import widgets as w
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
    relogin = ft.Container()
    if not ctx.services.session.is_logged_in():  # the server refused the token: the work stays here
        relogin = ft.Column(
            [
                ft.Text(ctx.t("sync.login_needed"), color=ft.Colors.ORANGE_800),
                w.primary_button(
                    ctx.t("login.submit"), lambda _e: ctx.page.run_task(relog, ctx), icon=ft.Icons.LOGIN
                ),
            ]
        )
    result.value = ctx.state.get("last_report_text", "")
    return ft.Column(
        [
            relogin,
            ft.Text(ctx.t("sync.last", when=last)),
            ft.Text(ctx.t("sync.pending", ops=status.pending_ops, photos=status.pending_photos)),
            w.primary_button(ctx.t("sync.now"), sync_now, icon=ft.Icons.SYNC),
            bar,
            phase,
            result,
            w.section(
                ctx.t("sync.rejected"),
                [rejected_row(ctx, op) for op in status.rejected] or [w.empty(ctx.t("app.none"))],
            ),
            w.section(
                ctx.t("sync.conflicts"),
                [conflict_row(ctx, c) for c in status.conflicts] or [w.empty(ctx.t("app.none"))],
            ),
        ],
        spacing=10,
    )


async def relog(ctx: AppContext) -> None:
    """Back to the login screen; nothing on the phone is dropped (the store stays)."""
    await sess.logout(ctx, force=True)


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


def conflict_row(ctx: AppContext, conflict: dict[str, Any]) -> ft.Control:
    def keep(which: str) -> None:
        ctx.services.sync.resolve_conflict(conflict["id"], which)
        sess.start_sync(ctx)
        ctx.refresh()

    return w.card(
        ft.Column(
            [
                ft.Text(
                    f"{ctx.t('entity.' + conflict.get('entity', ''))} · {conflict.get('field', '')}",
                    weight=ft.FontWeight.BOLD,
                ),
                ft.Text(f"{ctx.t('sync.keep_mine')}: {conflict.get('mine')}"),
                ft.Text(f"{ctx.t('sync.keep_theirs')}: {conflict.get('theirs')}"),
                w.secondary_button(ctx.t("sync.keep_mine"), lambda _e: keep("mine")),
                w.secondary_button(ctx.t("sync.keep_theirs"), lambda _e: keep("theirs")),
            ],
            spacing=4,
        )
    )
