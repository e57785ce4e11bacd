"""The operation: the unit of change that travels from app to server.

{op_id, entity, id, fields, hlc, author, device} — see DESIGN.md "Sync".
"""
from __future__ import annotations

import re
import uuid
from dataclasses import asdict, dataclass
from typing import Any

from . import checks as c
from .errors import ValidationError
from .hlc import Stamp
from .records import spec_of

DEVICE_RE = re.compile(r"^[A-Za-z0-9_.-]{1,64}\Z")  # \Z: "$" would accept a trailing newline
OP_KEYS = {"op_id", "entity", "id", "fields", "hlc", "author", "device"}


@dataclass(frozen=True)
class Operation:
    op_id: str
    entity: str
    id: str
    fields: dict[str, Any]
    hlc: str
    author: str
    device: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: Any) -> Operation:
        """Check the envelope (not the fields: they need the current record)."""
        if not isinstance(raw, dict):
            raise ValidationError("op", "not_object")
        missing = OP_KEYS - set(raw)
        if missing:
            raise ValidationError(sorted(missing)[0], "required")
        extra = set(raw) - OP_KEYS
        if extra:
            raise ValidationError(sorted(extra)[0], "unknown_field")
        spec_of(raw["entity"])  # raises unknown_entity
        try:
            Stamp.parse(raw["hlc"])
        except ValueError:
            raise ValidationError("hlc", "bad_hlc") from None
        if not isinstance(raw["device"], str) or not DEVICE_RE.match(raw["device"]):
            raise ValidationError("device", "bad_device")
        if not isinstance(raw["fields"], dict) or not raw["fields"]:
            raise ValidationError("fields", "not_object")
        return cls(
            op_id=c.uuid_str("op_id", raw["op_id"]),
            entity=raw["entity"],
            id=c.uuid_str("id", raw["id"]),
            fields=raw["fields"],
            hlc=raw["hlc"],
            author=c.uuid_str("author", raw["author"]),
            device=raw["device"],
        )


def new_id() -> str:
    return str(uuid.uuid4())


def make_op(
    entity: str, record_id: str, fields: dict[str, Any], hlc: str, author: str, device: str
) -> Operation:
    return Operation(new_id(), entity, record_id, fields, hlc, author, device)
