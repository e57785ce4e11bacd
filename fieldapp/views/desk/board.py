"""Pending-help board (待办): needs by status, handling, grid; overdue in red;
one need's history and actions: hand off, escalate (一对接), give to a
volunteer (代办), close after the follow-up."""

from __future__ import annotations

from typing import Any

import flet as ft

from fieldapp.domain.enums import ErrandType, Handling, NeedStatus
from fieldapp.views import widgets as w
from fieldapp.views.context import AppContext
from fieldapp.views.desk import common as c
from fieldapp.views.format import date_text, datetime_text

ACTIONS = ("hand_off", "escalate", "volunteer", "close", "note")
TARGET_ROLES = {
    "hand_off": {"worker", "coordinator", "admin"},
    "escalate": {"worker", "coordinator", "admin"},
    "volunteer": {"volunteer"},
}


def build(ctx: AppContext) -> ft.Control:
    state = ctx.state.setdefault(
        "desk_board", {"status": "active", "handling": "", "grid_id": "", "overdue": False}
    )
    people = c.attempt(ctx, lambda: c.desk(ctx).people()) or {"items": [], "grids": []}
    status = c.dropdown(
        ctx,
        "desk.filter.status",
        [("active", ctx.t("desk.board.active"))]
        + [(s.value, ctx.t(f"need_status.{s.value}")) for s in NeedStatus],
        state["status"],
    )
    handling = c.dropdown(
        ctx,
        "desk.filter.handling",
        [(h.value, ctx.t(f"handling.{h.value}")) for h in Handling],
        state["handling"],
    )
    grid = c.dropdown(
        ctx, "desk.filter.grid", [(g["id"], g["name"]) for g in people["grids"]], state["grid_id"]
    )
    overdue = ft.Checkbox(label=ctx.t("desk.board.overdue_only"), value=state["overdue"])

    def apply(_e: Any) -> None:
        state.update(
            status=status.value or "",
            handling=handling.value or "",
            grid_id=grid.value or "",
            overdue=bool(overdue.value),
        )
        ctx.refresh()

    body: list[ft.Control] = [
        ft.Row(
            [status, handling, grid, overdue, c.button(ctx.t("desk.apply"), apply, ft.Icons.SEARCH)],
            wrap=True,
        )
    ]
    data = c.attempt(
        ctx,
        lambda: c.desk(ctx).board(
            state["status"] or None,
            state["handling"] or None,
            state["grid_id"] or None,
            overdue=state["overdue"],
        ),
    )
    if data is not None:
        late = sum(1 for n in data["items"] if n["overdue"])
        body.append(w.muted(ctx.t("desk.board.count", n=len(data["items"]), late=late)))
        body.append(_table(ctx, data["items"]) if data["items"] else w.empty(ctx.t("desk.board.none")))
    return c.frame(ctx, "/desk/needs", "desk.nav.board", body)


def _table(ctx: AppContext, items: list[dict[str, Any]]) -> ft.Control:
    columns = [
        ctx.t(k)
        for k in (
            "desk.col.title",
            "desk.col.grid",
            "desk.col.status",
            "desk.col.handling",
            "desk.col.urgency",
            "desk.col.deadline",
            "desk.col.owner",
            "desk.col.assignee",
            "desk.col.open",
        )
    ]
    rows, colors = [], []
    for n in items:
        red = ft.Colors.RED_700 if n["overdue"] else None
        deadline = date_text(ctx.language, n["deadline"])
        if n["overdue"]:
            deadline += " · " + ctx.t("desk.board.overdue_days", n=n["deadline_days"])
        rows.append(
            [
                c.text(n["title"], 220),
                c.text(n["grid_name"], 80),
                c.text(ctx.t(f"need_status.{n['status']}")),
                c.text(ctx.t(f"handling.{n['handling']}")),
                c.text(ctx.t(f"urgency.{n['urgency']}")),
                c.text(deadline, 170, red),
                c.text(n["owner_name"], 80),
                c.text(n["assignee_name"], 80),
                c.open_button(ctx, f"/desk/needs/{n['id']}"),
            ]
        )
        colors.append(ft.Colors.RED_50 if n["overdue"] else None)
    opens = [lambda _e, n=n: ctx.navigate(f"/desk/needs/{n['id']}") for n in items]
    return c.table(columns, rows, opens, colors)


# ------------------------------------------------------------------ one need


def build_detail(ctx: AppContext) -> ft.Control:
    need_id = ctx.params.get("id", "")
    ctx.state["back"] = "/desk/needs"
    detail = c.attempt(ctx, lambda: c.desk(ctx).need(need_id))
    if detail is None:
        return c.frame(ctx, "/desk/needs", "desk.need.title", [w.empty(ctx.t("desk.need.missing"))])
    need = detail["need"]
    people = (c.attempt(ctx, lambda: c.desk(ctx).people()) or {"items": []})["items"]
    facts = ft.Column(
        [
            ft.Text(need["title"], theme_style=ft.TextThemeStyle.TITLE_LARGE),
            w.muted(
                " · ".join(
                    [
                        detail["household"].get("label", ""),
                        ctx.t(f"need_status.{need['status']}"),
                        ctx.t(f"handling.{need['handling']}"),
                        ctx.t("desk.need.deadline", day=date_text(ctx.language, need["deadline"])),
                    ]
                )
            ),
            ft.Text(need.get("details") or ""),
            _follow_up(ctx, need),
        ],
        spacing=6,
    )
    return c.frame(
        ctx,
        "/desk/needs",
        "desk.need.title",
        [facts, _actions(ctx, need, people), _history(ctx, detail["events"], detail["errands"])],
    )


def _follow_up(ctx: AppContext, need: dict[str, Any]) -> ft.Control:
    follow = need.get("follow_up")
    if not follow:
        return w.muted(ctx.t("desk.need.no_follow_up"))
    return ft.Text(
        ctx.t(
            "desk.need.follow_up",
            day=date_text(ctx.language, follow["at"]),
            result=ctx.t(f"satisfaction.{follow['satisfaction']}"),
        )
    )


def _actions(ctx: AppContext, need: dict[str, Any], people: list[dict[str, Any]]) -> ft.Control:
    """Radio buttons, not drop-downs: every choice visible at once, one click each."""
    action = ft.RadioGroup(value="hand_off", content=ft.Row(
        [ft.Radio(value=a, label=ctx.t(f"desk.action.{a}")) for a in ACTIONS], spacing=16))
    targets = ft.RadioGroup(content=ft.Row([], spacing=16, scroll=ft.ScrollMode.AUTO))
    target_box = ft.Column([w.muted(ctx.t("desk.need.target")), targets], spacing=2)
    errand_type = ft.Dropdown(label=ctx.t("desk.need.errand_type"), width=200, value=ErrandType.OTHER.value,
                              visible=False,
                              options=[ft.DropdownOption(key=e.value, text=ctx.t(f"errand_type.{e.value}"))
                                       for e in ErrandType])
    note = ft.TextField(label=ctx.t("desk.need.note"), width=420, max_length=2000)

    def fill_targets(e: Any = None) -> None:
        roles = TARGET_ROLES.get(action.value or "", set())
        targets.content.controls = [
            ft.Radio(value=u["id"], label=f"{u['display_name']}（{ctx.t('role.' + u['role'])}）")
            for u in people if u["role"] in roles]
        targets.value = None
        target_box.visible = bool(roles)
        errand_type.visible = action.value == "volunteer"
        if e is not None:
            ctx.page.update()

    def submit(_e: Any) -> None:
        done = c.attempt(ctx, lambda: c.desk(ctx).need_action(
            need["id"], action.value or "", targets.value or None, note.value or "",
            errand_type.value if action.value == "volunteer" else None), note)
        if done is not None:
            ctx.toast(ctx.t("desk.saved"))
            ctx.refresh()

    action.on_change = fill_targets
    fill_targets()
    return w.section(ctx.t("desk.need.actions"), [
        action, target_box, ft.Row([errand_type, note], wrap=True),
        c.button(ctx.t("desk.need.do"), submit, ft.Icons.SEND)])


def _history(ctx: AppContext, events: list[dict[str, Any]], errands: list[dict[str, Any]]) -> ft.Control:
    lines: list[ft.Control] = []
    for e in events:
        who = e.get("actor_name", "") + (" ＞ " + e["to_name"] if e.get("to_name") else "")
        lines.append(
            ft.Text(
                f"{datetime_text(ctx.language, e['at'])}  {ctx.t('need_event.' + e['kind'])}  {who}"
                + (f"：{e['note']}" if e.get("note") else "")
            )
        )
    for errand in errands:
        lines.append(
            w.muted(
                ctx.t(
                    "desk.need.errand",
                    type=ctx.t(f"errand_type.{errand['type']}"),
                    status=ctx.t(f"errand_status.{errand['status']}"),
                )
            )
        )
    return w.section(ctx.t("desk.need.history"), lines or [w.muted(ctx.t("desk.need.no_history"))])
