"""A conflict in words a person can judge: the field's label, both values in
readable form (members as names, codes as their labels, times in local form,
"—" for nothing), which record it is and who made the other change.
Plain Python over a services.ConflictReview; tested in tests/app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fieldapp.views.context import translate
from fieldapp.views.format import address_text, date_text, datetime_text

# Fields holding a code, and the label family of that code (fieldapp.domain.labels).
CODE_LABELS: dict[str, str] = {
    "tags": "tag", "categories": "category", "urgency": "urgency", "handling": "handling",
    "relation": "relation", "satisfaction": "satisfaction", "role": "role",
}
ENTITY_CODE_LABELS: dict[tuple[str, str], str] = {
    ("need", "status"): "need_status", ("errand", "status"): "errand_status",
    ("errand", "type"): "errand_type", ("diary_entry", "kind"): "visit", ("need_event", "kind"): "need_event",
}
DAY_FIELDS = {"deadline"}
TIME_FIELDS = {"at", "created_at", "visited_at", "raised_at", "resolved_at", "closed_at", "requested_at",
               "started_at", "done_at", "confirmed_at"}
PHOTO_FIELDS = {"receipt_photo"}


@dataclass(frozen=True)
class ConflictText:
    record: str  # "住户 · 张红梅 · 幸福小区 9栋 101"
    field: str  # "备注"
    mine: str
    theirs: str
    changed_by: str  # "李淑华 于 2026年3月10日 14:03 修改", "" when nothing is known


def field_label(lang: str, entity: str, field: str) -> str:
    key = f"field.{entity}.{field}"
    text = translate(lang, key)
    return field if text == key else text


def code_label(lang: str, family: str, code: Any) -> str:
    key = f"{family}.{code}"
    text = translate(lang, key)
    return str(code) if text == key else text


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def joined(lang: str, parts: list[str]) -> str:
    parts = [p for p in parts if p]
    return translate(lang, "app.list_sep").join(parts) if parts else translate(lang, "app.empty_value")


def member_text(lang: str, member: dict[str, Any], detailed: bool = False) -> str:
    """张红梅（户主）; detailed adds birth year and phone (when names alone look the same)."""
    name = str(member.get("name") or translate(lang, "app.empty_value"))
    extra = [code_label(lang, "relation", member["relation"])] if member.get("relation") else []
    if detailed:
        extra += [str(member[k]) for k in ("birth_year", "phone") if member.get(k)]
    if not extra:
        return name
    return f"{name}（{'，'.join(extra)}）" if lang == "zh-CN" else f"{name} ({', '.join(extra)})"


def follow_up_text(lang: str, value: dict[str, Any], names: dict[str, str]) -> str:
    parts = [
        code_label(lang, "satisfaction", value.get("satisfaction", "")),
        datetime_text(lang, value.get("at")),
        names.get(value.get("by") or "", ""),
        str(value.get("notes") or ""),
    ]
    return " · ".join(p for p in parts if p)


def value_text(lang: str, entity: str, field: str, value: Any, names: dict[str, str] | None = None,
               detailed: bool = False) -> str:
    """One value as a person reads it."""
    names = names or {}
    if is_empty(value):
        return translate(lang, "app.empty_value")
    family = ENTITY_CODE_LABELS.get((entity, field)) or CODE_LABELS.get(field)
    if isinstance(value, bool):
        return translate(lang, "app.yes" if value else "app.no")
    if family:
        codes = value if isinstance(value, list) else [value]
        return joined(lang, [code_label(lang, family, code) for code in codes])
    if field == "members" and isinstance(value, list):
        return joined(lang, [member_text(lang, m, detailed) for m in value if isinstance(m, dict)])
    if field == "address" and isinstance(value, dict):
        return address_text(value) or translate(lang, "app.empty_value")
    if field == "follow_up" and isinstance(value, dict):
        return follow_up_text(lang, value, names)
    if field in PHOTO_FIELDS:
        return translate(lang, "app.photo_held")
    return plain_text(lang, field, value, names)


def plain_text(lang: str, field: str, value: Any, names: dict[str, str]) -> str:
    if field in DAY_FIELDS and isinstance(value, str):
        return date_text(lang, value)
    if field in TIME_FIELDS and isinstance(value, str):
        return datetime_text(lang, value)
    if isinstance(value, str):
        return names.get(value, value)  # a user id shows as the person's name
    if isinstance(value, list):
        return joined(lang, [plain_text(lang, field, v, names) for v in value])
    if isinstance(value, dict):
        return joined(lang, [f"{k}: {plain_text(lang, k, v, names)}" for k, v in value.items()])
    return str(value)


def record_text(lang: str, review: Any) -> str:
    """Which record: the entity's name and what tells it apart to a person."""
    record, household = review.record or {}, review.household or {}
    entity = review.entity
    if entity == "household":
        who = [record.get("head_name", ""), address_text(record.get("address"))]
    elif entity == "need":
        who = [record.get("title", ""), household.get("head_name", "")]
    elif entity == "errand":
        kind = code_label(lang, "errand_type", record["type"]) if record.get("type") else ""
        who = [kind, household.get("head_name", "")]
    elif entity == "diary_entry":
        who = [date_text(lang, record.get("visited_at")), household.get("head_name", "")]
    else:
        who = [str(record.get("name") or record.get("display_name") or "")]
    return " · ".join([translate(lang, "entity." + entity), *[w for w in who if w]])


def changed_by_text(lang: str, review: Any) -> str:
    when = datetime_text(lang, review.theirs_at) if review.theirs_at else ""
    name = review.theirs_by_name
    if name and when:
        return translate(lang, "sync.conflict.by_at", name=name, when=when)
    if name:
        return translate(lang, "sync.conflict.by", name=name)
    if when:
        return translate(lang, "sync.conflict.at", when=when)
    return ""


def conflict_text(lang: str, review: Any) -> ConflictText:
    """Everything the card shows. When both values read the same in brief
    (e.g. members whose phone differs), they are shown in detail."""
    args = (lang, review.entity, review.field)
    mine = value_text(*args, review.mine, review.names)
    theirs = value_text(*args, review.theirs, review.names)
    if mine == theirs:
        mine = value_text(*args, review.mine, review.names, detailed=True)
        theirs = value_text(*args, review.theirs, review.names, detailed=True)
    return ConflictText(record=record_text(lang, review), field=field_label(*args), mine=mine,
                        theirs=theirs, changed_by=changed_by_text(lang, review))
