"""One definition of every record that app and server exchange.

Each entity is a flat dict of fields. An operation carries some of them;
`validate_fields` checks what an operation brings, `check_invariants` checks
the record once merged (e.g. a need closes only after its follow-up visit).
Every record that lives in a grid carries `grid_id`: the server's scope key.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import checks as c
from .enums import (
    ErrandStatus,
    ErrandType,
    Handling,
    NeedEventKind,
    NeedStatus,
    Relation,
    Role,
    Satisfaction,
    ServiceCategory,
    Tag,
    Urgency,
    VisitKind,
)
from .errors import ValidationError


@dataclass(frozen=True)
class FieldSpec:
    check: c.Check
    required: bool = False  # must be present when the record is created
    immutable: bool = False  # may not change after creation


@dataclass(frozen=True)
class EntitySpec:
    name: str
    fields: dict[str, FieldSpec]
    append_only: bool = False  # created once, never updated: no conflicts
    client_writable: bool = True  # False: only the server writes it (users)
    writers: frozenset[str] = field(default_factory=lambda: frozenset(Role))

    def required(self) -> list[str]:
        return [n for n, f in self.fields.items() if f.required]


def F(check: c.Check, required: bool = False, immutable: bool = False) -> FieldSpec:  # noqa: N802
    return FieldSpec(check, required, immutable)


UUID = c.uuid_str
OPT_UUID = c.optional(c.uuid_str)
GRID = F(UUID, required=True)
STAFF = frozenset({Role.COORDINATOR, Role.ADMIN})

ADDRESS = c.obj(
    {
        "building": (c.text(40, allow_empty=False), True),  # 楼 / 栋
        "unit": (c.text(20), False),  # 单元
        "room": (c.text(20), False),  # 室
        "street": (c.text(100), False),  # 街路 / 小区
    }
)
MEMBER = c.obj(
    {
        "name": (c.text(50, allow_empty=False), True),
        "relation": (c.choice(Relation), False),
        "birth_year": (c.integer(1900, 2100), False),
        "phone": (c.phone, False),
        "id_number": (c.masked_id, False),  # masked on validation: never stored whole
    }
)
PHOTO_REF = c.obj(
    {
        "sha256": (c.sha256_hex, True),
        "consent": (c.boolean, True),  # resident agreed to the photo being kept
        "caption": (c.text(200), False),
    }
)
FOLLOW_UP = c.obj(
    {
        "at": (c.timestamp, True),
        "by": (c.uuid_str, True),
        "satisfaction": (c.choice(Satisfaction), True),
        "notes": (c.text(2000), False),
    }
)

ENTITIES: dict[str, EntitySpec] = {
    spec.name: spec
    for spec in [
        EntitySpec(
            "community",
            {
                "name": F(c.text(100, allow_empty=False), required=True),
                "cadence_days": F(c.int_map(Tag, 1, 365)),  # 三访: interval per tag
                "regular_interval_days": F(c.integer(1, 730)),  # 定期访 for every household
                "monthly_visit_quota": F(c.integer(0, 2000)),  # diary entries per worker
            },
            writers=STAFF,
        ),
        EntitySpec(
            "grid",
            {
                "community_id": F(UUID, required=True, immutable=True),
                "name": F(c.text(100, allow_empty=False), required=True),
            },
            writers=STAFF,
        ),
        EntitySpec(
            "user",
            {
                "username": F(c.text(64, allow_empty=False), required=True),
                "display_name": F(c.text(64, allow_empty=False), required=True),
                "role": F(c.choice(Role), required=True),
                "community_id": F(OPT_UUID),
                "grid_ids": F(c.obj_list(c.uuid_str, 50)),
                "phone": F(c.optional(c.phone)),
            },
            client_writable=False,
        ),
        EntitySpec(
            "household",
            {
                "grid_id": GRID,
                "address": F(ADDRESS, required=True),
                "head_name": F(c.text(50, allow_empty=False), required=True),  # 户主
                "members": F(c.obj_list(MEMBER, 30)),
                "tags": F(c.choices(Tag)),
                "notes": F(c.text(2000)),
                "created_at": F(c.timestamp, required=True, immutable=True),
                "archived": F(c.boolean),  # moved away / deceased: kept, not visited
            },
            writers=frozenset({Role.WORKER, Role.COORDINATOR, Role.ADMIN}),
        ),
        EntitySpec(
            "diary_entry",  # 民情日记: one visit
            {
                "household_id": F(UUID, required=True, immutable=True),
                "grid_id": GRID,
                "worker_id": F(UUID, required=True),
                "visited_at": F(c.timestamp, required=True),
                "kind": F(c.choice(VisitKind), required=True),
                "notes": F(c.text(5000)),
                "categories": F(c.choices(ServiceCategory, 14)),
                "photos": F(c.obj_list(PHOTO_REF, 20)),
            },
            append_only=True,
            writers=frozenset({Role.WORKER, Role.COORDINATOR, Role.ADMIN}),
        ),
        EntitySpec(
            "need",  # 诉求: an urgent matter, difficulty or worry
            {
                "household_id": F(UUID, required=True, immutable=True),
                "grid_id": GRID,
                "raised_in_entry_id": F(OPT_UUID, immutable=True),
                "first_responder_id": F(UUID, required=True, immutable=True),  # 首问负责
                "owner_id": F(UUID, required=True),  # owns it until an explicit hand-off
                "assignee_id": F(OPT_UUID),  # staff member or volunteer doing the work
                "title": F(c.text(200, allow_empty=False), required=True),
                "details": F(c.text(5000)),
                "urgency": F(c.choice(Urgency), required=True),
                "handling": F(c.choice(Handling), required=True),
                "deadline": F(c.day, required=True),  # 限期办理
                "status": F(c.choice(NeedStatus), required=True),
                "raised_at": F(c.timestamp, required=True, immutable=True),
                "outcome": F(c.text(2000)),
                "resolved_at": F(c.optional(c.timestamp)),
                "follow_up": F(c.optional(FOLLOW_UP)),  # 回访
                "closed_at": F(c.optional(c.timestamp)),
            },
        ),
        EntitySpec(
            "need_event",  # history of a need: append-only
            {
                "need_id": F(UUID, required=True),
                "grid_id": GRID,
                "kind": F(c.choice(NeedEventKind), required=True),
                "actor_id": F(UUID, required=True),
                "at": F(c.timestamp, required=True),
                "to_user_id": F(OPT_UUID),  # hand-off / escalation / errand target
                "note": F(c.text(2000)),
            },
            append_only=True,
        ),
        EntitySpec(
            "errand",  # 代办: a need handled by a volunteer
            {
                "household_id": F(UUID, required=True, immutable=True),
                "grid_id": GRID,
                "need_id": F(OPT_UUID, immutable=True),
                "type": F(c.choice(ErrandType), required=True),
                "details": F(c.text(2000)),  # e.g. papers needed, so next time it is known
                "volunteer_id": F(OPT_UUID),
                "status": F(c.choice(ErrandStatus), required=True),
                "requested_at": F(c.timestamp, required=True, immutable=True),
                "started_at": F(c.optional(c.timestamp)),
                "done_at": F(c.optional(c.timestamp)),
                "receipt_photo": F(c.optional(c.sha256_hex)),
                "resident_confirmed": F(c.boolean),
                "confirmation_note": F(c.text(500)),
                "confirmed_at": F(c.optional(c.timestamp)),
            },
        ),
        EntitySpec(
            "comment",  # 点评: a coordinator's review of a diary entry
            {
                "entry_id": F(UUID, required=True),
                "grid_id": GRID,
                "author_id": F(UUID, required=True),
                "at": F(c.timestamp, required=True),
                "text": F(c.text(2000, allow_empty=False), required=True),
            },
            append_only=True,
            writers=STAFF,
        ),
    ]
}


# entity -> (field naming its parent, parent entity). A child lives in its parent's
# grid: it moves with its household (server) and leaves a device with it (app).
PARENTS: dict[str, tuple[str, str]] = {
    "diary_entry": ("household_id", "household"),
    "need": ("household_id", "household"),
    "errand": ("household_id", "household"),
    "need_event": ("need_id", "need"),
    "comment": ("entry_id", "diary_entry"),
}


def spec_of(entity: str) -> EntitySpec:
    try:
        return ENTITIES[entity]
    except (KeyError, TypeError):  # TypeError: an unhashable JSON value (list, object)
        raise ValidationError("entity", "unknown_entity", str(entity)[:40]) from None


def validate_fields(entity: str, fields: Any, *, creating: bool) -> dict[str, Any]:
    """Check the fields one operation brings; returns them normalised.
    `creating` is True when no record with this id exists yet."""
    spec = spec_of(entity)
    if not isinstance(fields, dict) or not fields:
        raise ValidationError("fields", "not_object")
    out: dict[str, Any] = {}
    for name, value in fields.items():
        fspec = spec.fields.get(name)
        if fspec is None:
            raise ValidationError(name, "unknown_field")
        if fspec.immutable and not creating:
            raise ValidationError(name, "immutable")
        out[name] = fspec.check(name, value)
    if creating:
        for name in spec.required():
            if out.get(name) is None or out.get(name) == "":
                raise ValidationError(name, "required")
    elif spec.append_only:
        raise ValidationError("id", "append_only")
    return out


def check_invariants(entity: str, record: dict[str, Any]) -> None:
    """Rules over a whole merged record, checked after every merge."""
    if entity == "need":
        status = record.get("status")
        if status == NeedStatus.CLOSED and not record.get("follow_up"):
            raise ValidationError("status", "close_needs_follow_up")
        if status in (NeedStatus.RESOLVED, NeedStatus.CLOSED) and not record.get("outcome"):
            raise ValidationError("outcome", "required")
    elif entity == "errand":
        status = record.get("status")
        if status in (ErrandStatus.DONE, ErrandStatus.CONFIRMED) and not record.get("done_at"):
            raise ValidationError("done_at", "required")
        if status == ErrandStatus.CONFIRMED and not record.get("resident_confirmed"):
            raise ValidationError("resident_confirmed", "required")
        if status != ErrandStatus.REQUESTED and not record.get("volunteer_id"):
            raise ValidationError("volunteer_id", "required")


def validate_record(entity: str, record: dict[str, Any]) -> dict[str, Any]:
    """Validate a complete record (e.g. an imported household)."""
    clean = validate_fields(entity, record, creating=True)
    check_invariants(entity, clean)
    return clean
