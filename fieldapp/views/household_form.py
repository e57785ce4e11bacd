"""Add / edit a household and its members. An ID number typed in full is
masked by the domain before it is stored; bad input is shown next to its field."""

from __future__ import annotations

from typing import Any

import flet as ft

from fieldapp.domain.enums import Relation, Tag
from fieldapp.domain.errors import ValidationError
from fieldapp.views import widgets as w
from fieldapp.views.context import AppContext

ADDRESS_KEYS = ("street", "building", "unit", "room")
MEMBER_KEYS = ("name", "relation", "birth_year", "phone", "id_number")


def household_fields(values: dict[str, Any]) -> dict[str, Any]:
    """Form values -> the fields `save_household` takes. Empty optional values
    are left out; a birth year that is not a number stays text so the domain
    check names it (not_int) instead of it vanishing."""
    address = {k: values.get(k, "").strip() for k in ADDRESS_KEYS if values.get(k, "").strip()}
    members = [
        member_fields(m) for m in values.get("members", []) if any(str(v or "").strip() for v in m.values())
    ]
    return {
        "head_name": values.get("head_name", "").strip(),
        "address": address,
        "tags": list(values.get("tags", [])),
        "notes": values.get("notes", "").strip(),
        "members": members,
    }


def member_fields(raw: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in MEMBER_KEYS:
        value = str(raw.get(key) or "").strip()
        if not value:
            continue
        out[key] = int(value) if key == "birth_year" and value.isdigit() else value
    return out


def field_key(error_field: str) -> str:
    """'address.building' -> 'building'; 'members[1].phone' -> 'members[1].phone'."""
    return error_field.removeprefix("address.")


class HouseholdForm:
    def __init__(self, ctx: AppContext, household: dict[str, Any] | None) -> None:
        self.ctx = ctx
        self.household = household or {}
        h, address = self.household, self.household.get("address") or {}
        self.boxes: dict[str, ft.TextField] = {
            "head_name": ft.TextField(label=ctx.t("household.head_name"), value=h.get("head_name", "")),
            **{
                k: ft.TextField(label=ctx.t("household." + k), value=address.get(k, "")) for k in ADDRESS_KEYS
            },
            "notes": ft.TextField(
                label=ctx.t("household.notes"), value=h.get("notes", ""), multiline=True, min_lines=2
            ),
        }
        self.tags = set(h.get("tags") or [])
        self.members: list[dict[str, ft.Control]] = []
        self.member_column = ft.Column(spacing=8)
        for member in h.get("members") or []:
            self.add_member(member)

    def add_member(self, member: dict[str, Any] | None = None) -> None:
        member = member or {}
        ctx = self.ctx
        row = {
            "name": ft.TextField(label=ctx.t("member.name"), value=member.get("name", "")),
            "relation": w.dropdown(
                ctx.t("member.relation"),
                [(r.value, ctx.t("relation." + r.value)) for r in Relation],
                member.get("relation"),
            ),
            "birth_year": ft.TextField(
                label=ctx.t("member.birth_year"),
                value=str(member.get("birth_year") or ""),
                keyboard_type=ft.KeyboardType.NUMBER,
            ),
            "phone": ft.TextField(
                label=ctx.t("member.phone"),
                value=member.get("phone", ""),
                keyboard_type=ft.KeyboardType.PHONE,
            ),
            "id_number": ft.TextField(label=ctx.t("member.id_number"), value=member.get("id_number", "")),
        }
        self.members.append(row)
        self.member_column.controls.append(w.card(ft.Column(list(row.values()), spacing=6)))

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: box.value or "" for k, box in self.boxes.items()}
        out["tags"] = [t.value for t in Tag if t.value in self.tags]
        out["members"] = [{k: c.value or "" for k, c in row.items()} for row in self.members]
        return out

    def control_for(self, error_field: str) -> ft.Control | None:
        key = field_key(error_field)
        if key.startswith("members["):
            index = int(key[len("members[") : key.index("]")])
            sub = key.split(".", 1)[1] if "." in key else "name"
            if index < len(self.members):
                return self.members[index].get(sub)
            return None
        return self.boxes.get(key)

    def save(self, _e: ft.Event) -> None:
        for box in [*self.boxes.values(), *[c for row in self.members for c in row.values()]]:
            self.ctx.clear_error(box)
        try:
            saved = self.ctx.services.households.save_household(
                household_fields(self.values()), self.household.get("id")
            )
        except ValidationError as err:
            target = self.control_for(err.field)
            if target is None:
                self.ctx.toast(f"{err.field}: {self.ctx.error_text(err.code, err.detail)}")
            else:
                self.ctx.show_error(target, err.code, err.detail)
            return
        from fieldapp.views import session as sess

        self.ctx.toast(self.ctx.t("app.saved"))
        sess.start_sync(self.ctx)
        self.ctx.navigate(f"/households/{saved['id']}")

    def tag_chips(self) -> ft.Control:
        def flip(tag: str, chip: ft.Chip) -> None:
            self.tags.symmetric_difference_update({tag})
            chip.selected = tag in self.tags

        chips = []
        for tag in Tag:
            chip = ft.Chip(label=ft.Text(self.ctx.t("tag." + tag.value)), selected=tag.value in self.tags)
            chip.on_select = lambda _e, t=tag.value, c=chip: flip(t, c)
            chips.append(chip)
        return ft.Row(chips, wrap=True, spacing=4)

    def build(self) -> ft.Control:
        ctx = self.ctx

        def add(_e: ft.Event) -> None:
            self.add_member()

        return ft.Column(
            [
                *self.boxes.values(),
                w.section(ctx.t("household.tags"), [self.tag_chips()]),
                w.section(
                    ctx.t("household.members"),
                    [
                        self.member_column,
                        w.secondary_button(ctx.t("household.add_member"), add, icon=ft.Icons.PERSON_ADD),
                    ],
                ),
                w.primary_button(ctx.t("app.save"), self.save, icon=ft.Icons.SAVE),
            ],
            spacing=10,
        )


def build_form(ctx: AppContext) -> ft.Control:
    hid = ctx.params.get("id")
    household = ctx.services.households.get_household(hid) if hid else None
    ctx.state["back"] = f"/households/{hid}" if hid else "/households"
    ctx.state["title"] = ctx.t("household.edit") if hid else ctx.t("households.add")
    return HouseholdForm(ctx, household).build()
