"""My needs (诉求): open / due soon / overdue / awaiting follow-up, and one
need's steps: accept, hand off (首问负责), escalate, resolve, follow-up visit
(回访) with satisfaction, close; with its event history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft

from fieldapp.domain.enums import NeedStatus, Satisfaction
from fieldapp.domain.errors import ValidationError
from fieldapp.views import widgets as w
from fieldapp.views.context import AppContext
from fieldapp.views.format import address_text, date_text, datetime_text, deadline_text, today_local

TABS = ("open", "due_soon", "overdue", "to_follow_up")
TAB_KEYS = {
    "open": "needs.tab.open",
    "due_soon": "needs.tab.due_soon",
    "overdue": "needs.tab.overdue",
    "to_follow_up": "needs.tab.resolved",
}
ACTIVE = {NeedStatus.OPEN, NeedStatus.ACCEPTED, NeedStatus.ESCALATED}


def deadline_color(state: str) -> str | None:
    return {"overdue": ft.Colors.RED_700, "due_soon": ft.Colors.ORANGE_800}.get(state)


def build_list(ctx: AppContext) -> ft.Control:
    ctx.state["title"] = ctx.t("needs.title")
    tab = ctx.query.get("tab") or ctx.state.get("needs_tab") or "open"
    tab = tab if tab in TABS else "open"
    counts = ctx.services.needs.bucket_counts()
    buttons = ft.Row(
        [
            ft.Chip(
                label=ft.Text(f"{ctx.t(TAB_KEYS[b])} {counts.get(b, 0)}"),
                selected=b == tab,
                on_select=lambda _e, b=b: choose_tab(ctx, b),
            )
            for b in TABS
        ],
        wrap=True,
        spacing=4,
    )
    needs = ctx.services.needs.my_needs(tab)
    rows = [need_tile(ctx, n) for n in needs] or [w.empty(ctx.t("needs.none"))]
    return ft.Column([buttons, *rows], spacing=6)


def choose_tab(ctx: AppContext, tab: str) -> None:
    ctx.state["needs_tab"] = tab
    ctx.navigate(f"/needs?tab={tab}")


def need_tile(ctx: AppContext, need: dict[str, Any]) -> ft.Control:
    household = ctx.services.households.get_household(need["household_id"]) or {}
    text, state = deadline_text(ctx.language, need["deadline"], today_local())
    return w.card(
        ft.Column(
            [
                ft.Row(
                    [
                        ft.Text(
                            need.get("title", ""), theme_style=ft.TextThemeStyle.TITLE_MEDIUM, expand=True
                        ),
                        ft.Text(text, color=deadline_color(state), weight=ft.FontWeight.BOLD),
                    ]
                ),
                ft.Text(f"{household.get('head_name', '')} · {address_text(household.get('address'))}"),
                ft.Row(
                    [
                        w.tag_chip(
                            ctx.t("urgency." + need["urgency"]),
                            ft.Colors.RED_100 if need["urgency"] != "normal" else ft.Colors.GREY_200,
                        ),
                        w.tag_chip(ctx.t("handling." + need["handling"]), ft.Colors.BLUE_50),
                        w.tag_chip(ctx.t("need_status." + need["status"]), ft.Colors.GREEN_50),
                    ],
                    wrap=True,
                    spacing=4,
                ),
            ],
            spacing=4,
        ),
        on_click=lambda _e: ctx.navigate(f"/needs/{need['id']}"),
    )


# --- detail ----------------------------------------------------------------------
def build_detail(ctx: AppContext) -> ft.Control:
    ctx.state["back"] = "/needs"
    ctx.state["title"] = ctx.t("need.title")
    need = ctx.services.needs.get(ctx.params.get("id", ""))
    if need is None:
        return w.empty(ctx.t("need.not_found"))
    svc = ctx.services
    text, state = deadline_text(ctx.language, need["deadline"], today_local())
    household = svc.households.get_household(need["household_id"]) or {}
    info = [
        ft.Text(need.get("title", ""), theme_style=ft.TextThemeStyle.HEADLINE_SMALL),
        ft.Text(need.get("details") or ""),
        ft.TextButton(
            f"{household.get('head_name', '')} · {address_text(household.get('address'))}",
            on_click=lambda _e: ctx.navigate(f"/households/{need['household_id']}"),
        ),
        ft.Text(
            f"{ctx.t('need_status.' + need['status'])} · {ctx.t('urgency.' + need['urgency'])} · "
            f"{ctx.t('handling.' + need['handling'])}"
        ),
        ft.Text(
            f"{ctx.t('need.deadline')}: {date_text(ctx.language, need['deadline'])} · {text}",
            color=deadline_color(state) if need["status"] in ACTIVE else None,
        ),
        ft.Text(f"{ctx.t('need.owner')}: {svc.people.display_name(need.get('owner_id'))}"),
    ]
    if need.get("outcome"):
        info.append(ft.Text(f"{ctx.t('need.outcome')}: {need['outcome']}"))
    if need.get("follow_up"):
        info.append(
            ft.Text(
                f"{ctx.t('need.satisfaction')}: {ctx.t('satisfaction.' + need['follow_up']['satisfaction'])}"
            )
        )
    return ft.Column(
        [
            *info,
            NeedActions(ctx, need).build(),
            w.section(ctx.t("need.history"), history_rows(ctx, need["id"])),
        ],
        spacing=10,
    )


def history_rows(ctx: AppContext, need_id: str) -> list[ft.Control]:
    svc = ctx.services
    rows = []
    for event in svc.needs.history(need_id):
        line = (
            f"{datetime_text(ctx.language, event.get('at'))} · {ctx.t('need_event.' + event['kind'])} · "
            f"{svc.people.display_name(event.get('actor_id'))}"
        )
        if event.get("to_user_id"):
            line += f" → {svc.people.display_name(event['to_user_id'])}"
        rows.append(ft.Column([ft.Text(line), w.muted(event.get("note") or "")], spacing=0))
    return rows or [w.empty(ctx.t("app.none"))]


class NeedActions:
    """Buttons for the steps allowed now; each asks for what it needs inline."""

    def __init__(self, ctx: AppContext, need: dict[str, Any]) -> None:
        self.ctx, self.need = ctx, need
        self.panel = ft.Column(spacing=8)

    def build(self) -> ft.Control:
        ctx, status = self.ctx, self.need["status"]
        buttons = []
        if status in (NeedStatus.OPEN, NeedStatus.ESCALATED):
            buttons.append(
                w.primary_button(
                    ctx.t("need.accept"),
                    lambda _e: self.run(lambda: ctx.services.needs.accept(self.need["id"])),
                    icon=ft.Icons.CHECK,
                )
            )
        if status in ACTIVE:
            buttons += [
                w.secondary_button(
                    ctx.t("need.hand_off"), lambda _e: self.ask_person("hand_off"), icon=ft.Icons.FORWARD
                ),
                w.secondary_button(
                    ctx.t("need.escalate"), lambda _e: self.ask_person("escalate"), icon=ft.Icons.ARROW_UPWARD
                ),
                w.secondary_button(
                    ctx.t("need.resolve"), lambda _e: self.ask_outcome(), icon=ft.Icons.DONE_ALL
                ),
            ]
        if status == NeedStatus.RESOLVED and not self.need.get("follow_up"):
            buttons.append(
                w.primary_button(
                    ctx.t("need.follow_up"), lambda _e: self.ask_follow_up(), icon=ft.Icons.RECORD_VOICE_OVER
                )
            )
        if status == NeedStatus.RESOLVED and self.need.get("follow_up"):
            buttons.append(
                w.primary_button(
                    ctx.t("need.close"),
                    lambda _e: self.run(lambda: ctx.services.needs.close(self.need["id"])),
                    icon=ft.Icons.LOCK,
                )
            )
        return ft.Column([*buttons, self.panel], spacing=8)  # a wrapping row of buttons renders grey

    def run(self, step: Callable[[], Any], field: ft.Control | None = None) -> None:
        try:
            step()
        except ValidationError as err:
            if field is not None:
                self.ctx.show_error(field, err.code, err.detail)
            else:
                self.ctx.toast(self.ctx.error_text(err.code, err.detail))
            return
        from fieldapp.views import session as sess

        self.ctx.toast(self.ctx.t("need.done"))
        sess.start_sync(self.ctx)
        self.ctx.refresh()

    def ask_person(self, kind: str) -> None:
        ctx, svc = self.ctx, self.ctx.services
        people = svc.people.hand_off_candidates() if kind == "hand_off" else svc.people.escalation_targets()
        choice = w.dropdown(
            ctx.t("need.to_person"),
            [
                (p["id"], f"{p.get('display_name', '')} ({ctx.t('role.' + p.get('role', 'worker'))})")
                for p in people
                if p["id"] != svc.user["id"]
            ],
            None,
        )
        note = ft.TextField(label=ctx.t("need.note"))
        action = svc.needs.hand_off if kind == "hand_off" else svc.needs.escalate

        def submit(_e: ft.Event) -> None:
            if not choice.value:
                ctx.show_error(choice, "required")
                return
            self.run(lambda: action(self.need["id"], choice.value, note.value or ""), choice)

        self.panel.controls = [choice, note, w.primary_button(ctx.t("app.confirm"), submit)]

    def ask_outcome(self) -> None:
        ctx = self.ctx
        outcome = ft.TextField(label=ctx.t("need.outcome"), multiline=True, min_lines=2)
        self.panel.controls = [
            outcome,
            w.primary_button(
                ctx.t("app.confirm"),
                lambda _e: self.run(
                    lambda: ctx.services.needs.resolve(self.need["id"], outcome.value or ""), outcome
                ),
            ),
        ]

    def ask_follow_up(self) -> None:
        ctx = self.ctx
        satisfaction = w.dropdown(
            ctx.t("need.satisfaction"),
            [(s.value, ctx.t("satisfaction." + s.value)) for s in Satisfaction],
            Satisfaction.SATISFIED.value,
        )
        notes = ft.TextField(label=ctx.t("need.note"), multiline=True)
        self.panel.controls = [
            satisfaction,
            notes,
            w.primary_button(
                ctx.t("app.confirm"),
                lambda _e: self.run(
                    lambda: ctx.services.needs.record_follow_up(
                        self.need["id"], satisfaction.value or "", notes.value or ""
                    ),
                    satisfaction,
                ),
            ),
        ]
