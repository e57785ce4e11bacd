"""Account administration: a lost phone, a worker who leaves, a forgotten
password, a worker moved to other grids. Used by the CLI (an operator) and
the desk (a coordinator for the workers and volunteers of their community).

- `revoke_tokens`: a lost or handed-over phone stops syncing at once: its next
  request is refused (401). What is on it stays on it; the owner's other
  phones keep working.
- `set_active(False)`: the account can no longer log in; every token is revoked.
- `set_password`: a new password; every token is revoked, so each phone asks
  for the password again (the app keeps its unsent work through a re-login).
- `set_grids`: a worker's grids. For each grid lost, a scope exit per household
  in it (and one for the grid) addressed to this user, so their phones drop them,
  holding back what still has unsent work until the server has answered it. When
  grids are added, `users.scope_reset_seq` is set to the seq of the updated user
  record: each of the user's devices whose cursor is below it pulls from 0 once
  (server/pull.py), so the added grids' whole history arrives.

Every function works in the caller's writing transaction; the caller commits.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from fieldapp.domain.enums import Role
from fieldapp.domain.errors import ValidationError
from fieldapp.domain.records import validate_fields

from .auth import hash_password
from .db import schema as s
from .exits import exit_row
from .rows import SeqCounter
from .timeutil import now_iso

MIN_PASSWORD = 6


@dataclass(frozen=True)
class Account:
    id: str
    username: str
    display_name: str
    role: str
    community_id: str | None
    grid_ids: tuple[str, ...]
    phone: str | None
    active: bool

    def public(self) -> dict[str, Any]:
        return {"id": self.id, "username": self.username, "display_name": self.display_name,
                "role": self.role, "community_id": self.community_id, "grid_ids": list(self.grid_ids),
                "phone": self.phone, "active": self.active}


def account(session: Session, user_id: str | None = None, username: str | None = None) -> Account:
    """The account by id or username; ValidationError("user", "not_found") if none."""
    u = s.users.c
    where = u.id == user_id if user_id is not None else u.username == username
    row = session.execute(select(u.id, u.username, u.display_name, u.role, u.community_id, u.grid_ids,
                                 u.phone, u.active).where(where)).first()
    if row is None:
        raise ValidationError("user", "not_found", user_id or username or "")
    return Account(row.id, row.username, row.display_name, row.role, row.community_id,
                   tuple(json.loads(row.grid_ids)), row.phone, bool(row.active))


def signed_in(session: Session, user_id: str | None = None) -> set[tuple[str, str]]:
    """(user, device) pairs holding a live token, i.e. signed in there now (of one
    user, or everyone's): what revoke_tokens can cut off."""
    t = s.tokens.c
    where = t.revoked_at.is_(None) & (t.expires_at > now_iso())
    if user_id is not None:
        where &= t.user_id == user_id
    return {(row.user_id, row.device) for row in session.execute(select(t.user_id, t.device).where(where))}


def revoke_tokens(session: Session, user_id: str, device: str | None = None) -> int:
    """Revoke the user's live tokens (on one device, or all); returns how many."""
    t = s.tokens.c
    where = (t.user_id == user_id) & t.revoked_at.is_(None)
    if device is not None:
        where &= t.device == device
    return session.execute(update(s.tokens).where(where).values(revoked_at=now_iso())).rowcount or 0


def set_active(session: Session, user_id: str, active: bool) -> int:
    """Allow or stop the account's logins; stopping revokes every token (returned: how many)."""
    account(session, user_id)
    session.execute(update(s.users).where(s.users.c.id == user_id).values(active=active))
    return 0 if active else revoke_tokens(session, user_id)


def set_password(session: Session, user_id: str, password: str) -> int:
    """A new password; every token is revoked (returned: how many)."""
    account(session, user_id)
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise ValidationError("password", "too_short", str(MIN_PASSWORD))
    session.execute(update(s.users).where(s.users.c.id == user_id)
                    .values(password_hash=hash_password(password)))
    return revoke_tokens(session, user_id)


def set_profile(session: Session, user_id: str, actor_id: str, display_name: str | None = None,
                phone: str | None = None) -> None:
    """A new display name and/or phone, in the account and its public user record."""
    acct = account(session, user_id)
    changes: dict[str, Any] = {}
    if display_name is not None:
        changes["display_name"] = display_name
    if phone is not None:
        changes["phone"] = phone or None
    clean, _seq = _publish(session, acct, actor_id, changes)
    session.execute(update(s.users).where(s.users.c.id == user_id).values(
        display_name=clean["display_name"], phone=clean.get("phone")))


def set_grids(session: Session, user_id: str, grid_ids: list[str], actor_id: str) -> dict[str, Any]:
    """A worker's grids become `grid_ids` (all in the worker's community)."""
    acct = account(session, user_id)
    if acct.role != Role.WORKER:
        raise ValidationError("role", "no_grids", acct.role)
    wanted = _checked_grids(session, acct, grid_ids)
    removed = sorted(set(acct.grid_ids) - set(wanted))
    added = sorted(set(wanted) - set(acct.grid_ids))
    if not removed and not added:
        return {"grid_ids": wanted, "added": [], "removed": [], "exits": 0}
    exits = _exits_for_lost(session, user_id, removed)
    if added:
        _forget_old_exits(session, user_id, added)
    _clean, seq = _publish(session, acct, actor_id, {"grid_ids": wanted})
    values: dict[str, Any] = {"grid_ids": json.dumps(wanted)}
    if added:
        values["scope_reset_seq"] = seq
    session.execute(update(s.users).where(s.users.c.id == user_id).values(**values))
    return {"grid_ids": wanted, "added": added, "removed": removed, "exits": exits}


def _publish(session: Session, acct: Account, actor_id: str,
             changes: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """The account's public user record with `changes`, validated and re-seeded (every
    device of the community gets it on its next pull); returns it and its seq."""
    from .records import seed  # records imports scope, which imports auth: late import

    public = {k: v for k, v in acct.public().items() if k not in ("id", "active")}
    clean = validate_fields("user", {**public, **changes}, creating=True)
    return clean, seed(session, "user", acct.id, clean, actor_id)


def _checked_grids(session: Session, acct: Account, grid_ids: Any) -> list[str]:
    if not isinstance(grid_ids, list) or not all(isinstance(g, str) for g in grid_ids):
        raise ValidationError("grid_ids", "not_list")
    wanted = sorted(set(grid_ids))
    validate_fields("user", {"grid_ids": wanted}, creating=False)  # uuids, at most 50
    r = s.records.c
    found = {row.id: row.community_id for row in session.execute(
        select(r.id, r.community_id).where(r.entity == "grid", r.id.in_(wanted)))}
    for grid_id in wanted:
        if grid_id not in found:
            raise ValidationError("grid_ids", "not_found", grid_id)
        if found[grid_id] != acct.community_id:
            raise ValidationError("grid_ids", "out_of_scope", grid_id)
    return wanted


def _exits_for_lost(session: Session, user_id: str, grids: list[str]) -> int:
    """One exit per household of the lost grids, and one per grid, for this user only."""
    if not grids:
        return 0
    r = s.records.c
    households = session.execute(select(r.id).where(r.entity == "household", r.grid_id.in_(grids))
                                 .order_by(r.id)).scalars().all()
    counter = SeqCounter(session)
    rows = [exit_row(counter.next(), "household", h, user_id=user_id) for h in households]
    rows += [exit_row(counter.next(), "grid", g, user_id=user_id) for g in grids]
    counter.save()
    session.execute(s.scope_exits.insert(), rows)
    return len(rows)


def _forget_old_exits(session: Session, user_id: str, grids: list[str]) -> None:
    """A grid given back: this user's exits for it and its households would drop
    them again during the full pull that follows."""
    r, e = s.records.c, s.scope_exits.c
    households = select(r.id).where(r.entity == "household", r.grid_id.in_(grids))
    session.execute(delete(s.scope_exits).where(
        e.user_id == user_id, e.record_id.in_(households) | e.record_id.in_(grids)))
