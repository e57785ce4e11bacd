"""Users, hashed passwords, revocable bearer tokens, login rate limits.

Tokens are random (secrets.token_urlsafe(32)); only their SHA-256 is kept,
so a copy of the database does not hand out sessions. Failed logins are
counted per account and per client address within a window; past the limit
login answers 429 with retry_after, even for the right password.
"""
from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection, delete, func, select, update
from sqlalchemy.orm import Session

from fieldapp.domain.enums import Role
from fieldapp.domain.errors import ValidationError
from fieldapp.domain.records import validate_fields

from .config import Settings
from .db import schema as s
from .db import write_session
from .timeutil import ago_iso, iso, now, now_iso

_hasher = PasswordHasher()
# verified against when the username is unknown, so timing does not reveal accounts
_DUMMY_HASH = _hasher.hash("not a password")


@dataclass(frozen=True)
class Principal:
    user_id: str
    username: str
    role: str
    community_id: str | None
    grid_ids: frozenset[str] = field(default_factory=frozenset)
    device: str = ""  # the device the token was issued to
    scope_reset_seq: int | None = None  # grids were added at this seq (server/accounts.py)

    def public(self) -> dict[str, Any]:
        return {"id": self.user_id, "username": self.username, "role": self.role,
                "community_id": self.community_id, "grid_ids": sorted(self.grid_ids)}


class LoginRefused(Exception):  # noqa: N818 -- a refusal, not a fault
    def __init__(self, code: str, status: int, retry_after: int | None = None) -> None:
        super().__init__(code)
        self.code, self.status, self.retry_after = code, status, retry_after


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_public(row: Any) -> dict[str, Any]:
    return {"id": row.id, "username": row.username, "display_name": row.display_name, "role": row.role,
            "community_id": row.community_id, "grid_ids": json.loads(row.grid_ids)}


# ---------------------------------------------------------------- users

def create_user(session: Session, username: str, password: str, role: str, display_name: str,
                community_id: str | None = None, grid_ids: list[str] | None = None,
                phone: str | None = None, user_id: str | None = None) -> str:
    """Insert a user and its public `user` record; returns the id. Caller commits."""
    from .records import seed  # records imports scope, which imports this module

    user_id = user_id or str(uuid.uuid4())
    if len(password) < 6:
        raise ValidationError("password", "too_short", "6")
    public = validate_fields("user", {
        "username": username, "display_name": display_name, "role": Role(role).value,
        "community_id": community_id, "grid_ids": list(grid_ids or []), "phone": phone,
    }, creating=True)
    if session.execute(select(s.users.c.id).where(s.users.c.username == username)).first():
        raise ValidationError("username", "taken", username)
    session.execute(s.users.insert().values(
        id=user_id, username=username, display_name=display_name, role=public["role"],
        community_id=community_id, grid_ids=json.dumps(public["grid_ids"]), phone=phone,
        password_hash=hash_password(password), active=True, created_at=now_iso()))
    seed(session, "user", user_id, public, user_id)
    return user_id


# ---------------------------------------------------------------- login

def login(session: Session, settings: Settings, username: str, password: str, device: str,
          address: str) -> tuple[str, str, dict[str, Any]]:
    """Check the password; returns (token, expires_at, user). Raises LoginRefused."""
    _check_rate(session, settings, username, address)
    row = session.execute(select(s.users).where(s.users.c.username == username)).first()
    ok = _password_ok(row.password_hash if row else _DUMMY_HASH, password) and row is not None and row.active
    session.rollback()  # end the read; the writes below are their own short transaction
    with write_session(session.get_bind()) as writer:
        if not ok:
            writer.execute(s.login_failures.insert().values(username=username[:64], address=address[:64],
                                                            at=now_iso()))
            writer.commit()
            raise LoginRefused("bad_credentials", 401)
        writer.execute(delete(s.login_failures).where(s.login_failures.c.username == username))
        token = secrets.token_urlsafe(32)
        expires_at = iso(now() + timedelta(days=settings.token_days))
        writer.execute(s.tokens.insert().values(token_sha256=token_digest(token), user_id=row.id,
                                                device=device, created_at=now_iso(), expires_at=expires_at))
        writer.commit()
    return token, expires_at, user_public(row)


def _password_ok(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _check_rate(session: Session, settings: Settings, username: str, address: str) -> None:
    since = ago_iso(settings.login_window_s)
    f = s.login_failures.c
    for column, value, limit in ((f.username, username, settings.login_max_failures),
                                 (f.address, address, settings.address_max_failures)):
        count, oldest = session.execute(
            select(func.count(), func.min(f.at)).where(column == value, f.at >= since)).one()
        if count >= limit:
            retry = settings.login_window_s - int((now() - _parse_time(oldest)).total_seconds())
            raise LoginRefused("rate_limited", 429, max(1, retry))


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def revoke(session: Session, token: str) -> None:
    session.rollback()
    with write_session(session.get_bind()) as writer:
        writer.execute(update(s.tokens).where(s.tokens.c.token_sha256 == token_digest(token),
                                              s.tokens.c.revoked_at.is_(None)).values(revoked_at=now_iso()))
        writer.commit()


def principal_for_token(session: Session | Connection, token: str) -> Principal | None:
    """The user behind a live token, or None (unknown, expired, revoked, inactive)."""
    found = _principal_and_expiry(session, token)
    return found[0] if found else None


def _principal_and_expiry(session: Session | Connection, token: str) -> tuple[Principal, str] | None:
    t, u = s.tokens.c, s.users.c
    row = session.execute(
        select(u.id, u.username, u.role, u.community_id, u.grid_ids, u.active, t.expires_at, t.revoked_at,
               t.device, u.scope_reset_seq)
        .join(s.tokens, t.user_id == u.id).where(t.token_sha256 == token_digest(token))
    ).first()
    if row is None or row.revoked_at is not None or not row.active or row.expires_at <= now_iso():
        return None
    return Principal(row.id, row.username, row.role, row.community_id,
                     frozenset(json.loads(row.grid_ids)), row.device, row.scope_reset_seq), row.expires_at

