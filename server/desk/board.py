"""Pending-help board (待办): needs by status, deadline, handling, grid and
assignee, overdue flagged; hand off, escalate (一对接), give to a volunteer
(an errand), close (only after the follow-up, the domain's rule), history."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from fieldapp.domain.deadlines import deadline_state
from fieldapp.domain.enums import (
    OPEN_NEED_STATUSES,
    ErrandStatus,
    ErrandType,
    Handling,
    NeedEventKind,
    NeedStatus,
    Role,
)
from fieldapp.domain.errors import ValidationError
from fieldapp.domain.needs import event_changes
from fieldapp.domain.operation import new_id

from . import queries as q
from .common import fail, invalid, newest_stamp, now_iso, scoped_row, today, write
from .review import household_label

ACTIONS = {"hand_off": NeedEventKind.HANDED_OFF, "escalate": NeedEventKind.ESCALATED,
           "volunteer": NeedEventKind.ASSIGNED_ERRAND, "close": NeedEventKind.CLOSED,
           "accept": NeedEventKind.ACCEPTED, "note": NeedEventKind.NOTE}
TARGET_ROLES = {"hand_off": {Role.WORKER, Role.COORDINATOR, Role.ADMIN},
                "escalate": {Role.WORKER, Role.COORDINATOR, Role.ADMIN},
                "volunteer": {Role.VOLUNTEER}}
MAX_BOARD = 2000


def _choice(value: str | None, allowed: set[str], field: str) -> None:
    if value and value not in allowed:
        fail(422, "bad_choice", field, value[:40])


def board(session: Session, community_id: str, filters: dict[str, Any], names: dict[str, str],
          grid_names: dict[str, str]) -> dict[str, Any]:
    status, handling = filters.get("status"), filters.get("handling")
    _choice(status, set(NeedStatus) | {"active"}, "status")
    _choice(handling, set(Handling), "handling")
    q.ensure_indexes(session)
    extra, params = "", {}
    if status and status != "active":
        extra, params = "AND status = :st", {"st": status}
    elif status == "active":
        extra = "AND status IN ('open', 'accepted', 'escalated')"
    if filters.get("grid_id"):
        extra += " AND grid_id = :g"
        params["g"] = filters["grid_id"]
    day = today()
    items = []
    for need in q.records_of(session, "need", community_id, extra + " ORDER BY deadline, id", params):
        if handling and need.get("handling") != handling:
            continue
        if filters.get("assignee_id") and filters["assignee_id"] not in (need.get("assignee_id"),
                                                                         need.get("owner_id")):
            continue
        state = deadline_state(need["deadline"], day)
        overdue = need.get("status") in OPEN_NEED_STATUSES and state.state == "overdue"
        if filters.get("overdue") and not overdue:
            continue
        items.append({**need, "overdue": overdue, "deadline_state": state.state, "deadline_days": state.days,
                      "owner_name": names.get(need.get("owner_id", ""), ""),
                      "assignee_name": names.get(need.get("assignee_id") or "", ""),
                      "grid_name": grid_names.get(need.get("grid_id", ""), "")})
        if len(items) >= MAX_BOARD:
            break
    items.sort(key=lambda n: (not n["overdue"], n["deadline"], n.get("raised_at", "")))
    return {"items": items, "today": day.isoformat(), "truncated": len(items) >= MAX_BOARD}


def events_of(session: Session, community_id: str, need_id: str) -> list[dict[str, Any]]:
    found = q.records_of(session, "need_event", community_id, "AND CAST(data AS TEXT) LIKE :n",
                         {"n": f"%{need_id}%"})
    return sorted((e for e in found if e.get("need_id") == need_id), key=lambda e: (e.get("at", ""), e["id"]))


def need_detail(session: Session, community_id: str, need_id: str, names: dict[str, str]) -> dict:
    row = scoped_row(session, "need", need_id, community_id)
    need = q.record_of(row)
    household = q.get_record(session, "household", row.household_id) or {}
    events = events_of(session, community_id, need_id)
    for event in events:
        event["actor_name"] = names.get(event.get("actor_id", ""), "")
        event["to_name"] = names.get(event.get("to_user_id") or "", "")
    errands = [e for e in q.records_of(session, "errand", community_id, "AND household_id = :h",
                                       {"h": row.household_id}) if e.get("need_id") == need_id]
    return {"need": need, "household": {**household, "label": household_label(household)},
            "events": events, "errands": errands}


def _target(session: Session, community_id: str, action: str, to_user_id: Any) -> str | None:
    if action not in TARGET_ROLES:
        return None
    if not isinstance(to_user_id, str) or not to_user_id:
        fail(422, "required", "to_user_id")
    people = {u["id"]: u for u in q.users(session, community_id)}
    target = people.get(to_user_id)
    if target is None:
        fail(422, "unknown_user", "to_user_id")
    if target["role"] not in TARGET_ROLES[action]:
        fail(422, "wrong_role", "to_user_id", target["role"])
    return to_user_id


def act(session: Session, principal: Any, community_id: str, need_id: str, body: Any) -> dict[str, Any]:
    """One action on a need: writes the need_event, the need's changed fields
    and (to a volunteer) the errand, each as a server-made op."""
    if not isinstance(body, dict):
        fail(422, "not_object", "body")
    action = body.get("action")
    if action not in ACTIONS:
        fail(422, "bad_choice", "action", str(action)[:40])
    row = scoped_row(session, "need", need_id, community_id)
    need = q.record_of(row)
    to_user_id = _target(session, community_id, action, body.get("to_user_id"))
    note = body.get("note") or ""
    if not isinstance(note, str) or len(note) > 2000:
        fail(422, "too_long", "note")
    at = now_iso()
    kind = ACTIONS[action]
    try:
        changes = event_changes(need, kind, actor_id=principal.user_id, at=at,
                                to_user_id=to_user_id, note=note)
    except ValidationError as err:
        fail(409 if err.code in ("transition_not_allowed", "close_needs_follow_up") else 422,
             err.code, err.field, err.detail or None)
    errand_id = _errand(session, principal, need, row, body, at) if action == "volunteer" else None
    event = {"need_id": need_id, "grid_id": row.grid_id, "kind": kind.value, "actor_id": principal.user_id,
             "at": at}
    if to_user_id:
        event["to_user_id"] = to_user_id
    if note:
        event["note"] = note
    try:
        write(session, principal, "need_event", new_id(), event)
        if changes:
            write(session, principal, "need", need_id, changes, after=newest_stamp(session, "need", need_id))
    except ValidationError as err:
        session.rollback()
        invalid(err)
    session.commit()
    return {"need": q.get_record(session, "need", need_id), "event": event, "errand_id": errand_id}


def _errand(session: Session, principal: Any, need: dict[str, Any], row: Any, body: dict, at: str) -> str:
    errand_type = body.get("errand_type") or ErrandType.OTHER.value
    _choice(errand_type, set(ErrandType), "errand_type")
    errand_id = new_id()
    fields = {"household_id": row.household_id, "grid_id": row.grid_id, "need_id": need["id"],
              "type": errand_type, "details": (body.get("note") or need.get("title", ""))[:2000],
              "volunteer_id": body["to_user_id"], "status": ErrandStatus.ASSIGNED.value, "requested_at": at}
    try:
        write(session, principal, "errand", errand_id, fields)
    except ValidationError as err:
        session.rollback()
        invalid(err)
    return errand_id
