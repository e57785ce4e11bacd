"""The desk's account actions (server/accounts.py does the work): a
coordinator manages the workers and volunteers of their community, an admin
anyone but themselves. Each action is one writing transaction and one line in
the audit log; bad input is a 4xx with the reason."""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from fieldapp.domain.enums import Role
from fieldapp.domain.errors import ValidationError
from server import accounts
from server.db import schema as s
from server.db import write_session

from .common import fail, invalid, now_iso

MANAGED_BY_COORDINATOR = (Role.WORKER, Role.VOLUNTEER)
ACTIONS = ("revoke", "deactivate", "activate", "password", "grids")


def act(engine: Engine, principal: Any, community_id: str, user_id: str, body: Any) -> dict[str, Any]:
    """One account action: {"action": revoke|deactivate|activate|password|grids, ...}."""
    if not isinstance(body, dict):
        fail(422, "not_object", "body")
    action = body.get("action")
    if action not in ACTIONS:
        fail(422, "bad_choice", "action", ",".join(ACTIONS))
    with write_session(engine) as session:
        target = _managed(session, principal, community_id, user_id)
        if action == "deactivate" and target.id == principal.user_id:
            fail(422, "self", "user_id")
        try:
            done = _RUN[action](session, target, body, principal.user_id)
        except ValidationError as err:
            session.rollback()
            invalid(err)
        _audit(session, principal, action, target.id, {k: v for k, v in done.items() if k != "user"})
        session.commit()
        done["user"] = accounts.account(session, target.id).public()
    return done


def _managed(session: Session, principal: Any, community_id: str, user_id: str) -> accounts.Account:
    """The account, or 404 when the caller may not manage it (no existence leak)."""
    try:
        target = accounts.account(session, user_id)
    except ValidationError:
        fail(404, "not_found", "user_id")
    if principal.role == Role.ADMIN:
        return target
    if target.community_id != community_id or target.role not in MANAGED_BY_COORDINATOR:
        fail(404, "not_found", "user_id")
    return target


def _revoke(session: Session, target: accounts.Account, body: dict[str, Any], _actor: str) -> dict[str, Any]:
    device = body.get("device")
    if device is not None and (not isinstance(device, str) or not device):
        fail(422, "bad_device", "device")
    return {"device": device, "tokens_revoked": accounts.revoke_tokens(session, target.id, device)}


def _active(value: bool) -> Callable[..., dict[str, Any]]:
    def run(session: Session, target: accounts.Account, _body: dict[str, Any], _actor: str) -> dict[str, Any]:
        return {"active": value, "tokens_revoked": accounts.set_active(session, target.id, value)}

    return run


def _password(session: Session, target: accounts.Account, body: dict[str, Any],
              _actor: str) -> dict[str, Any]:
    return {"tokens_revoked": accounts.set_password(session, target.id, body.get("password"))}


def _grids(session: Session, target: accounts.Account, body: dict[str, Any], actor: str) -> dict[str, Any]:
    return accounts.set_grids(session, target.id, body.get("grid_ids"), actor)


_RUN: dict[str, Callable[..., dict[str, Any]]] = {
    "revoke": _revoke, "deactivate": _active(False), "activate": _active(True), "password": _password,
    "grids": _grids,
}


def _audit(session: Session, principal: Any, action: str, user_id: str, detail: dict[str, Any]) -> None:
    session.execute(s.audit_log.insert().values(
        at=now_iso(), actor_id=principal.user_id, action=f"account_{action}", entity="user",
        record_id=user_id, detail=json.dumps(detail, ensure_ascii=False)))
