"""One worker's or volunteer's account, from the devices page: sign a lost
phone out, stop or restart the account, set a new password, move a worker to
other grids. Every action says what it does to the person's phones."""
from __future__ import annotations

from typing import Any

import flet as ft

from fieldapp.views import widgets as w
from fieldapp.views.context import AppContext
from fieldapp.views.desk import common as c
from fieldapp.views.format import datetime_text


def build(ctx: AppContext) -> ft.Control:
    user_id = ctx.params.get("id", "")
    ctx.state["back"] = "/desk/devices"
    person = c.attempt(ctx, lambda: c.desk(ctx).person(user_id))
    if not person:
        return c.frame(ctx, "/desk/devices", "desk.person.title", [w.empty(ctx.t("desk.person.missing"))])
    body = [_heading(ctx, person), _devices(ctx, person), _account(ctx, person)]
    if person["role"] == "worker":
        body.append(_grids(ctx, person))
    return c.frame(ctx, "/desk/devices", "desk.person.title", body)


def _heading(ctx: AppContext, person: dict[str, Any]) -> ft.Control:
    state = ctx.t("desk.person.active" if person["active"] else "desk.person.inactive")
    return ft.Column([
        ft.Text(person["display_name"], theme_style=ft.TextThemeStyle.TITLE_LARGE),
        w.muted(" · ".join([person["username"], ctx.t("role." + person["role"]), state])),
    ], spacing=4)


def _do(ctx: AppContext, person: dict[str, Any], action: str, done_key: str,
        target: ft.Control | None = None, **fields: Any) -> None:
    """One account action; on success say what it did, then show the new state."""
    answer = c.attempt(ctx, lambda: c.desk(ctx).account_action(person["user_id"], action, **fields), target)
    if answer is not None:
        ctx.toast(ctx.t(done_key, count=answer.get("tokens_revoked", 0)))
        ctx.refresh()


def _devices(ctx: AppContext, person: dict[str, Any]) -> ft.Control:
    columns = [ctx.t(k) for k in ("desk.col.device", "desk.col.signed_in", "desk.col.last_sync",
                                  "desk.col.pending", "desk.col.rejected", "desk.col.open")]
    rows = []
    for device in person["devices"]:
        last = max(device.get("last_push_at") or "", device.get("last_pull_at") or "")
        action: ft.Control = c.text("")
        if device["signed_in"]:
            action = ft.TextButton(ctx.t("desk.person.revoke"), icon=ft.Icons.PHONELINK_ERASE,
                                   on_click=lambda _e, d=device["device"]: _do(
                                       ctx, person, "revoke", "desk.person.revoked", device=d))
        signed_in = ctx.t("desk.person.signed_in" if device["signed_in"] else "desk.person.signed_out")
        rows.append([c.text(device["device"]), c.text(signed_in),
                     c.text(datetime_text(ctx.language, last) if last else ctx.t("desk.never")),
                     c.text(device["pending"]), c.text(device["rejected"]), action])
    table = c.table(columns, rows) if rows else w.empty(ctx.t("desk.person.no_devices"))
    return w.section(ctx.t("desk.person.devices"), [w.muted(ctx.t("desk.person.revoke_hint")), table])


def _account(ctx: AppContext, person: dict[str, Any]) -> ft.Control:
    password = ft.TextField(label=ctx.t("desk.person.new_password"), password=True, can_reveal_password=True,
                            width=240, dense=True)
    if person["active"]:
        switch = c.outlined(ctx.t("desk.person.deactivate"), lambda _e: _confirm_deactivate(ctx, person),
                            ft.Icons.BLOCK)
    else:
        switch = c.outlined(ctx.t("desk.person.activate"),
                            lambda _e: _do(ctx, person, "activate", "desk.person.activated"), ft.Icons.CHECK)
    set_password = c.button(ctx.t("desk.person.set_password"), lambda _e: _do(
        ctx, person, "password", "desk.person.password_set", password, password=password.value or ""),
        ft.Icons.PASSWORD)
    return w.section(ctx.t("desk.person.account"), [
        ft.Row([switch], wrap=True),
        ft.Row([password, set_password], wrap=True),
        w.muted(ctx.t("desk.person.password_hint")),
    ])


def _confirm_deactivate(ctx: AppContext, person: dict[str, Any]) -> None:
    def answer(yes: bool) -> None:
        ctx.page.pop_dialog()
        if yes:
            _do(ctx, person, "deactivate", "desk.person.deactivated")

    ctx.page.show_dialog(ft.AlertDialog(
        title=ft.Text(ctx.t("desk.person.deactivate_title", name=person["display_name"])),
        content=ft.Text(ctx.t("desk.person.deactivate_hint")),
        actions=[ft.TextButton(ctx.t("desk.cancel"), on_click=lambda _e: answer(False)),
                 ft.FilledButton(ctx.t("desk.person.deactivate"), on_click=lambda _e: answer(True))]))


def _grids(ctx: AppContext, person: dict[str, Any]) -> ft.Control:
    held = set(person["grid_ids"])
    boxes = [ft.Checkbox(label=name, value=grid_id in held, data=grid_id)
             for grid_id, name in sorted(person["grids"].items(), key=lambda item: item[1])]

    def save(_e: Any) -> None:
        chosen = [box.data for box in boxes if box.value]
        _do(ctx, person, "grids", "desk.person.grids_saved", grid_ids=chosen)

    return w.section(ctx.t("desk.person.grids"), [
        ft.Row(boxes, wrap=True), w.muted(ctx.t("desk.person.grids_hint")),
        c.button(ctx.t("desk.person.save_grids"), save, ft.Icons.SAVE)])
