"""Special-household register (重点人群台账): by tag, overdue beyond cadence;
edit a household's tags; the community's cadence settings (三访)."""

from __future__ import annotations

from typing import Any

import flet as ft

from fieldapp.domain.enums import Tag
from fieldapp.views import widgets as w
from fieldapp.views.context import AppContext
from fieldapp.views.desk import common as c
from fieldapp.views.format import date_text


def build(ctx: AppContext) -> ft.Control:
    state = ctx.state.setdefault("desk_register", {"tag": "", "overdue": False})
    tag_filter = c.dropdown(
        ctx, "desk.filter.tag", [(x.value, ctx.t(f"tag.{x.value}")) for x in Tag], state["tag"], 170
    )
    overdue = ft.Checkbox(label=ctx.t("desk.register.overdue_only"), value=state["overdue"])

    def apply(_e: Any) -> None:
        state.update(tag=tag_filter.value or "", overdue=bool(overdue.value))
        ctx.refresh()

    data = c.attempt(ctx, lambda: c.desk(ctx).register(state["tag"] or None, overdue=state["overdue"]))
    body: list[ft.Control] = [
        ft.Row([tag_filter, overdue, c.button(ctx.t("desk.apply"), apply, ft.Icons.SEARCH)])
    ]
    if data is not None:
        body.append(w.muted(ctx.t("desk.register.count", n=len(data["items"]))))
        body.append(_table(ctx, data["items"]) if data["items"] else w.empty(ctx.t("desk.register.none")))
    body.append(_settings(ctx))
    return c.frame(ctx, "/desk/households", "desk.nav.register", body)


def _table(ctx: AppContext, items: list[dict[str, Any]]) -> ft.Control:
    columns = [
        ctx.t(k)
        for k in (
            "desk.col.household",
            "desk.col.grid",
            "desk.col.tags",
            "desk.col.last_visit",
            "desk.col.due",
            "desk.col.overdue",
            "desk.col.edit",
        )
    ]
    rows, colors = [], []
    for item in items:
        late = item["overdue"]
        rows.append(
            [
                c.text(item["label"], 220),
                c.text(item["grid_name"], 80),
                c.text(c.labels(ctx, "tag", item["tags"]), 160),
                c.text(
                    date_text(ctx.language, item["last_visit"]) if item["last_visit"] else ctx.t("desk.never")
                ),
                c.text(date_text(ctx.language, item["due"])),
                c.text(
                    ctx.t("desk.days", n=item["days_overdue"]) if late else "",
                    color=ft.Colors.RED_700 if late else None,
                ),
                ft.IconButton(
                    ft.Icons.EDIT,
                    tooltip=ctx.t("desk.register.edit_tags"),
                    on_click=lambda _e, i=item: _edit_tags(ctx, i),
                ),
            ]
        )
        colors.append(ft.Colors.RED_50 if late else None)
    return c.table(columns, rows, colors=colors)


def _edit_tags(ctx: AppContext, item: dict[str, Any]) -> None:
    boxes = {t.value: ft.Checkbox(label=ctx.t(f"tag.{t.value}"), value=t.value in item["tags"]) for t in Tag}

    def save(_e: Any) -> None:
        tags = [k for k, box in boxes.items() if box.value]
        if c.attempt(ctx, lambda: c.desk(ctx).set_tags(item["id"], tags)) is not None:
            ctx.page.pop_dialog()
            ctx.toast(ctx.t("desk.saved"))
            ctx.refresh()

    ctx.page.show_dialog(
        ft.AlertDialog(
            title=ft.Text(ctx.t("desk.register.edit_tags") + " · " + item["label"]),
            content=ft.Column(list(boxes.values()), tight=True),
            actions=[
                ft.TextButton(ctx.t("desk.cancel"), on_click=lambda _e: ctx.page.pop_dialog()),
                ft.FilledButton(ctx.t("desk.save"), on_click=save),
            ],
        )
    )


def _settings(ctx: AppContext) -> ft.Control:
    current = c.attempt(ctx, lambda: c.desk(ctx).settings())
    if current is None:
        return ft.Container()
    per_tag = {
        t.value: c.field(ctx, f"tag.{t.value}", str(current["cadence_days"].get(t.value, "")), 120)
        for t in Tag
    }
    regular = c.field(ctx, "desk.settings.regular", str(current["regular_interval_days"]), 160)
    quota = c.field(ctx, "desk.settings.quota", str(current["monthly_visit_quota"]), 160)

    def save(_e: Any) -> None:
        changes = _parse_settings(ctx, per_tag, regular, quota)
        if changes is not None and c.attempt(ctx, lambda: c.desk(ctx).save_settings(changes)) is not None:
            ctx.toast(ctx.t("desk.saved"))

    return w.section(
        ctx.t("desk.settings.title"),
        [
            w.muted(ctx.t("desk.settings.help")),
            ft.Row(list(per_tag.values()), wrap=True, spacing=8),
            ft.Row([regular, quota, c.button(ctx.t("desk.save"), save, ft.Icons.SAVE)], spacing=8),
        ],
    )


def _parse_settings(
    ctx: AppContext, per_tag: dict[str, ft.TextField], regular: ft.TextField, quota: ft.TextField
) -> dict[str, Any] | None:
    """Numbers only; a bad field shows its message in place and nothing is sent."""
    values: dict[str, int] = {}
    fields = {**per_tag, "regular": regular, "quota": quota}
    for name, box in fields.items():
        box.error = None
        try:
            values[name] = int((box.value or "").strip())
        except ValueError:
            box.error = ctx.error_text("not_int")
    if any(box.error for box in fields.values()):
        ctx.page.update()
        return None
    return {
        "cadence_days": {t: values[t] for t in per_tag},
        "regular_interval_days": values["regular"],
        "monthly_visit_quota": values["quota"],
    }
