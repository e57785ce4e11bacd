"""Excel: download the import template, import households (all or nothing,
every bad row listed), export diary entries and figures for a period.

Downloads: the desk asks the server for a one-time link (5 minutes) and
opens it with page.launch_url, so the browser downloads the file itself."""
from __future__ import annotations

from typing import Any

import flet as ft

from fieldapp.views import widgets as w
from fieldapp.views.context import AppContext
from fieldapp.views.desk import common as c


def build(ctx: AppContext) -> ft.Control:
    state = ctx.state.setdefault("desk_excel", dict(zip(("start", "end"), c.month_period(), strict=True)))
    start = c.field(ctx, "desk.filter.from", state["start"], 140)
    end = c.field(ctx, "desk.filter.to", state["end"], 140)
    result = ft.Column([ft.Text(state.get("result", ""),
                                color=ft.Colors.RED_700 if state.get("failed") else None)])

    async def download(kind: str) -> None:
        state.update(start=(start.value or "").strip(), end=(end.value or "").strip())
        url = c.attempt(ctx, lambda: c.desk(ctx).download_url(kind, state["start"] or None,
                                                              state["end"] or None), start)
        if url:
            await ctx.page.launch_url(url)

    async def upload(_e: Any) -> None:
        files = await ft.FilePicker().pick_files(allowed_extensions=["xlsx", "csv"], with_data=True)
        if not files:
            return
        content = files[0].bytes or b""
        done = c.attempt(ctx, lambda: c.desk(ctx).import_households(content), _Sink(state))
        if done is not None:
            state.update(result=ctx.t("desk.excel.imported", n=done["imported"]), failed=False)
        ctx.refresh()

    def on_download(kind: str) -> Any:
        async def handler(_e: Any) -> None:
            await download(kind)

        return handler

    exports = ft.Row([
        start, end,
        c.button(ctx.t("desk.excel.export_entries"), on_download("entries"), ft.Icons.DOWNLOAD),
        c.button(ctx.t("desk.excel.export_figures"), on_download("figures"), ft.Icons.DOWNLOAD),
    ], wrap=True, spacing=8)
    imports = ft.Row([
        c.outlined(ctx.t("desk.excel.template"), on_download("template"), ft.Icons.DESCRIPTION),
        c.button(ctx.t("desk.excel.import"), upload, ft.Icons.UPLOAD_FILE),
    ], spacing=8)
    body = [w.section(ctx.t("desk.excel.export_title"), [exports]),
            w.section(ctx.t("desk.excel.import_title"), [w.muted(ctx.t("desk.excel.import_help")), imports,
                                                         result])]
    return c.frame(ctx, "/desk/excel", "desk.nav.excel", body)


class _Sink:
    """Receives an import error (its `error` slot) and keeps it for the rebuilt screen."""

    def __init__(self, state: dict[str, Any]) -> None:
        self._state = state

    @property
    def error(self) -> str | None:
        return self._state.get("result")

    @error.setter
    def error(self, message: str | None) -> None:
        self._state.update(result=message or "", failed=True)

    def update(self) -> None:
        return None
