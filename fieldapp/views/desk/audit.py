"""The audit log (admins only): who read which special household's record or
diary entry, and who changed which account, newest first."""
from __future__ import annotations

from typing import Any

import flet as ft

from fieldapp.views import widgets as w
from fieldapp.views.context import AppContext
from fieldapp.views.desk import common as c
from fieldapp.views.format import datetime_text

ROWS = 200


def build(ctx: AppContext) -> ft.Control:
    data = c.attempt(ctx, lambda: c.desk(ctx).audit(ROWS))
    body: list[ft.Control] = [w.muted(ctx.t("desk.audit.help", n=ROWS))]
    if data is not None:
        columns = [ctx.t(k) for k in ("desk.col.time", "desk.col.actor", "desk.col.action",
                                      "desk.col.about", "desk.col.detail")]
        rows = [[c.text(datetime_text(ctx.language, item.get("at"))), c.text(item.get("actor_name")),
                 c.text(_action(ctx, item.get("action"))), c.text(item.get("record_name"), width=280),
                 c.text(_detail(ctx, item.get("detail")), width=260)] for item in data["items"]]
        body.append(c.table(columns, rows) if rows else w.empty(ctx.t("desk.audit.none")))
    return c.frame(ctx, "/desk/audit", "desk.nav.audit", body)


def _action(ctx: AppContext, action: Any) -> str:
    label = ctx.t(f"desk.audit.action.{action}")
    return str(action or "") if label.startswith("desk.audit.action.") else label


def _detail(ctx: AppContext, detail: Any) -> str:
    """The facts kept with the row, in words: the household's tags, sign-ins ended, grids moved."""
    if not isinstance(detail, dict):
        return ""
    parts = []
    if detail.get("tags"):
        parts.append(c.labels(ctx, "tag", detail["tags"]))
    if detail.get("tokens_revoked"):
        parts.append(ctx.t("desk.audit.signed_out", count=detail["tokens_revoked"]))
    if detail.get("added") or detail.get("removed"):
        parts.append(ctx.t("desk.audit.grids", added=len(detail.get("added") or []),
                           removed=len(detail.get("removed") or [])))
    return "；".join(parts)
