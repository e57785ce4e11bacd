"""Device sync status per worker and volunteer: last sync, pending, rejected; each
person's account page (views/desk/person.py) one click away."""
from __future__ import annotations

import flet as ft

from fieldapp.views import widgets as w
from fieldapp.views.context import AppContext
from fieldapp.views.desk import common as c
from fieldapp.views.format import datetime_text


def build(ctx: AppContext) -> ft.Control:
    data = c.attempt(ctx, lambda: c.desk(ctx).devices())
    body: list[ft.Control] = [ft.Row([c.outlined(ctx.t("desk.refresh"), lambda _e: ctx.refresh(),
                                                         ft.Icons.REFRESH)])]
    if data is not None:
        columns = [ctx.t(k) for k in ("desk.col.person", "desk.col.role", "desk.col.last_sync",
                                      "desk.col.pending", "desk.col.rejected", "desk.col.devices",
                                      "desk.col.open")]
        rows, colors = [], []
        for item in data["items"]:
            last = ctx.t("desk.never")
            if item["last_sync"]:
                last = datetime_text(ctx.language, item["last_sync"])
            name = item["display_name"]
            if not item.get("active", True):
                name += "（" + ctx.t("desk.person.inactive") + "）"
            manage = ft.TextButton(ctx.t("desk.person.manage"),
                                   on_click=lambda _e, u=item["user_id"]: ctx.navigate(f"/desk/devices/{u}"))
            rows.append([c.text(name, color=None if item.get("active", True) else ft.Colors.GREY_600),
                         c.text(ctx.t("role." + item["role"])), c.text(last), c.text(item["pending"]),
                         c.text(item["rejected"], color=ft.Colors.RED_700 if item["rejected"] else None),
                         c.text(len(item["devices"])), manage])
            colors.append(ft.Colors.ORANGE_50 if item["pending"] or not item["last_sync"] else None)
        body.append(c.table(columns, rows, colors=colors) if rows else w.empty(ctx.t("desk.devices.none")))
    return c.frame(ctx, "/desk/devices", "desk.nav.devices", body)
