"""What every desk route shares: 4xx errors with a reason, the community a
principal may see, server-made operations, and the privacy audit log."""
from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any, NoReturn

from fastapi import HTTPException
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.domain.enums import Role
from fieldapp.domain.errors import ValidationError
from fieldapp.domain.hlc import HybridClock
from fieldapp.domain.operation import make_op

from . import queries as q

DESK_DEVICE = "desk"
_clock = HybridClock("desk")


def fail(status: int, code: str, field: str | None = None, detail: str | None = None) -> NoReturn:
    body: dict[str, Any] = {"code": code}
    if field:
        body["field"] = field
    if detail:
        body["detail"] = detail
    raise HTTPException(status_code=status, detail=body)


def invalid(err: ValidationError) -> NoReturn:
    fail(422, err.code, err.field, err.detail or None)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def today() -> date:
    return datetime.now(UTC).date()


def community_for(session: Session, principal: Any, requested: str | None = None) -> str:
    """Coordinators: their own community only. Admins: any (the requested one,
    else their own, else the first there is)."""
    own = getattr(principal, "community_id", None)
    if principal.role == Role.ADMIN:
        if requested:
            if requested not in q.community_ids(session):
                fail(404, "not_found", "community_id")
            return requested
        if own:
            return own
        ids = q.community_ids(session)
        if not ids:
            fail(404, "not_found", "community_id", "no community yet")
        return ids[0]
    if requested and requested != own:
        fail(403, "forbidden", "community_id")
    if not own:
        fail(403, "forbidden", "community_id", "user has no community")
    return own


def scoped_row(session: Session, entity: str, record_id: str, community_id: str) -> Any:
    """The row, or 404 when absent or outside the community (no existence leak)."""
    row = q.get_row(session, entity, record_id)
    if row is None or row.community_id != community_id:
        fail(404, "not_found", "id", entity)
    return row


def write(session: Session, principal: Any, entity: str, record_id: str, fields: dict[str, Any],
          after: str | None = None) -> None:
    """Apply a server-made op exactly as a push would (it gets a seq and
    reaches the workers on their next pull). `after`: an HLC the op must beat
    (the record's newest field stamp) so a coordinator's edit wins the merge."""
    from server.records import apply_op  # the server core's writer

    if after:
        _clock.observe(after)
    op = make_op(entity, record_id, fields, _clock.now(), principal.user_id, DESK_DEVICE)
    result = apply_op(session, principal, op.to_dict())
    status = getattr(result, "status", None) or (result.get("status") if isinstance(result, dict) else None)
    if status == "rejected":
        reason = getattr(result, "reason", None) or (result.get("reason") if isinstance(result, dict) else {})
        reason = reason or {}
        get = reason.get if isinstance(reason, dict) else (lambda k, d=None: getattr(reason, k, d))
        session.rollback()
        fail(422, get("code", "rejected"), get("field"), get("detail"))


def newest_stamp(session: Session, entity: str, record_id: str) -> str | None:
    row = session.execute(text("SELECT field_hlc FROM records WHERE entity = :e AND id = :i"),
                          {"e": entity, "i": record_id}).first()
    stamps = q.decode(row.field_hlc) if row else {}
    return max(stamps.values()) if stamps else None


def audit(session: Session, principal: Any, action: str, entity: str, record_id: str,
          detail: dict[str, Any] | None = None) -> None:
    """Privacy: who read which special household's record, and when."""
    session.execute(
        text("INSERT INTO audit_log (at, actor_id, action, entity, record_id, detail) "
             "VALUES (:at, :actor, :action, :entity, :rid, :detail)"),
        {"at": now_iso(), "actor": principal.user_id, "action": action, "entity": entity,
         "rid": record_id, "detail": json.dumps(detail or {}, ensure_ascii=False)},
    )
    session.commit()
