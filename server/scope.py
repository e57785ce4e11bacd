"""Who may read and write what. Decided on the server for every read and write.

- worker: records whose grid_id is one of their grids (+ their community and
  its users as public records); writes likewise, never moving a record out.
- volunteer: errands assigned to them (+ a minimal view of those households);
  may update only the progress fields of those errands, nothing else.
- coordinator: everything in their community.
- admin: everything.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Integer, Select, and_, bindparam, false, or_, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from fieldapp.domain.enums import Role
from fieldapp.domain.errors import ValidationError
from fieldapp.domain.records import ENTITIES, PARENTS

from .auth import Principal
from .db import schema as s

VOLUNTEER_ERRAND_FIELDS = frozenset({
    "status", "started_at", "done_at", "receipt_photo", "resident_confirmed", "confirmation_note",
    "confirmed_at",
})
VOLUNTEER_HOUSEHOLD_FIELDS = ("id", "grid_id", "address", "head_name", "members", "created_at")
VOLUNTEER_MEMBER_FIELDS = ("name", "relation", "phone")
PUBLIC_ENTITIES = ("community", "user")
# optional references that must exist, in the same grid, when given
OPTIONAL_REFS: dict[str, tuple[str, str]] = {
    "need": ("raised_in_entry_id", "diary_entry"),
    "errand": ("need_id", "need"),
}
# fields that must name the caller when a record is created
SELF_FIELDS: dict[str, str] = {"need_event": "actor_id", "comment": "author_id"}

Lookup = Callable[[str], "tuple[str, dict[str, Any]] | None"]  # id -> (entity, record)


def deny(field: str, code: str, detail: str = "") -> ValidationError:
    return ValidationError(field, code, detail)


# ---------------------------------------------------------------- writes

def check_write(p: Principal, entity: str, record_id: str, stored: dict[str, Any] | None,
                fields: dict[str, Any], lookup: Lookup) -> None:
    """Raise ValidationError unless `p` may apply `fields` to this record."""
    spec = ENTITIES[entity]
    if not spec.client_writable or p.role not in spec.writers:
        raise deny("entity", "forbidden", entity)
    if p.role == Role.VOLUNTEER:
        _check_volunteer_write(p, entity, stored, fields)
        return
    merged = {**(stored or {}), **fields}
    if entity == "community":
        if p.role != Role.ADMIN and record_id != p.community_id:
            raise deny("id", "out_of_scope")
        return
    if entity == "grid":
        if p.role != Role.ADMIN and merged.get("community_id") != p.community_id:
            raise deny("community_id", "out_of_scope")
        return
    for grid_id in {merged.get("grid_id"), (stored or {}).get("grid_id")} - {None}:
        _check_grid(p, grid_id, lookup)
    if stored is None or "grid_id" in fields:
        _check_parents(entity, merged, lookup)
    if stored is None:
        _check_authorship(p, entity, merged)


def _check_volunteer_write(p: Principal, entity: str, stored: dict[str, Any] | None,
                           fields: dict[str, Any]) -> None:
    if entity != "errand" or stored is None:
        raise deny("entity", "forbidden", entity)
    if stored.get("volunteer_id") != p.user_id:
        raise deny("id", "out_of_scope")
    for name in fields:
        if name not in VOLUNTEER_ERRAND_FIELDS:
            raise deny(name, "forbidden")


def _check_grid(p: Principal, grid_id: str, lookup: Lookup) -> None:
    found = lookup(grid_id)
    if found is None or found[0] != "grid":
        raise deny("grid_id", "not_found")
    if p.role == Role.WORKER and grid_id not in p.grid_ids:
        raise deny("grid_id", "out_of_scope")
    if p.role == Role.COORDINATOR and found[1].get("community_id") != p.community_id:
        raise deny("grid_id", "out_of_scope")


def _check_parents(entity: str, merged: dict[str, Any], lookup: Lookup) -> None:
    refs = [(PARENTS.get(entity), True), (OPTIONAL_REFS.get(entity), False)]
    for ref, required in refs:
        if ref is None:
            continue
        field, parent_entity = ref
        parent_id = merged.get(field)
        if parent_id is None and not required:
            continue
        found = lookup(parent_id) if parent_id else None
        if found is None or found[0] != parent_entity:
            raise deny(field, "not_found")
        if found[1].get("grid_id") != merged.get("grid_id"):
            raise deny("grid_id", "grid_mismatch")


def _check_authorship(p: Principal, entity: str, merged: dict[str, Any]) -> None:
    field = SELF_FIELDS.get(entity)
    if entity == "diary_entry" and p.role == Role.WORKER:
        field = "worker_id"
    if field and merged.get(field) != p.user_id:
        raise deny(field, "author_mismatch")


# ---------------------------------------------------------------- reads

def visible_grid_ids(p: Principal, session: Session | None = None) -> frozenset[str] | None:
    """Grids whose records `p` reads; None means every grid (admin).
    A coordinator's grids need `session` (grids of their community)."""
    if p.role == Role.ADMIN:
        return None
    if p.role == Role.WORKER:
        return p.grid_ids
    if p.role == Role.VOLUNTEER or session is None or not p.community_id:
        return frozenset()
    rows = session.execute(select(s.records.c.id).where(
        s.records.c.entity == "grid", s.records.c.community_id == p.community_id))
    return frozenset(r.id for r in rows)


def can_read(p: Principal, entity: str, record: dict[str, Any], session: Session | None = None) -> bool:
    """Whether `p` may read this record (volunteer households need `session`)."""
    if p.role == Role.ADMIN:
        return True
    if entity in PUBLIC_ENTITIES:
        community = record.get("id") if entity == "community" else record.get("community_id")
        return community is not None and community == p.community_id
    if p.role == Role.VOLUNTEER:
        if entity == "errand":
            return record.get("volunteer_id") == p.user_id
        if entity == "household" and session is not None:
            return record.get("id") in volunteer_household_ids(session, p)
        return False
    grid_id = record.get("id") if entity == "grid" else record.get("grid_id")
    grids = visible_grid_ids(p, session)
    return grids is None or grid_id in grids


def volunteer_household_ids(session: Session, p: Principal) -> set[str]:
    r = s.records.c
    rows = session.execute(select(r.household_id).where(r.entity == "errand", r.person_id == p.user_id))
    return {row.household_id for row in rows}


def pull_filters(p: Principal) -> list[ColumnElement[bool]]:
    """SQL conditions on `records` for what `p` pulls, one per index-friendly
    query (their union is the scope; volunteers' errands: see pull.py)."""
    r = s.records.c
    if p.role == Role.ADMIN:
        return [true()]
    if p.role == Role.COORDINATOR:
        return [r.community_id == p.community_id] if p.community_id else [false()]
    # one query per public entity: each an index seek on (entity, community_id, seq)
    public = [and_(r.entity == entity, r.community_id == p.community_id)
              for entity in sorted(PUBLIC_ENTITIES)]
    if p.role == Role.WORKER and p.grid_ids:
        return [r.grid_id.in_(sorted(p.grid_ids)), *public]
    return public


def exit_filters(p: Principal) -> list[ColumnElement[bool]]:
    """SQL conditions on `scope_exits` for the exits `p` pulls, one per index-friendly
    query: a worker, a household that left one of their grids for a grid they do not
    hold, and their own (a grid taken from them); a coordinator, records that left
    their community; a volunteer, their own."""
    e = s.scope_exits.c
    if p.role == Role.COORDINATOR and p.community_id:
        return [e.community_id == p.community_id]
    if p.role == Role.WORKER:
        own = e.user_id == p.user_id  # grids taken from this worker (server/accounts.py)
        if not p.grid_ids:
            return [own]
        grids = sorted(p.grid_ids)
        return [and_(e.grid_id.in_(grids), or_(e.to_grid_id.is_(None), e.to_grid_id.not_in(grids))), own]
    if p.role == Role.VOLUNTEER:
        return [e.user_id == p.user_id]
    return []  # admin: sees everything, nothing ever leaves


# The same scopes as prebuilt statements, one per pull_filters / exit_filters
# condition, with the caller's values as parameters: built once, so a pull pays
# neither statement construction nor SQLAlchemy's cache-key generation (the key
# of a statement object is memoised). Parameters `since` and `count` are added
# by the caller (server/pull.py _first_rows). tests/server/test_scope_queries.py
# checks they return what the filters do.
_r, _e = s.records.c, s.scope_exits.c
PULL_COLUMNS = (_r.id, _r.entity, _r.seq, _r.data, _r.field_hlc, _r.field_by, _r.household_id)
EXIT_COLUMNS = (_e.seq, _e.entity, _e.record_id)


def _paged(table: Any, columns: tuple[Any, ...], condition: ColumnElement[bool]) -> Select[Any]:
    return (select(*columns).where(table.c.seq > bindparam("since", type_=Integer), condition)
            .order_by(table.c.seq).limit(bindparam("count", type_=Integer)))


_ALL_RECORDS = _paged(s.records, PULL_COLUMNS, true())
_COMMUNITY_RECORDS = _paged(s.records, PULL_COLUMNS, _r.community_id == bindparam("community"))
_GRID_RECORDS = _paged(s.records, PULL_COLUMNS, _r.grid_id.in_(bindparam("grids", expanding=True)))
_PUBLIC_RECORDS = _paged(s.records, PULL_COLUMNS, and_(_r.entity == bindparam("entity"),
                                                       _r.community_id == bindparam("community")))
_PUBLIC_RECORDS_NO_COMMUNITY = _paged(s.records, PULL_COLUMNS, and_(_r.entity == bindparam("entity"),
                                                                    _r.community_id.is_(None)))
_COMMUNITY_EXITS = _paged(s.scope_exits, EXIT_COLUMNS, _e.community_id == bindparam("community"))
_GRID_EXITS = _paged(s.scope_exits, EXIT_COLUMNS, and_(
    _e.grid_id.in_(bindparam("grids", expanding=True)),
    or_(_e.to_grid_id.is_(None), _e.to_grid_id.not_in(bindparam("to_grids", expanding=True)))))
_USER_EXITS = _paged(s.scope_exits, EXIT_COLUMNS, _e.user_id == bindparam("user"))

Query = tuple[Select[Any], dict[str, Any]]


def pull_queries(p: Principal) -> list[Query]:
    """pull_filters(p) as (statement, parameters) pairs (not for volunteers: see pull.py)."""
    if p.role == Role.ADMIN:
        return [(_ALL_RECORDS, {})]
    if p.role == Role.COORDINATOR:
        return [(_COMMUNITY_RECORDS, {"community": p.community_id})] if p.community_id else []
    # `community_id == None` in pull_filters is IS NULL: kept as such
    public = ([(_PUBLIC_RECORDS, {"entity": entity, "community": p.community_id})
               for entity in sorted(PUBLIC_ENTITIES)] if p.community_id is not None else
              [(_PUBLIC_RECORDS_NO_COMMUNITY, {"entity": entity}) for entity in sorted(PUBLIC_ENTITIES)])
    if p.role == Role.WORKER and p.grid_ids:
        return [(_GRID_RECORDS, {"grids": sorted(p.grid_ids)}), *public]
    return public


def exit_queries(p: Principal) -> list[Query]:
    """exit_filters(p) as (statement, parameters) pairs."""
    if p.role == Role.COORDINATOR and p.community_id:
        return [(_COMMUNITY_EXITS, {"community": p.community_id})]
    if p.role == Role.WORKER:
        own = (_USER_EXITS, {"user": p.user_id})  # grids taken from this worker (server/accounts.py)
        if not p.grid_ids:
            return [own]
        grids = sorted(p.grid_ids)
        return [(_GRID_EXITS, {"grids": grids, "to_grids": grids}), own]
    if p.role == Role.VOLUNTEER:
        return [(_USER_EXITS, {"user": p.user_id})]
    return []


def pull_filter(p: Principal) -> ColumnElement[bool]:
    """The same scope as one SQL condition."""
    return or_(*pull_filters(p))


def reduce_household(record: dict[str, Any], field_hlc: dict[str, str],
                     field_by: dict[str, str]) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """The minimal household a volunteer sees: address, head, members' name/relation/phone."""
    out = {k: record[k] for k in VOLUNTEER_HOUSEHOLD_FIELDS if k in record}
    members = record.get("members") or []
    out["members"] = [{k: m[k] for k in VOLUNTEER_MEMBER_FIELDS if k in m} for m in members]
    keep = set(VOLUNTEER_HOUSEHOLD_FIELDS)
    return (out, {k: v for k, v in field_hlc.items() if k in keep},
            {k: v for k, v in field_by.items() if k in keep})
