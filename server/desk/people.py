"""People of a community (names for the desk, assignment targets), device
sync status per worker, and the audit log for admins."""
from __future__ import annotations

import contextlib
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from server import accounts
from server.db import schema as s

from . import queries as q
from .review import household_label

MAX_AUDIT = 500


def names_of(session: Session, community_id: str | None) -> dict[str, str]:
    return {u["id"]: u["display_name"] for u in q.users(session, community_id)}


def grid_names_of(session: Session, community_id: str) -> dict[str, str]:
    return {g["id"]: g.get("name", "") for g in q.grids(session, community_id)}


def devices(session: Session, community_id: str) -> dict[str, Any]:
    """Per worker and volunteer: their devices (synced or signed in), whether each is
    signed in now (a live token: what the desk can revoke), and the account's state."""
    people = {u["id"]: u for u in q.users(session, community_id)}
    rows = session.execute(text("SELECT * FROM device_status")).mappings().all()
    signed_in = accounts.signed_in(session)
    by_user: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if row["user_id"] in people:
            by_user.setdefault(row["user_id"], []).append({
                "device": row.get("device"), "last_push_at": _iso(row.get("last_push_at")),
                "last_pull_at": _iso(row.get("last_pull_at")),
                "pending": row.get("pending_reported") or 0, "rejected": row.get("rejected_total") or 0,
                "signed_in": (row["user_id"], row.get("device")) in signed_in,
            })
    for user_id, device in sorted(signed_in):  # signed in, never synced yet
        own = by_user.setdefault(user_id, []) if user_id in people else None
        if own is not None and all(d["device"] != device for d in own):
            own.append({"device": device, "last_push_at": None, "last_pull_at": None, "pending": 0,
                        "rejected": 0, "signed_in": True})
    items = []
    for user in sorted(people.values(), key=lambda u: (u["role"] or "", u["display_name"] or "")):
        if user["role"] not in ("worker", "volunteer"):
            continue
        own = by_user.get(user["id"], [])
        last = max([d["last_push_at"] or "" for d in own] + [d["last_pull_at"] or "" for d in own] + [""])
        items.append({"user_id": user["id"], "display_name": user["display_name"], "role": user["role"],
                      "username": user["username"], "active": user["active"], "grid_ids": user["grid_ids"],
                      "last_sync": last or None, "pending": sum(d["pending"] for d in own),
                      "rejected": sum(d["rejected"] for d in own), "devices": own})
    return {"items": items, "grids": grid_names_of(session, community_id)}


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat().replace("+00:00", "Z")
    return str(value)


def audit_rows(session: Session, limit: int, actor_id: str | None = None) -> dict[str, Any]:
    where, params = "", {"n": max(1, min(limit, MAX_AUDIT))}
    if actor_id:
        where, params["a"] = "WHERE actor_id = :a", actor_id
    rows = session.execute(text(f"SELECT * FROM audit_log {where} ORDER BY at DESC, id DESC LIMIT :n"),
                           params).mappings().all()
    names = names_of(session, None)
    households = _households_of(session, [(r["entity"], r["record_id"]) for r in rows])
    items = []
    for row in rows:
        item = {k: _iso(v) if k == "at" else v for k, v in dict(row).items()}
        if isinstance(item.get("detail"), str):
            with contextlib.suppress(ValueError):
                item["detail"] = q.decode(item["detail"])
        item["actor_name"] = names.get(item.get("actor_id") or "", "")
        record_id = item.get("record_id") or ""
        item["record_name"] = (names.get(record_id, "") if item.get("entity") == "user"
                               else household_label(households.get(record_id)))
        items.append(item)
    return {"items": items}


def _households_of(session: Session, refs: list[tuple[Any, Any]]) -> dict[str, dict[str, Any]]:
    """Record id -> the household it is about (itself, or a diary entry's), for the
    household and diary-entry rows of an audit page: two queries for the whole page."""
    ids = sorted({i for entity, i in refs if entity in ("household", "diary_entry") and isinstance(i, str)})
    if not ids:
        return {}
    r = s.records.c  # records.household_id: a household's own id, an entry's household
    homes = dict(session.execute(select(r.id, r.household_id).where(r.id.in_(ids))).all())
    found = {row.id: q.record_of(row) for row in session.execute(
        select(r.id, r.data).where(r.entity == "household", r.id.in_(sorted(set(homes.values()) - {None}))))}
    return {i: found[h] for i, h in homes.items() if h in found}


def people(session: Session, community_id: str) -> dict[str, Any]:
    return {"items": q.users(session, community_id),
            "grids": [{"id": g["id"], "name": g.get("name", "")} for g in q.grids(session, community_id)]}
