"""New diary entry (民情日记): kind, notes, categories, photos with consent,
needs raised (urgency, handling, deadline defaulted by type, editable).
Saved instantly offline; a draft is kept while typing so nothing is lost."""

from __future__ import annotations

from datetime import date
from typing import Any

import flet as ft

from fieldapp.domain.deadlines import default_deadline
from fieldapp.domain.enums import Handling, ServiceCategory, Urgency, VisitKind
from fieldapp.domain.errors import ValidationError
from fieldapp.views import widgets as w
from fieldapp.views.context import AppContext
from fieldapp.views.format import today_local
from fieldapp.views.photo_picker import pick_images, thumb_from_bytes


def draft_key(household_id: str) -> str:
    return "visit:" + household_id


def default_kind(household: dict[str, Any]) -> str:
    """Special households get the tight-schedule visit (对口访) by default."""
    return VisitKind.SPECIAL.value if household.get("tags") else VisitKind.REGULAR.value


def need_draft(values: dict[str, str], index: int) -> Any:
    """One need card -> services NeedDraft; a bad date names its field."""
    from fieldapp.services import NeedDraft

    deadline = (values.get("deadline") or "").strip() or None
    if deadline is not None:
        try:
            date.fromisoformat(deadline)
        except ValueError:
            raise ValidationError(f"needs[{index}].deadline", "bad_deadline") from None
    return NeedDraft(
        title=(values.get("title") or "").strip(),
        details=(values.get("details") or "").strip(),
        urgency=values.get("urgency") or Urgency.NORMAL.value,
        handling=values.get("handling") or Handling.PROMISED.value,
        deadline=deadline,
    )


def visit_arguments(values: dict[str, Any]) -> dict[str, Any]:
    """Form values -> keyword arguments of services.diary.record_visit (photos added by the caller)."""
    return {
        "kind": values.get("kind") or VisitKind.REGULAR.value,
        "notes": (values.get("notes") or "").strip(),
        "categories": [c.value for c in ServiceCategory if c.value in set(values.get("categories") or [])],
        "needs": [need_draft(n, i) for i, n in enumerate(values.get("needs") or [])],
    }


class NeedCard:
    """One need being raised; the deadline follows the handling type until edited."""

    def __init__(self, form: VisitForm, values: dict[str, str] | None = None) -> None:
        ctx, values = form.ctx, values or {}
        self.form = form
        handling = values.get("handling") or Handling.PROMISED.value
        self.title = ft.TextField(
            label=ctx.t("diary.need_title"), value=values.get("title", ""), on_change=form.changed
        )
        self.urgency = w.dropdown(
            ctx.t("diary.need_urgency"),
            [(u.value, ctx.t("urgency." + u.value)) for u in Urgency],
            values.get("urgency") or Urgency.NORMAL.value,
            form.changed,
        )
        self.handling = w.dropdown(
            ctx.t("diary.need_handling"),
            [(h.value, ctx.t("handling." + h.value)) for h in Handling],
            handling,
            self.on_handling,
        )
        self.deadline = ft.TextField(
            label=ctx.t("diary.need_deadline"),
            value=values.get("deadline") or default_deadline(handling, today_local()).isoformat(),
            on_change=self.on_deadline,
        )
        self.deadline_edited = bool(values.get("deadline_edited"))
        self.control = w.card(
            ft.Column(
                [
                    self.title,
                    self.urgency,
                    self.handling,
                    self.deadline,
                    ft.TextButton(
                        ctx.t("diary.remove_need"),
                        icon=ft.Icons.DELETE,
                        on_click=lambda _e: form.remove_need(self),
                    ),
                ],
                spacing=8,
            )
        )

    def on_handling(self, _e: ft.Event) -> None:
        if not self.deadline_edited:
            self.deadline.value = default_deadline(self.handling.value, today_local()).isoformat()
        self.form.changed()

    def on_deadline(self, _e: ft.Event) -> None:
        self.deadline_edited = True
        self.form.changed()

    def values(self) -> dict[str, Any]:
        return {
            "title": self.title.value or "",
            "urgency": self.urgency.value,
            "handling": self.handling.value,
            "deadline": self.deadline.value or "",
            "deadline_edited": self.deadline_edited,
        }

    def field(self, name: str) -> ft.Control:
        return {
            "title": self.title,
            "urgency": self.urgency,
            "handling": self.handling,
            "deadline": self.deadline,
        }.get(name, self.title)


class VisitForm:
    def __init__(self, ctx: AppContext, household: dict[str, Any]) -> None:
        self.ctx, self.household = ctx, household
        draft = ctx.services.diary.load_draft(draft_key(household["id"])) or {}
        self.restored = bool(draft)
        self.kind = w.dropdown(
            ctx.t("diary.kind"),
            [(k.value, ctx.t("visit." + k.value)) for k in VisitKind],
            draft.get("kind") or default_kind(household),
            self.changed,
        )
        self.notes = ft.TextField(
            label=ctx.t("diary.notes"),
            value=draft.get("notes", ""),
            multiline=True,
            min_lines=3,
            on_change=self.changed,
        )
        self.categories: set[str] = set(draft.get("categories") or [])
        self.photos: list[bytes] = []
        self.photo_row = ft.Row(wrap=True, spacing=6)
        self.consent = ft.Switch(
            label=ctx.t("diary.consent"), value=bool(draft.get("consent", False)), on_change=self.changed
        )
        self.consent_error = ft.Text("", color=ft.Colors.RED_700, visible=False)
        self.needs: list[NeedCard] = []
        self.need_column = ft.Column(spacing=8)
        for values in draft.get("needs") or []:
            self.add_need(values)

    # --- draft ---------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "notes": self.notes.value or "",
            "categories": sorted(self.categories),
            "consent": bool(self.consent.value),
            "needs": [n.values() for n in self.needs],
        }

    def changed(self, _e: ft.Event | None = None) -> None:
        self.ctx.services.diary.save_draft(draft_key(self.household["id"]), self.values())

    # --- parts -----------------------------------------------------------------
    def add_need(self, values: dict[str, Any] | None = None) -> None:
        card = NeedCard(self, values)
        self.needs.append(card)
        self.need_column.controls.append(card.control)

    def on_add_need(self, _e: ft.Event) -> None:
        self.add_need()
        self.changed()

    def remove_need(self, card: NeedCard) -> None:
        self.needs.remove(card)
        self.need_column.controls.remove(card.control)
        self.changed()

    def category_chips(self) -> ft.Control:
        def flip(code: str, chip: ft.Chip) -> None:
            self.categories.symmetric_difference_update({code})
            chip.selected = code in self.categories
            self.changed()

        chips = []
        for cat in ServiceCategory:
            chip = ft.Chip(
                label=ft.Text(self.ctx.t("category." + cat.value)), selected=cat.value in self.categories
            )
            chip.on_select = lambda _e, c=cat.value, ch=chip: flip(c, ch)
            chips.append(chip)
        return ft.Row(chips, wrap=True, spacing=4)

    async def pick_photos(self, _e: ft.Event) -> None:
        for _name, data in await pick_images(self.ctx.page):
            self.photos.append(data)
            self.photo_row.controls.append(thumb_from_bytes(data))
        if self.photos:
            self.ctx.toast(self.ctx.t("diary.photo_added"))
        self.ctx.page.update()

    # --- save ------------------------------------------------------------------
    def clear_errors(self) -> None:
        for control in [
            self.kind,
            self.notes,
            *[n.field(f) for n in self.needs for f in ("title", "urgency", "handling", "deadline")],
        ]:
            self.ctx.clear_error(control)
        self.consent_error.visible = False

    def control_for(self, error_field: str) -> ft.Control | None:
        if error_field.startswith("needs["):
            index = int(error_field[len("needs[") : error_field.index("]")])
            name = error_field.split(".", 1)[1] if "." in error_field else "title"
            return self.needs[index].field(name) if index < len(self.needs) else None
        if error_field.startswith("photos"):
            return self.consent_error
        return {"kind": self.kind, "notes": self.notes}.get(error_field)

    def save(self, _e: ft.Event) -> None:
        from fieldapp.services import PhotoInput

        self.clear_errors()
        try:
            args = visit_arguments(self.values())
            photos = [PhotoInput(data, consent=bool(self.consent.value)) for data in self.photos]
            self.ctx.services.diary.record_visit(self.household["id"], photos=photos, **args)
        except ValidationError as err:
            self.show(err)
            return
        self.ctx.services.diary.clear_draft(draft_key(self.household["id"]))
        self.ctx.toast(self.ctx.t("diary.saved"))
        from fieldapp.views import session as sess

        sess.start_sync(self.ctx)
        self.ctx.navigate(f"/households/{self.household['id']}")

    def show(self, err: ValidationError) -> None:
        target = self.control_for(err.field)
        if target is self.consent_error:
            self.consent_error.value = self.ctx.error_text(err.code, err.detail)
            self.consent_error.visible = True
        elif target is not None:
            self.ctx.show_error(target, err.code, err.detail)
        else:
            self.ctx.toast(f"{err.field}: {self.ctx.error_text(err.code, err.detail)}")

    def build(self) -> ft.Control:
        ctx = self.ctx
        if self.restored:
            ctx.toast(ctx.t("diary.draft_restored"))
        return ft.Column(
            [
                ft.Text(self.household.get("head_name", ""), theme_style=ft.TextThemeStyle.TITLE_LARGE),
                self.kind,
                self.notes,
                w.section(ctx.t("diary.categories"), [self.category_chips()]),
                w.section(
                    ctx.t("diary.photos"),
                    [
                        w.secondary_button(
                            ctx.t("diary.add_photo"), self.pick_photos, icon=ft.Icons.PHOTO_CAMERA
                        ),
                        self.photo_row,
                        self.consent,
                        self.consent_error,
                    ],
                ),
                w.section(
                    ctx.t("household.open_needs"),
                    [
                        self.need_column,
                        w.secondary_button(ctx.t("diary.add_need"), self.on_add_need, icon=ft.Icons.ADD_TASK),
                    ],
                ),
                w.primary_button(ctx.t("diary.save"), self.save, icon=ft.Icons.SAVE),
            ],
            spacing=12,
        )


def build(ctx: AppContext) -> ft.Control:
    hid = ctx.params.get("id", "")
    household = ctx.services.households.get_household(hid)
    ctx.state["back"] = f"/households/{hid}"
    ctx.state["title"] = ctx.t("diary.title")
    if household is None:
        return w.empty(ctx.t("household.not_found"))
    return VisitForm(ctx, household).build()
