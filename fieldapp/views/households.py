"""Households: search (name, address, phone, pinyin initials), tag filter,
the archive (一户一档) and the add/edit form."""

from __future__ import annotations

from typing import Any

import flet as ft

from fieldapp.domain.enums import Tag
from fieldapp.views import widgets as w
from fieldapp.views.context import AppContext
from fieldapp.views.format import address_text, date_text, datetime_text, deadline_text, since_visit_text
from fieldapp.views.household_form import build_form  # noqa: F401 - route target

SEARCH_LIMIT = 30  # cards built per keystroke; refine the query for more


# --- list + search ---------------------------------------------------------------
def build_list(ctx: AppContext) -> ft.Control:
    ctx.state["title"] = ctx.t("households.title")
    query = ft.TextField(
        label=ctx.t("households.search"),
        value=ctx.state.get("hh_query", ""),
        prefix_icon=ft.Icons.SEARCH,
        autofocus=False,
    )
    results = ft.Column(spacing=4)
    count = w.muted("")
    tag_row = ft.Row(wrap=True, spacing=4)

    tiles: dict[str, ft.Control] = {}  # a tile already sent is reused: only the list order travels

    def refresh(tags_changed: bool = True) -> None:
        found = ctx.services.households.search_households(
            query.value or "", tag=ctx.state.get("hh_tag"), limit=SEARCH_LIMIT
        )
        shown = [
            tiles[h["id"]] if h["id"] in tiles else tiles.setdefault(h["id"], household_tile(ctx, h))
            for h in found
        ]
        results.controls = shown or [w.empty(ctx.t("households.none"))]
        count.value = ctx.t("households.count", n=len(found))
        if tags_changed:
            tag_row.controls = tag_chips(ctx, refresh)

    def on_change(_e: ft.Event) -> None:
        ctx.state["hh_query"] = query.value
        refresh(tags_changed=False)

    query.on_change = on_change
    refresh()
    add = w.primary_button(
        ctx.t("households.add"), lambda _e: ctx.navigate("/households/new"), icon=ft.Icons.ADD_HOME
    )
    return ft.Column(
        [query, tag_row, ft.Row([count, add], alignment=ft.MainAxisAlignment.SPACE_BETWEEN), results],
        spacing=8,
    )


def tag_chips(ctx: AppContext, refresh: Any) -> list[ft.Control]:
    current = ctx.state.get("hh_tag")

    def choose(tag: str | None) -> None:
        ctx.state["hh_tag"] = tag
        refresh()

    chips = [w.toggle_chip(ctx.t("households.all_tags"), current is None, lambda _e: choose(None))]
    chips += [
        w.toggle_chip(ctx.t("tag." + tag), current == tag, lambda _e, t=tag.value: choose(t)) for tag in Tag
    ]
    return chips


def household_tile(ctx: AppContext, household: dict[str, Any]) -> ft.Control:
    tags = [w.tag_chip(ctx.t("tag." + t)) for t in household.get("tags") or []]
    phones = [m.get("phone") for m in household.get("members") or [] if m.get("phone")]
    body = ft.Column(
        [
            ft.Text(household.get("head_name", ""), theme_style=ft.TextThemeStyle.TITLE_MEDIUM),
            ft.Text(address_text(household.get("address"))),
            w.muted(" ".join(phones[:2])) if phones else ft.Container(),
            ft.Row(tags, wrap=True, spacing=4) if tags else ft.Container(),
        ],
        spacing=2,
    )
    return w.card(body, on_click=lambda _e: ctx.navigate(f"/households/{household['id']}"))


# --- archive ---------------------------------------------------------------------
def build_archive(ctx: AppContext) -> ft.Control:
    ctx.state["back"] = "/households"
    ctx.state["title"] = ctx.t("household.title")
    hid = ctx.params.get("id", "")
    if ctx.services.households.get_household(hid) is None:
        return w.empty(ctx.t("household.not_found"))
    archive = ctx.services.households.household_archive(hid)
    household = archive.household
    days = archive.cadence.days_since_visit if archive.cadence else None
    actions = [
        w.primary_button(
            ctx.t("household.new_visit"),
            lambda _e: ctx.navigate(f"/households/{hid}/visit"),
            icon=ft.Icons.EDIT_NOTE,
        )
    ]
    if ctx.role != "volunteer":
        actions.append(
            w.secondary_button(
                ctx.t("household.edit"),
                lambda _e: ctx.navigate(f"/households/{hid}/edit"),
                icon=ft.Icons.EDIT,
            )
        )
    return ft.Column(
        [
            ft.Text(household.get("head_name", ""), theme_style=ft.TextThemeStyle.HEADLINE_SMALL),
            ft.Text(address_text(household.get("address"))),
            ft.Text(since_visit_text(ctx.language, days)),
            ft.Row([w.tag_chip(ctx.t("tag." + t)) for t in archive.tags], wrap=True, spacing=4),
            ft.Row(actions),
            w.section(ctx.t("household.members"), member_rows(ctx, household)),
            w.section(ctx.t("household.open_needs"), need_rows(ctx, archive.open_needs)),
            w.section(ctx.t("household.photos"), [photo_strip(ctx, archive.photos)]),
            w.section(
                ctx.t("household.diary"),
                [entry_card(ctx, e) for e in archive.entries] or [w.empty(ctx.t("app.none"))],
            ),
        ],
        spacing=12,
    )


def member_rows(ctx: AppContext, household: dict[str, Any]) -> list[ft.Control]:
    rows = []
    for member in household.get("members") or []:
        bits = [member.get("name", "")]
        if member.get("relation"):
            bits.append(ctx.t("relation." + member["relation"]))
        if member.get("birth_year"):
            bits.append(str(member["birth_year"]))
        rows.append(
            ft.Column(
                [
                    ft.Text(" · ".join(bits)),
                    w.muted(" ".join(x for x in (member.get("phone"), member.get("id_number")) if x)),
                ],
                spacing=0,
            )
        )
    return rows or [w.empty(ctx.t("app.none"))]


def need_rows(ctx: AppContext, needs: list[dict[str, Any]]) -> list[ft.Control]:
    from fieldapp.views.format import today_local

    rows = []
    for need in needs:
        text, state = deadline_text(ctx.language, need["deadline"], today_local())
        color = (
            ft.Colors.RED_700 if state == "overdue" else ft.Colors.ORANGE_800 if state == "due_soon" else None
        )
        rows.append(
            ft.ListTile(
                title=ft.Text(need.get("title", "")),
                subtitle=ft.Text(f"{ctx.t('need_status.' + need['status'])} · {text}", color=color),
                on_click=lambda _e, nid=need["id"]: ctx.navigate(f"/needs/{nid}"),
            )
        )
    return rows or [w.empty(ctx.t("app.none"))]


def photo_strip(ctx: AppContext, photos: list[dict[str, Any]]) -> ft.Control:
    thumbs = [w.thumbnail(_path(ctx.services.diary.photo_path(p["sha256"], thumb=True))) for p in photos[:12]]
    return ft.Row(thumbs, wrap=True, spacing=6) if thumbs else w.empty(ctx.t("app.none"))


def _path(value: str | None) -> Any:
    from pathlib import Path

    return Path(value) if value else None


def entry_card(ctx: AppContext, entry: dict[str, Any]) -> ft.Control:
    svc = ctx.services
    categories = [
        w.tag_chip(ctx.t("category." + c), ft.Colors.GREEN_100) for c in entry.get("categories") or []
    ]
    comments = [
        ft.Container(
            ft.Column(
                [
                    ft.Text(
                        f"{ctx.t('household.comment')} · {svc.people.display_name(c.get('author_id'))}",
                        weight=ft.FontWeight.BOLD,
                        theme_style=ft.TextThemeStyle.LABEL_MEDIUM,
                    ),
                    ft.Text(c.get("text", "")),
                ],
                spacing=2,
            ),
            bgcolor=ft.Colors.AMBER_50,
            padding=8,
            border_radius=ft.BorderRadius.all(6),
        )
        for c in svc.comments.comments_for(entry["id"])
    ]
    thumbs = [
        w.thumbnail(_path(svc.diary.photo_path(p["sha256"], thumb=True)), 64)
        for p in entry.get("photos") or []
    ]
    return w.card(
        ft.Column(
            [
                ft.Text(
                    f"{datetime_text(ctx.language, entry.get('visited_at'))} · "
                    f"{ctx.t('visit.' + entry.get('kind', ''))}",
                    weight=ft.FontWeight.BOLD,
                ),
                w.muted(svc.people.display_name(entry.get("worker_id"))),
                ft.Text(entry.get("notes") or ""),
                ft.Row(categories, wrap=True, spacing=4) if categories else ft.Container(),
                ft.Row(thumbs, wrap=True, spacing=4) if thumbs else ft.Container(),
                *comments,
            ],
            spacing=4,
        )
    )


__all__ = ["build_archive", "build_form", "build_list", "date_text"]
