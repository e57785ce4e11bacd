"""Review (点评): filter diary entries, page through them, open one with its
photos at full size, its needs and comments, and add a comment."""

from __future__ import annotations

import contextlib
from typing import Any

import flet as ft

from fieldapp.domain.enums import ServiceCategory, Tag
from fieldapp.views import widgets as w
from fieldapp.views.context import AppContext
from fieldapp.views.desk import common as c
from fieldapp.views.format import datetime_text

FILTER_KEYS = ("grid_id", "worker_id", "start", "end", "category", "tag", "has_needs", "q")


def build(ctx: AppContext) -> ft.Control:
    state = ctx.state.setdefault("desk_review", {"filters": {}, "cursors": [None]})
    people = c.attempt(ctx, lambda: c.desk(ctx).people()) or {"items": [], "grids": []}
    controls = _filter_controls(ctx, state["filters"], people)
    page = _load(ctx, state)
    body: list[ft.Control] = [
        ft.Row(
            list(controls.values())
            + [
                c.button(
                    ctx.t("desk.apply"), lambda _e: _apply(ctx, state, controls), ft.Icons.SEARCH
                ),
                ft.TextButton(ctx.t("desk.clear"), on_click=lambda _e: _clear(ctx, state)),
            ],
            wrap=True,
            spacing=8,
        )
    ]
    if page is None:
        return c.frame(ctx, "/desk/review", "desk.nav.review", body)
    body.append(_table(ctx, page["items"]) if page["items"] else w.empty(ctx.t("desk.review.none")))
    body.append(_pager(ctx, state, page.get("next_cursor")))
    return c.frame(ctx, "/desk/review", "desk.nav.review", body)


def _filter_controls(ctx: AppContext, filters: dict[str, Any], people: dict[str, Any]) -> dict[str, Any]:
    workers = [(u["id"], u["display_name"]) for u in people["items"] if u["role"] == "worker"]
    return {
        "grid_id": c.dropdown(
            ctx, "desk.filter.grid", [(g["id"], g["name"]) for g in people["grids"]], filters.get("grid_id")
        ),
        "worker_id": c.dropdown(ctx, "desk.filter.worker", workers, filters.get("worker_id")),
        "start": c.field(ctx, "desk.filter.from", filters.get("start", ""), 130),
        "end": c.field(ctx, "desk.filter.to", filters.get("end", ""), 130),
        "category": c.dropdown(
            ctx,
            "desk.filter.category",
            [(x.value, ctx.t(f"category.{x.value}")) for x in ServiceCategory],
            filters.get("category"),
        ),
        "tag": c.dropdown(
            ctx,
            "desk.filter.tag",
            [("any", ctx.t("desk.tag.any"))] + [(x.value, ctx.t(f"tag.{x.value}")) for x in Tag],
            filters.get("tag"),
            150,
        ),
        "has_needs": c.dropdown(
            ctx,
            "desk.filter.has_needs",
            [("true", ctx.t("desk.yes")), ("false", ctx.t("desk.no"))],
            filters.get("has_needs"),
            130,
        ),
        "q": c.field(ctx, "desk.filter.text", filters.get("q", ""), 180),
    }


def _load(ctx: AppContext, state: dict[str, Any]) -> dict[str, Any] | None:
    filters = dict(state["filters"])
    has_needs = filters.pop("has_needs", None)
    return c.attempt(
        ctx,
        lambda: c.desk(ctx).review(
            has_needs=None if not has_needs else has_needs == "true", cursor=state["cursors"][-1], **filters
        ),
    )


def _apply(ctx: AppContext, state: dict[str, Any], controls: dict[str, Any]) -> None:
    state["filters"] = {
        k: (controls[k].value or "").strip() for k in FILTER_KEYS if (controls[k].value or "").strip()
    }
    state["cursors"] = [None]
    ctx.refresh()


def _clear(ctx: AppContext, state: dict[str, Any]) -> None:
    state["filters"], state["cursors"] = {}, [None]
    ctx.refresh()


def _pager(ctx: AppContext, state: dict[str, Any], next_cursor: str | None) -> ft.Control:
    def go(delta: int) -> None:
        if delta > 0 and next_cursor:
            state["cursors"].append(next_cursor)
        elif delta < 0 and len(state["cursors"]) > 1:
            state["cursors"].pop()
        ctx.refresh()

    return ft.Row(
        [
            ft.OutlinedButton(
                ctx.t("desk.page.previous"), disabled=len(state["cursors"]) <= 1, on_click=lambda _e: go(-1)
            ),
            ft.Text(ctx.t("desk.page.number", n=len(state["cursors"]))),
            ft.OutlinedButton(ctx.t("desk.page.next"), disabled=not next_cursor, on_click=lambda _e: go(1)),
        ]
    )


def _table(ctx: AppContext, items: list[dict[str, Any]]) -> ft.Control:
    columns = [
        ctx.t(k)
        for k in (
            "desk.col.visited",
            "desk.col.grid",
            "desk.col.worker",
            "desk.col.household",
            "desk.col.tags",
            "desk.col.categories",
            "desk.col.notes",
            "desk.col.needs",
            "desk.col.comments",
            "desk.col.open",
        )
    ]
    rows = [
        [
            c.text(datetime_text(ctx.language, i["visited_at"]), 130),
            c.text(i["grid_name"], 70),
            c.text(i["worker_name"], 70),
            c.text(i["household"], 170),
            c.text(c.labels(ctx, "tag", i["tags"]), 90),
            c.text(c.labels(ctx, "category", i["categories"]), 140),
            c.text(i["notes"], 260),
            c.text(i["need_count"] or ""),
            c.text(i["comment_count"] or ""),
            c.open_button(ctx, f"/desk/entries/{i['id']}"),
        ]
        for i in items
    ]
    opens = [lambda _e, i=i: ctx.navigate(f"/desk/entries/{i['id']}") for i in items]
    return c.table(columns, rows, opens)


# ------------------------------------------------------------------ one entry


def build_entry(ctx: AppContext) -> ft.Control:
    entry_id = ctx.params.get("id", "")
    ctx.state["back"] = "/desk/review"
    detail = c.attempt(ctx, lambda: c.desk(ctx).entry(entry_id))
    if detail is None:
        return c.frame(ctx, "/desk/review", "desk.entry.title", [w.empty(ctx.t("desk.entry.missing"))])
    entry, household = detail["entry"], detail["household"]
    facts = ft.Column(
        [
            ft.Text(household.get("label", ""), theme_style=ft.TextThemeStyle.TITLE_LARGE),
            ft.Row([w.tag_chip(ctx.t(f"tag.{t}")) for t in household.get("tags") or []], wrap=True),
            w.muted(
                " · ".join(
                    [
                        datetime_text(ctx.language, entry.get("visited_at")),
                        entry.get("worker_name", ""),
                        c.label(ctx, "visit", entry.get("kind")),
                        c.labels(ctx, "category", entry.get("categories")),
                    ]
                )
            ),
            ft.Text(entry.get("notes") or "", selectable=True),
        ],
        spacing=6,
    )
    body = [
        facts,
        _photos(ctx, detail["photos"]),
        _needs(ctx, detail["needs"]),
        _comments(ctx, entry_id, detail["comments"]),
    ]
    return c.frame(ctx, "/desk/review", "desk.entry.title", body)


def _photos(ctx: AppContext, photos: list[dict[str, Any]]) -> ft.Control:
    if not photos:
        return w.muted(ctx.t("desk.entry.no_photos"))
    images = []
    for photo in photos:
        data = None
        with contextlib.suppress(Exception):  # a photo not uploaded yet: show a placeholder
            data = c.desk(ctx).photo_bytes(photo["sha256"])
        images.append(
            ft.Column(
                [
                    ft.Image(src=data, width=480, fit=ft.BoxFit.CONTAIN) if data else w.thumbnail(None, 240),
                    w.muted(photo.get("caption") or ""),
                ]
            )
        )
    return w.section(ctx.t("desk.entry.photos"), [ft.Row(images, wrap=True, spacing=12)])


def _needs(ctx: AppContext, needs: list[dict[str, Any]]) -> ft.Control:
    if not needs:
        return ft.Container()
    rows = [
        ft.TextButton(
            f"{n['title']} · {ctx.t('need_status.' + n['status'])} · {n['deadline']}",
            on_click=lambda _e, n=n: ctx.navigate(f"/desk/needs/{n['id']}"),
        )
        for n in needs
    ]
    return w.section(ctx.t("desk.entry.needs"), rows)


def _comments(ctx: AppContext, entry_id: str, comments: list[dict[str, Any]]) -> ft.Control:
    shown = [
        ft.Text(f"{datetime_text(ctx.language, x.get('at'))} {x.get('author_name', '')}：{x.get('text', '')}")
        for x in comments
    ] or [w.muted(ctx.t("desk.entry.no_comments"))]
    box = ft.TextField(
        label=ctx.t("desk.entry.comment"),
        multiline=True,
        min_lines=2,
        max_lines=5,
        max_length=2000,
        width=720,
    )

    def send(_e: Any) -> None:
        box.error = None
        done = c.attempt(ctx, lambda: c.desk(ctx).comment(entry_id, box.value or ""), box)
        if done is not None:
            ctx.toast(ctx.t("desk.entry.comment_saved"))
            ctx.refresh()

    return w.section(
        ctx.t("desk.entry.comments"),
        [*shown, box, c.button(ctx.t("desk.entry.send"), send, ft.Icons.SEND)],
    )
