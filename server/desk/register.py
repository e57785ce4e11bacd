"""Special-household register (重点人群台账), tag edits, cadence settings (三访)."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from fieldapp.domain.cadence import (
    DEFAULT_CADENCE_DAYS,
    DEFAULT_MONTHLY_VISIT_QUOTA,
    DEFAULT_REGULAR_INTERVAL_DAYS,
    next_due,
)
from fieldapp.domain.enums import Tag
from fieldapp.domain.errors import ValidationError
from fieldapp.domain.records import validate_fields

from . import queries as q
from .common import audit, fail, invalid, newest_stamp, scoped_row, today, write
from .review import household_label

SETTINGS_FIELDS = ("cadence_days", "regular_interval_days", "monthly_visit_quota")


def register(session: Session, community_id: str, tag: str | None, grid_id: str | None,
             overdue_only: bool, grid_names: dict[str, str]) -> dict[str, Any]:
    if tag and tag not in set(Tag):
        fail(422, "bad_choice", "tag", tag[:40])
    q.ensure_indexes(session)
    community = q.get_record(session, "community", community_id) or {}
    day = today()
    last = q.last_visits(session, community_id, "9999")
    items = []
    for household in q.records_of(session, "household", community_id):
        tags = household.get("tags") or []
        if not tags or household.get("archived"):
            continue
        if (tag and tag not in tags) or (grid_id and household.get("grid_id") != grid_id):
            continue
        last_visit = last.get(household["id"])
        due = next_due(tags, last_visit, household["created_at"], community)
        days_overdue = (day - due).days
        if overdue_only and days_overdue <= 0:
            continue
        items.append({
            "id": household["id"], "label": household_label(household),
            "head_name": household.get("head_name"), "grid_id": household.get("grid_id"),
            "grid_name": grid_names.get(household.get("grid_id", ""), ""),
            "tags": tags, "last_visit": last_visit, "due": due.isoformat(),
            "days_overdue": days_overdue, "overdue": days_overdue > 0,
        })
    items.sort(key=lambda i: (-i["days_overdue"], i["label"]))
    return {"items": items, "today": day.isoformat()}


def household_detail(session: Session, principal: Any, community_id: str, household_id: str) -> dict:
    row = scoped_row(session, "household", household_id, community_id)
    household = q.record_of(row)
    if household.get("tags"):
        audit(session, principal, "read_household", "household", household_id, {"tags": household["tags"]})
    entries = q.records_of(session, "diary_entry", community_id,
                           "AND household_id = :h ORDER BY at DESC LIMIT 20", {"h": household_id})
    return {"household": {**household, "label": household_label(household)}, "recent_entries": entries}


def set_tags(session: Session, principal: Any, community_id: str, household_id: str, body: Any) -> dict:
    scoped_row(session, "household", household_id, community_id)
    tags = body.get("tags") if isinstance(body, dict) else None
    try:
        fields = validate_fields("household", {"tags": tags}, creating=False)
    except ValidationError as err:
        invalid(err)
    write(session, principal, "household", household_id, fields,
          after=newest_stamp(session, "household", household_id))
    session.commit()
    return {"id": household_id, "tags": fields["tags"]}


def settings(session: Session, community_id: str) -> dict[str, Any]:
    community = q.get_record(session, "community", community_id)
    if community is None:
        fail(404, "not_found", "community_id")
    return {
        "community_id": community_id, "name": community.get("name", ""),
        "cadence_days": {**DEFAULT_CADENCE_DAYS, **(community.get("cadence_days") or {})},
        "regular_interval_days": community.get("regular_interval_days") or DEFAULT_REGULAR_INTERVAL_DAYS,
        "monthly_visit_quota": (DEFAULT_MONTHLY_VISIT_QUOTA if community.get("monthly_visit_quota") is None
                                else community["monthly_visit_quota"]),
    }


def save_settings(session: Session, principal: Any, community_id: str, body: Any) -> dict[str, Any]:
    settings(session, community_id)  # 404 if missing
    if not isinstance(body, dict) or not body:
        fail(422, "not_object", "body")
    unknown = [k for k in body if k not in SETTINGS_FIELDS]
    if unknown:
        fail(422, "unknown_field", unknown[0])
    try:
        fields = validate_fields("community", body, creating=False)
    except ValidationError as err:
        invalid(err)
    write(session, principal, "community", community_id, fields,
          after=newest_stamp(session, "community", community_id))
    session.commit()
    return settings(session, community_id)
